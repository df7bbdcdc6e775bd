"""Heavy queries must not starve ordinary ones (issue 20, item 4), against a real `kb serve` of the dev
corpus on loopback (built once for the session; skipped cleanly without ../shared).

Sixteen clients (a process of their own: tests/heavy_clients.py) send the heaviest valid searches for
20 s without pausing: the most two-letter prefixes the server accepts (found by asking it, so the
query is as heavy as the budget allows) with ``limit=100``, and the issue's 32 two-letter prefixes
(refused when over the budget). Meanwhile one client asks ``q=assinatura`` again and again: every
answer must be a 200, and p95 under 100 ms (in one of two attempts: the machine is shared). Bounded
in time (20 s an attempt) and count (requests per client).
Carries the ``load`` marker."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import ROOT, serving

pytestmark = pytest.mark.load

HEAVY_CLIENTS = 16
SECONDS = 20.0
PROBE = "assinatura"
P95_MS = 100.0
ATTEMPTS = 2
PAUSE = 0.02
"""Seconds between two probes (about 40 a second at most): a reader, not a second flood."""
PREFIXES = ["co", "re", "pr", "in", "пр", "de", "по", "ma", "se", "di", "pa", "su", "es", "po", "ca", "ex",
            "tr", "me", "ri", "за", "en", "li", "mo", "an", "pe", "ap", "vi", "ac", "al", "на", "so", "ко"]
"""The two-letter prefixes of the most index terms in the dev corpus (its four languages), broadest first."""


@pytest.fixture(scope="module")
def dev_api(dev_build: Path) -> Iterator[str]:
    with serving(dev_build) as url:
        yield url


def prefixes(k: int) -> str:
    return " ".join(p + "*" for p in PREFIXES[:k])


def refused(client: httpx.Client, q: str) -> bool:
    """Whether the server refuses ``q`` with ``limit=100`` as an invalid query (422: over its budget)."""
    return client.get("/api/search", params={"q": q, "limit": 100}).status_code == 422


def heaviest_valid(api: str) -> str:
    """The query of the most prefixes (broadest first) the server accepts: a binary search on the
    count, since a query of more prefixes costs more."""
    with httpx.Client(base_url=api, timeout=60) as client:
        lo, hi = 0, len(PREFIXES)  # accepted with lo prefixes; refused with more than hi
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if refused(client, prefixes(mid)):
                hi = mid - 1
            else:
                lo = mid
    assert lo >= 1, "not even one two-letter prefix is accepted"
    return prefixes(lo)


def probe(api: str, seconds: float) -> tuple[list[float], Counter[int], list[str]]:
    """``q=PROBE`` asked again and again for ``seconds``: latencies (ms), statuses, errors."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=api, timeout=30) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                resp = client.get("/api/search", params={"q": PROBE})
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {exc}")
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[resp.status_code] += 1
            if resp.status_code != 200:
                errors.append(f"{resp.status_code} {resp.text[:200]}")
            time.sleep(PAUSE)
    return latencies, statuses, errors


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def under_load(api: str, heavy: str) -> tuple[list[float], list[str], dict[str, Any]]:
    """The probe's latencies and errors while the heavy clients run, and the heavy clients' tally."""
    cmd = [sys.executable, str(ROOT / "tests" / "heavy_clients.py"), api, "--seconds", str(SECONDS),
           "--clients", str(HEAVY_CLIENTS), "--limit", "100", "--query", heavy, "--query", prefixes(32)]
    clients = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # (the clients connect and fill the server first)
        latencies, statuses, errors = probe(api, SECONDS - 2.0)
        out, err = clients.communicate(timeout=SECONDS + 60)
    finally:
        if clients.poll() is None:
            clients.kill()
            clients.wait()
    assert clients.returncode == 0, err[-2000:]
    tally: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    print(f"\nheavy: {HEAVY_CLIENTS} clients × {tally['seconds']} s of {heavy.count('*')} prefixes "
          f"(limit=100) and 32 prefixes: {tally['requests']} requests, statuses {tally['statuses']}\n"
          f"probe '{PROBE}': {len(latencies)} requests, p50 {statistics.median(latencies or [0]):.1f} ms, "
          f"p95 {p95(latencies):.1f} ms, max {max(latencies or [0]):.1f} ms, statuses {dict(statuses)}, "
          f"errors {len(errors)}")
    return latencies, errors, tally


def test_an_ordinary_query_stays_fast_while_16_clients_send_the_heaviest_valid_ones(dev_api: str) -> None:
    """Every answer of every attempt must be right; the p95 must hold in one of two attempts: the
    machine is shared (2 cores), and another process's burst can slow a whole attempt (an idle p95 of
    80 ms has been seen under a load average of 8 from other work)."""
    heavy = heaviest_valid(dev_api)
    idle, _, _ = probe(dev_api, 2.0)
    print(f"\nprobe '{PROBE}' idle: p95 {p95(idle):.1f} ms")
    fast = False
    for _ in range(ATTEMPTS):
        latencies, errors, tally = under_load(dev_api, heavy)
        assert errors[:5] == []
        assert len(latencies) > 50  # it did measure
        assert not any(s.startswith("5") for s in tally["statuses"]), tally  # heavy: answered, refused or told to wait
        if p95(latencies) < P95_MS:
            fast = True
            break
    assert fast, f"p95 over {P95_MS:g} ms in {ATTEMPTS} attempts"
