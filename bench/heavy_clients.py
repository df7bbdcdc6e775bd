"""Clients sending heavy searches to a `kb serve` on loopback, in a process of their own: so that their
own work (HTTP on 16 connections) does not delay the measuring client of the test that starts them.

``python tests/heavy_clients.py URL --seconds 20 --clients 16 --query Q [--query Q…] [--limit 100]``
sends the queries round-robin from each client, without pausing and without honouring Retry-After
(the worst a client can do), until the time is up or each client has sent ``--max-requests``; then
prints one JSON line: the count of each status and transport error, the requests sent, the first
answers of status 500 or more.
Loopback only: the URL must be on 127.0.0.1 or localhost."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from urllib.parse import urlsplit

import httpx


async def client_loop(client: httpx.AsyncClient, queries: list[str], limit: int, offset: int, deadline: float,
                      max_requests: int, statuses: Counter[str], failures: list[str]) -> None:
    for n in range(max_requests):
        if time.monotonic() >= deadline:
            return
        q = queries[(offset + n) % len(queries)]
        try:
            resp = await client.get("/api/search", params={"q": q, "limit": limit})
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1
            continue
        statuses[str(resp.status_code)] += 1
        if resp.status_code >= 500 and len(failures) < 5:
            failures.append(f"{resp.status_code} {resp.text[:300]}")


async def run(url: str, queries: list[str], clients: int, seconds: float, limit: int,
              max_requests: int) -> tuple[Counter[str], list[str]]:
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(client_loop(client, queries, limit, i, deadline, max_requests, statuses, failures)
                               for i in range(clients)))
    return statuses, failures


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--query", action="append", required=True)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--max-requests", type=int, default=20_000, help="per client: the loop is bounded in count too")
    args = p.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("heavy_clients: loopback only")
    started = time.monotonic()
    statuses, failures = asyncio.run(run(args.url, args.query, args.clients, args.seconds, args.limit,
                                         args.max_requests))
    print(json.dumps({"statuses": dict(statuses), "requests": sum(statuses.values()), "failures": failures,
                      "seconds": round(time.monotonic() - started, 1)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
