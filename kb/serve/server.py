"""``kb serve``: run the API and the site of a build folder with uvicorn; with ``--watch``, also
rebuild the content folder incrementally whenever its files change."""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import BuildLocked, InvalidParameter, KbError
from kb.output.options import LINK_BASE

if TYPE_CHECKING:
    from kb.output.options import BuildOptions
    from kb.serve.accesslog import AccessLogFile

READ_TIMEOUT = 10.0
"""Seconds a client has to send a whole request (``--read-timeout``); see :mod:`kb.serve.protocol`."""
KEEP_ALIVE = 5
"""Seconds an idle connection is kept open between requests (``--keep-alive``; uvicorn's default)."""
SWITCH_INTERVAL = 0.001
"""Seconds a thread runs before it must let a waiting one have the GIL (``sys.setswitchinterval``)."""

Snapshot = dict[str, tuple[int, int]]


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def snapshot(root: Path) -> Snapshot:
    """Every file under ``root`` → (mtime in ns, size): cheap enough to poll (744 files: a few ms)."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:  # deleted while we looked: the next poll sees it gone
                continue
            found[os.path.relpath(path, root)] = (st.st_mtime_ns, st.st_size)
    return found


class Watcher(threading.Thread):
    """Polls ``content`` and runs an incremental :func:`kb.build.pipeline.build` into ``out`` after a change.

    Polling rather than inotify: it works the same on every platform and network file system, and a
    build is content-keyed anyway (a touched file with the same bytes reuses everything). A burst of
    writes (an editor saving, a git checkout) is waited out until two polls agree."""

    def __init__(self, content: Path, out: Path, options: BuildOptions, interval: float = 0.3) -> None:
        super().__init__(name="kb-watch", daemon=True)
        self.content, self.out, self.options, self.interval = content, out, options, interval
        self.stop = threading.Event()
        self.builds = 0

    def rebuild(self) -> bool:
        """One incremental build; False when another build holds the lock (retried on the next poll)."""
        from kb.build.pipeline import build

        t0 = time.perf_counter()
        try:
            result = build(self.content, self.out, self.options)
        except BuildLocked:
            return False
        except KbError as exc:  # a broken edit must not stop the server: report it, keep the last site
            log(f"kb serve: rebuild failed, still serving the last build: {exc}")
            return True
        self.builds += 1
        log(f"kb serve: rebuilt {len(result.corpus.documents)} documents in {time.perf_counter() - t0:.2f} s")
        return True

    def run(self) -> None:
        last: Snapshot | None = None
        while not self.stop.is_set():
            now = snapshot(self.content)
            if now != last:
                time.sleep(self.interval)
                if snapshot(self.content) == now and self.rebuild():
                    last = now
                continue
            self.stop.wait(self.interval)


def serve(
    build_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    watch: str | Path | None = None,
    jobs: int = 1,
    base_url: str = "/",
    access_log: str | None = None,
    link_base: str = LINK_BASE,
    read_timeout: float = READ_TIMEOUT,
    keep_alive: int = KEEP_ALIVE,
) -> None:
    """Serve ``build_dir`` until interrupted. A missing build is not an error: the API answers 503
    and the site a 404 until the first ``kb build`` publishes into the folder. ``watch``: a content
    folder to build now and again after every change (the server picks up each new release).
    ``access_log``: a file to append one JSON line per request to, or ``-`` for standard output.
    ``read_timeout``: seconds a client has to send a whole request once it starts one (or once it
    connects); ``keep_alive``: seconds an idle connection is kept between requests."""
    import uvicorn

    from kb.serve.protocol import protocol

    if not 0 < port < 65536:
        raise InvalidParameter(f"--port must be between 1 and 65535, not {port}")
    if read_timeout < 0 or keep_alive < 0:
        raise InvalidParameter("--read-timeout and --keep-alive are seconds, 0 or more")
    build = Path(build_dir)
    # An expensive search runs in a thread and holds the GIL but when made to let go: a thread waiting
    # for it (the event loop, a cheap search) waits up to this long each time (Python's default: 5 ms).
    # At 1 ms, a one-word query's p95 beside a running expensive search went from ~110 to ~60 ms.
    sys.setswitchinterval(SWITCH_INTERVAL)
    if build.exists() and not build.is_dir():
        raise InvalidParameter(f"--build '{build}' is not a folder")
    check_listenable(host, port)  # before saying it serves there: uvicorn would log its own error after
    sink = open_access_log(access_log)  # before the watcher starts: a bad --access-log stops at once
    watcher = None
    if watch is not None:
        from kb.build.pipeline import check_folders
        from kb.output.options import BuildOptions, Session

        check_folders(watch, build)  # (refused now, not at each rebuild the watcher would report failed)
        # One session for every rebuild: each stage redoes only what a change touched.
        options = BuildOptions(jobs=jobs, base_url=base_url, link_base=link_base, prune_in_background=True,
                               session=Session())
        watcher = Watcher(Path(watch), build, options)
        watcher.start()
    print(f"kb serve: {build} on {listen_url(host, port)} (API at /api, description at /openapi.json)"
          + (f", watching {watch}" if watch is not None else ""),
          file=sys.stderr, flush=True)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with the handler it found:
    # with the default one the process was killed there, before this function's cleanup and the
    # interpreter's (the search workers' semaphores were reported leaked). Found, this handler exits
    # with the same status (143), cleanly.
    previous = _exit_on(signal.SIGTERM)
    try:
        uvicorn.run(server_app(build, sink), host=host, port=port, log_level="warning", access_log=False,
                    http=protocol(read_timeout), timeout_keep_alive=keep_alive)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if watcher is not None:
            watcher.stop.set()
        if sink is not None:
            sink.close()


def _exit_on(signum: int) -> Any:
    """Make ``signum`` raise SystemExit(128 + signum) (the status a shell reports for it); the handler it
    replaces, or None where handlers cannot be set (a thread other than the main one)."""

    def leave(received: int, frame: object) -> None:
        raise SystemExit(128 + received)

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signum, leave)


def listen_url(host: str, port: int) -> str:
    """The URL ``kb serve`` answers at: an IPv6 address in brackets (``http://[::1]:8000/``), its zone's
    ``%`` written ``%25`` (RFC 6874), as a URL must hold it."""
    return f"http://[{host.replace('%', '%25')}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def check_listenable(host: str, port: int) -> None:
    """Raise :class:`InvalidParameter` naming ``--host`` or ``--port`` when nothing could listen there (a
    name that resolves to nothing, an address this machine does not have, a port taken or forbidden).
    Bound as uvicorn binds (``SO_REUSEADDR``: a port whose last connections are closing is free)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else "not a host name"
        raise InvalidParameter(f"--host '{host}' names no address: {reason}") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InvalidParameter(f"--port {port} is in use on {host}: another server listens there") from None
            if exc.errno == errno.EACCES:
                raise InvalidParameter(f"--port {port} on {host} needs privileges this user lacks") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise InvalidParameter(f"--host '{host}' is not an address of this machine") from None
            raise InvalidParameter(f"cannot listen on --host '{host}' --port {port}: {exc.strerror}") from None


def open_access_log(target: str | None) -> AccessLogFile | None:
    if target is None:
        return None
    from kb.serve.accesslog import AccessLogFile

    try:
        return AccessLogFile(target)
    except OSError as exc:
        raise InvalidParameter(f"--access-log '{target}' cannot be opened: {exc.strerror}") from None


def server_app(build: Path, sink: AccessLogFile | None) -> Any:
    """The ASGI app ``kb serve`` runs: the API and the site (:func:`kb.serve.api.create_app`) inside
    the security middleware (every response, FastAPI's own 500 included), inside the access log."""
    from kb.serve.api import create_app
    from kb.serve.security import Hardened

    app: Any = Hardened(create_app(build), build / "site")
    if sink is not None:
        from kb.serve.accesslog import AccessLog

        app = AccessLog(app, sink)
    return app
