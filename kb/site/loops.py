"""The longest loops of the site's templates, written out in Python: the rows of a compare page, the
findings listed on it, and every page's breadcrumbs and switchers. Jinja spent most of a compare page's
time there (a call per cell and per escaped value; the chrome's macros alone took two fifths of a
compare page, which every locale of the site has); these functions write the very bytes the template
loops wrote (``compare.html``, ``partials/_findings.html`` and ``base.html`` say where they go)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup


def _replace(text: str) -> str:
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return text.replace("'", "&#39;").replace('"', "&#34;")


try:  # markupsafe's own C replacement, when it has one (twice as fast; the site escapes ~600,000 values)
    from markupsafe._speedups import _escape_inner as _escape_text
except ImportError:  # pragma: no cover - the pure-Python markupsafe
    _escape_text = _replace


def escape(value: object) -> str:
    """What Jinja's autoescape writes for ``value`` (markupsafe's replacements, in its order), without
    making a Markup object per value."""
    return _escape_text(str(value))


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


def _lang(value: str | None) -> str:
    return f' lang="{escape(value)}"' if value else ""


def breadcrumbs_html(chrome: Any, t: Any) -> Markup:
    """The page's breadcrumbs (``chrome.breadcrumbs``): a trail of links, the current page last."""
    if not chrome.breadcrumbs:
        return Markup("")
    out = [f'<nav class="breadcrumbs" aria-label="{escape(t.breadcrumbs)}">\n  <ol>\n']
    for crumb in chrome.breadcrumbs:
        label, lang = escape(crumb.label), _lang(crumb.lang)
        if crumb.current:
            out.append(f'    <li><span aria-current="page"{lang}>{label}</span></li>\n')
        elif crumb.href:
            out.append(f'    <li><a href="{escape(crumb.href)}"{lang}>{label}</a></li>\n')
        else:
            out.append(f"    <li><span{lang}>{label}</span></li>\n")
    out.append("  </ol>\n</nav>\n")
    return Markup("".join(out))


def switchers_html(chrome: Any, t: Any) -> Markup:
    """The language switcher (each language's name in that language) and the edition switcher."""
    if not (chrome.languages or chrome.editions):
        return Markup("")
    return Markup(
        '  <div class="switchers">\n'
        f"    {_switcher(chrome.languages, 'languages', t.language, True, chrome, t)}\n"
        f"    {_switcher(chrome.editions, 'editions', t.edition, False, chrome, t)}\n"
        "  </div>\n"
    )


def _switcher(items: Sequence[Any], kind: str, title: str, label_lang: bool, chrome: Any, t: Any) -> str:
    if not items:
        return ""
    out = [
        f'<nav class="switcher switcher-{kind}" aria-labelledby="switch-{kind}">\n'
        f'  <h2 id="switch-{kind}" class="switcher-title">{escape(title)}</h2>\n  <ul>\n'
    ]
    out += [f"    <li>{_switch_item(item, label_lang, chrome, t)}</li>\n" for item in items]
    out.append("  </ul>\n</nav>\n")
    return "".join(out)


def _switch_item(item: Any, label_lang: bool, chrome: Any, t: Any) -> str:
    """The current page, a link (with a note on where it lands), or unavailable."""
    label = f"<span{_lang(item.lang) if label_lang else ''}>{escape(item.label)}</span>"
    if item.current:
        own = f"<span{_lang(item.lang)}>{escape(item.label)}</span>"
        return f'<a class="switch current" href="{escape(item.href)}" aria-current="page">{own}</a>'
    if item.href:
        hreflang = f' hreflang="{escape(item.lang)}"' if item.lang and item.lang != chrome.lang else ""
        note = f' <span class="note">({escape(item.note)})</span>' if item.note else ""
        return f'<a class="switch" href="{escape(item.href)}"{hreflang}>{label}{note}</a>'
    note = f'<span class="note">({escape(item.note or t.unavailable)})</span>'
    return f'<span class="switch unavailable">{label} {note}</span>'
