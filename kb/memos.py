"""Every memo kb keeps, in one place: what it holds, its bound, how long it lives, and how it crosses
between processes.

A memo never changes a result, only how soon it comes. Stages ask this module for theirs by name
(:func:`mapping`, :func:`by_document`, :func:`generations`, :func:`cached`) and keep no state of their
own; the orchestrators (:mod:`kb.build`, :mod:`kb.site`) never name a memo either, they say what
happened:

- :func:`forget_after` ``("align")`` / ``("checks")``: a one-off build is done with a stage, so the
  memos only that stage reads hand their memory back (a session keeps them for its next build);
- :func:`retain`: a session's new corpus, so what is remembered of edited-away documents goes;
- :func:`mark` / :func:`handover` / :func:`absorb`: a forked site worker sends back what it added
  to the memos its parent keeps, and drops the ones that would only pile up in it;
- :func:`load` / :func:`save`: the memos kept in the build folder between builds;
- :func:`release_free_memory`: what a stage freed goes back to the system, not only to the allocator.

Adding a memo is one entry in :data:`SPECS`; every orchestrator then handles it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import itertools
import os
import pickle
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar


class Lifetime(StrEnum):
    PROCESS = "process"
    """Results of a pure function of its arguments: right for as long as the process lives; only bounded."""
    SESSION = "session"
    """Derived from documents: a ``kb serve --watch`` session keeps it for its next build."""
    STORED = "stored"
    """Also kept in the build folder (``OUT/.cache``) from one build to the next."""


class InWorker(StrEnum):
    """What a forked site worker does with a memo it inherited and added to."""

    KEEP = "keep"
    """Nothing: it grows in the worker and ends with it."""
    RETURN = "return"
    """Sends the entries it added back to the parent (which keeps or stores them)."""
    PER_TOPIC = "per-topic"
    """Drops it after each topic (only that topic read it); a session's workers return it instead."""


class WhenFull(StrEnum):
    KEEP_OLD = "keep-old"
    """Add nothing more. Clearing would write to every entry's objects in a forked worker, copying
    their pages (500 MB a worker at 100x for the language detections)."""
    CLEAR = "clear"
    """Start again empty."""
    EVICT_OLDEST = "evict-oldest"
    """Drop the least recently used entry (a :class:`DocumentMemo`)."""


@dataclass(frozen=True, slots=True)
class Spec:
    """One memo."""

    name: str
    lifetime: Lifetime
    bound: int | None
    """Entries kept at most (None: bounded by what it is keyed by, e.g. one per language)."""
    holds: str
    """What it holds and why it pays."""
    forget_after: tuple[str, ...] = ()
    """The stages after which a one-off build of a large corpus hands its memory back."""
    in_worker: InWorker = InWorker.KEEP
    when_full: WhenFull = WhenFull.CLEAR


MEMO_SIZE = 4096
"""Documents each memo of document-derived data keeps (the most recently used)."""

