"""The checks of whole documents and topics: a locale or an edition a topic lacks, a translation
made from an older source or by a machine, a link to an article the corpus does not have, and a
product term rendered otherwise than in the rest of its locale (see :mod:`kb.quality.term_check`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterator
from urllib.parse import unquote, urlsplit

from kb.ingest.docfx import asset_key, from_docset_root, is_api_uid, xref_target
from kb.locales import is_locale_folder, locale_root
from kb.model import Document, Finding, Link, Severity, Topic
from kb.quality.context import SEVERITY, Comparison, Context, comparable, doc_finding
from kb.quality.pairs import edition_groups, freshness, reference
from kb.quality.term_check import inconsistencies
from kb.quality.term_mining import mine

# --- topic checks --------------------------------------------------------------------------------


def absent(topic: Topic, locale: str, ref: Document, sev: Severity, message: str) -> Finding:
    """A ``missing_translation`` finding: no document in ``locale``, ``ref`` named beside it."""
    return Finding(
        kind="missing_translation",
        severity=sev,
        topic=topic.id,
        locale=locale,
        other_locale=ref.locale,
        path=None,
        other_path=ref.path,
        segment=None,
        other_segment=None,
        line=None,
        message=message,
    )


def check_missing_translation(ctx: Context) -> Iterator[Finding]:
    """A locale of the corpus the topic has no document in (warning), or an edition of the topic a
    locale has no document for while other locales do (info)."""
    all_locales = ctx.corpus_locales
    for topic in ctx.topics:
        present = set(topic.locales)
        groups = edition_groups(topic)
        main_docs = groups.get("global") or next(iter(groups.values()))
        ref = reference(main_docs, ctx.options.source)
        for loc in all_locales:
            if loc not in present:
                yield absent(
                    topic,
                    loc,
                    ref,
                    SEVERITY["missing_translation"],
                    f"“{ref.title}” has no {loc} translation (it exists in {', '.join(sorted(present))})",
                )
        for edition, docs in sorted(groups.items()):
            if len(groups) < 2:
                break
            ref = reference(docs, ctx.options.source)
            for loc in sorted(present - set(docs)):
                yield absent(
                    topic,
                    loc,
                    ref,
                    Severity.INFO,
                    f"the {edition} edition of “{ref.title}” has no {loc} document "
                    f"(it exists in {', '.join(sorted(docs))})",
                )


def stale_documents(docs: dict[str, Document]) -> list[tuple[Document, Document]]:
    """(stale document, the newest one) for one edition of a topic: a document whose source hash
    differs from the newest version's, and which is older than it."""
    dated = {loc: d for loc, d in docs.items() if d.translation.source_hash and any(freshness(d))}
    if len(dated) < 2:
        return []
    newest = reference(dated)
    out = []
    for _, doc in sorted(dated.items()):
        if (
            freshness(doc) < freshness(newest)
            and doc.translation.source_hash != newest.translation.source_hash
        ):
            out.append((doc, newest))
    return out


def _when(doc: Document) -> str:
    t = doc.translation
    return f"handed off {t.handoff}" if t.handoff else f"dated {t.date}"


def check_stale(ctx: Context) -> Iterator[Finding]:
    """A translation made from an older version of the source than the newest locale's — or, compared
    with a reference of another source version, from a different one. Versions first: such a pair is
    not compared segment by segment (its content, numbers and links may legitimately differ), so the
    finding says how much differs."""
    reported: set[str] = set()
    for topic in ctx.topics:
        for _, docs in sorted(edition_groups(topic).items()):
            for doc, newest in stale_documents(docs):
                old, new = doc.translation, newest.translation
                reported.add(doc.path)
                yield doc_finding(
                    "stale",
                    topic,
                    doc,
                    f"{doc.locale} was translated from an older source ({(old.source_hash or '')[:7]}, "
                    f"{_when(doc)}) than {newest.locale} ({(new.source_hash or '')[:7]}, {_when(newest)}); "
                    f"update it from the newer source{_summary(ctx, topic, doc, newest)}",
                    other=newest,
                )
    for pair in ctx.pairs:
        if pair.b.path in reported or comparable(ctx, pair) is not Comparison.VERSIONS:
            continue
        reported.add(pair.b.path)
        yield doc_finding(
            "stale",
            pair.topic,
            pair.b,
            f"{pair.b.locale} was translated from another source version "
            f"({(pair.b.translation.source_hash or '')[:7]}) than {pair.a.locale} "
            f"({(pair.a.translation.source_hash or '')[:7]}): its content was not compared"
            f"{_summary(ctx, pair.topic, pair.b, pair.a)}",
            other=pair.a,
        )


