"""The query API under load, and schemathesis against its OpenAPI description, both on a real `kb serve`
of the dev corpus (built once for the module; skipped cleanly without ../shared).

- Load: 32 concurrent clients on loopback for 30 s (it stops by itself), a realistic mix of searches in
  four languages with locales, editions and pages, topics, documents, comparisons and health. Every
  response must have the status expected of its request (2xx, or the 4xx a deliberately wrong request
  earns), never a 5xx or a connection error. Throughput and p50/p99 latency are printed.
- schemathesis: every operation of ``/openapi.json`` with generated parameters; no 5xx, and every
  response matches its documented status, content type and schema (errors included).

Both carry the ``load`` marker; they run in the normal pytest run (``.ci/run``), about 80 s together."""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser_support import free_port, kb, serve_command  # noqa: E402

pytestmark = [pytest.mark.load, pytest.mark.slow]

CLIENTS = 32
DURATION = 30.0
SCHEMATHESIS_EXAMPLES = 40
"""Generated cases per operation (7 operations): about 40 s on the 2-core machine."""

# Realistic questions of each locale's readers (words of the dev corpus), some unaccented or inflected.
QUERIES = {
    "pt-BR": ["assinatura", "cancelar assinatura", "faturamento do cliente", "configuracao",
              "\"relação com o cliente\"", "parceiro*", "title:azure", "suporte -germany"],
    "ru-RU": ["подписка", "счет клиента", "партнер", "Azure", "отмена подписки", "поддержк*"],
    "es-ES": ["suscripcion", "facturación", "cliente", "title:partners", "cancelar suscripción", "soport*"],
    "it-IT": ["abbonamento", "fatturazione", "cliente", "annullare abbonamento", "supporto -cina",
              "partner*"],
}


@dataclass(frozen=True)
class Call:
    """One request of the mix and the status it must get."""

    path: str
    params: dict[str, Any]
    status: int


@pytest.fixture(scope="module")
def dev_api(dev_build: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    for _ in serve_command(kb("serve", "--build", str(dev_build), "--port", str(port)), url + "/api/health"):
        yield url


# --- the load test --------------------------------------------------------------------------------


def search_calls(api: str) -> list[Call]:
    """Searches in each language, asked for each locale (and auto), some by edition, with their pages:
    the last page, and the one past it (a 404 a client paging too far gets)."""
    calls = []
    with httpx.Client(base_url=api, timeout=60) as client:
        for lang, queries in QUERIES.items():
            for i, q in enumerate(queries):
                locale = [lang, "auto", None, "pt-BR", "ru-RU", "es-ES", "it-IT"][i % 7]
                edition = "21vianet" if i % 3 == 2 else None
                params = {k: v for k, v in {"q": q, "locale": locale, "edition": edition, "limit": 5}.items()
                          if v is not None}
                first = client.get("/api/search", params=params)
                assert first.status_code == 200, (params, first.text)
                pages = max(first.json()["pages"], 1)  # 0 when nothing matched: page 1 is still answered
                calls.append(Call("/api/search", params, 200))
                if pages > 1:
                    calls.append(Call("/api/search", {**params, "page": pages}, 200))
                calls.append(Call("/api/search", {**params, "page": pages + 1}, 404))
    return calls


def calls_of(api: str) -> list[Call]:
    """The request mix, weighted as readers use it: mostly searches, then documents and topics."""
    topics = httpx.get(api + "/api/topics", timeout=60).json()["topics"]
    rng = random.Random(8)
    sample = rng.sample(topics, 40)
    documents = [Call(f"/api/documents/{d['locale']}/{d['slug']}", {}, 200)
                 for t in sample for d in t["documents"][:2]]
    topic_calls = [Call(f"/api/topics/{t['slug']}", {}, 200) for t in sample]
    compares = [Call(f"/api/compare/{t['id']}", {"a": t["locales"][0], "b": t["locales"][-1]}, 200)
                for t in sample if len(t["locales"]) > 1][:20]
    wrong = [
        Call("/api/search", {"q": "*canais"}, 422),
        Call("/api/search", {"q": "azure", "locale": "xx-XX"}, 400),
        Call("/api/search", {"q": "azure", "limit": 500}, 400),
        Call("/api/topics/no-such-topic", {}, 404),
        Call("/api/documents/pt-br/no-such-page", {}, 404),
    ]
    searches = search_calls(api)
    return (searches * 4 + documents * 2 + topic_calls + compares + wrong
            + [Call("/api/health", {}, 200)] * 10 + [Call("/api/topics", {}, 200)] * 2)


@dataclass
class Tally:
    latencies: list[float]
    statuses: Counter[int]
    errors: list[str]


async def client_loop(client: httpx.AsyncClient, calls: list[Call], seed: int, deadline: float,
                      tally: Tally) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        call = rng.choice(calls)
        started = time.monotonic()
        try:
            resp = await client.get(call.path, params=call.params)
        except httpx.HTTPError as exc:
            tally.errors.append(f"{call.path} {call.params}: {type(exc).__name__} {exc}")
            continue
        tally.latencies.append(time.monotonic() - started)
        tally.statuses[resp.status_code] += 1
        if resp.status_code != call.status:
            tally.errors.append(f"{call.path} {call.params}: {resp.status_code} {resp.text[:200]}")
        elif resp.status_code >= 400 and set(resp.json()) != {"error"}:
            tally.errors.append(f"{call.path} {call.params}: not the error shape {resp.text[:200]}")


async def run_load(api: str, calls: list[Call]) -> tuple[Tally, float]:
    tally = Tally([], Counter(), [])
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=api, timeout=30, limits=limits) as client:
        started = time.monotonic()
        deadline = started + DURATION
        await asyncio.gather(*(client_loop(client, calls, i, deadline, tally) for i in range(CLIENTS)))
        return tally, time.monotonic() - started


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def test_the_api_under_32_concurrent_clients_for_30_s_has_no_errors(dev_api: str) -> None:
    calls = calls_of(dev_api)
    assert {c.path.split("/")[2] for c in calls} == {"search", "documents", "topics", "compare", "health"}
    # In a thread of its own: the session's sync Playwright (browser tests) owns this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        tally, elapsed = pool.submit(asyncio.run, run_load(dev_api, calls)).result()
    n = len(tally.latencies)
    ms = sorted(x * 1000 for x in tally.latencies)
    print(f"\nload: {CLIENTS} clients, {elapsed:.1f} s, {n} requests, {n / elapsed:.1f} requests/s, "
          f"p50 {percentile(ms, 50):.0f} ms, p99 {percentile(ms, 99):.0f} ms, max {ms[-1]:.0f} ms, "
          f"statuses {dict(sorted(tally.statuses.items()))}, errors {len(tally.errors)}")
    assert tally.errors[:10] == []
    assert n > CLIENTS  # it did run
    assert elapsed < DURATION + 35  # bounded: the last requests end within the client timeout
    assert not any(s >= 500 for s in tally.statuses)


