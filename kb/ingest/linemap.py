"""Where each line of a body with its includes and code files taken in comes from: a line of the file
itself, or, for the lines an include or a code directive brought, the directive's own line (the file a
translator opens holds the directive, not what it brought). Segments, problems and findings name file
lines; without this, every line after a multi-line include was named too far down."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from kb.ingest.textfiles import LineCounter

Piece = tuple[int, int, int]
"""(first body line of a run, 0-based; the file line it comes from; 1 when the run's next lines follow
the file's, 0 when they all come from that one line)."""


class Edits:
    """The replacements ``re.sub`` makes in ``text`` that change its number of lines, recorded as it
    makes them (in order)."""

    def __init__(self, text: str) -> None:
        self._lines = LineCounter(text, 0)
        self.found: list[tuple[int, int, int]] = []
        """(line of the match's start, newlines in the match, newlines in what replaced it)."""
        self._pieces: list[Piece] | None = None

    def record(self, m: re.Match[str], replacement: str) -> str:
        """``replacement``, after noting that it replaces ``m``."""
        old, new = m.group(0).count("\n"), replacement.count("\n")
        if old != new:
            self.found.append((self._lines.at(m.start()), old, new))
            self._pieces = None
        return replacement

    def pieces(self) -> list[Piece]:
        """The new text's lines as runs of the old text's (0-based both)."""
        if self._pieces is not None:
            return self._pieces
        out: list[Piece] = [(0, 0, 1)]
        shift = 0  # new line - old line, after the replacements so far
        for line, old, new in self.found:
            start = line + shift
            while out and out[-1][0] >= start:  # (a replacement on the line the last one ended on)
                out.pop()
            out.append((start, line, 0))
            shift += new - old
            out.append((start + new + 1, line + old + 1, 1))
        self._pieces = out
        return out


def at(pieces: list[Piece], line: int) -> int:
    """The old line of new line ``line``."""
    start, origin, step = pieces[bisect_right(pieces, (line, 1 << 62, 1)) - 1]
    return origin + step * (line - start)


class Origins:
    """The file lines of a body's text as it goes through its replacements (includes, then code files):
    :meth:`step` before each ``re.sub``, whose :class:`Edits` records it; :meth:`line` for a line of the
    latest text."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        """The file line of the body's first line."""
        self.steps: list[Edits] = []

    def step(self, text: str) -> Edits:
        """The record of the replacements about to be made in ``text`` (the latest text)."""
        edits = Edits(text)
        self.steps.append(edits)
        return edits

    def line(self, index: int, steps: int | None = None) -> int:
        """The file line of line ``index`` (0-based) of the latest text (of the text the first ``steps``
        steps made)."""
        for edits in reversed(self.steps[:steps]):
            if edits.found:
                index = at(edits.pieces(), index)
        return self.first_line + index

    def counter(self, text: str) -> Callable[[int], int]:
        """The file line of each position of ``text`` (the latest text), asked in ascending order."""
        lines, line, steps = LineCounter(text, 0), self.line, len(self.steps)
        return lambda pos: line(lines.at(pos), steps)

    def body_lines(self, body: str) -> tuple[int, ...]:
        """Where each line of ``body`` (the text the steps made) comes from, as
        :attr:`kb.model.Document.body_lines` keeps it: flat (start, file line, step) runs; empty when no
        step changed the number of lines."""
        if not any(s.found for s in self.steps):
            return ()
        maps = [s.pieces() for s in reversed(self.steps) if s.found]
        runs: list[list[int]] = []  # [start, file line, step]; step -1 while a run has one line
        for n in range(body.count("\n") + 1):
            line = n
            for pieces in maps:
                line = at(pieces, line)
            line += self.first_line
            if runs:
                start, origin, step = runs[-1]
                if step == -1 and line - origin in (0, 1):
                    runs[-1][2] = line - origin
                    continue
                if step != -1 and line == origin + step * (n - start):
                    continue
            runs.append([n, line, -1])
        return tuple(x for start, origin, step in runs for x in (start, origin, 1 if step == -1 else step))
