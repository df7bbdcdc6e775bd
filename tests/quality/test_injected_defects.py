"""Defects injected into real translations are still found as errors (issue 22's recall check).

In 40 random documents of each development corpus (fixed seed) four defects are injected at once, each
in a paragraph of its own: a paragraph dropped, a number changed, a link target changed, and a
paragraph left untranslated (the reference's text pasted in its place). Each document is checked
with the other locales of its article, copied to a folder of their own, before and after; a defect
counts as found when a new error of its kind is reported about the document. At least 90% must be.

Documents are drawn among the translations the checks compare segment by segment with their reference
(same source version, confident alignment) that have a paragraph for every defect: the others are
reported as ``stale`` or ``alignment_uncertain`` on purpose.
"""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Severity
from kb.quality.checks import check_corpus, make_context
from kb.quality.context import Comparison, comparable
from tests.conftest import CORPUS

SKYPE = CORPUS.parent / "skype-2024"
DOCUMENTS = 40
SEED = 22
KINDS = {
    "drop": "missing_segment",
    "number": "number_mismatch",
    "link": "link_mismatch",
    "untranslated": "untranslated",
}
_PLAIN = re.compile(r"^(?:[-*+] |\d{1,2}\. )?[^\s#|>*\-+`<!\[:]")  # a paragraph or list item, not a heading,
# table, quote or code
_NUMBER = re.compile(r"(?<![\w.,/:#-])([1-9]\d{0,2})(?![\w.,/:%-])")
_LINK = re.compile(r"\]\(([^)\s#]+\.md|https?://[^)\s]+)(#[^)\s]*)?\)")


def _paragraph_lines(text: str) -> list[int]:
    """Indexes of one-line paragraphs and list items of prose (blank lines around, eight words or more)."""
    lines = text.split("\n")
    body = text.index("\n---", 3) + 4 if text.startswith(("---", "\ufeff---")) else 0
    first = text.count("\n", 0, body) + 1
    return [
        i
        for i in range(max(first, 1), len(lines) - 1)
        if _PLAIN.match(lines[i])
        and not lines[i - 1].strip()
        and not lines[i + 1].strip()
        and len(lines[i].split()) >= 8
    ]


def _articles(root: Path) -> list[str]:
    """Paths (below the locale folder) of the articles at least two locales have."""
    seen: Counter[str] = Counter()
    for loc in sorted(p for p in root.iterdir() if p.is_dir()):
        seen.update(str(f.relative_to(loc)) for f in loc.rglob("*.md"))
    return sorted(p for p, n in seen.items() if n >= 2)


