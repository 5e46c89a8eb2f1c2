"""The run report: every input file with what became of it, record totals and throughput."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..records import OUTPUT_FILES
from .worker import FAILED, PROCESSED, SKIPPED, UNCHANGED, Outcome, plural

STATUSES = (PROCESSED, UNCHANGED, SKIPPED, FAILED)


@dataclass
class RunReport:
    """Files in corpus order; records counted as published (unchanged files included).

    ``extracted_chars`` counts only the text extracted in this run, so the throughput is the
    pipeline's speed, not inflated by files a resume skipped.
    """

    files: list[dict[str, Any]] = field(default_factory=list)
    records: Counter[str] = field(default_factory=Counter)
    extracted_chars: int = 0
    seconds: float = 0.0
    jobs: int = 1
    engine: str = "local"

    def add(self, outcome: Outcome) -> None:
        self.files.append(outcome.entry())
        if outcome.status in (PROCESSED, UNCHANGED):
            self.records.update(outcome.counts)
        if outcome.status == PROCESSED:
            self.extracted_chars += outcome.chars

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f["status"] == status)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def quantities(self) -> int:
        return self.records["quantity"]

    @property
    def entities(self) -> int:
        return self.records["entity"]

    @property
    def clauses(self) -> int:
        return self.records["clause"]

    def rates(self) -> tuple[float, float]:
        """Documents and characters extracted per second of wall time."""
        if self.seconds <= 0:
            return 0.0, 0.0
        return self.count(PROCESSED) / self.seconds, self.extracted_chars / self.seconds

    def summary(self) -> str:
        """The closing lines of a run: files by status, records by kind, time and throughput."""
        statuses = ", ".join(f"{self.count(s)} {s}" for s in STATUSES if s != UNCHANGED or self.count(s))
        records = ", ".join(f"{self.records[kind]} {plural(kind)}" for kind in OUTPUT_FILES if kind != "document")
        docs_rate, chars_rate = self.rates()
        return (f"policy-miner: {len(self.files)} files: {statuses}; {records}\n"
                f"policy-miner: {self.seconds:.1f}s with {self.jobs} job(s) ({self.engine}): "
                f"{docs_rate:.1f} documents/s, {chars_rate:,.0f} characters/s")

    def to_dict(self) -> dict[str, Any]:
        docs_rate, chars_rate = self.rates()
        summary = {"files": len(self.files), **{s: self.count(s) for s in STATUSES},
                   **{plural(kind): self.records[kind] for kind in OUTPUT_FILES},
                   "characters": self.extracted_chars, "seconds": round(self.seconds, 3),
                   "documents_per_second": round(docs_rate, 3), "characters_per_second": round(chars_rate, 1),
                   "jobs": self.jobs, "engine": self.engine}
        return {"summary": summary, "files": self.files}
