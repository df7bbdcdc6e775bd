"""kb.build.releases on folders made here: what recycle takes and strips, the manifest that marks a
release finished, and release ids in the order builds start. (Locking, publishing and pruning under
real builds: tests/build/test_build_lock.py and tests/build/test_atomic_publish.py.)"""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace

from kb.build.releases import KEEP_RELEASES, RECYCLING, publish, recycle, release_id, write_manifest
from kb.output.incremental import code_version


def finished_release(out: Path, name: str, outputs: list[str], code: str | None = None) -> Path:
    release = out / "releases" / name
    for output in outputs:
        (release / output).mkdir(parents=True)
        (release / output / "page.html").write_text(output, encoding="utf-8")
    manifest = {"code": code if code is not None else code_version()}
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return release


def three_releases(out: Path, code: str | None = None) -> list[Path]:
    """KEEP_RELEASES finished releases, the newest published."""
    releases = [finished_release(out, f"2026010{n}", ["index", "site"], code) for n in range(KEEP_RELEASES)]
    publish(out, releases[-1])
    return releases


def test_recycle_takes_the_oldest_kept_release_and_strips_the_outputs_that_start_afresh(tmp_path: Path) -> None:
    oldest, previous, live = three_releases(tmp_path)
    release = tmp_path / "releases" / "20260109"

    assert recycle(tmp_path, release, ["index", "site"])

    assert not oldest.exists() and previous.is_dir() and live.is_dir()
    assert not (release / "manifest.json").exists()  # unfinished until this build writes it
    kept = {p.name for p in release.iterdir()}
    assert kept == RECYCLING == {"site"}
    assert (release / "site" / "page.html").read_text(encoding="utf-8") == "site"


def test_recycle_declines_without_enough_releases_or_another_version_of_kb(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    publish(first, finished_release(first, "20260101", ["site"]))  # the live release alone
    assert not recycle(first, first / "releases" / "20260109", ["site"])

    three_releases(second, code="another version")
    assert not recycle(second, second / "releases" / "20260109", ["site"])
    assert not (second / "releases" / "20260109").exists()


def test_the_manifest_says_what_was_built_and_is_never_half_there(tmp_path: Path) -> None:
    problem = SimpleNamespace(as_dict=lambda: {"path": "x.md", "message": "bad"})
    corpus = SimpleNamespace(root=Path("/content"), documents=[1, 2, 3], problems=[problem])
    alignment = SimpleNamespace(topics=[1, 2], warnings=["a warning"])

    write_manifest(tmp_path, corpus, alignment, {"ingest": 1.5})  # type: ignore[arg-type]

    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["release"] == tmp_path.name
    assert (manifest["content"], manifest["documents"], manifest["topics"]) == ("/content", 3, 2)
    assert manifest["problems"] == [{"path": "x.md", "message": "bad"}]
    assert manifest["warnings"] == ["a warning"] and manifest["timings"] == {"ingest": 1.5}
    assert manifest["code"] == code_version()
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # the temporary file was renamed


def test_release_ids_sort_in_the_order_builds_start() -> None:
    first = release_id()
    time.sleep(0.001)
    assert first < release_id()