# --- schemathesis ---------------------------------------------------------------------------------


def known_cases(api: str) -> dict[str, list[dict[str, Any]]]:
    """Parameters taken from the live build (generated ones almost never name a real topic or page),
    so that the schemas of successful responses are checked against real data too."""
    topics = httpx.get(api + "/api/topics", timeout=60).json()["topics"]
    sample = random.Random(3).sample(topics, 12)
    searches = [{"q": q, "locale": loc, "limit": 3} for loc, qs in QUERIES.items() for q in qs[:3]]
    searches.append({"q": "cliente", "locale": "auto", "edition": "21vianet", "page": 2, "limit": 1})
    searches.append({"q": "zzqx"})
    return {
        "/api/health": [{}],
        "/api/topics": [{}],
        "/api/search": [{"query": q} for q in searches],
        "/api/topics/{topic_id}": [{"path_parameters": {"topic_id": t[key]}}
                                   for t in sample for key in ("id", "slug")],
        "/api/documents/{locale}/{slug}": [{"path_parameters": {"locale": d["locale"], "slug": d["slug"]}}
                                           for t in sample for d in t["documents"]],
        "/api/compare/{topic_id}": [{"path_parameters": {"topic_id": t["slug"]},
                                     "query": {"a": t["locales"][0], "b": t["locales"][-1]}} for t in sample],
    }



def test_schemathesis_finds_no_server_error_and_no_response_off_the_schema(dev_api: str) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )
    from schemathesis.core.result import Ok
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_url(dev_api + "/openapi.json", timeout=30)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    failures: dict[str, str] = {}
    operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    assert {op.path for op in operations} == {
        "/api/health", "/api/search", "/api/topics", "/api/topics/{topic_id}",
        "/api/documents/{locale}/{slug}", "/api/compare/{topic_id}"}
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    known = known_cases(dev_api)
    for op in operations:
        for n, kw in enumerate(known[op.path]):
            try:
                response = op.Case(**kw).call_and_validate(base_url=dev_api, checks=checks, timeout=30)
                statuses[response.status_code] += 1
            except Exception as exc:
                failures[f"{op.method.upper()} {op.path} known case {n} {kw}"] = str(exc)[:2000]

        @given(case=op.as_strategy(GenerationMode.POSITIVE) | op.as_strategy(GenerationMode.NEGATIVE))
        @settings(max_examples=SCHEMATHESIS_EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call_and_validate(base_url=dev_api, checks=checks, timeout=30)
            statuses[response.status_code] += 1

        try:
            check()
        except Exception as exc:  # one operation's failure does not hide the others'
            failures[f"{op.method.upper()} {op.path}"] = str(exc)[:2000]
    print(f"\nschemathesis: {len(operations)} operations × up to {SCHEMATHESIS_EXAMPLES} cases "
          f"in {time.monotonic() - started:.1f} s; statuses {dict(sorted(statuses.items()))}")
    assert failures == {}