def _copy(root: Path, rel: str, dest: Path) -> None:
    for loc in sorted(p for p in root.iterdir() if p.is_dir()):
        if (loc / rel).is_file():
            (dest / loc.name / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(loc / rel, dest / loc.name / rel)


def _errors(root: Path) -> set[tuple[str, str, str | None, str]]:
    corpus = ingest(root)
    return {
        (f.kind, f.path or "", f.segment, f.message)
        for f in check_corpus(corpus, align(corpus.documents))
        if f.severity is Severity.ERROR
    }


def _target(root: Path, rng: random.Random) -> tuple[Path, Path, dict[int, int]] | None:
    """(the translation's file, its reference's file, translation line → reference line of 1-1
    paragraphs) for a pair compared segment by segment, or None."""
    corpus = ingest(root)
    alignment = align(corpus.documents)
    ctx = make_context(corpus, alignment)
    compared = [p for p in ctx.pairs if comparable(ctx, p) is Comparison.SEGMENTS]
    for pair in rng.sample(compared, min(1, len(compared))):
        lines: dict[int, int] = {}
        for sp in ctx.segment_pairs(pair):
            if len(sp.a) == 1 and len(sp.b) == 1:
                sa, sb = pair.a.segments[sp.a[0].index], pair.b.segments[sp.b[0].index]
                if sa.line and sb.line and sa.kind is sb.kind and sa.kind.value not in ("heading", "code"):
                    # a paragraph or list item line; a table row line (its cells') only takes a link
                    lines[sb.line - 1] = sa.line - 1 if sa.kind.value in ("paragraph", "list_item") else -1
        return root / pair.b.path, root / pair.a.path, lines
    return None


def _inject(target: Path, reference: Path, counterpart: dict[int, int], rng: random.Random) -> dict[str, int] | None:
    """The four defects in four distinct paragraphs of ``target``; None when it lacks a paragraph for one."""
    lines = target.read_text(encoding="utf-8").split("\n")
    ref_lines = reference.read_text(encoding="utf-8").split("\n")
    free = [i for i in _paragraph_lines("\n".join(lines)) if counterpart.get(i, -1) >= 0]
    rng.shuffle(free)
    where: dict[str, int] = {}
    # a link or a number may be in any line of a matched segment (a table row too)
    linked = sorted(i for i in counterpart if _LINK.search(lines[i]))
    rng.shuffle(linked)
    if linked:
        where["link"] = linked[0]
    counted = sorted(i for i in counterpart if _NUMBER.search(_LINK.sub("", lines[i])) and i not in where.values())
    rng.shuffle(counted)
    if counted:
        where["number"] = counted[0]
    for i in free:
        if i in where.values():
            continue
        if "untranslated" not in where and ref_lines[counterpart[i]].strip() != lines[i].strip():
            where["untranslated"] = i
        elif "drop" not in where:
            where["drop"] = i
    if len(where) < 4:
        return None
    m = _LINK.search(lines[where["link"]])
    assert m
    target_link = m.group(1)
    # another article of the folder, or another site's page: a link to the wrong place
    if target_link.endswith(".md"):
        others = sorted(p.name for p in target.parent.glob("*.md") if p.name != Path(target_link).name)
        changed = rng.choice(others) if others else "another-article.md"
    else:
        changed = "https://www.example.com/another-page"
    lines[where["link"]] = lines[where["link"]].replace(f"]({target_link}", f"]({changed}", 1)
    text = lines[where["number"]]
    spans = [(a.start(), a.end()) for a in _LINK.finditer(text)]
    for n in _NUMBER.finditer(text):
        if not any(a <= n.start() < b for a, b in spans):
            lines[where["number"]] = text[: n.start()] + str(int(n.group(1)) * 10 + 7) + text[n.end() :]
            break
    lines[where["untranslated"]] = ref_lines[counterpart[where["untranslated"]]]
    lines[where["drop"]] = "\u0000DROP"
    target.write_text("\n".join(ln for ln in lines if ln != "\u0000DROP"), encoding="utf-8")
    return where


def _recall(root: Path, tmp: Path) -> tuple[Counter[str], Counter[str], list[str]]:
    """(found, injected) per defect over the first DOCUMENTS documents that take all four."""
    rng = random.Random(SEED)
    articles = _articles(root)
    rng.shuffle(articles)
    found: Counter[str] = Counter()
    injected: Counter[str] = Counter()
    missed: list[str] = []
    done = 0
    for n, rel in enumerate(articles):
        if done == DOCUMENTS:
            break
        folder = tmp / f"doc{n}"
        _copy(root, rel, folder)
        target = _target(folder, rng)
        if target is None:
            continue
        before = _errors(folder)
        where = _inject(*target, rng)
        if where is None:
            continue
        done += 1
        path = str(target[0].relative_to(folder))
        new = {kind for kind, p, *_ in _errors(folder) - before if p == path}
        for defect, kind in KINDS.items():
            injected[defect] += 1
            if kind in new:
                found[defect] += 1
            else:
                missed.append(f"{defect}: {path}")
    print(f"{root.name}: {done} documents", dict(found), missed)
    assert done == DOCUMENTS, f"only {done} documents take all four defects"
    return found, injected, missed


def _check(root: Path, tmp: Path) -> None:
    found, injected, missed = _recall(root, tmp)
    total = sum(injected.values())
    assert total == 4 * DOCUMENTS
    share = sum(found.values()) / total
    print(f"{root.name}: {sum(found.values())}/{total} injected defects found ({share:.0%}):", dict(found))
    assert share >= 0.9, missed


def test_injected_defects_are_found_in_the_dev_corpus(corpus_dir: Path, tmp_path: Path) -> None:
    _check(corpus_dir, tmp_path)


@pytest.mark.slow
def test_injected_defects_are_found_in_the_skype_corpus(tmp_path: Path) -> None:
    if not SKYPE.is_dir():
        pytest.skip("the corpus ../shared/corpus/skype-2024 is not present")
    _check(SKYPE, tmp_path)
