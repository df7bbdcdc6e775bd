"""With two jobs the index is written by an interpreter of its own that reads the topics from a spool
(kb.build.workers.TopicStream) instead of sharing the corpus with the build; it writes exactly the index that a
one-job build writes in its own process: the same catalog, stored documents, vocabulary, Whoosh
documents and search results."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import CONTENT
from whoosh import index as whoosh_index
from whoosh.writing import PostingPool

from kb.build import pipeline as build_module
from kb.build.pipeline import build
from kb.build.workers import TopicStream
from kb.model import Alignment, Corpus, Topic
from kb.output.options import BuildOptions
from kb.search import index as index_module
from kb.search.catalog import load_catalog, load_vocabulary
from kb.search.index import IndexHead, index_head
from kb.search.layout import CATALOG, CatalogData
from kb.search.query import search

QUERIES = ["multichannel", "подписки", "suscripciones", "abbonamenti", "assinaturas", "CSP", "partner center",
           "assinatrua", "title_pt:suporte"]


def index_answers(out: Path) -> dict[str, object]:
    """Everything the index of ``out``'s release gives users, exactly."""
    index = (out / "index").resolve()
    with (index / CATALOG).open("rb") as f:
        data: CatalogData = pickle.load(f)
    catalog = load_catalog(index)
    with whoosh_index.open_dir(str(index)).searcher() as s:
        fields = sorted((dict(f) for f in s.all_stored_fields()), key=lambda f: str(f["path"]))
    got: dict[str, object] = {
        "base_url": data.base_url,
        "topics": data.alignment.topics,  # with their light documents
        "warnings": data.alignment.warnings,
        "files": data.files,
        "keys": [(path, at[0], at[3]) for path, at in data.stored.items()],
        "documents": [catalog.document(path) for path in data.stored],
        "parts": [catalog.parts(path) for path in data.stored],
        "vocabulary": list(load_vocabulary(index).items()),
        "whoosh": fields,
    }
    catalog.close()
    for q in QUERIES:
        got[q] = search(index, q, limit=50).as_dict()
    return got


def no_site(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    dest.mkdir()


@pytest.mark.slow
def test_a_forked_index_is_the_in_process_one(tmp_path: Path) -> None:
    one = build(CONTENT, tmp_path / "one", BuildOptions(jobs=1))
    two = build(CONTENT, tmp_path / "two", BuildOptions(jobs=2))
    assert sorted(p.name for p in (one.release / "index").iterdir() if not p.name.startswith(("MAIN", "_MAIN"))) == [
        "catalog.pickle", "documents-0.pickle", "lexicon.pickle", "vocabulary.pickle"]
    assert index_answers(tmp_path / "two") == index_answers(tmp_path / "one")
    assert sorted(p.name for p in two.release.iterdir()) == [".state", "index", "manifest.json", "site"]


def test_a_forked_index_of_the_dev_corpus_is_the_in_process_one(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "OUTPUTS", [build_module.OUTPUTS[0], ("site", no_site)])
    build(corpus_dir, tmp_path / "one", BuildOptions(jobs=1, base_url="/docs/"))
    build(corpus_dir, tmp_path / "two", BuildOptions(jobs=2, base_url="/docs/"))
    one, two = index_answers(tmp_path / "one"), index_answers(tmp_path / "two")
    assert len(one["documents"]) == 744  # type: ignore[arg-type]
    assert two == one


def recorder(dest: Path, head: IndexHead, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Writes down what it was given."""
    dest.mkdir()
    seen = [(t.id, t.slug, [(m.document.path, m.slug, m.document.skeleton is None, len(m.document.segments))
                            for m in t.members]) for t in topics]
    (dest / "seen.json").write_text(json.dumps({"head": [head.keys, head.warnings], "topics": seen}), "utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_topic_stream_gets_its_head_then_every_topic_once_in_order(
    jobs: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "OUTPUTS", [("index", TopicStream(index_head, recorder)), ("site", no_site)])
    result = build(CONTENT, tmp_path / "out", BuildOptions(jobs=jobs))
    seen = json.loads((result.release / "index" / "seen.json").read_text("utf-8"))
    head = index_head(result.corpus, result.alignment)
    assert seen["head"] == [list(head.keys), list(head.warnings)]
    assert seen["topics"] == [
        [t.id, t.slug, [[m.document.path, m.slug, jobs > 1 or m.document.skeleton is None, len(m.document.segments)]
                        for m in t.members]]
        for t in result.alignment.topics
    ]
    # (spooled, the documents come without the site's pre-rendered HTML; here they are the build's own)
    assert any(m.document.skeleton is not None for t in result.alignment.topics for m in t.members)


def test_the_index_is_the_same_whatever_the_size_of_whooshs_posting_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[int] = []
    save = PostingPool.save

    def counted(pool: PostingPool) -> None:
        if pool.current:  # (Whoosh's own save of an empty pool writes nothing)
            runs.append(len(pool.current))
        save(pool)

    monkeypatch.setattr(PostingPool, "save", counted)
    build(CONTENT, tmp_path / "whole", BuildOptions(jobs=1))
    assert runs == []  # a small corpus's postings are sorted in memory
    monkeypatch.setattr(index_module, "SMALL_POOL_MB", 0.01)  # about a hundred postings a run
    build(CONTENT, tmp_path / "runs", BuildOptions(jobs=1))
    assert len(runs) >= 5  # merged from several runs
    assert index_answers(tmp_path / "runs") == index_answers(tmp_path / "whole")


@pytest.mark.parametrize(("documents", "megabytes"), [
    (0, index_module.SMALL_POOL_MB),
    (index_module.SMALL_CORPUS, index_module.SMALL_POOL_MB),
    (index_module.SMALL_CORPUS + 1, index_module.POOL_MB),
])
def test_only_a_small_corpus_gets_the_big_pool(documents: int, megabytes: float) -> None:
    assert index_module.pool_mb(documents) == megabytes