SPECS: tuple[Spec, ...] = (
    # ingest
    Spec("language-detections", Lifetime.STORED, 250_000,
         "segment text digest → detected language: every segment is met once per pair it belongs to, and a "
         "rebuild's texts barely change (~220 bytes an entry; the 10x benchmark corpus makes 179,000)",
         in_worker=InWorker.RETURN, when_full=WhenFull.KEEP_OLD),
    Spec("unpacked-texts", Lifetime.PROCESS, 1024,
         "packed document text → its segments as objects (~25 KB each): stages that read a topic's documents "
         "several times unpack each once", forget_after=("align", "checks")),
    # align
    Spec("document-anchors", Lifetime.SESSION, MEMO_SIZE, "document → its segments' anchors (alignment evidence)",
         forget_after=("align",), when_full=WhenFull.EVICT_OLDEST),
    Spec("document-words", Lifetime.SESSION, MEMO_SIZE, "document → its segments' words, interned",
         forget_after=("align",), when_full=WhenFull.EVICT_OLDEST),
    Spec("document-h1", Lifetime.SESSION, MEMO_SIZE, "document → its first heading's fingerprint",
         forget_after=("align",), when_full=WhenFull.EVICT_OLDEST),
    Spec("document-features", Lifetime.SESSION, MEMO_SIZE, "document → its structural features",
         forget_after=("align",), when_full=WhenFull.EVICT_OLDEST),
    Spec("document-bags", Lifetime.SESSION, MEMO_SIZE, "document → its weighted word bags (similarity)",
         forget_after=("align",), when_full=WhenFull.EVICT_OLDEST),
    Spec("language-statistics", Lifetime.SESSION, None,
         "language → document frequencies and vectors of its last documents (100 MB at 100x), reused by a "
         "session's next build", forget_after=("align",)),
    Spec("segment-sides", Lifetime.SESSION, 64, "document → what segment alignment precomputes of one side",
         when_full=WhenFull.EVICT_OLDEST),
    # quality
    Spec("segment-alignments", Lifetime.SESSION, 20_000,
         "the two documents' files and bodies → their aligned segments: a session re-aligns only changed pairs",
         in_worker=InWorker.PER_TOPIC),
    Spec("glossary-texts", Lifetime.SESSION, 1_000_000,
         "(document, question) → what the glossary scan found in its text, two generations, so that a rebuild "
         "scans only changed documents", forget_after=("checks",)),
    Spec("glossary-names", Lifetime.SESSION, 1, "the names the last glossary mining looked for"),
    Spec("text-numbers", Lifetime.PROCESS, 1 << 16, "segment text → its numbers: a text is met once per pair"),
    Spec("text-figures", Lifetime.PROCESS, 1 << 16,
         "segment text → the values it writes and accounts for (number_mismatch): a text is met once per pair"),
    Spec("word-prefixes", Lifetime.PROCESS, 1 << 16, "word → itself less 0 to 3 last characters (glossary)"),
    Spec("term-patterns", Lifetime.PROCESS, 4096, "a term's renderings → their patterns (glossary)"),
    # search
    Spec("folded-words", Lifetime.PROCESS, 65536, "word → without the accents users leave out"),
    Spec("stemmed-words", Lifetime.PROCESS, 200_000, "word → its Snowball stem, one memo of this bound per language"),
    Spec("word-stems", Lifetime.PROCESS, 200_000, "(language, word) → its query-mode term (kb.wordforms, lexicon)"),
    Spec("word-terms", Lifetime.PROCESS, 100_000, "(language, word) → its index terms, to mark it in a snippet"),
    Spec("word-positions", Lifetime.PROCESS, 4096, "(analysis, query text) → the term variants of each position"),
    Spec("folded-documents", Lifetime.PROCESS, 4096, "a document's parts → their folded text (snippets)"),
    Spec("folded-parts", Lifetime.PROCESS, 256, "a document's parts → each folded (snippets)"),
    Spec("snippet-patterns", Lifetime.PROCESS, 1024, "a set of terms → one pattern finding them in folded text"),
    Spec("open-releases", Lifetime.PROCESS, 2,
         "index folder → the opened release (its searchers and stores), reopened when the folder's links move"),
    Spec("release-folders", Lifetime.PROCESS, 1,
         "(device, inode, change time) of the folder OUT/index leads to → its opened release: one stat finds "
         "it at every query, where resolving the links took a readlink a path part (most of a fast query's "
         "opening)"),
    Spec("release-manifests", Lifetime.PROCESS, 16,
         "a published release → the size and hash its manifest records of each index file (never changes)"),
    # the shared vocabulary
    Spec("shown-dates", Lifetime.PROCESS, 16_384,
         "(ISO date, language) → the date in that locale's format: Babel takes ~0.4 ms a date, and a document's "
         "dates are shown on its page and on its topic's hub in every locale"),
    Spec("compare-rows", Lifetime.PROCESS, 8,
         "two documents → their compare page's rows as HTML, the interface text left as holes: a pair's page is "
         "rendered once per locale of the site, one after the other"),
    Spec("locale-folders", Lifetime.PROCESS, 1 << 17, "path → the path under its locale folder (alignment asks often)"),
    Spec("language-identifiers", Lifetime.PROCESS, 8,
         "a set of languages → py3langid's identifier restricted to them; None → the whole model they share"),
    # serve
    Spec("site-bases", Lifetime.PROCESS, 8, "a published release → the URL path its site was built for, from "
         "its manifest: read once a release, not at every request for a page"),
)
_BY_NAME = {s.name: s for s in SPECS}
_STORES: dict[str, Store] = {}


