"""What every response of ``kb serve`` carries and what no request can get past, in one ASGI
middleware wrapped around the whole app (:class:`Hardened`), outside FastAPI's own error middleware
so that its 500s are covered too.

- Security headers on every response: site, API, docs, errors (404, 405, 413, 503, 500…).
- A request path that is not valid UTF-8 or holds a control character (``/%00``) is answered before
  any route sees it: 400 in the JSON error shape under ``/api``, the site's 404 page elsewhere.
- HEAD is answered as GET without the body, on every route (FastAPI's routes take only GET).
- 405 says what is allowed (``Allow: GET, HEAD``: every route is read-only).
- A ``Location`` never leaves the site: one naming a host, a scheme, or starting with ``//`` or
  ``/\\`` (another host to a browser) is cut down to its path.
- An exception no handler took becomes a 500 in the JSON error shape, never uvicorn's text/plain.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from kb.serve.static import not_found_page

log = logging.getLogger("kb.serve.api")

POLICY = {
    "default-src": "'self'",
    # Pagefind's search (the static host's, OUT/site/pagefind) compiles its WebAssembly: allowed, and
    # still no script but this site's files, none inline and no eval of text.
    "script-src": "'self' 'wasm-unsafe-eval'",
    # Document pages show the images of the docs as written, some of them on other https hosts.
    "img-src": "'self' data: https:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
"""The Content-Security-Policy of every response: scripts, styles and requests from this site only,
never inline (``default-src 'self'`` with no ``'unsafe-inline'``; scripts may compile WebAssembly, no
more), and never shown in a frame."""

META_IGNORED = ("frame-ancestors",)
"""Directives a browser ignores (with a console warning) in ``<meta http-equiv>``."""


def policy(skip: Iterable[str] = ()) -> str:
    return "; ".join(f"{name} {value}" for name, value in POLICY.items() if name not in skip)


CONTENT_SECURITY_POLICY = policy()
META_POLICY = policy(META_IGNORED)
"""The policy ``site_templates/base.html`` states in ``<meta http-equiv>`` for a plain static host
(tests/serve/test_serve_hardening.py checks the two agree)."""

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # a search's URL (?q=…) is not told to the sites linked to
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
]
ALLOW = b"GET, HEAD"
UNEXPECTED = "an unexpected error occurred; the server log has details"


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    ours = {name for name, _ in SECURITY_HEADERS}
    return [(k, v) for k, v in headers if k.lower() not in ours] + SECURITY_HEADERS


def json_error(status: int, code: str, message: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of ``{"error": {"code", "message"}}`` (for answers given below FastAPI)."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return with_security_headers(headers), body


def path_problem(raw_path: bytes) -> str | None:
    """Why a request path cannot name anything (None when it can): after percent-decoding, not
    UTF-8, or a control character (NUL among them, which no file name can hold)."""
    decoded = unquote_to_bytes(raw_path)
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "the request path is not valid UTF-8"
    if any(ord(c) < 0x20 or c == "\x7f" for c in text):
        return "the request path holds a control character"
    return None


def safe_location(value: bytes) -> bytes:
    """``value`` if it is a path of this site, else only its path: no scheme, no host, one leading ``/``."""
    text = value.decode("latin-1")
    parts = urlsplit(text)
    if not parts.scheme and not parts.netloc and text.startswith("/") and not text.startswith(("//", "/\\")):
        return value
    path = "/" + parts.path.lstrip("/\\")
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


class Hardened:
    """The ASGI middleware described in the module docstring; ``site``: the build's ``site`` folder
    (for the 404 page)."""

    def __init__(self, app: Any, site: Path) -> None:
        self.app, self.site = app, site

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        started = False

        async def send_hardened(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": self.response_headers(message)}
            elif message["type"] == "http.response.body" and head and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        problem = path_problem(scope.get("raw_path") or scope["path"].encode())
        try:
            if problem is not None:
                await self.bad_path(scope, receive, send_hardened, problem)
            else:
                await self.app({**scope, "method": "GET"} if head else scope, receive, send_hardened)
        except Exception as exc:
            if started:  # answered (by FastAPI's handler for Exception, which logs the traceback) or cut short
                log.warning("error on %s after the response started: %r", scope.get("path"), exc)
                return
            log.exception("unexpected error on %s", scope.get("path"))
            headers, body = json_error(500, "internal_error", UNEXPECTED)
            await send({"type": "http.response.start", "status": 500, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if head else body})

    def response_headers(self, message: Any) -> list[tuple[bytes, bytes]]:
        headers = []
        for name, value in message.get("headers", []):
            if name.lower() == b"location":
                value = safe_location(value)
            elif name.lower() == b"allow" and message["status"] == 405:
                value = ALLOW  # GET routes answer HEAD too, through this middleware
            headers.append((name, value))
        return with_security_headers(headers)

    async def bad_path(self, scope: Any, receive: Any, send: Any, problem: str) -> None:
        if is_api(scope["path"]):
            headers, body = json_error(400, "invalid_path", problem)
            await send({"type": "http.response.start", "status": 400, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await not_found_page(self.site.resolve())(scope, receive, send)


def hide_paths(message: str, *roots: Path) -> str:
    """``message`` with each of ``roots`` (as given, absolute and resolved) written ``OUT``: an error
    names a file of the build the way the docs do (``OUT/index/…``), never the server's own path."""
    spellings: set[str] = set()
    for root in roots:
        spellings.update({str(root), os.path.abspath(root), str(root.resolve())})
    absolute = {s for s in spellings if os.path.isabs(s) and s != os.sep}  # a relative one is no disclosure
    for spelling in sorted(absolute, key=len, reverse=True):
        message = message.replace(spelling, "OUT")
    return message
