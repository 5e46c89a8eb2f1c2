"""The one exception type the corpus readers raise for a file they cannot turn into text.

It carries a status as well as a reason because "skipped" (nothing there to read: empty,
unsupported format) and "failed" (something there we could not read) are reported apart.
"""

from __future__ import annotations

SKIPPED = "skipped"
FAILED = "failed"


class ReadError(Exception):
    """A file could not be read as a document; ``status`` says whether it was skipped or failed."""

    def __init__(self, reason: str, status: str = FAILED) -> None:
        if status not in (SKIPPED, FAILED):
            raise ValueError(f"ReadError status must be {SKIPPED!r} or {FAILED!r}, not {status!r}")
        super().__init__(reason)
        self.reason = reason
        self.status = status