class Store(Protocol):
    def clear(self) -> None: ...

    def __len__(self) -> int: ...


def spec(name: str) -> Spec:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no memo named {name!r}: declare it in kb.memos.SPECS") from None


S = TypeVar("S", bound=Store)


def _own(name: str, make: Callable[[Spec], S]) -> S:
    if name not in _STORES:
        _STORES[name] = make(spec(name))
    store: S = _STORES[name]  # type: ignore[assignment]
    return store


class Bounded(dict[Any, Any]):
    """A dict memo that keeps its :class:`Spec`'s bound as its spec says (:meth:`add`)."""

    def __init__(self, spec: Spec) -> None:
        super().__init__()
        self.spec = spec

    def add(self, key: Hashable, value: Any) -> None:
        bound = self.spec.bound
        if bound is not None and len(self) >= bound and key not in self:
            if self.spec.when_full is WhenFull.KEEP_OLD:
                return
            self.clear()
        self[key] = value

    def add_all(self, items: Iterable[tuple[Hashable, Any]]) -> None:
        for key, value in items:
            if key not in self:
                self.add(key, value)


def mapping(name: str) -> Bounded:
    """The dict memo ``name``: the same object for the life of the process (it is cleared, never replaced)."""
    return _own(name, Bounded)


class DocumentMemo:
    """A least-recently-used memo keyed by a document's path and content hash (documents are immutable
    but not hashable: their front matter is a dict)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.size = spec.bound or MEMO_SIZE
        self.data: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def get(self, doc: Any, make: Callable[[Any], Any]) -> Any:
        key = (doc.path, doc.content_hash)
        if key in self.data:
            self.data.move_to_end(key)
            return self.data[key]
        value = self.data[key] = make(doc)
        if len(self.data) > self.size:
            self.data.popitem(last=False)
        return value

    def clear(self) -> None:
        self.data.clear()

    def retain(self, keys: set[tuple[str, str]]) -> None:
        for key in [k for k in self.data if k not in keys]:
            del self.data[key]

    def __len__(self) -> int:
        return len(self.data)


def by_document(name: str) -> DocumentMemo:
    return _own(name, DocumentMemo)


class Generations:
    """Values computed from one document, kept while that very object is still read (ingest keeps the
    objects of unchanged files in a session), in two generations: those read since the last
    :meth:`rotate` and those before, so a rebuild after one file changed computes only that file's."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.current: dict[tuple[int, Any], tuple[Any, Any]] = {}
        self.previous: dict[tuple[int, Any], tuple[Any, Any]] = {}

    def get(self, doc: Any, key: Any, compute: Callable[[], Any]) -> Any:
        k = (id(doc), key)
        hit = self.current.get(k) or self.previous.get(k)
        if hit is None or hit[0] is not doc:
            if self.spec.bound is not None and len(self.current) >= self.spec.bound:
                self.current.clear()
            hit = (doc, compute())
        self.current[k] = hit
        return hit[1]

    def rotate(self) -> None:
        self.previous, self.current = self.current, {}

    def clear(self) -> None:
        self.current.clear()
        self.previous.clear()

    def __len__(self) -> int:
        return len(self.current) + len(self.previous)


def generations(name: str) -> Generations:
    return _own(name, Generations)


F = TypeVar("F", bound=Callable[..., Any])


class _Cached:
    """The ``functools.lru_cache`` memos of one name (one, or one per language for the stemmers)."""

    def __init__(self, spec: Spec) -> None:
        self.functions: list[Any] = []

    def clear(self) -> None:
        for function in self.functions:
            function.cache_clear()

    def __len__(self) -> int:
        return sum(int(f.cache_info().currsize) for f in self.functions)


def cached(name: str) -> Callable[[F], F]:
    """Decorator: ``functools.lru_cache`` of the memo's bound, owned here. A name may wrap several
    functions (each gets the bound)."""

    def wrap(function: F) -> F:
        memo = functools.lru_cache(maxsize=spec(name).bound)(function)
        _own(name, _Cached).functions.append(memo)
        return memo  # type: ignore[return-value]

    return wrap


