"""Progress of long build stages: rich bars on a terminal, plain log lines otherwise, or nothing.

Stages report through one callback, ``progress(stage, done, total)``: ``done == 0`` when a stage
starts, then as work completes, and ``done == total`` when it ends. A stage that does not count its
work reports ``(stage, 0, 1)`` and ``(stage, 1, 1)``. Stages call it from the main process only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import TaskID

ProgressFn = Callable[[str, int, int], None]


class PlainProgress:
    """One line when a stage starts, at every tenth of it, and when it ends: for logs and CI."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started: dict[str, float] = {}
        self.last_tenth: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage not in self.started:
            self.started[stage] = now
            self.last_tenth[stage] = 0
            self._line(f"{stage}: started" + (f", {total:,} items" if total > 1 else ""))
        if done >= total:
            counted = f"{total:,}/{total:,} " if total > 1 else ""
            self._line(f"{stage}: {counted}done in {now - self.started.pop(stage):.1f} s")
        elif (tenth := done * 10 // total) > self.last_tenth[stage]:
            self.last_tenth[stage] = tenth
            self._line(f"{stage}: {done:,}/{total:,} ({tenth * 10}%)")

    def _line(self, text: str) -> None:
        print(f"kb build: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        pass


class RichProgress:
    """A live bar per stage on a terminal (stderr, so piped stdout stays clean)."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bars = Progress(
            TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(file=stream), transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.bars.start()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bars.add_task(stage, total=total)
        task = self.tasks[stage]
        self.bars.update(task, completed=min(done, total), total=total)
        if done >= total:
            self.bars.stop_task(task)

    def close(self) -> None:
        self.bars.stop()


@contextmanager
def reporter(*, quiet: bool = False, stream: TextIO | None = None) -> Iterator[ProgressFn | None]:
    """The progress callback for a command: None when quiet, bars on a terminal, else plain lines."""
    if quiet:
        yield None
        return
    stream = stream or sys.stderr
    impl: PlainProgress | RichProgress = RichProgress(stream) if stream.isatty() else PlainProgress(stream)
    try:
        yield impl
    finally:
        impl.close()


@contextmanager
def stage(progress: ProgressFn | None, name: str) -> Iterator[None]:
    """Report an uncounted stage as started on entry and finished on exit."""
    if progress is not None:
        progress(name, 0, 1)
    yield
    if progress is not None:
        progress(name, 1, 1)
