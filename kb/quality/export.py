"""Exports of aligned segments for translation tools: TMX 1.4, XLIFF 2.0 and CSV.

A *unit* is one block of the reference document of a topic's edition together with its counterpart
in each other locale (a block is one segment, or several when some locale merged or split them).
TMX and CSV hold every locale of a unit; XLIFF is bilingual (``--source`` → ``--target``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from kb.errors import InvalidParameter
from kb.model import Alignment, Corpus, Document, SegmentKind, SegmentPair
from kb.quality.context import select_locales, select_topics
from kb.quality.pairs import edition_groups, reference

FORMATS: tuple[str, ...] = ("tmx", "xliff", "csv", "glossary")
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class Variant:
    """A unit's text in one locale."""

    locale: str
    """BCP 47 tag."""
    path: str
    """The document's path relative to the content root."""
    segment: str
    """Structural path of the (first) segment."""
    text: str
    """The text (several segments joined by a space)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One block of a topic's edition in each locale that has it; the reference locale's first."""

    topic: str
    """Topic id."""
    edition: str
    """The edition the documents belong to."""
    key: str
    """Structural path of the block's first segment in the reference document."""
    variants: tuple[Variant, ...]
    """The block in each locale with a counterpart, the reference first."""


def _pairs(a: Document, b: Document) -> list[SegmentPair]:
    from kb.align.segments import align_segments

    return align_segments(a, b)


def _join(doc: Document, indices: Sequence[int]) -> str:
    return " ".join(doc.segments[i].text for i in sorted(indices))


def _translatable(doc: Document, indices: Sequence[int]) -> bool:
    return all(doc.segments[i].kind is not SegmentKind.CODE for i in indices)


