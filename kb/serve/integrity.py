"""How ``kb serve`` answers while the published release is damaged (:mod:`kb.output.integrity`): every
API call 503 ``index_damaged`` naming the damaged files relative to the release, ``/api/health``
``{"status": "damaged", …}``; the site is served as ever (its pages are files of their own)."""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import JSONResponse

from kb.errors import IndexDamaged
from kb.output.integrity import check_sizes
from kb.serve.security import hide_paths


def damaged_health(exc: IndexDamaged, build: Path) -> JSONResponse:
    """``/api/health`` of a damaged release: 503, its status ``damaged``, the files, and the error."""
    release = (build / "index").resolve().parent.name
    message = hide_paths(exc.message, build)
    return JSONResponse({"status": "damaged", "release": release, "files": list(exc.files),
                         "error": {"code": exc.code, "message": message}}, status_code=503)


def damage_now(build: Path) -> IndexDamaged | None:
    """The published release's damage, if any (its files' sizes: a ``stat`` each). Asked when a request
    failed unexpectedly: a file shrinking between a request's check and its reads fails the reads."""
    try:
        check_sizes((build / "index").resolve().parent)
    except IndexDamaged as exc:
        return exc
    return None
