"""A query's work budget (kb.search.cost) and the admission lanes of `kb serve` (kb.serve.admission).

The budget is counted from the release's lexicon without Whoosh; these tests count the same things
with Whoosh itself (expand_prefix, doc_frequency, the built queries) and check that a query over a
limit is refused with the exact message, that one within budget gets the result it got before, and
that a cheap query is admitted while the expensive lane is full."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import multiprocessing
import os
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from search_corpus import published_build
from whoosh import query as wq

from kb.errors import OverBudget
from kb.search import query as search_query
from kb.search.cost import BUDGET, UNLIMITED, Budget, estimate
from kb.search.layout import field_name
from kb.search.query import run, search
from kb.search.ranking import FIELD_BOOSTS, MAX_PREFIX_TERMS, clause_query
from kb.search.release import open_release
from kb.search.request import parse_query, validate
from kb.serve import admission
from kb.serve.admission import Lanes, SearchBusy
from kb.serve.api import create_app
from tests.servers import kb

QUERIES = ["assinatura", "cancelar assinatura", "Azure", "подписка", "suscripción -azure", '"Partner Center"',
           "assin*", "ca* co*", "title:cancel*", '"configurações da assinatura"', "fatura* -azure", "e-mail"]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder with one published release of the search test corpus."""
    return published_build(tmp_path_factory.mktemp("cost"))


def whoosh_prefix_terms(index: Path, prefix: str) -> int:
    """How many terms Whoosh's own expand_prefix gives ``prefix`` over every field, as the query takes them."""
    release = open_release(index)
    reader = release.searcher.reader()
    return sum(len(list(itertools.islice(reader.expand_prefix(field_name(n, key), prefix), MAX_PREFIX_TERMS)))
               for key in release.keys for n in FIELD_BOOSTS)


def whoosh_counts(index: Path, text: str) -> tuple[int, int, int]:
    """Prefix terms, phrase candidates and postings of a query, counted on the Whoosh queries it is
    built of (kb.search.ranking.clause_query) with Whoosh's document frequencies."""
    release = open_release(index)
    reader = release.searcher.reader()
    counts = [0, 0, 0]

    def walk(q: wq.Query, prefix: bool) -> None:
        if isinstance(q, wq.Phrase):
            docs = [reader.doc_frequency(q.fieldname, w) for w in q.words]
            if min(docs):  # (a phrase with a word the field lacks reads nothing there)
                counts[1] += min(docs)
                counts[2] += sum(docs)
        elif isinstance(q, wq.Term):
            counts[0] += prefix
            counts[2] += reader.doc_frequency(q.fieldname, q.text)
        else:
            for sub in q.children():
                walk(sub, prefix)

    for c in parse_query(text):
        for key in release.keys:
            if (q := clause_query(release, c, key)) is not None:
                walk(q, c.kind == "prefix")
    return counts[0], counts[1], counts[2]


# --- the budget -------------------------------------------------------------------------------------


def test_the_cost_counts_what_the_query_reads(build: Path) -> None:
    release = open_release(build / "index")
    for text in QUERIES:
        cost = estimate(release, parse_query(text))
        assert (cost.prefix_terms, cost.phrase_candidates, cost.postings) == whoosh_counts(build / "index", text), text
    assert whoosh_counts(build / "index", "ca*")[0] == whoosh_prefix_terms(build / "index", "ca")


def test_a_query_whose_prefixes_expand_beyond_the_budget_is_refused_with_the_exact_message(build: Path) -> None:
    index = build / "index"
    ca, co = whoosh_prefix_terms(index, "ca"), whoosh_prefix_terms(index, "co")
    assert co > ca > 0
    budget = Budget(prefix_terms=ca + co - 1)
    with pytest.raises(OverBudget) as refused:
        search(index, "co* ca*", budget=budget)
    assert refused.value.status == 422 and refused.value.code == "over_budget"
    assert refused.value.message == (
        f"the query is too broad: its prefixes expand to {ca + co:,} index terms ('co*' {co:,}, 'ca*' {ca:,}); "
        f"the limit is {ca + co - 1:,}: make the prefixes longer or use fewer")
    assert search(index, "co* ca*", budget=Budget(prefix_terms=ca + co)).total > 0  # at the limit: answered


