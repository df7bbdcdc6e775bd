"""Admitting searches in ``kb serve``: two lanes, so that a cheap query never queues behind expensive ones.

Every search is first checked and costed (:func:`kb.search.query.prepare`, a fraction of a
millisecond: the release's lexicon, no Whoosh reader, no lock), and refused there when over its budget
(422 ``over_budget``, :mod:`kb.search.cost`). Then:

- **cheap** (under the budget's heavy thresholds, i.e. nearly every query): it runs at once, in the
  same worker thread, on the release's own searcher (cheap searches take turns at its lock, a few
  milliseconds each);
- **heavy** (within budget but expensive: a broad prefix, a phrase of common words, many common
  words): at most ``slots`` run at once (one less than the cores, at least one: they are CPU-bound,
  and one core is left to the event loop and the cheap lane), each in a thread pool of the lane's
  own and on a sibling of the release (the same release with a Whoosh searcher and lock of its own,
  :meth:`kb.search.release.Release.sibling`), so they never hold the cheap lane's lock or threads.
  Up to ``queue`` more wait at most ``wait`` seconds for a slot; any other is answered at once 429
  ``search_busy`` with ``Retry-After``.

A heavy search that outlives the server's search timeout keeps its slot until it ends (a thread
cannot be stopped), so never more than ``slots`` heavy searches run, whatever clients do."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kb.errors import KbError
from kb.search.cost import BUDGET, Budget
from kb.search.query import Prepared, SearchResult, execute, prepare

RETRY_AFTER = 1
"""Seconds a client refused with 429 is told to wait: about the longest a heavy search within budget takes."""


class SearchBusy(KbError):
    """A heavy search refused because the heavy lane is full; ``headers`` carries ``Retry-After``."""

    code = "search_busy"
    status = 429

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(RETRY_AFTER)}


class Lanes:
    """The two lanes of one server (see the module's description)."""

    def __init__(self, slots: int | None = None, queue: int | None = None, wait: float = 1.0,
                 budget: Budget = BUDGET) -> None:
        self.slots = slots or max(1, (os.cpu_count() or 1) - 1)
        self.queue = 2 * self.slots if queue is None else queue
        self.wait = wait
        self.budget = budget
        self.free = list(range(self.slots))
        """The numbers of the siblings no heavy search runs on (touched in the event loop only)."""
        self.waiters: collections.deque[asyncio.Future[int]] = collections.deque()
        self.pool = ThreadPoolExecutor(self.slots, thread_name_prefix="kb-heavy")

    async def search(self, index_dir: Path, q: str | None, locale: str | None, edition: str | None, limit: int,
                     page: int, fallback: str | None = None, explain: bool = False) -> SearchResult:
        """The search's result: run at once when cheap, admitted to the heavy lane when not."""
        outcome = await asyncio.to_thread(self.prepare_or_run, index_dir, q, locale, edition, limit, page,
                                          fallback, explain)
        if isinstance(outcome, SearchResult):
            return outcome
        slot = await self.enter()
        # (no await between taking the slot and handing it to the thread that gives it back)
        loop = asyncio.get_running_loop()
        future = self.pool.submit(run_on_sibling, outcome, slot)
        future.add_done_callback(lambda _: back_in(loop, self.leave, slot))
        return await asyncio.wrap_future(future)

    def prepare_or_run(self, index_dir: Path, q: str | None, locale: str | None, edition: str | None, limit: int,
                       page: int, fallback: str | None = None, explain: bool = False) -> SearchResult | Prepared:
        prepared = prepare(index_dir, q, locale, edition, limit, page, self.budget, fallback, explain)
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


def run_on_sibling(prepared: Prepared, slot: int) -> SearchResult:
    """A heavy search, on the sibling of its release that its slot names (opened on first use)."""
    return execute(prepared, prepared.release.sibling(slot))


def back_in(loop: asyncio.AbstractEventLoop, leave: Callable[[int], None], slot: int) -> None:
    """Give ``slot`` back in the event loop (from the thread that ran the search)."""
    with contextlib.suppress(RuntimeError):  # (the loop is closed: the server has stopped)
        loop.call_soon_threadsafe(leave, slot)
