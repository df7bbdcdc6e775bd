"""``kb serve``: run the API and the site of a build folder with uvicorn."""

from __future__ import annotations

import sys
from pathlib import Path

from kb.errors import InvalidParameter


def serve(build_dir: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``build_dir`` until interrupted. A missing build is not an error: the API answers 503
    and the site a 404 until the first ``kb build`` publishes into the folder."""
    import uvicorn

    from kb.api import create_app

    if not 0 < port < 65536:
        raise InvalidParameter(f"--port must be between 1 and 65535, not {port}")
    build = Path(build_dir)
    if build.exists() and not build.is_dir():
        raise InvalidParameter(f"--build '{build}' is not a folder")
    print(f"kb serve: {build} on http://{host}:{port}/ (API at /api, description at /openapi.json)",
          file=sys.stderr, flush=True)
    uvicorn.run(create_app(build), host=host, port=port, log_level="warning", access_log=False)
