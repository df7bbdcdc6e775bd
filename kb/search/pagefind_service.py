"""A client of Pagefind's indexing service (``pagefind --service``), for :mod:`kb.search.pagefind`.

The ``pagefind`` package's own client (``pagefind.index``) sleeps 0.1 s before reading each answer
of the service: ten records a second, 74 s for the dev corpus's 744 documents, hours at 100×. The
protocol is small (each message base64-encoded JSON followed by a comma, on stdin and stdout), so kb
speaks it here: records are written by a thread while the answers are read as they come, and the
binary is the package's (``pagefind.service.get_executable``: ``PAGEFIND_BINARY_PATH``, else the
``pagefind_bin_extended`` wheel, else one on ``PATH``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

SETTLE_SECONDS = 0.25
"""How long the bundle's files must stay unchanged before the service is let go."""
STOP_SECONDS = 30.0
"""How long the service may take to exit once its input is closed, before it is killed."""


class PagefindMissing(RuntimeError):
    """No Pagefind binary (or package) is installed."""


class PagefindFailed(RuntimeError):
    """The service answered an error, or stopped before answering."""


def executable() -> Path:
    try:
        from pagefind.service import get_executable  # the package's lookup (env, wheels, PATH)
    except ImportError as exc:
        raise PagefindMissing("the pagefind package is not installed") from exc
    found = get_executable()
    if found is None or not Path(found).is_file():
        raise PagefindMissing("no Pagefind binary found")
    return Path(found)


def _encode(message_id: int, payload: dict[str, Any]) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode()) + b","


def _answers(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The service's answers (``{"message_id", "payload"}``), as they arrive."""
    pending = b""
    while chunk := stream.read1(1 << 16):  # type: ignore[attr-defined]
        pending += chunk
        *whole, pending = pending.split(b",")
        for part in whole:
            if part.strip():
                yield json.loads(base64.b64decode(part))


def index_records(
    records: Iterable[dict[str, Any]], output: Path, count: int, complete: Callable[[], bool] = lambda: True,
) -> None:
    """Index ``count`` records (each the fields of an ``AddRecord``: url, content, language, meta,
    filters) in a new service and write the bundle into ``output``. The service is let go once
    ``complete()`` says the bundle is whole (or after STOP_SECONDS): a file it has not finished
    writing when it exits would stay truncated."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([os.fspath(executable()), "--service"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdin is not None and proc.stdout is not None
        answers = _answers(proc.stdout)
        try:
            _write(proc.stdin, _encode(1, {"type": "NewIndex", "config": None}))
            index_id = _expect(answers, "NewIndex", errors)["index_id"]
            # Written by a thread while this one reads the answers: neither pipe fills up and stalls.
            writer = threading.Thread(target=_send, args=(proc.stdin, index_id, records), daemon=True)
            writer.start()
            for _ in range(count):
                _expect(answers, "IndexedFile", errors)
            writer.join()
            write = {"type": "WriteFiles", "index_id": index_id, "output_path": os.fspath(output)}
            _write(proc.stdin, _encode(2, write))
            _expect(answers, "WriteFiles", errors)
            settle(output, complete)
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()  # the service finishes and exits when its input ends
            proc.wait(timeout=STOP_SECONDS)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def settle(output: Path, complete: Callable[[], bool]) -> None:
    """Wait until the bundle in ``output`` is whole and has stopped changing (no file's size or time
    changed for SETTLE_SECONDS), at most STOP_SECONDS: the service answers that it wrote the files
    while writes can still be under way, and one in flight when it exits stays truncated."""
    deadline = time.monotonic() + STOP_SECONDS
    last: dict[str, tuple[int, int]] | None = None
    while time.monotonic() < deadline:
        now = _snapshot(output)
        if now == last and complete():
            return
        last = now
        time.sleep(SETTLE_SECONDS)


def _snapshot(output: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for path in output.rglob("*"):
        with contextlib.suppress(OSError):
            st = path.stat()
            found[path.as_posix()] = (st.st_size, st.st_mtime_ns)
    return found


def _write(stdin: IO[bytes], data: bytes) -> None:
    """Write to the service; if it has died, its answers (none) say so."""
    try:
        stdin.write(data)
        stdin.flush()
    except BrokenPipeError:
        return


def _send(stdin: IO[bytes], index_id: int, records: Iterable[dict[str, Any]]) -> None:
    try:
        for n, record in enumerate(records, start=3):
            stdin.write(_encode(n, {"type": "AddRecord", "index_id": index_id, "sort": None, **record}))
        stdin.flush()
    except (BrokenPipeError, ValueError):  # the service died: the reader reports it
        return


def _expect(answers: Iterator[dict[str, Any]], kind: str, errors: IO[bytes]) -> dict[str, Any]:
    answer = next(answers, None)
    if answer is None:
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace").strip().splitlines()
        raise PagefindFailed(f"the service stopped before its {kind} answer" + (f": {said[-1]}" if said else ""))
    payload: dict[str, Any] = answer["payload"]
    if payload.get("type") == "Error":
        raise PagefindFailed(str(payload.get("message", "an error")))
    if payload.get("type") != kind:
        raise PagefindFailed(f"the service answered {payload.get('type')} instead of {kind}")
    return payload
