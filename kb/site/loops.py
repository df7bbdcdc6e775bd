"""The longest loops of the site's templates, written out in Python: the rows of a compare page and the
findings listed on it. Jinja spent most of a compare page's time there (a call per cell and per
escaped value); these functions write the very bytes the template loops wrote (``compare.html`` and
``partials/_findings.html`` say where they go)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup


def escape(value: object) -> str:
    """What Jinja's autoescape writes for ``value`` (markupsafe's replacements, in its order), without
    making a Markup object per value."""
    text = str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return text.replace("'", "&#39;").replace('"', "&#34;")


def compare_rows_html(rows: Sequence[Any], lang_a: str, lang_b: str, page_lang: str, t: Any) -> Markup:
    """The ``<tr>`` of every :class:`kb.site.views.CompareRow`, each followed by a newline."""
    la, lb = escape(lang_a), escape(lang_b)
    gap = f'<p class="gap" lang="{escape(page_lang)}">'
    gap_a = f'{gap}{escape(t.fmt("only_in_side", side="B"))}</p>'
    gap_b = f'{gap}{escape(t.fmt("only_in_side", side="A"))}</p>'
    out: list[str] = []
    for row in rows:
        out.append(f'    <tr class="row-{escape(row.status)}">\n      <td data-side="A" lang="{la}">\n')
        out += [f'<p><span class="seg-path">{escape(p)}</span> {escape(x)}</p>' for p, x in row.a]
        out.append(f'{"" if row.a else gap_a}      </td>\n      <td data-side="B" lang="{lb}">\n')
        out += [f'<p><span class="seg-path">{escape(p)}</span> {escape(x)}</p>' for p, x in row.b]
        score = f"{escape('%.0f' % (row.score * 100))}%" if row.status == "matched" else "—"
        out.append(f'{"" if row.b else gap_b}      </td>\n      <td class="score">{score}</td>\n    </tr>\n')
    return Markup("".join(out))


def findings_html(findings: Sequence[Any], t: Any) -> Markup:
    """The ``<li>`` of every finding, each followed by a newline."""
    severity_names = t.severity_names
    out: list[str] = []
    for f in findings:
        path = escape(f.path)
        segment = f' data-segment="{escape(f.segment)}"' if f.segment else ""
        where = f" › <code>{escape(f.segment)}</code>" if f.segment else ""
        if f.line:
            where += f" ({escape(t.fmt('line_n', n=f.line))})"
        out.append(
            f'    <li class="finding finding-{escape(f.severity.value)}" data-kind="{escape(f.kind)}"'
            f' data-path="{path}"{segment}>\n'
            f'      <span class="badge">{escape(severity_names[f.severity.value])}</span>\n'
            f"      <code>{escape(f.kind)}</code>\n"
            f'      <span class="note">{escape(f.locale)} · <code>{path}</code>{where}</span>\n'
            f'      <span class="finding-message">{escape(f.message)}</span>\n'
            "    </li>\n"
        )
    return Markup("".join(out))


def finding_groups(findings: Sequence[Any]) -> list[tuple[str, str, list[Any]]]:
    """(kind, its worst severity, its findings) for each kind, the kinds with errors first, then by
    how many findings they have: the compare page shows each kind collapsed, with its count."""
    groups: dict[str, list[Any]] = {}
    for f in findings:
        groups.setdefault(f.kind, []).append(f)
    rank = {"error": 0, "warning": 1, "info": 2}
    out = []
    for kind, group in groups.items():
        worst = min((f.severity.value for f in group), key=lambda v: rank.get(v, 3))
        out.append((kind, worst, group))
    out.sort(key=lambda g: (rank.get(g[1], 3), -len(g[2]), g[0]))
    return out