def _summary(ctx: Context, topic: Topic, doc: Document, newest: Document) -> str:
    """How much the two versions differ, as the segment alignment sees it."""
    pair = next((p for p in ctx.pairs if p.b is doc and p.a is newest), None)
    if pair is None:
        return ""
    steps = ctx.segment_pairs(pair)
    only_new = sum(len(p.a) for p in steps if not p.b)
    only_old = sum(len(p.b) for p in steps if not p.a)
    if not only_new and not only_old:
        return f" (every block of {newest.locale} has its counterpart: what changed is inside them)"
    return f" ({only_new} block(s) only in {newest.locale}, {only_old} only in {doc.locale})"


def check_machine_translated(ctx: Context) -> Iterator[Finding]:
    """A document marked ``ms.translationtype: MT``."""
    for topic, doc in ctx.documents:
        if doc.translation.type == "MT":
            yield doc_finding(
                "machine_translated",
                topic,
                doc,
                f"{doc.locale} is machine-translated (ms.translationtype: MT): no person has reviewed it",
            )


# --- links to articles ---------------------------------------------------------------------------


def resolve_article(doc_path: str, target: str, known: Collection[str] = ()) -> str | None:
    """The corpus path a relative article link points to (lower case), or None when it leaves the root.
    ``~/…`` names a path from the docset's root: the nearest that is one of the ``known`` paths."""
    path = unquote(urlsplit(target).path).replace("\\", "/")  # ..\\x.md is ../x.md to DocFX
    if path.startswith("~/"):
        return from_docset_root(doc_path.lower(), path.lower(), known.__contains__)
    # "/a/b.md" is relative to the linking document's locale folder (the content root without one: from the
    # site's root, "/pt-br/a/b.md" names the same file); anything else to the linking document's folder
    if path.startswith("/"):
        below = [p for p in path.split("/") if p]
        below = below[1:] if below and is_locale_folder(below[0]) else below
        joined = posixpath.join(locale_root(doc_path), *below)
    else:
        joined = posixpath.join(posixpath.dirname(doc_path), path)
    norm = posixpath.normpath(joined)
    return None if norm.startswith("..") else norm.lower()


def check_broken_links(ctx: Context) -> Iterator[Finding]:
    """A relative link to an article (``.md``) that is not in the corpus, or whose ``#fragment`` names
    no heading or anchor of the article it points to (the page then opens at its top)."""
    for topic, doc in ctx.documents:
        for seg in doc.segments:
            for link in seg.links:
                if (where := _broken(ctx, doc, link)) is not None:
                    message = f"the link “{link.text or link.target}” points to {where}"
                    yield doc_finding("broken_link", topic, doc, message, seg=seg)


def _broken(ctx: Context, doc: Document, link: Link) -> str | None:
    """Where ``doc``'s ``link`` goes wrong; None when it lands, or goes where the corpus cannot tell."""
    if link.kind != "link":
        return None
    target: Document | None = doc
    if (asset := asset_key(link.target)) is not None:
        target = ctx.document_with_uid(asset[0])
        if target is None:
            return f"'{link.target}', whose asset id no document of the corpus has"
    elif link.target.lower().startswith("xref:"):
        uid, _ = xref_target(link.target)
        target = ctx.document_with_uid(uid)
        if target is None:  # an API member's page is elsewhere; an article's uid is the corpus's to have
            return None if is_api_uid(uid) else f"'{link.target}', whose uid no document of the corpus has"
    elif not link.target.startswith("#"):
        if not link.is_article:
            return None
        resolved = resolve_article(doc.path, link.target, ctx.known_paths)
        if resolved is None:
            return f"'{link.target}', which is outside the content folder"
        if resolved not in ctx.known_paths:
            # (from the site's root into none of the content's folders: another docset's page, which the site
            # links on its --link-base, and only the publisher's site can tell whether it is there)
            if link.target.startswith("/") and not ctx.content_folders.names_content(
                    doc.path, urlsplit(link.target).path):
                return None
            return f"'{link.target}', which is not in the corpus"
        target = ctx.document_at(resolved)
    # A text fragment (``#:~:text=API%20key``, ``#setup:~:text=…``) asks the browser to find words, not an
    # element: only what comes before its ``:~:`` names one.
    fragment = unquote(link.target.partition("#")[2]).partition(":~:")[0]
    if target is None or not fragment or fragment in ctx.anchors(target):
        return None
    page = "this article" if target is doc else f"'{target.path}'"
    return f"'#{fragment}', which names no heading or anchor of {page}"


# --- terms ---------------------------------------------------------------------------------------


def check_terms(ctx: Context) -> Iterator[Finding]:
    """One product term rendered differently across a locale's documents (see :mod:`kb.quality.term_check`)."""
    glossary = ctx.options.glossary or mine(ctx.corpus.documents, ctx.alignment)
    topic_of = {d.path: t for t in ctx.alignment.topics for d in t.documents}
    checked = {d.path for _, d in ctx.documents}
    for use in inconsistencies(glossary, ctx.corpus.documents):
        if use.document.path not in checked or use.document.path not in topic_of:
            continue
        yield doc_finding(
            "term_inconsistency",
            topic_of[use.document.path],
            use.document,
            use.message,
            other=use.example,
            seg=use.segment,
        )
