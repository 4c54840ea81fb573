"""Progress reporting for long work (ingest, index build, batch advice).

Library functions take ``progress: Progress | None``; the CLI passes a
``TerminalProgress`` that draws on stderr only when stderr is a terminal (and
prints one summary line per stage otherwise), tests pass nothing.
"""
from __future__ import annotations

import sys
import time
from typing import Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int | None, detail: str = "") -> None: ...


class TerminalProgress:
    """Draws ``stage [done/total] detail`` on one stderr line, at most 10 times a second."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0
        self._stage = None
        self._started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int | None, detail: str = "") -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if stage != self._stage:
            self._stage, self._started = stage, now
        if not self.tty:
            if finished:
                print(f"{stage}: {done}/{total} done in {now - self._started:.1f}s", file=self.stream)
            return
        if not finished and now - self._last < 0.1:
            return
        self._last = now
        count = f"{done}/{total}" if total else str(done)
        line = f"\r\x1b[K{stage} [{count}] {detail[:60]}"
        self.stream.write(line + ("\n" if finished else ""))
        self.stream.flush()


def null_progress(stage: str, done: int, total: int | None, detail: str = "") -> None:
    """A progress callback that does nothing."""