def edition_units(topic: str, edition: str, ref: Document, others: Sequence[Document]) -> list[Unit]:
    """The units of one edition: the reference's blocks, merged wherever some locale merged them,
    each with the locales whose counterpart covers the whole block."""
    # ref segment index -> {locale: (ref indices of the step, other-side indices)}
    steps: dict[str, list[tuple[frozenset[int], tuple[int, ...]]]] = {}
    for doc in others:
        steps[doc.locale] = [
            (frozenset(r.index for r in sp.a), tuple(r.index for r in sp.b))
            for sp in _pairs(ref, doc)
            if sp.a and sp.b
        ]
    parent = list(range(len(ref.segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for locale_steps in steps.values():
        for a, _ in locale_steps:
            first, *rest = sorted(a)
            for i in rest:
                parent[find(i)] = find(first)
    blocks: dict[int, list[int]] = {}
    for i in range(len(ref.segments)):
        blocks.setdefault(find(i), []).append(i)
    units = []
    for block in sorted(blocks.values()):
        if not _translatable(ref, block):
            continue
        variants = [Variant(ref.locale, ref.path, ref.segments[block[0]].path, _join(ref, block))]
        for doc in others:
            mine = [(a, b) for a, b in steps[doc.locale] if a <= set(block)]
            covered = set().union(*(a for a, _ in mine)) if mine else set()
            if covered != set(block):
                continue
            indices = sorted(i for _, b in mine for i in b)
            if _translatable(doc, indices):
                variants.append(
                    Variant(doc.locale, doc.path, doc.segments[indices[0]].path, _join(doc, indices))
                )
        if len(variants) > 1:
            units.append(Unit(topic, edition, ref.segments[block[0]].path, tuple(variants)))
    return units


def units(
    corpus: Corpus,
    alignment: Alignment,
    *,
    source: str | None = None,
    locales: Sequence[str] = (),
    topics: Sequence[str] = (),
) -> list[Unit]:
    """Every unit of the corpus (of ``topics``, limited to ``locales``), in topic order."""
    wanted = set(select_locales(corpus, locales)) if locales else None
    src = select_locales(corpus, [source])[0] if source else None
    out: list[Unit] = []
    for topic in select_topics(alignment, topics):
        for edition, docs in sorted(edition_groups(topic).items()):
            docs = {loc: d for loc, d in docs.items() if wanted is None or loc in wanted}
            if len(docs) < 2:
                continue
            ref = reference(docs, src)
            others = [d for loc, d in sorted(docs.items()) if d is not ref]
            out += edition_units(topic.id, edition, ref, others)
    return out


# --- TMX 1.4 -------------------------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kb")
    except PackageNotFoundError:
        return "0"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        el.text = _xml_text(text)
    return el


_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold."""
    return _INVALID_XML.sub("", text)


def to_tmx(all_units: Sequence[Unit], now: dt.datetime | None = None) -> bytes:
    """A TMX 1.4 document: one ``<tu>`` per unit with one ``<tuv>`` per locale."""
    now = now or dt.datetime.now(dt.UTC)
    root = etree.Element("tmx", version="1.4")
    _sub(
        root,
        "header",
        creationtool="kb",
        creationtoolversion=_version(),
        segtype="paragraph",
        o_tmf="kb",
        adminlang="en",
        srclang="*all*",
        datatype="plaintext",
        creationdate=now.strftime("%Y%m%dT%H%M%SZ"),
    )
    body = _sub(root, "body")
    for unit in all_units:
        tu = _sub(body, "tu", tuid=f"{unit.topic}/{unit.edition}/{unit.key}", srclang=unit.variants[0].locale)
        _sub(tu, "prop", unit.topic, type="x-topic")
        _sub(tu, "prop", unit.edition, type="x-edition")
        for v in unit.variants:
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: v.locale})
            _sub(tuv, "prop", v.path, type="x-path")
            _sub(tuv, "prop", v.segment, type="x-segment")
            _sub(tuv, "seg", v.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- XLIFF 2.0 -----------------------------------------------------------------------------------


def _nmtoken(text: str) -> str:
    """An id usable as an XML NMTOKEN (XLIFF 2.0 ``file``/``unit`` ids)."""
    return re.sub(r"[^\w.\-:]", "_", text) or "_"


def xliff_pairs(
    corpus: Corpus, alignment: Alignment, source: str, target: str, topics: Sequence[str] = ()
) -> list[tuple[Document, Document]]:
    """(source document, target document) for every topic and edition that has both locales."""
    src, tgt = select_locales(corpus, [source, target])
    if src == tgt:
        raise InvalidParameter(f"--target: '{target}' is the source locale; give another")
    out = []
    for topic in select_topics(alignment, topics):
        for _, docs in sorted(edition_groups(topic).items()):
            if src in docs and tgt in docs:
                out.append((docs[src], docs[tgt]))
    return out


def to_xliff(pairs: Sequence[tuple[Document, Document]], source: str, target: str) -> bytes:
    """An XLIFF 2.0 document: one ``<file>`` per source document, one ``<unit>`` per source block
    (the target left out where the translation has no counterpart)."""
    nsmap = {None: XLIFF_NS}
    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap=nsmap, version="2.0", srcLang=source, trgLang=target)
    for n, (src, tgt) in enumerate(pairs, 1):
        file = etree.SubElement(root, f"{{{XLIFF_NS}}}file", id=f"f{n}", original=src.path)
        notes = etree.SubElement(file, f"{{{XLIFF_NS}}}notes")
        _note(notes, f"translation: {tgt.path}", "location")
        _note(notes, src.title, "title")
        used: set[str] = set()
        for sp in _pairs(src, tgt):
            if not sp.a or not _translatable(src, [r.index for r in sp.a]):
                continue
            first = src.segments[sp.a[0].index]
            uid = _nmtoken(first.path)
            while uid in used:
                uid += "_"
            used.add(uid)
            unit = etree.SubElement(file, f"{{{XLIFF_NS}}}unit", id=uid, name=first.path)
            if sp.b:
                un = etree.SubElement(unit, f"{{{XLIFF_NS}}}notes")
                _note(un, f"{tgt.path} {tgt.segments[sp.b[0].index].path}", "location")
            translated = bool(sp.b) and _translatable(tgt, [r.index for r in sp.b])
            seg = etree.SubElement(
                unit, f"{{{XLIFF_NS}}}segment", state="translated" if translated else "initial"
            )
            etree.SubElement(seg, f"{{{XLIFF_NS}}}source").text = _xml_text(
                _join(src, [r.index for r in sp.a])
            )
            if translated:
                etree.SubElement(seg, f"{{{XLIFF_NS}}}target").text = _xml_text(
                    _join(tgt, [r.index for r in sp.b])
                )
        if not used:  # a <file> holds at least one unit
            root.remove(file)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _note(parent: etree._Element, text: str, category: str) -> None:
    etree.SubElement(parent, f"{{{XLIFF_NS}}}note", category=category).text = _xml_text(text)


# --- CSV -----------------------------------------------------------------------------------------


def to_csv(all_units: Sequence[Unit], locales: Sequence[str]) -> str:
    """One row per unit: ``topic, edition, segment`` and the text in each locale (empty where the
    locale has no counterpart)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["topic", "edition", "segment", *locales])
    for unit in all_units:
        texts = {v.locale: v.text for v in unit.variants}
        writer.writerow([unit.topic, unit.edition, unit.key, *(texts.get(loc, "") for loc in locales)])
    return out.getvalue()


# --- the command ---------------------------------------------------------------------------------


def export(
    fmt: str,
    corpus: Corpus,
    alignment: Alignment,
    out: str | Path,
    *,
    source: str | None = None,
    target: str | None = None,
    topics: Sequence[str] = (),
) -> int:
    """Write ``fmt`` for ``corpus`` to ``out``; returns how many units (terms for ``glossary``)."""
    if fmt not in FORMATS:
        raise InvalidParameter(f"format: '{fmt}' is not one of {', '.join(FORMATS)}")
    wanted = [loc for loc in (source, target) if loc]
    if target and not source:
        raise InvalidParameter(f"export {fmt}: --target needs --source (the two locales to export)")
    if fmt == "glossary":
        from kb.quality.glossary import dump
        from kb.quality.term_mining import mine

        g = mine(corpus.documents, alignment)
        write_out(out, dump(g).encode("utf-8"))
        return len(g.terms)
    if fmt == "xliff":
        if not source or not target:
            raise InvalidParameter(
                "export xliff: give --source and --target (e.g. --source pt-BR --target ru-RU)"
            )
        pairs = xliff_pairs(corpus, alignment, source, target, topics)
        write_out(out, to_xliff(pairs, *select_locales(corpus, [source, target])))
        return len(pairs)
    found = units(corpus, alignment, source=source, locales=wanted if target else (), topics=topics)
    if fmt == "tmx":
        write_out(out, to_tmx(found))
    else:
        columns = (
            list(select_locales(corpus, wanted)) if target else sorted({d.locale for d in corpus.documents})
        )
        if source and not target:
            columns.remove(select_locales(corpus, [source])[0])
            columns.insert(0, select_locales(corpus, [source])[0])
        write_out(out, to_csv(found, columns).encode("utf-8"))
    return len(found)


def write_out(out: str | Path, data: bytes) -> None:
    """Write ``data`` to ``--out``. A file (new, or replacing one) is written beside and renamed, so a
    failed export leaves no half file; through a symbolic link, its target is (the link stays). Anything
    else, a pipe or a device (``--out /dev/stdout``), is written to as it is: renaming a file over it
    replaced it, and the reader got nothing."""
    path = Path(out)
    if path.is_dir():
        raise InvalidParameter(f"--out: '{out}' is a folder; give a file name")
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as f:
                f.write(data)
            return
        target = path.resolve() if path.is_symlink() else path
        if not path.parent.is_dir():
            raise InvalidParameter(f"--out: folder '{path.parent}' does not exist")
        if not target.parent.is_dir():
            raise InvalidParameter(f"--out: '{out}' is a link into a folder that does not exist")
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        except OSError:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InvalidParameter(f"--out: cannot write '{out}': {exc.strerror or exc}") from None
