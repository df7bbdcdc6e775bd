"""scripts/screenshots.py writes each page type at phone and desktop width in every locale of a small
real site (tests/e2e/search_site: four locales): the site's home, and per locale its home, an
article, its topic hub, a compare page, search with results and the status page."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import CHROMIUM, ROOT, SEARCH_SITE

pytestmark = pytest.mark.browser

LOCALES = ["es-ES", "it-IT", "pt-BR", "ru-RU"]
KINDS = ["article", "compare", "locale-home", "search", "status", "topic"]
WIDTHS = {390: 844, 1280: 900}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshots_script_writes_each_page_type_at_both_widths_in_every_locale(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (bash .ci/install-chromium installs it)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), str(tmp_path), "--content", str(SEARCH_SITE)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == sorted(
        [f"home-{w}.png" for w in WIDTHS]
        + [f"{kind}-{loc}-{w}.png" for kind in KINDS for loc in LOCALES for w in WIDTHS]
    )
    for name in names:
        width, height = png_size(tmp_path / name)
        want = int(name.rsplit("-", 1)[1].removesuffix(".png"))
        assert width == want, name
        assert height >= WIDTHS[want], name
