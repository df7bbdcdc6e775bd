"""The writers of a build: with two jobs the index is written by a forked process while the site is
rendered, and a writer that fails in either place fails the build without publishing anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CONTENT

from kb import build as build_module
from kb.build import BuildOptions, build
from kb.errors import BuildError
from kb.index import write_index
from kb.model import Alignment, Corpus
from kb.site import render_site


def broken_writer(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    dest.mkdir()
    (dest / "half-written").write_text("x", encoding="utf-8")
    raise OSError(f"disk full while writing {len(corpus.documents)} documents")


@pytest.mark.parametrize("jobs", [1, 2])
def test_concurrent_writers_produce_what_sequential_ones_do(jobs: int, tmp_path: Path) -> None:
    result = build(CONTENT, tmp_path / "out", BuildOptions(jobs=jobs))
    assert list(result.timings) == ["ingest", "align", "index", "site"]
    assert (result.release / "index" / "catalog.pickle").is_file()
    assert (result.release / "site" / "index.html").is_file()
    assert result.seconds >= result.timings["ingest"] + result.timings["align"]


@pytest.mark.parametrize(("position", "jobs"), [(0, 2), (1, 2), (0, 1)], ids=["forked", "in-process", "one-job"])
def test_a_failing_writer_fails_the_build_and_keeps_the_last_release(
    position: int, jobs: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    good = build(content, out, BuildOptions(jobs=jobs)).release
    outputs: list[tuple[str, build_module.Writer]] = [("index", write_index), ("site", render_site)]
    outputs[position] = (outputs[position][0], broken_writer)
    monkeypatch.setattr(build_module, "OUTPUTS", outputs)

    with pytest.raises(BuildError) as failed:
        build(content, out, BuildOptions(jobs=jobs))

    assert "disk full while writing 5 documents" in str(failed.value)
    assert (out / "current").resolve() == good
    assert sorted(p.name for p in (out / "releases").iterdir()) == [good.name]
