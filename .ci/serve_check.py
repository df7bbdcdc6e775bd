"""Checks a running `kb serve` of a build of content/ as a user meets it (used by .ci/check-install and
.ci/check-wheel; standard library only, so it runs before and outside any virtualenv).

    python3 .ci/serve_check.py --pid PID --port PORT --site BUILD/site [--timeout SECONDS]

Waits until 127.0.0.1:PORT accepts connections (failing at once when process PID exits first, or after
--timeout seconds), then asks what the README shows: ``GET /api/search?q=assinatura&locale=es-ES`` answers
exactly one result, the Spanish seed; ``GET /`` answers the site's home page, byte for byte the file the
build wrote; ``GET /api/health`` counts the five seed documents. Loopback only; exits 1 naming what differs.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy: loopback only


class CheckFailed(Exception):
    pass


def alive(pid: int) -> bool:
    """True while process ``pid`` runs (a zombie, exited but not yet waited for, counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for_port(port: int, pid: int, timeout: float) -> float:
    """Seconds until 127.0.0.1:``port`` accepts a connection."""
    start = time.monotonic()
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return time.monotonic() - start
        if not alive(pid):
            raise CheckFailed(f"kb serve (pid {pid}) exited before it listened on port {port}")
        if time.monotonic() - start > timeout:
            raise CheckFailed(f"kb serve did not listen on port {port} within {timeout:.0f} s")
        time.sleep(0.1)


def get(port: int, path: str) -> tuple[int, str, bytes]:
    try:
        with OPENER.open(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def expect(what: str, got: Any, wanted: Any) -> None:
    if got != wanted:
        raise CheckFailed(f"{what}: expected {wanted!r}, got {got!r}")


def check(port: int, site: Path) -> list[str]:
    status, ctype, body = get(port, "/api/search?q=assinatura&locale=es-ES")
    expect("GET /api/search status", status, 200)
    expect("GET /api/search content type", ctype, "application/json")
    found = json.loads(body)
    hits = [(r["locale"], r["path"], r["title"], r["url"]) for r in found["results"]]
    expect("GET /api/search?q=assinatura&locale=es-ES: total", found["total"], 1)
    expect("GET /api/search?q=assinatura&locale=es-ES: results", hits,
           [("es-ES", "003_2b98cdb811fc5d19.txt", "Multicanal | Centro de partners", "/es-es/multichannel-support/")])

    status, ctype, body = get(port, "/")
    expect("GET / status", status, 200)
    expect("GET / content type", ctype.split(";")[0], "text/html")
    expect("GET / body is the built home page", body == (site / "index.html").read_bytes(), True)
    for locale in ("es-es", "it-it", "pt-br", "ru-ru"):
        expect(f"GET / links to /{locale}/", f'href="/{locale}/"'.encode() in body, True)
    home = len(body)

    status, _, body = get(port, "/api/health")
    expect("GET /api/health status", status, 200)
    health = json.loads(body)
    expect("GET /api/health", (health["status"], health["documents"], health["topics"]), ("ok", 5, 1))
    return [f"/api/search?q=assinatura&locale=es-ES: 1 result, {hits[0][2]} ({hits[0][0]})",
            f"/: the built home page, {home} bytes, linking the four locales",
            "/api/health: ok, 5 documents, 1 topic"]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--pid", type=int, required=True, help="the kb serve process")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--site", type=Path, required=True, help="the build's site folder (BUILD/site)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the port (default 120)")
    args = ap.parse_args(argv)
    try:
        waited = wait_for_port(args.port, args.pid, args.timeout)
        lines = check(args.port, args.site)
    except CheckFailed as e:
        print(f"serve_check: FAILED: {e}", file=sys.stderr)
        return 1
    print(f"serve_check: kb serve listened on port {args.port} after {waited:.1f} s")
    for line in lines:
        print(f"serve_check: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