# --- what the orchestrators say --------------------------------------------------------------------


def forget(*names: str) -> None:
    """Clear the named memos (all of them when none is named: benchmarks start cold)."""
    for name in names or tuple(_STORES):
        spec(name)
        if name in _STORES:
            _STORES[name].clear()


def forget_after(stage: str) -> None:
    """A one-off build is done with ``stage``: clear the memos only it reads."""
    forget(*(s.name for s in SPECS if stage in s.forget_after and s.name in _STORES))


def retain(documents: Iterable[Any]) -> None:
    """Keep only what document memos hold of ``documents`` (a session's latest corpus)."""
    keys = {(d.path, d.content_hash) for d in documents}
    for store in _STORES.values():
        if isinstance(store, DocumentMemo):
            store.retain(keys)


def remembered_documents() -> set[tuple[str, str]]:
    """(path, content hash) of every document a document memo holds something of."""
    return {key for store in _STORES.values() if isinstance(store, DocumentMemo) for key in store.data}


def size(name: str) -> int:
    return len(_STORES[name]) if name in _STORES else 0


Mark = dict[str, int]
Handover = dict[str, list[tuple[Any, Any]]]


def _crossing(session: bool) -> list[str]:
    wanted = {InWorker.RETURN} | ({InWorker.PER_TOPIC} if session else set())
    return [s.name for s in SPECS if s.in_worker in wanted and isinstance(_STORES.get(s.name), Bounded)]


def mark() -> Mark:
    """Where each memo a worker returns stands now (dicts keep their order of insertion)."""
    return {s.name: len(store) for s in SPECS if isinstance(store := _STORES.get(s.name), Bounded)}


def handover(since: Mark, session: bool) -> Handover:
    """In a worker, after a topic: the entries added since ``since`` to the memos that go back to the
    parent; the per-topic memos are cleared (outside a session, only the next build would read them
    again, and kept they pile up in the worker)."""
    out: Handover = {}
    for name in _crossing(session):
        store = mapping(name)
        # Read from the end: a walk from the start touches every older entry, and in a forked worker
        # that copies each page holding one (the build's 250,000 detections, at every topic).
        added = max(0, len(store) - since.get(name, 0))
        out[name] = list(itertools.islice(reversed(store.items()), added))[::-1]
    if not session:
        for s in SPECS:
            if s.in_worker is InWorker.PER_TOPIC and s.name in _STORES:
                _STORES[s.name].clear()
    return out


def absorb(handed: Handover) -> None:
    """In the parent: keep what a worker handed over, within each memo's bound."""
    for name, items in handed.items():
        mapping(name).add_all(items)


# --- stored memos ------------------------------------------------------------------------------------


def stored_path(folder: Path, name: str, version: str) -> Path:
    return folder / f"{name}-{version}.pickle"


def load(folder: Path, version: str) -> Mark:
    """Fill the stored memos from ``folder`` (``OUT/.cache``) unless this process has them already (a
    session's later build); entries of other code versions are removed. A missing or unreadable file
    is only slower. Returns the sizes to compare with in :func:`save`."""
    for s in SPECS:
        if s.lifetime is not Lifetime.STORED:
            continue
        memo = mapping(s.name)
        if memo:
            continue
        path = stored_path(folder, s.name, version)
        with contextlib.suppress(Exception):
            for old in folder.glob(f"{s.name}-*.pickle"):
                if old != path:
                    old.unlink()
            with path.open("rb") as f:
                memo.update(pickle.load(f))
    return {s.name: size(s.name) for s in SPECS if s.lifetime is Lifetime.STORED}


def save(folder: Path, version: str, known: Mark) -> None:
    """Write back each stored memo that grew since :func:`load` (written beside and renamed)."""
    for name, n in known.items():
        if size(name) == n:
            continue
        path = stored_path(folder, name, version)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as f:
                pickle.dump(dict(mapping(name)), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)


# --- memory ------------------------------------------------------------------------------------------


def release_free_memory() -> None:
    """Collect cycles, then give the memory the allocator holds free back to the system (glibc's
    ``malloc_trim``; 40 MB at 10x after alignment). Nothing more happens where there is no glibc."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
