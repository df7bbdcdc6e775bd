"""uvicorn's h11 HTTP/1.1 protocol with what ``kb serve`` needs below the ASGI app.

- **Raw UTF-8 in the request line.** ``curl 'http://…/api/search?q=подписка'`` sends the Cyrillic as
  raw bytes; h11 accepts only printable ASCII in a request target (RFC 9112) and uvicorn then answers
  a text/plain 400 the app never sees. The bytes over 0x7f of a request line are percent-encoded
  before h11 parses it, as a browser would have sent them. (Only the first request line of a chunk
  of data: a client pipelining several raw-UTF-8 requests gets the JSON 400 for the later ones.)
- **A read timeout.** uvicorn closes a connection idle *between* requests (``timeout_keep_alive``) but
  waits forever for the head of a request: 200 slowloris clients each sending a header line now and
  then hold 200 connections. Here a request must arrive whole (line, headers and body) within
  ``read_timeout`` seconds of its first byte, or of the connection's opening; else 408 and closed.
- **Its own errors in the app's shape.** A request h11 cannot parse gets 400 (a header block over
  the limit 431) in the JSON error shape with the security headers, not uvicorn's text/plain.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import h11
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE  # as uvicorn itself imports it
from uvicorn.protocols.http.h11_impl import H11Protocol

from kb.serve.security import json_error

_HIGH = re.compile(rb"[\x80-\xff]")
_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


def percent_encode_request_line(data: bytes) -> bytes:
    """``data`` with the bytes over 0x7f of its first line percent-encoded (``п`` → ``%D0%BF``)."""
    start = len(data) - len(data.lstrip(b"\r\n"))  # blank lines before a request line are tolerated
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    line = data[start:end]
    if not _HIGH.search(line):
        return data
    return data[:start] + _HIGH.sub(lambda m: b"%%%02X" % m[0][0], line) + data[end:]


def error_bytes(status: int, code: str, message: str) -> bytes:
    """A whole ``Connection: close`` response in the JSON error shape, written as bytes: it is sent
    where h11 has no request to answer (a timeout before the head arrived)."""
    headers, body = json_error(status, code, message)
    head = b"HTTP/1.1 %d %s\r\n" % (status, _REASONS.get(status, b""))
    head += b"".join(name + b": " + value + b"\r\n" for name, value in [*headers, (b"connection", b"close")])
    return head + b"\r\n" + body


class KbH11Protocol(H11Protocol):
    """See the module docstring; ``read_timeout`` is set by :func:`protocol`."""

    read_timeout = 10.0  # seconds; kb serve's is set by protocol() (kb.serve.server.READ_TIMEOUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm_read_timer()  # a client that connects and sends nothing is timed too

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm_read_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            buffered = self.conn.trailing_data[0].lstrip(b"\r\n")
            if b"\n" not in buffered:  # still in the request line
                data = percent_encode_request_line(data) if not buffered else self.encode_rest_of_line(data)
            self.arm_read_timer()
        super().data_received(data)
        self.check_request_read()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.check_request_read()

    def encode_rest_of_line(self, data: bytes) -> bytes:
        """The rest of a request line that began in an earlier chunk, up to its end, encoded."""
        end = data.find(b"\n")
        head, tail = (data, b"") if end < 0 else (data[:end], data[end:])
        return _HIGH.sub(lambda m: b"%%%02X" % m[0][0], head) + tail

    def check_request_read(self) -> None:
        """The timer runs while a request is being received, and stops once it is whole."""
        state = self.conn.their_state
        if state is h11.SEND_BODY or (state is h11.IDLE and self.conn.trailing_data[0]):
            self.arm_read_timer()
        elif state is not h11.IDLE:  # whole (DONE), or the connection is ending
            self.disarm_read_timer()

    def arm_read_timer(self) -> None:
        if self.read_timer is None and self.read_timeout > 0:
            self.read_timer = self.loop.call_later(self.read_timeout, self.read_timed_out)

    def disarm_read_timer(self) -> None:
        if self.read_timer is not None:
            self.read_timer.cancel()
            self.read_timer = None

    def read_timed_out(self) -> None:
        self.read_timer = None
        if self.transport.is_closing():
            return
        begun = self.conn.their_state is h11.SEND_BODY or bool(self.conn.trailing_data[0])
        if begun and self.conn.our_state is h11.IDLE:  # a request began, no response yet: say why it closes
            message = f"the request did not arrive whole within {self.read_timeout:g} s"
            self.transport.write(error_bytes(408, "request_timeout", message))
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self.disarm_read_timer()
        if self.conn.our_state is not h11.IDLE:  # a response is under way: nothing sensible to add
            self.transport.close()
            return
        status, message = 400, "the request is not valid HTTP/1.1"
        limit = self.config.h11_max_incomplete_event_size or DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
        if len(self.conn.trailing_data[0]) > limit:  # what h11 raised for (uvicorn does not pass it on)
            status, message = 431, "the request line and headers are over the size limit"
        self.logger.info("%s: %s", msg, message)
        self.transport.write(error_bytes(status, "bad_request", message))
        self.transport.close()


def protocol(read_timeout: float) -> type[KbH11Protocol]:
    """The protocol class to give uvicorn (``http=``), with its read timeout in seconds (0: none)."""
    return type("KbH11Protocol", (KbH11Protocol,), {"read_timeout": read_timeout})
