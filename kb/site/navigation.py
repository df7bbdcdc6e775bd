"""A locale's navigation from its docsets' ``TOC.md`` and ``toc.yml`` files: every entry resolved to a
page of the locale, the docsets in order (the main one first), and for each article where it sits:
its breadcrumbs, the branch of the tree that leads to it, and the articles before and after it.

The main docset is the one whose tree reaches the most articles of the locale (then the TOC's path):
a rule that holds for any corpus, where a file name (``Archive/TOC.md``) would hold for one. A
docset's tree is rendered whole once per locale (``/{locale}/toc/{name}/``); an article carries only
its branch (each ancestor's siblings, the siblings of a long level cut to a window around it), so a
page of a docset of thousands of entries stays light.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from kb import urls
from kb.align.resolve import serving_member
from kb.ingest.docfx import xref_target
from kb.model import ARTICLE_SUFFIXES, Document, NavNode
from kb.site.data import SiteData
from kb.site.views import ArticleNav, Nav, NavSection, NavTree

Place = tuple[int, ...]
"""The positions of an entry down a tree (``()``: the entry naming a section)."""
WINDOW = 12
"""Siblings shown on each side of the current branch, in a level longer than twice as many."""


@dataclass
class NavIndex:
    """A locale's navigation trees with every entry resolved, and where each document sits in them."""

    sections: tuple[NavSection, ...] = ()
    """The docsets' trees, the main one first."""
    crumbs: dict[str, tuple[Nav, ...]] = field(default_factory=dict)
    """Document path → its ancestors in the navigation (outermost first)."""
    names: dict[str, str] = field(default_factory=dict)
    """Document path → the name of its entry (what its breadcrumb says, as on Learn: a title often carries
    the site's name, ``Funções de banco de dados | Microsoft Docs``)."""
    reached: set[str] = field(default_factory=set)
    places: dict[str, tuple[int, Place]] = field(default_factory=dict)
    """Document path → (its section, the positions down the section's tree to its first entry)."""
    orders: list[list[Nav]] = field(default_factory=list)
    """Per section, its articles in reading order (each once)."""
    homes: dict[str, int] = field(default_factory=dict)
    """The folder of each section's navigation file → the section: an article its tree does not list
    shows the tree of the nearest such folder above it, as DocFX gives it the nearest TOC."""


