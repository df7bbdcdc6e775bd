"""kb.build.pipeline's steps apart from a whole build: the release a build writes into and the options its
writers get, and a failed write that removes the release. (Whole builds: tests/build/test_build_outputs.py,
tests/output/test_incremental.py and the other tests of builds.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CONTENT

from kb.build import pipeline
from kb.build.pipeline import BuildResult, build, new_release, write_release
from kb.build.releases import current_release
from kb.errors import BuildError, InvalidParameter
from kb.model import Alignment, Corpus
from kb.output.options import BuildOptions


def test_a_one_off_release_is_a_fresh_folder_that_records_its_state(tmp_path: Path) -> None:
    release, options = new_release(tmp_path, BuildOptions(incremental=False))
    assert release.parent == tmp_path / "releases" and list(release.iterdir()) == []
    assert options.record_state and options.previous_release is None and options.recycled is None


def test_an_incremental_release_knows_the_live_one(tmp_path: Path) -> None:
    live = build(CONTENT, tmp_path, BuildOptions(jobs=1)).release
    release, options = new_release(tmp_path, BuildOptions(jobs=1))
    assert options.previous_release == current_release(tmp_path) == live
    assert options.recycled is None and release.is_dir() and release != live  # too few releases to recycle


def broken(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    dest.mkdir()
    raise OSError("disk full")


def test_a_failed_write_removes_the_release_and_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = build(CONTENT, tmp_path / "first", BuildOptions(jobs=1))
    monkeypatch.setattr(pipeline, "OUTPUTS", [("site", broken)])
    release, options = new_release(tmp_path, BuildOptions(jobs=1, incremental=False))
    result = BuildResult(release, built.corpus, built.alignment, {"ingest": 0.5})
    with pytest.raises(BuildError, match="nothing was published: OSError: disk full"):
        write_release(result, options, None)
    assert not release.exists()


def test_the_manifest_lists_the_seconds_of_every_stage_in_order(tmp_path: Path) -> None:
    result = build(CONTENT, tmp_path, BuildOptions(jobs=1))
    manifest = json.loads((result.release / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["timings"]) == ["ingest", "align", *(name for name, _ in pipeline.OUTPUTS)]
    assert manifest["timings"] == result.timings


@pytest.mark.parametrize(
    ("content", "out", "message"),
    [
        ("missing", "out", "--content: '{tmp}/missing' is not a folder"),
        ("docs/a.md", "out", "--content: '{tmp}/docs/a.md' is not a folder"),
        ("docs", "docs/a.md", "--build: '{tmp}/docs/a.md' is not a folder"),
        ("docs", "docs/out", "--build '{tmp}/docs/out' is inside --content '{tmp}/docs': a build would read the "
                             "last one's files as documents; build into a folder outside the content"),
        ("docs", "docs", "--build '{tmp}/docs' is inside --content '{tmp}/docs': a build would read the "
                         "last one's files as documents; build into a folder outside the content"),
        ("docs", ".", "--content '{tmp}/docs' is inside --build '{tmp}': give each its own folder"),
        ("docs", "file/out", "--build: cannot make the folder '{tmp}/file/out': Not a directory"),
    ],
)
def test_folders_a_build_cannot_use_are_refused_before_anything_is_written(
    tmp_path: Path, content: str, out: str, message: str
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("---\ntitle: A\n---\n# A\n", encoding="utf-8")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(InvalidParameter) as refused:
        build(tmp_path / content, tmp_path / out, BuildOptions(jobs=1))
    assert str(refused.value) == message.format(tmp=tmp_path)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_build_of_a_folder_without_documents_says_so_and_fails_when_strict(tmp_path: Path, capsys) -> None:
    from kb.cli import main

    content = tmp_path / "docs"
    content.mkdir()
    (content / "notes.rst").write_text("Notes\n=====\n", encoding="utf-8")
    args = ["build", "--content", str(content), "--build", str(tmp_path / "out"), "--jobs", "1", "--quiet"]
    assert main(args) == 0
    said = capsys.readouterr()
    assert (
        f"warning no documents in '{content}': kb reads .md, .markdown and .txt files and DocFX YAML pages "
        "(those of a docfx.json's content groups when there is one)\n"
    ) in said.out + said.err
    assert main([*args, "--strict"]) == 1
