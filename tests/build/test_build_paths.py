"""A build folder given as a relative path (as README's main command does) keeps its live release."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.build.releases import KEEP_RELEASES
from tests.conftest import CONTENT

pytestmark = pytest.mark.slow  # real `kb build` processes


def test_relative_build_folder_keeps_the_published_release(tmp_path: Path) -> None:
    for _ in range(KEEP_RELEASES + 1):
        done = subprocess.run(
            [sys.executable, "-m", "kb", "build", "--content", str(CONTENT), "--build", "out", "--quiet"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        live = (tmp_path / "out" / "current").resolve()
        assert (live / "manifest.json").is_file()
        assert (tmp_path / "out" / "index").resolve().is_dir()
        assert (tmp_path / "out" / "site" / "pt-br" / "multichannel-support" / "index.html").is_file()
    releases = sorted(p.name for p in (tmp_path / "out" / "releases").iterdir() if not p.name.startswith("."))
    assert len(releases) == KEEP_RELEASES and releases[-1] == live.name