def test_phrases_and_postings_over_the_budget_are_refused_naming_the_broadest_part(build: Path) -> None:
    index = build / "index"
    _, candidates, _ = whoosh_counts(index, '"partner center"')
    assert candidates > 1
    with pytest.raises(OverBudget) as refused:
        search(index, '"partner center" cancelar', budget=Budget(phrase_candidates=1))
    assert refused.value.message == (
        f"the query is too broad: its phrases must be checked in {candidates:,} documents "
        f"('\"partner center\"' {candidates:,}); the limit is 1: use rarer words in them")
    postings, share = whoosh_counts(index, "cancelar -azure")[2], whoosh_counts(index, "cancelar")[2]
    azure = whoosh_counts(index, "azure")[2]
    with pytest.raises(OverBudget) as refused:
        search(index, "cancelar -azure", budget=Budget(postings=10))
    first, second = sorted([(share, "'cancelar'"), (azure, "'-azure'")], key=lambda x: (-x[0], x[1]))
    assert refused.value.message == (
        f"the query is too broad: its words occur {postings:,} times in the index ({first[1]} {first[0]:,}, "
        f"{second[1]} {second[0]:,}), which counts as {postings * 10:,} with an exclusion (-word); the limit "
        "is 10: use fewer or rarer words")


def test_a_query_within_budget_gives_the_same_result_as_before(build: Path) -> None:
    index = build / "index"
    release = open_release(index)
    for text in QUERIES:
        for limit in (3, 100):
            before = run(release, validate(release.catalog, text, None, None, limit, 1)).as_dict()
            assert search(index, text, limit=limit).as_dict() == before, text
            assert search(index, text, limit=limit, budget=UNLIMITED).as_dict() == before, text
            in_worker = admission.run_heavy(str(index), text, None, None, limit, 1, BUDGET)  # the heavy lane's
            assert in_worker.as_dict() == before, text


def test_kb_search_refuses_the_issues_32_prefixes_on_the_dev_corpus(dev_build: Path) -> None:
    """The CLI applies the same budget, and exits as for any other invalid query (2)."""
    prefixes = ["co", "re", "pr", "in", "пр", "de", "по", "ma", "se", "di", "pa", "su", "es", "po", "ca", "ex",
                "tr", "me", "ri", "за", "en", "li", "mo", "an", "pe", "ap", "vi", "ac", "al", "на", "so", "ко"]
    counts = sorted(((whoosh_prefix_terms(dev_build / "index", p), p) for p in prefixes), key=lambda x: (-x[0], x[1]))
    total = sum(n for n, _ in counts)
    broadest = ", ".join(f"'{p}*' {n:,}" for n, p in counts[:3])
    done = subprocess.run(kb("search", " ".join(p + "*" for p in prefixes), "--build", str(dev_build), "--limit",
                             "100"), capture_output=True, text=True, timeout=120)
    assert done.stderr.strip() == (
        f"kb search: the query is too broad: its prefixes expand to {total:,} index terms ({broadest}, …); "
        f"the limit is {BUDGET.prefix_terms:,}: make the prefixes longer or use fewer")
    invalid = subprocess.run(kb("search", "*x", "--build", str(dev_build)), capture_output=True, text=True,
                             timeout=120)
    assert done.returncode == invalid.returncode == 2 and done.stdout == ""


# --- the lanes ----------------------------------------------------------------------------------------


PREFIXES_ARE_HEAVY = Budget(heavy_prefix_terms=0)
"""A budget under which any prefix query is expensive and a word query cheap."""


