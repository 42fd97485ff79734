"""A progress bar for long commands (``proccodes claims``): tqdm where it is installed (the
``progress`` extra: ``pip install 'proccodes[progress]'``), else a one-line text bar.

The core needs attrs and cattrs alone, so tqdm is optional; without it the bar is the plain
text one below, drawn with the same rules (nothing for the first second, at most five redraws a
second, a final full bar and a line break once anything was drawn).

>>> import io
>>> out = io.StringIO()
>>> bar = progress_bar(10, out, delay=0.0, use_tqdm=False)
>>> bar.update(4)
>>> bar.close()
>>> out.getvalue().split("\\r")[-1]
'[##############################] 10/10 lines\\n'
"""

from __future__ import annotations

import importlib
import time
from typing import Any, Protocol, TextIO

__all__ = ["Progress", "TextBar", "progress_bar"]

DELAY = 1.0
"""Seconds of work before a bar appears: a quick command draws nothing."""

INTERVAL = 0.2
"""The shortest time between two redraws, in seconds."""


class Progress(Protocol):
    """What a bar does: count work done, and close (drawing its last state)."""

    def update(self, n: int) -> Any:
        """Count ``n`` more units done."""

    def close(self) -> Any:
        """Draw the final state, if anything was drawn, and end the line."""


class TextBar:
    """The fallback bar: ``[#####.....] 4,000/10,000 lines`` rewritten in place with ``\\r``."""

    WIDTH = 30

    def __init__(
        self, total: int, out: TextIO, *, unit: str = "lines", delay: float | None = None
    ) -> None:
        self.total = total
        self.out = out
        self.unit = unit
        self.done = 0
        self._start = time.monotonic()
        self._delay = DELAY if delay is None else delay
        self._shown: float | None = None

    def update(self, n: int) -> None:
        """Count ``n`` more units; redraw when the delay and the interval have passed."""
        self.done += n
        now = time.monotonic()
        if now - self._start >= self._delay and (
            self._shown is None or now - self._shown > INTERVAL
        ):
            self._shown = now
            self._draw(self.done)

    def close(self) -> None:
        """Draw the full bar and end the line, if the bar was ever drawn."""
        if self._shown is not None:
            self._draw(self.total)
            self.out.write("\n")
            self.out.flush()

    def _draw(self, done: int) -> None:
        filled = self.WIDTH * done // max(self.total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.out.write(f"\r[{bar}] {done:,}/{self.total:,} {self.unit}")
        self.out.flush()


def progress_bar(
    total: int,
    out: TextIO,
    *,
    unit: str = "lines",
    delay: float | None = None,
    use_tqdm: bool | None = None,
) -> Progress:
    """A bar counting ``total`` units on ``out``: a `tqdm.tqdm` when tqdm is installed
    (or ``use_tqdm=True``, which needs it), else a `TextBar`. Nothing is drawn for the
    first ``delay`` seconds (`DELAY` unless given).

    >>> import io
    >>> bar = progress_bar(3, io.StringIO(), use_tqdm=False)
    >>> type(bar).__name__
    'TextBar'
    """
    if use_tqdm is not False:
        try:  # imported by name: tqdm ships no type stubs, and the bar needs none
            tqdm = importlib.import_module("tqdm").tqdm
        except ImportError:
            if use_tqdm:
                raise
        else:
            bar: Progress = tqdm(
                total=total,
                file=out,
                unit=f" {unit}",
                unit_scale=False,
                delay=DELAY if delay is None else delay,
                mininterval=INTERVAL,
                dynamic_ncols=True,
                leave=True,
            )
            return bar
    return TextBar(total, out, unit=unit, delay=delay)
