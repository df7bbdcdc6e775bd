"""``kb verify``: check the published release of a build folder against its manifest (every index
file's size and SHA-256: :mod:`kb.output.integrity`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.build.releases import current_release
from kb.errors import IndexMissing, KbError
from kb.output.integrity import read_records, verify


def verify_build(out: str | Path, hashes: bool = True) -> dict[str, Any]:
    """The report of ``kb verify --json``: ``{"release", "status": "healthy" | "damaged", "checked",
    "damaged": [{"file", "problem"}]}``, files named relative to the release."""
    out = Path(out)
    release = current_release(out)
    if release is None or not release.is_dir():
        raise IndexMissing(f"nothing is published in '{out}': run kb build --content DIR --build {out}")
    damage = verify(release, hashes)
    if damage is None:
        raise KbError(f"the manifest of release {release.name} records no file sizes or hashes (it was built "
                      "by an older kb, or the manifest is damaged): rebuild with kb build", code="unverifiable")
    return {
        "release": release.name,
        "status": "damaged" if damage else "healthy",
        "checked": len(read_records(release) or {}),
        "damaged": [d.as_dict() for d in damage],
    }
