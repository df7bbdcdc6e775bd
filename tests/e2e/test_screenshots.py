"""scripts/screenshots.py writes the six PNGs (document, compare, search × phone, desktop) it promises."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import CHROMIUM, ROOT

pytestmark = pytest.mark.browser


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshots_script_writes_each_page_at_phone_and_desktop_width(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (bash .ci/install-chromium installs it)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == [
        f"{page}-{size}.png" for page in ("compare", "document", "search") for size in ("desktop", "phone")
    ]
    for name in names:
        width, height = png_size(tmp_path / name)
        assert width == (390 if "phone" in name else 1280), name
        assert height >= (844 if "phone" in name else 900), name
