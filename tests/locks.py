"""Another process holding a build folder's lock, for the tests of the lock and of the API under it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def holding(out: Path) -> subprocess.Popen[str]:
    """Another process holding the lock of ``out`` (kb.build.releases.build_lock) until its stdin closes."""
    code = ("import sys; from pathlib import Path; from kb.build.releases import build_lock\n"
            "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