def run_loop(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """``asyncio.run`` in a thread of its own: the session's sync Playwright (browser tests) owns
    this thread's event loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_a_cheap_query_is_admitted_while_the_expensive_lane_is_full(build: Path) -> None:
    index = build / "index"
    lanes = Lanes(slots=1, queue=0, budget=PREFIXES_ARE_HEAVY)

    async def scenario() -> None:
        assert lanes.try_enter() == 0  # the one slot taken: the expensive lane is full
        started = time.monotonic()
        cheap = await lanes.search(index, "assinatura", None, None, 10, 1)
        assert cheap.as_dict() == search(index, "assinatura").as_dict()
        with pytest.raises(SearchBusy) as busy:
            await lanes.search(index, "assin*", None, None, 10, 1)
        assert time.monotonic() - started < 2  # at once, not after a timeout
        assert busy.value.status == 429 and busy.value.headers == {"Retry-After": "1"}
        lanes.leave(0)
        heavy = await lanes.search(index, "assin*", None, None, 10, 1)
        assert heavy.as_dict() == search(index, "assin*").as_dict()
        assert lanes.free == [0]  # given back when the search ended

    try:
        run_loop(scenario)
    finally:
        lanes.close()


def test_an_expensive_query_waits_for_a_slot_within_the_wait(build: Path) -> None:
    lanes = Lanes(slots=1, queue=1, wait=5.0, budget=PREFIXES_ARE_HEAVY)

    async def scenario() -> None:
        assert lanes.try_enter() == 0
        asyncio.get_running_loop().call_later(0.2, lanes.leave, 0)
        result = await lanes.search(build / "index", "assin*", None, None, 10, 1)  # waits ~0.2 s, then runs
        assert result.as_dict() == search(build / "index", "assin*").as_dict()
        assert lanes.try_enter() == 0
        waiting = asyncio.ensure_future(lanes.enter())
        await asyncio.sleep(0.05)
        with pytest.raises(SearchBusy):  # (the queue holds one: a second is refused at once)
            await lanes.enter()
        lanes.leave(0)
        assert await waiting == 0  # handed the slot given back

    try:
        run_loop(scenario)
    finally:
        lanes.close()


def test_no_more_expensive_searches_run_than_slots_even_past_a_timeout(
    build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A heavy search the request gave up on keeps its slot until it ends. (Threads stand in for the
    worker processes here so that the test can hold the searches running.)"""
    running, most, lock, go = [0], [0], threading.Lock(), threading.Event()
    run_heavy = admission.run_heavy

    def slow(index: str, *request: Any) -> search_query.SearchResult:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        go.wait(10)
        with lock:
            running[0] -= 1
        return run_heavy(index, *request)

    monkeypatch.setattr(admission, "run_heavy", slow)
    lanes = Lanes(slots=2, queue=8, wait=5.0, budget=PREFIXES_ARE_HEAVY, pool=concurrent.futures.ThreadPoolExecutor)

    async def scenario() -> None:
        searches = [asyncio.wait_for(lanes.search(build / "index", "assin*", None, None, 10, 1), 0.5)
                    for _ in range(2)]
        for outcome in await asyncio.gather(*searches, return_exceptions=True):
            assert isinstance(outcome, TimeoutError)
        assert lanes.free == []  # both still running: their slots are still taken
        waiting = asyncio.ensure_future(lanes.search(build / "index", "assin*", None, None, 10, 1))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        go.set()
        assert (await waiting).total > 0
        await asyncio.sleep(0.2)
        assert sorted(lanes.free) == [0, 1]

    try:
        run_loop(scenario)
    finally:
        go.set()
        lanes.close()
    assert most[0] == 2


def test_the_api_answers_422_over_budget_and_429_with_retry_after(build: Path) -> None:
    assin, ca = whoosh_prefix_terms(build / "index", "assin"), whoosh_prefix_terms(build / "index", "ca")
    assert ca > assin
    lanes = Lanes(slots=1, queue=0, budget=Budget(prefix_terms=assin, heavy_prefix_terms=0))
    with TestClient(create_app(build, warm_seconds=0, lanes=lanes)) as client:
        over = client.get("/api/search", params={"q": "ca*"})
        assert over.status_code == 422
        assert over.json()["error"]["code"] == "over_budget"
        assert over.json()["error"]["message"].startswith("the query is too broad: its prefixes expand to ")
        assert client.get("/api/search", params={"q": "assin*"}).status_code == 200
        lanes.free.clear()  # (the one slot taken)
        busy = client.get("/api/search", params={"q": "assin*"})
        assert busy.status_code == 429 and busy.headers["Retry-After"] == "1"
        assert busy.json()["error"]["code"] == "search_busy"
        assert client.get("/api/search", params={"q": "assinatura"}).json() == search(build / "index",
                                                                                     "assinatura").as_dict()


def test_heavy_searches_run_in_a_worker_process_and_a_dead_worker_fails_only_its_search(build: Path) -> None:
    """The heavy lane runs in processes of its own (a heavy search in a thread holds the GIL the cheap
    lane needs); a worker killed mid-way answers 503 search_failed, and the next search gets a new one."""
    index = build / "index"
    lanes = Lanes(slots=1, queue=0, budget=PREFIXES_ARE_HEAVY)
    before = set(multiprocessing.active_children())

    async def scenario() -> None:
        heavy = await lanes.search(index, "assin*", None, None, 10, 1)
        assert heavy.as_dict() == search(index, "assin*").as_dict()
        workers = [p for p in multiprocessing.active_children() if p not in before]
        assert len(workers) == 1 and workers[0].pid != os.getpid()
        lanes.pool.submit(time.sleep, 30)  # the worker busy: the search below waits for it, then dies with it
        running = asyncio.ensure_future(lanes.search(index, "assin*", None, None, 10, 1))
        while lanes.free:  # (until the search holds the slot: handed to the worker)
            await asyncio.sleep(0.001)
        workers[0].kill()
        with pytest.raises(admission.SearchFailed) as failed:
            await running
        assert (failed.value.status, failed.value.code) == (503, "search_failed")
        await asyncio.sleep(0.05)
        assert lanes.free == [0]  # the slot came back
        again = await lanes.search(index, "assin*", None, None, 10, 1)  # in a new worker
        assert again.as_dict() == heavy.as_dict()
        assert workers[0] not in multiprocessing.active_children()

    try:
        run_loop(scenario)
    finally:
        lanes.close()
