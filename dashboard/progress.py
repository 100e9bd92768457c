"""A progress bar for long commands, drawn on a terminal and silent anywhere else.

``TerminalProgress`` is what ``python -m dashboard import`` hands the importer
as its ``progress`` callback: on a terminal it redraws one line (the stage, a
bar, rows done of all, rows per second); when the output is a file or a pipe
it writes nothing, so logs stay clean.
"""

from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 30


class TerminalProgress:
    def __init__(self, stream: TextIO, clock=time.monotonic):
        self.stream = stream
        self.clock = clock
        self.active = bool(getattr(stream, "isatty", lambda: False)())
        self.started = clock()
        self.stage_started: dict[str, float] = {}
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.active:
            return
        now = self.clock()
        started = self.stage_started.setdefault(stage, now)
        self.stream.write("\r" + line(stage, done, total, now - started) + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        """End the bar's line (nothing when nothing was drawn)."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def line(stage: str, done: int, total: int, seconds: float) -> str:
    """``joining  [#########.....] 450,000/1,000,000 rows  85,000 rows/s``; a stage of unknown size
    (``total`` 0) shows its name only."""
    if total <= 0:
        return f"{stage:<9}"
    filled = min(BAR_WIDTH, round(BAR_WIDTH * done / total))
    rate = f"  {done / seconds:,.0f} rows/s" if seconds > 0 and done else ""
    return f"{stage:<9}[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{total:,} rows{rate}"
