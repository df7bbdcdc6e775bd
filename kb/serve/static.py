"""The published site of a build, served by ``kb serve`` at ``/`` (or below the ``--base-url`` it was built
for, which its manifest records: :func:`site_base`): a file, a folder's ``index.html``,
a redirect that adds a folder's trailing slash, a 301 for the page of a ``redirect_url`` stub (from the
site's ``redirects.json``, to a path of the site only), or ``404.html`` with status 404.

A request path names a file by its segments only: an empty segment (``//``), ``.`` or ``..`` names
nothing, so ``//evil.example/%2e%2e/<the build path>/site/pt-br`` is a 404 and not a redirect to
``//evil.example/…`` (which a browser reads as another host). Redirects are built from the checked
segments, percent-encoded, and so always start with exactly one ``/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from kb import memos
from kb.errors import NotFound
from kb.locales import is_locale_folder
from kb.output.integrity import MANIFEST


def site_response(site: Path, path: str, base: str = "/") -> Response:
    """A file of the published site: a folder's ``index.html``; ``404.html`` (status 404) if missing.
    ``base``: the URL path the site was built for (``kb build --base-url``), which its links start with:
    the site answers below it, ``/`` is redirected to it, and every other path is the 404 page."""
    if path == "api" or path.startswith("api/"):
        raise NotFound(f"no API route '/{path}'; see /openapi.json")
    root = site.resolve()
    if not root.is_dir():
        return PlainTextResponse("No site has been built yet: run kb build.", status_code=404)
    parts, prefix = segments(path), segments(base.strip("/")) or []
    if parts is None:
        return not_found_page(root)
    if parts[: len(prefix)] != prefix:
        return RedirectResponse(local_url(prefix) + "/", status_code=308) if not parts else not_found_page(root)
    parts = parts[len(prefix) :]
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):  # a symbolic link out of the site
        return not_found_page(root, parts)
    if target.is_dir():
        if path and not path.endswith("/"):
            return RedirectResponse(local_url(prefix + parts) + "/", status_code=308)
        moved = moved_to(root, parts, prefix)
        if moved is not None:
            return RedirectResponse(moved, status_code=301)
        target = target / "index.html"
    if not target.is_file():
        return not_found_page(root, parts)
    return FileResponse(target)


def segments(path: str) -> list[str] | None:
    """The names ``path`` (the request path without its leading ``/``) walks down, or None when it
    cannot name a file of the site: an empty, ``.`` or ``..`` segment, a backslash (a separator to
    some browsers and file systems) or a control character (NUL cannot even be given to ``open``)."""
    if "\\" in path or any(ord(c) < 0x20 or c == "\x7f" for c in path):
        return None
    parts = path.split("/")
    if parts[-1] == "":  # a folder's trailing slash
        parts.pop()
    if any(p in ("", ".", "..") for p in parts):
        return None
    return parts


REDIRECTS_FILE = "redirects.json"
"""Written by the site (:mod:`kb.site.redirects`): {a stub page's folder: its target's site path}."""


def moved_to(root: Path, parts: list[str], prefix: list[str] | None = None) -> str | None:
    """Where the folder ``parts`` of the site has moved (a ``redirect_url`` stub's page), as an absolute
    path of this site (below ``prefix``, the segments of its base path); None when it has not. A target
    that is not a plain path of the site (another host, ``..``, a scheme) is never followed: the stub's
    page is served instead."""
    try:
        moves = json.loads((root / REDIRECTS_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    target = moves.get("/".join(parts) + "/") if isinstance(moves, dict) else None
    if not isinstance(target, str) or "?" in target or "#" in target:
        return None
    target_parts = segments(target)
    if not target_parts:
        return None
    return local_url([*(prefix or []), *target_parts]) + ("/" if target.endswith("/") else "")


def site_base(build: Path) -> str:
    """The URL path the published release's site was built for (its manifest's ``base_url``; ``/`` for
    a release without one), read again only when another release is published."""
    try:
        return _base_of(build / os.readlink(build / "current"))
    except OSError:
        return "/"


@memos.cached("site-bases")
def _base_of(release: Path) -> str:
    """The path of a published release's ``base_url``: its manifest never changes."""
    try:
        base = json.loads((release / MANIFEST).read_bytes()).get("base_url", "/")
    except (OSError, ValueError, AttributeError):
        base = "/"
    return (urlsplit(base).path if isinstance(base, str) else "") or "/"


def local_url(parts: list[str]) -> str:
    """The absolute path of the site naming ``parts``: one leading ``/``, every segment
    percent-encoded, so no ``//`` or ``/\\`` that a browser would read as another host."""
    return "/" + "/".join(quote(p, safe="") for p in parts)


def not_found_page(root: Path, parts: list[str] | None = None) -> Response:
    """``404.html`` with status 404: the one of the locale folder the path starts in (``pt-br/404.html``,
    in the reader's language) when there is one, else the site's."""
    page = root / "404.html"
    if parts and is_locale_folder(parts[0]) and (root / parts[0] / "404.html").is_file():
        page = root / parts[0] / "404.html"
    if page.is_file():
        return FileResponse(page, status_code=404)
    return PlainTextResponse("Not found.", status_code=404)
