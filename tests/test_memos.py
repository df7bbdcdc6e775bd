"""kb.memos: the one owner of every memo: bounds, what a one-off build forgets, what a session
retains, what crosses from a site worker to its parent, what is stored between builds."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest

import kb
from kb import memos
from kb.memos import Bounded, InWorker, Lifetime, Spec, WhenFull

KB = Path(kb.__file__).parent


def every_module() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(KB)], "kb.") if m.name not in {"kb.__main__"}]


@pytest.fixture
def saved():
    """Clear every memo for a test and give back what the process had."""
    kept = {name: dict(store) for name, store in memos._STORES.items() if isinstance(store, Bounded)}
    memos.forget()
    yield
    memos.forget()
    for name, items in kept.items():
        memos.mapping(name).update(items)


def doc(path: str, content_hash: str = "h") -> SimpleNamespace:
    return SimpleNamespace(path=path, content_hash=content_hash)


def asked_for() -> set[str]:
    """The memo names kb's modules ask kb.memos for (``memos.mapping("name")`` and the like)."""
    names = set()
    for path in sorted(KB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "memos"
                    and node.func.attr in {"mapping", "by_document", "generations", "cached", "spec"}
                    and node.args and isinstance(node.args[0], ast.Constant)):
                names.add(node.args[0].value)
    return names


def test_every_memo_a_stage_asks_for_is_declared_and_every_declared_memo_is_used():
    for name in every_module():
        importlib.import_module(name)  # the memos made at import are declared (else KeyError)
    assert asked_for() == {s.name for s in memos.SPECS}
    with pytest.raises(KeyError, match="declare it in kb.memos.SPECS"):
        memos.mapping("no-such-memo")


def test_no_module_but_kb_memos_makes_a_bounded_cache_or_a_module_level_memo():
    """Every memo is found from one module: lru caches and memo classes live in kb.memos only."""
    offenders = []
    for path in sorted(KB.rglob("*.py")):
        if path.name == "memos.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "lru_cache":
                offenders.append(f"{path.relative_to(KB)}:{node.lineno}")
    # An opened release's catalog keeps two caches (their lifetime is the catalog's).
    assert offenders == ["search/catalog.py:72", "search/catalog.py:73"]


@pytest.mark.parametrize(
    ("when_full", "expected"),
    [
        (WhenFull.KEEP_OLD, {"a": 1, "b": 2, "c": 3}),  # full: nothing more is added, nothing dropped
        (WhenFull.CLEAR, {"d": 4}),  # full: starts again
    ],
)
def test_a_bounded_memo_keeps_its_bound_as_its_spec_says(when_full, expected):
    memo = Bounded(Spec("t", Lifetime.SESSION, 3, "test", when_full=when_full))
    memo.add_all([("a", 1), ("b", 2), ("a", 9), ("c", 3)])
    assert memo == {"a": 1, "b": 2, "c": 3}
    memo.add("d", 4)
    assert memo == expected


def test_a_document_memo_evicts_the_least_recently_used_and_retains_a_corpus(saved):
    memo = memos.by_document("segment-sides")  # bound 64
    made = []
    for i in range(65):
        memo.get(doc(f"d{i}"), lambda d: made.append(d.path) or d.path.upper())
    assert len(memo) == 64 and (("d0", "h") not in memo.data)
    assert memo.get(doc("d64"), lambda d: "again") == "D64"  # remembered: not made again
    memos.retain([doc("d1"), doc("d2", "other")])
    assert list(memo.data) == [("d1", "h")]


def test_forget_after_a_stage_clears_only_the_memos_that_stage_reads(saved):
    memos.mapping("language-detections").add(b"k", ("pt", 1.0))
    memos.mapping("language-statistics").add("pt", object())
    memos.by_document("document-words").get(doc("a"), lambda d: ("w",))
    memos.generations("glossary-texts").get(doc("a"), "k", lambda: 1)
    memos.forget_after("align")
    assert [memos.size(n) for n in ("language-detections", "language-statistics", "document-words")] == [1, 0, 0]
    assert memos.size("glossary-texts") == 1
    memos.forget_after("checks")
    assert memos.size("glossary-texts") == 0 and memos.size("language-detections") == 1


@pytest.mark.parametrize(
    ("session", "handed_names", "aligned_after"),
    [(False, ["language-detections"], 0), (True, ["language-detections", "segment-alignments"], 2)],
)
def test_a_worker_hands_back_what_it_added(saved, session, handed_names, aligned_after):
    detections, aligned = memos.mapping("language-detections"), memos.mapping("segment-alignments")
    detections.add("old", None)
    aligned.add("old", [])
    since = memos.mark()
    detections.add("new", ("ru", 0.9))
    aligned.add("new", ["pair"])
    handed = memos.handover(since, session)
    assert sorted(handed) == handed_names
    assert handed["language-detections"] == [("new", ("ru", 0.9))]
    if session:
        assert handed["segment-alignments"] == [("new", ["pair"])]
    assert len(aligned) == aligned_after  # per-topic memos are dropped by a one-off build's workers
    memos.forget()
    memos.absorb(handed)
    assert dict(detections) == {"new": ("ru", 0.9)}


def test_stored_memos_round_trip_through_the_build_folder(saved, tmp_path):
    assert [s.name for s in memos.SPECS if s.lifetime is Lifetime.STORED] == ["language-detections"]
    assert memos.spec("language-detections").in_worker is InWorker.RETURN
    (tmp_path / "language-detections-old.pickle").write_bytes(b"from another version of kb")
    known = memos.load(tmp_path, "v1")
    assert known == {"language-detections": 0}
    memos.mapping("language-detections").add(b"digest", ("es", 0.97))
    memos.save(tmp_path, "v1", known)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["language-detections-v1.pickle"]
    memos.forget()
    assert memos.load(tmp_path, "v1") == {"language-detections": 1}
    assert dict(memos.mapping("language-detections")) == {b"digest": ("es", 0.97)}
    (tmp_path / "language-detections-v1.pickle").write_bytes(b"truncated")  # unreadable: only slower
    memos.forget()
    assert memos.load(tmp_path, "v1") == {"language-detections": 0}
