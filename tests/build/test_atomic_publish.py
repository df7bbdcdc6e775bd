"""Atomic publishing: ``kb build`` killed with SIGKILL at any moment never breaks the published release.

Each kill must leave ``OUT/current`` on a complete release (a manifest and the same files as before),
``OUT/index`` and ``OUT/site`` resolving into it, and nothing half-written ever current; the next
complete build prunes what killed builds left behind.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kb.build.pipeline import build
from kb.build.releases import KEEP_RELEASES, current_release, prune
from kb.output.options import BuildOptions
from tests.conftest import CONTENT, stable_name
from tests.servers import serving

pytestmark = pytest.mark.slow  # real `kb build` processes killed at random moments

KILLS = 20
SEED = 8


def kb_build(content: Path, out: Path) -> subprocess.Popen[bytes]:
    """A real ``kb build`` in its own session (so that anything it leaves running can be found)."""
    return subprocess.Popen(
        [sys.executable, "-m", "kb", "build", "--content", str(content), "--build", str(out), "--jobs", "2",
         "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def finish(proc: subprocess.Popen[bytes]) -> int:
    """Wait for a build; nothing it started may outlive it (its pool workers die with it)."""
    code = proc.wait(timeout=300)
    deadline = time.monotonic() + 10
    while session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left := session(proc.pid):
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        pytest.fail(f"processes of a killed build outlived it: {left}")
    return code


def session(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``, from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
            pids.append(int(stat.parent.name))
    return pids


def snapshot(release: Path) -> dict[str, str]:
    """Every file of a release (relative path → SHA-256)."""
    return {
        p.relative_to(release).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(release.rglob("*")) if p.is_file()
    }


def layout(release: Path) -> set[str]:
    """A release's file names, with the random name Whoosh gives each index segment, and the hash
    Pagefind gives its filter and meta files, generalised."""
    names = {re.sub(r"_[a-z0-9]{16}\.seg$", "_*.seg", name) for name in snapshot(release)}
    return {"site/" + stable_name(n.removeprefix("site/")) if n.startswith("site/") else n for n in names}


def check_published(out: Path, files: set[str]) -> Path:
    """The published release is complete and the stable paths lead into it; returns it."""
    assert (out / "current").is_symlink()
    live = current_release(out)
    assert live is not None and live.parent == (out / "releases").resolve()
    assert (live / "manifest.json").is_file()
    assert layout(live) == files, "the live release has exactly the files of a complete build"
    for name in ("index", "site"):
        assert Path(os.path.realpath(out / name)) == live / name
        assert (out / name).is_dir()
    return live


def answers(base: str) -> object:
    """What kb serve says about the seeds: the site's front page is there, and a search's hits."""
    page = httpx.get(base + "/", timeout=10)
    search = httpx.get(base + "/api/search", params={"q": "canais"}, timeout=10)
    assert page.status_code == 200 and search.status_code == 200, (page.status_code, search.text)
    return search.json()["total"]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def test_sigkill_at_20_random_moments_never_breaks_the_published_release(content: Path,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert finish(kb_build(content, out)) == 0
    t0 = time.perf_counter()
    assert finish(kb_build(content, out)) == 0  # a second, warm build: how long one takes
    duration = time.perf_counter() - t0
    files = layout(current_release(out))  # type: ignore[arg-type]
    assert {"manifest.json"} < files and any(f.startswith("index/") for f in files)
    assert any(f.startswith("site/") for f in files)

    moments = random.Random(SEED).sample(range(1000), KILLS)
    left_unfinished = 0
    with serving(out) as base:
        expected = answers(base)
        for moment in moments:
            left_unfinished += kill_once(content, out, files, duration * moment / 1000)
            assert answers(base) == expected, "kb serve keeps answering from the published release"
        # The moments are spread over one warm build's duration; on a loaded machine builds slow down
        # and every kill may land before writing starts. Sweep later moments until one lands mid-write.
        for step in range(1, 21):
            if left_unfinished:
                break
            left_unfinished += kill_once(content, out, files, duration * (0.2 + 0.1 * step))
            assert answers(base) == expected, "kb serve keeps answering from the published release"
    print(f"{left_unfinished} of {KILLS} kills left a release unfinished (build: {duration:.1f} s)")
    assert left_unfinished > 0

    assert finish(kb_build(content, out)) == 0
    live = check_published(out, files)
    entries = sorted(p.name for p in (out / "releases").iterdir())
    assert len(entries) <= KEEP_RELEASES and live.name == entries[-1]
    assert all((out / "releases" / e / "manifest.json").is_file() for e in entries)
    assert list(out.glob(".current-*")) == []


def kill_once(content: Path, out: Path, files: set[str], delay: float) -> bool:
    """SIGKILL a build after ``delay`` seconds and check what stays published; True when the build
    left a release unfinished (it was killed while writing one)."""
    before = current_release(out)
    assert before is not None
    before_files = snapshot(before)
    proc = kb_build(content, out)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    finish(proc)
    live = check_published(out, files)
    if live == before:
        assert snapshot(live) == before_files, "a killed build changed the live release"
    else:  # killed after it published: the new release is the complete one
        assert live.name > before.name
    releases = [r for r in (out / "releases").iterdir() if not r.name.startswith(".")]
    return any(not (r / "manifest.json").exists() for r in releases)


def test_a_build_killed_while_writing_its_release_publishes_nothing(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert finish(kb_build(content, out)) == 0
    before = current_release(out)
    assert before is not None
    files = snapshot(before)
    names = layout(before)
    proc = kb_build(content, out)
    deadline = time.monotonic() + 120
    while not (new := [r for r in (out / "releases").iterdir() if r.name != before.name]):
        assert time.monotonic() < deadline
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    finish(proc)
    (half,) = new
    assert not (half / "manifest.json").exists(), "killed while writing: the release is unfinished"
    assert current_release(out) == before and snapshot(before) == files
    check_published(out, names)
    assert finish(kb_build(content, out)) == 0
    assert not half.exists(), "the next build prunes it"


def test_prune_removes_every_leftover_of_killed_builds_and_keeps_the_predecessor(content: Path,
                                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    options = BuildOptions(jobs=1)
    first = build(content, out, options).release
    second = build(content, out, options).release
    releases = out / "releases"
    # What builds killed at various moments leave: a release never finished, one finished but never
    # published, a prune killed half-way, the link publish() was about to rename, a manifest's temp file.
    (releases / "29991231T000000000000-1" / "site").mkdir(parents=True)
    (releases / "29991231T000000000001-2").mkdir()
    (releases / "29991231T000000000001-2" / "manifest.json").write_text("{}", encoding="utf-8")
    (releases / ".trash-19990101T000000000000-3" / "index").mkdir(parents=True)
    (out / ".current-99999").symlink_to(Path("releases") / "29991231T000000000000-1")
    prune(out)
    assert sorted(p.name for p in releases.iterdir()) == sorted([first.name, second.name])
    assert list(out.glob(".current-*")) == []
    third = build(content, out, options).release
    assert sorted(p.name for p in releases.iterdir()) == [first.name, second.name, third.name]
    assert current_release(out) == third
    # The next build recycles the oldest kept release (its folders are made already); the live one
    # and its predecessor stay as they were.
    folder = (first / "site").stat().st_ino
    fourth = build(content, out, options).release
    assert sorted(p.name for p in releases.iterdir()) == [second.name, third.name, fourth.name]
    assert (fourth / "site").stat().st_ino == folder
    assert current_release(out) == fourth