@dataclass
class _Draft:
    """One TOC file's resolved tree, before the sections are ordered."""

    path: str
    roots: tuple[NavTree, ...]
    docs: dict[str, tuple[int, ...]] = field(default_factory=dict)
    crumbs: dict[str, tuple[Nav, ...]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def build_nav(data: SiteData, locale: str) -> NavIndex:
    drafts = []
    for nav in data.corpus.navigation:
        if nav.locale != locale:
            continue
        draft = _Draft(nav.path, ())
        folder = posixpath.dirname(nav.path)
        roots: list[NavTree] = []
        for node in nav.items:
            tree = _tree(data, locale, folder, node, (), (len(roots),), draft)
            if tree is not None:
                roots.append(tree)
        draft.roots = tuple(roots)
        if draft.docs:  # a TOC that reaches no article (DocFX breadcrumb files) adds nothing
            drafts.append(draft)
    drafts.sort(key=lambda d: (-len(d.docs), d.path))  # the main docset first
    out = NavIndex()
    sections = []
    names: set[str] = set()
    for n, draft in enumerate(drafts):
        section, inner = _section(locale, draft, names)
        sections.append(section)
        out.orders.append(_reading_order(section))
        for path, place in draft.docs.items():
            if path not in out.places:
                out.places[path] = (n, inner(place))
                out.crumbs[path] = draft.crumbs[path]
                out.names[path] = draft.names[path]
        out.reached.update(draft.docs)
        out.homes.setdefault(posixpath.dirname(draft.path), n)
    out.sections = tuple(sections)
    return out


def _tree(
    data: SiteData,
    locale: str,
    folder: str,
    node: NavNode,
    ancestors: tuple[Nav, ...],
    place: tuple[int, ...],
    draft: _Draft,
) -> NavTree | None:
    href, doc, external = _entry(data, locale, folder, draft.path, node.href or "")
    me = Nav(node.title, href, locale)
    children: list[NavTree] = []
    for child in node.children:
        tree = _tree(data, locale, folder, child, (*ancestors, me), (*place, len(children)), draft)
        if tree is not None:
            children.append(tree)
    if doc is not None:
        draft.docs.setdefault(doc.path, place)
        draft.crumbs.setdefault(doc.path, ancestors)
        draft.names.setdefault(doc.path, node.title)
    if href is None and not children:
        return None
    return NavTree(node.title, href, tuple(children), external=external)


def _entry(data: SiteData, locale: str, folder: str, toc_path: str, written: str
           ) -> tuple[str | None, Document | None, bool]:
    """(href, the document, whether another site's) of a navigation entry written ``written`` in ``toc_path``:
    an article of the locale (a uid, ``xref:…``; a relative path; a path from the site's root, ``\\`` or ``/``;
    an address on the publisher's site naming it), else another site's page, kept as Learn's tree keeps it
    (skype-2024 has 192 written ``https://…``; ASP.NET Core's and Graph's name Learn's training and other
    docsets from the site's root, ``/learn/modules/…``: on ``--link-base``), else nothing (an article the corpus
    lacks)."""
    address = re.split(r"[?#]", written.replace("\\", "/"), maxsplit=1)[0]
    doc: Document | None = None
    if written.lower().startswith("xref:"):  # a uid (a toc.yml's 'uid:'): its topic's article in the locale
        named = data.by_uid.get(xref_target(written)[0])
        member = serving_member(data.member_of[named.path][0], locale, prefer=named) if (
            named is not None and named.path in data.member_of) else None
        doc = member.document if member is not None else None
    elif written.lower().startswith(("https://", "http://")):
        doc = data.publisher_page(locale, written)
        if doc is None:
            return written, None, True
    elif address.startswith("/"):
        doc = data.resolve_published(locale, unquote(address))
        if doc is None:
            there = data.beyond_corpus(toc_path, locale, address, written)
            return (there.href, None, True) if there is not None and there.href else (None, None, False)
    elif address.lower().endswith(ARTICLE_SUFFIXES) and "://" not in written:
        doc = data.resolve_path(folder, locale, unquote(address))
    if doc is None or doc.path not in data.member_of or doc.locale != locale:
        return None, None, False
    return data.doc_url(data.member_of[doc.path][1]), doc, False


def _section(locale: str, draft: _Draft, names: set[str]) -> tuple[NavSection, Callable[[Place], Place]]:
    """A docset under its own name: its single root entry, or its first root when that one is a link
    without children (DocFX's "about this docset" entry heading a TOC of several roots); else unnamed
    (the template says "Articles"). With it, how a place in the TOC file becomes one in the section's
    tree (``()``: the entry naming the section)."""
    roots = draft.roots
    folder = posixpath.dirname(draft.path)
    name = _unique(re.sub(r"[^a-z0-9]+", "-", posixpath.basename(folder).lower()).strip("-") or "toc", names)
    toc = urls.toc_path(locale, name)
    size = len(draft.docs)
    if len(roots) == 1:
        root = roots[0]
        href = None if root.external else root.href  # (a section's link is one of its pages)
        return NavSection(root.label, href, root.children, size, toc, draft.path), lambda p: p[1:]
    first = roots[0]
    if first.href and not first.external and not first.children:
        section = NavSection(first.label, first.href, roots[1:], size, toc, draft.path)
        return section, lambda p: () if p == (0,) else (p[0] - 1, *p[1:])
    return NavSection("", None, roots, size, toc, draft.path), lambda p: p


def _unique(name: str, taken: set[str]) -> str:
    n, chosen = 2, name
    while chosen in taken:
        chosen, n = f"{name}-{n}", n + 1
    taken.add(chosen)
    return chosen


def _reading_order(section: NavSection) -> list[Nav]:
    """The section's articles in reading order, each once: the entry naming it, then its tree."""
    out: list[Nav] = []
    seen: set[str] = set()

    def walk(nodes: tuple[NavTree, ...]) -> None:
        for node in nodes:
            if node.href and not node.external and node.href not in seen:
                seen.add(node.href)
                out.append(Nav(node.label, node.href))
            walk(node.children)

    walk((NavTree(section.name, section.href),) if section.href else ())
    walk(section.tree)
    return out


def article_nav(index: NavIndex, doc: Document, href: str, base_url: str) -> ArticleNav | None:
    """What an article (at ``href``) shows of its docset's tree: the branch leading to it (current
    entry marked, its ancestors open), the articles before and after it, and the whole tree's page."""
    found = index.places.get(doc.path)
    if found is None:
        return _unlisted(index, doc, base_url)
    n, place = found
    section = index.sections[n]
    order = index.orders[n]
    me = next((i for i, item in enumerate(order) if item.href == href), None)
    prev = order[me - 1] if me is not None and me > 0 else None
    nxt = order[me + 1] if me is not None and me + 1 < len(order) else None
    tree = branch(section.tree, place)
    return ArticleNav(section.name, section.href, tree, prev, nxt, urls.join(base_url, section.toc), not place)


def _unlisted(index: NavIndex, doc: Document, base_url: str) -> ArticleNav | None:
    """An article its locale's trees do not list (mixed-reality's Russian TOC is older than its
    articles): the tree of the nearest navigation file's folder above it, closed, with nothing current
    and no previous or next; None outside every docset's folder."""
    folder = posixpath.dirname(doc.path)
    while (n := index.homes.get(folder)) is None:
        if not folder:
            return None
        folder = posixpath.dirname(folder)
    section = index.sections[n]
    return ArticleNav(section.name, section.href, branch(section.tree, ()), None, None,
                      urls.join(base_url, section.toc))


def branch(nodes: tuple[NavTree, ...], place: Place) -> tuple[NavTree, ...]:
    """``nodes`` with only the entries along ``place`` open (the last one current, its children
    shown); a level longer than ``2 * WINDOW + 1`` entries is cut to a window around the branch."""
    here = place[0] if place else 0
    lo, hi = 0, len(nodes)
    if len(nodes) > 2 * WINDOW + 1:
        lo, hi = max(0, here - WINDOW), min(len(nodes), here + WINDOW + 1)
    out = []
    for i in range(lo, hi):
        node = nodes[i]
        if place and i == here:
            last = len(place) == 1
            kids = branch(node.children, () if last else place[1:])
            out.append(NavTree(node.label, node.href, kids, current=last, open=True, external=node.external))
        else:
            out.append(NavTree(node.label, node.href, (), more=bool(node.children), external=node.external))
    return tuple(out)
