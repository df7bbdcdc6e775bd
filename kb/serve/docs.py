"""``/api/docs``: Swagger UI over ``/openapi.json``, from files installed with kb, under the site's
Content-Security-Policy.

FastAPI's own docs page loads Swagger UI from a CDN (a floating version, no integrity hash, blank
offline) and starts it with an inline script, which ``script-src 'self'`` forbids. Here the page is
plain HTML; Swagger UI's script and style come from the ``fastapi-offline`` package (which ships a
pinned Swagger UI 5 build, Apache-2.0, for this very purpose) and the few lines that start it are a
script of their own, all served under ``/api/docs/``.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

from kb.errors import NotFound

DOCS = "/api/docs"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kb query API</title>
<link rel="stylesheet" href="{DOCS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="{DOCS}/swagger-ui-bundle.js"></script>
<script src="{DOCS}/start.js"></script>
</body>
</html>
"""

START = """"use strict";
// Starts Swagger UI on the description named by the page (no inline script: the CSP forbids it).
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null
  });
})();
"""

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js")
"""The files of ``fastapi_offline/static`` served (the rest, ReDoc and a favicon, are not needed)."""


def asset_path(name: str) -> Path:
    """The installed file ``name`` of Swagger UI (a regular file in every install pip makes)."""
    with as_file(files("fastapi_offline") / "static" / name) as path:
        return Path(path)


def install_docs(app: FastAPI) -> None:
    """Add ``/api/docs`` and its files to ``app`` (created with ``docs_url=None``); before any
    catch-all route, so that these win."""

    @app.get(DOCS, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.get(DOCS + "/start.js", include_in_schema=False)
    async def start() -> Response:
        return Response(START, media_type="text/javascript")

    @app.get(DOCS + "/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in ASSETS:
            raise NotFound(f"no file '{name}' of the API docs")
        return FileResponse(asset_path(name), headers={"Cache-Control": "public, max-age=86400"})
