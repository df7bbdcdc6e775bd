"""``kb serve --access-log FILE|-``: one JSON line per request, written when its response is done.

    {"time": "2026-12-05T10:01:22.123Z", "method": "GET", "path": "/api/search", "status": 200,
     "ms": 3.2, "bytes": 1834}

``time`` is when the request arrived (UTC), ``ms`` how long until the last byte of the response was
handed to the server, ``bytes`` the size of the response body (0 for HEAD). ``path`` is the path as
the client sent it (percent-encoded, ``/ru-ru/%D0%BF…``), without the query string: the searches
people make are not recorded. A line is JSON, so no request can forge one. ``status`` is null when the client went
away before any response.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO


class AccessLogFile:
    """Where the lines go: a file (appended to, created if missing) or standard output (``-``)."""

    def __init__(self, target: str) -> None:
        self.owned = target != "-"
        # Open for the life of the server, closed by close(): no with-block can span that.
        self.out: TextIO = Path(target).open("a", encoding="utf-8") if self.owned else sys.stdout  # noqa: SIM115
        self.lock = threading.Lock()  # one line at a time, whichever thread writes

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.lock:
            self.out.write(line)
            self.out.flush()  # a line is there for `tail -f` as soon as the request is done

    def close(self) -> None:
        if self.owned:
            self.out.close()


class AccessLog:
    """ASGI middleware writing one :class:`AccessLogFile` line per HTTP request."""

    def __init__(self, app: Any, sink: AccessLogFile) -> None:
        self.app, self.sink = app, sink

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrived, t0 = datetime.now(UTC), time.perf_counter()
        status: int | None = None
        size = 0

        async def send_counted(message: Any) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            self.sink.write({
                "time": arrived.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "method": scope["method"], "path": raw_path(scope), "status": status,
                "ms": round((time.perf_counter() - t0) * 1000, 1), "bytes": size,
            })


def raw_path(scope: Any) -> str:
    raw = scope.get("raw_path")  # ASCII: kb.serve.protocol percent-encodes any other byte
    return raw.decode("latin-1") if raw else str(scope["path"])
