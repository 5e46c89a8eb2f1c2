"""Progress of a long run on stderr: a bar on a terminal, plain lines in logs.

A bar redraws in place, which a log file or CI console turns into noise; so when stderr is not
a terminal the same numbers are printed as one line every ``every`` seconds instead.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm

from .worker import FAILED, PROCESSED, Outcome


class Progress:
    """Counts finished files; ``mode`` is "bar", "lines", "off" or "auto" (bar on a terminal)."""

    def __init__(self, total: int, mode: str = "auto", every: float = 30.0, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "lines"
        self.mode, self.total, self.every = mode, total, every
        self.done = self.failed = self.chars = 0
        self.began = self.last = time.monotonic()
        self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True,
                        mininterval=0.5) if mode == "bar" else None

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += outcome.status == FAILED
        self.chars += outcome.chars if outcome.status == PROCESSED else 0
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update()
        elif self.mode == "lines" and time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        """``1200/10000 files (12.0%), 3 failed, 45.2 files/s, 98,000 characters/s, about 3m15s left``."""
        elapsed = max(time.monotonic() - self.began, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else float("inf")
        share = 100 * self.done / self.total if self.total else 100.0
        eta = f"about {int(left // 60)}m{int(left % 60):02d}s left" if left != float("inf") else "time left unknown"
        return (f"policy-miner: {self.done}/{self.total} files ({share:.1f}%), {self.failed} failed, "
                f"{rate:.1f} files/s, {self.chars / elapsed:,.0f} characters/s, {eta}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
