"""The build lock: one build at a time per build folder, and a refused build names who holds it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from locks import holding, release

from kb.build.pipeline import build
from kb.build.releases import build_lock, current_release
from kb.cli import main
from kb.errors import BuildLocked
from kb.output.options import BuildOptions
from tests.conftest import CONTENT

HOLDER = re.compile(r"pid (?P<pid>\d+), started (?P<started>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")


@pytest.mark.slow
def test_a_second_build_fails_with_build_locked_naming_the_holder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = holding(out)
    try:
        before = time.time()
        with pytest.raises(BuildLocked) as refused:
            build(CONTENT, out, BuildOptions(jobs=1))
        message = refused.value.message
        m = HOLDER.search(message)
        assert m is not None, message
        assert int(m["pid"]) == holder.pid
        started = time.mktime(time.strptime(m["started"], "%Y-%m-%dT%H:%M:%S"))
        assert before - 60 < started <= before + 1
        assert message == (f"another build is running on '{out}' (pid {holder.pid}, started {m['started']}); "
                           "wait for it to finish")
        assert (refused.value.code, refused.value.status) == ("build_locked", 409)
        assert not (out / "releases").exists(), "a refused build writes nothing"
    finally:
        release(holder)
    assert build(CONTENT, out, BuildOptions(jobs=1)).release == current_release(out)


def test_kb_build_exits_non_zero_with_the_holders_name(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    holder = holding(out)
    try:
        code = main(["build", "--content", str(CONTENT), "--build", str(out), "--jobs", "1", "--quiet"])
    finally:
        release(holder)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"kb build: another build is running on '{out}' (pid {holder.pid}, started ")
    assert "Traceback" not in err


def test_a_lock_held_in_the_same_process_refuses_too(tmp_path: Path) -> None:
    """flock belongs to the open file, so a second build in another thread of the same server is
    refused as well."""
    out = tmp_path / "out"
    with build_lock(out):
        assert (out / ".lock").read_text(encoding="utf-8").startswith(f"pid {os.getpid()}, started ")
        with pytest.raises(BuildLocked, match=f"pid {os.getpid()}, started "):
            build(CONTENT, out, BuildOptions(jobs=1))


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """The seeds and 60 more documents: enough for ingest to parse in a process pool."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    for i in range(60):
        (root / f"extra-{i:02d}.md").write_text(
            f"---\ntitle: Fatura {i}\nms.contentlocale: pt-BR\n---\n# Fatura {i}\n\n"
            f"Como ler a fatura mensal número {i} do programa de parceiros na nuvem.\n" * 3, encoding="utf-8")
    return root


@pytest.mark.slow
def test_killing_a_build_frees_the_lock_even_with_pool_workers(many: Path, tmp_path: Path) -> None:
    """A SIGKILLed build's forked workers die with it and do not keep the lock (they used to)."""
    out = tmp_path / "out"
    args = ["build", "--content", str(many), "--build", str(out), "--jobs", "2", "--quiet"]
    proc = subprocess.Popen([sys.executable, "-m", "kb", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    children: list[int] = []
    deadline = time.monotonic() + 120
    while not children and proc.poll() is None:  # kill it while its pool is up
        assert time.monotonic() < deadline
        children = [int(c) for c in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        time.sleep(0.01)
    assert children, "the build finished before its pool could be seen; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(c) for c in children):
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"the killed build's workers {children} outlived it")
        time.sleep(0.05)
    assert build(CONTENT, out, BuildOptions(jobs=1)).release == current_release(out)
