"""Admitting searches in ``kb serve``: two lanes, so that a cheap query never queues behind expensive ones.

Every search is first checked and costed (:func:`kb.search.query.prepare`, a fraction of a
millisecond: the release's lexicon, no Whoosh reader, no lock), and refused there when over its budget
(422 ``over_budget``, :mod:`kb.search.cost`). Then:

- **cheap** (under the budget's heavy thresholds, i.e. nearly every query): it runs at once, in the
  same worker thread, on the release's own searcher (cheap searches take turns at its lock, a few
  milliseconds each);
- **heavy** (within budget but expensive: a broad prefix, a phrase of common words, many common
  words): at most ``slots`` run at once (one less than the cores, at least one), each in a worker
  process of the lane's own that opens the release for itself. A process, not a thread: a heavy
  search is pure Python for most of its half second, and in a thread it would hold the GIL the cheap
  lane and the event loop need (measured with 16 heavy clients: a one-word query's p95 went from 7 ms
  idle to 115-122 ms with heavy searches in threads). Up to ``queue`` more wait at most ``wait``
  seconds for a slot; any other is answered at once 429 ``search_busy`` with ``Retry-After``.

A heavy search that outlives the server's search timeout keeps its slot until it ends (a running
search cannot be stopped), so never more than ``slots`` heavy searches run, whatever clients do. A
worker that dies (killed, out of memory) fails only the searches it held, with 503 ``search_failed``;
the next heavy search starts a fresh pool."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from kb.errors import KbError
from kb.search.cost import BUDGET, Budget
from kb.search.query import Prepared, SearchResult, execute, prepare
from kb.search.release import open_release

RETRY_AFTER = 1
"""Seconds a client refused with 429 is told to wait: about the longest a heavy search within budget takes."""


class SearchBusy(KbError):
    """A heavy search refused because the heavy lane is full; ``headers`` carries ``Retry-After``."""

    code = "search_busy"
    status = 429

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(RETRY_AFTER)}


class SearchFailed(KbError):
    """A heavy search whose worker process died before answering (killed, out of memory)."""

    code = "search_failed"
    status = 503


class Lanes:
    """The two lanes of one server (see the module's description)."""

    def __init__(self, slots: int | None = None, queue: int | None = None, wait: float = 1.0,
                 budget: Budget = BUDGET, pool: Callable[[int], Executor] | None = None) -> None:
        """``pool``: makes the executor heavy searches run in, given ``slots`` (default: worker
        processes, :func:`worker_processes`)."""
        self.slots = slots or max(1, (os.cpu_count() or 1) - 1)
        self.queue = 2 * self.slots if queue is None else queue
        self.wait = wait
        self.budget = budget
        self.free = list(range(self.slots))
        """The slots no heavy search holds (touched in the event loop only)."""
        self.waiters: collections.deque[asyncio.Future[int]] = collections.deque()
        self.make_pool = pool or worker_processes
        self.pool = self.make_pool(self.slots)

    async def search(self, index_dir: Path, q: str | None, locale: str | None, edition: str | None, limit: int,
                     page: int) -> SearchResult:
        """The search's result: run at once when cheap, admitted to the heavy lane when not."""
        outcome = await asyncio.to_thread(self.prepare_or_run, index_dir, q, locale, edition, limit, page)
        if isinstance(outcome, SearchResult):
            return outcome
        slot = await self.enter()
        # (no await between taking the slot and handing it to the callback that gives it back)
        loop = asyncio.get_running_loop()
        try:
            future = self.submit(outcome)
        except BaseException:
            self.leave(slot)
            raise
        future.add_done_callback(lambda _: back_in(loop, self.leave, slot))
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            raise SearchFailed("the worker running this expensive search stopped before it answered; "
                               "retry, or make the query narrower") from None

    def submit(self, prepared: Prepared) -> Future[SearchResult]:
        """``prepared`` running in the pool, which is replaced first if a dead worker broke it."""
        request = prepared.request
        args = (str(prepared.release.path), request.text, request.locale, request.edition,
                request.limit, request.page, self.budget)
        try:
            return self.pool.submit(run_heavy, *args)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self.make_pool(self.slots)
            return self.pool.submit(run_heavy, *args)

    def warm(self, index_dir: Path) -> None:
        """Start the workers and have each open the published release, so that the first heavy
        searches do not pay for it (a second or so each)."""
        for _ in range(self.slots):
            self.pool.submit(open_in_worker, str(index_dir))

    def prepare_or_run(self, index_dir: Path, q: str | None, locale: str | None, edition: str | None, limit: int,
                       page: int) -> SearchResult | Prepared:
        prepared = prepare(index_dir, q, locale, edition, limit, page, self.budget)
        return prepared if prepared.heavy else execute(prepared)

    def try_enter(self) -> int | None:
        """A free slot's number, taken; None when every slot is taken."""
        return self.free.pop() if self.free else None

    async def enter(self) -> int:
        """A slot's number: a free one, or the first one freed within ``wait`` seconds while fewer than
        ``queue`` searches wait; else :class:`SearchBusy`, at once."""
        slot = self.try_enter()
        if slot is not None:
            return slot
        if len(self.waiters) >= self.queue:
            raise self.busy()
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, self.wait)
        except TimeoutError:
            raise self.busy() from None
        except asyncio.CancelledError:  # (handed a slot just as the request was given up: give it back)
            if waiter.done() and not waiter.cancelled():
                self.leave(waiter.result())
            raise
        finally:
            if waiter in self.waiters:
                self.waiters.remove(waiter)

    def leave(self, slot: int) -> None:
        """Give a slot back: to the first search still waiting, or to the free ones."""
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(slot)
                return
        self.free.append(slot)

    def busy(self) -> SearchBusy:
        return SearchBusy(f"the server runs as many expensive searches as it may ({self.slots} at a time) and this "
                          "one is expensive too (a broad prefix, a phrase or many common words): retry in "
                          f"{RETRY_AFTER} s, or make the query narrower")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def worker_processes(slots: int) -> Executor:
    """The heavy lane's pool: ``slots`` processes, started fresh (``spawn``: a fork of a threaded
    server could copy a lock held by another thread), at a lower priority than the server, and
    killed with it."""
    return ProcessPoolExecutor(slots, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                               initargs=(os.getpid(),))


def init_worker(server_pid: int) -> None:
    with contextlib.suppress(OSError, AttributeError):  # prctl is Linux-only
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != server_pid:  # the server died before prctl took effect
        os._exit(1)
    with contextlib.suppress(OSError):
        os.nice(5)  # the cheap lane and the event loop come first when the cores are busy


def run_heavy(index_dir: str, query: str, locale: str | None, edition: str | None, limit: int, page: int,
              budget: Budget) -> SearchResult:
    """A heavy search, in a worker: on the release the worker has open (opened on first use, and
    again when a build published another)."""
    return execute(prepare(index_dir, query, locale, edition, limit, page, budget))


def open_in_worker(index_dir: str) -> None:
    with contextlib.suppress(KbError):  # (nothing published yet, or damaged: the first search says so)
        open_release(index_dir)


def back_in(loop: asyncio.AbstractEventLoop, leave: Callable[[int], None], slot: int) -> None:
    """Give ``slot`` back in the event loop (from the thread that ran the search)."""
    with contextlib.suppress(RuntimeError):  # (the loop is closed: the server has stopped)
        loop.call_soon_threadsafe(leave, slot)
