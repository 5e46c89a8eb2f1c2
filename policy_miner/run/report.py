"""The run report: every input file with what became of it, record totals and throughput.

File entries are not kept: each goes to a spill file (one JSON line) as its file finishes, and
report.json is streamed from it at the end, so a run over a million files holds only the
counts and the failures (which the command lists when it ends).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ..io import atomic_path
from ..records import OUTPUT_FILES
from .worker import FAILED, PROCESSED, SKIPPED, UNCHANGED, Outcome, plural

STATUSES = (PROCESSED, UNCHANGED, SKIPPED, FAILED)


@dataclass
class RunReport:
    """Files counted by status; records counted as published (unchanged files included).

    ``extracted_chars`` counts only the text extracted in this run, so the throughput is the
    pipeline's speed, not inflated by files a resume skipped.
    """

    statuses: Counter[str] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    """The entries of failed files, in corpus order."""
    extracted_chars: int = 0
    seconds: float = 0.0
    jobs: int = 1
    engine: str = "local"
    spill: BinaryIO | None = None
    """Where file entries go, one JSON line each, in corpus order (see ``write``)."""

    def add(self, outcome: Outcome) -> None:
        entry = outcome.entry()
        self.statuses[outcome.status] += 1
        if self.spill is not None:
            self.spill.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
        if outcome.status == FAILED:
            self.failures.append(entry)
        if outcome.status in (PROCESSED, UNCHANGED):
            self.records.update(outcome.counts)
        if outcome.status == PROCESSED:
            self.extracted_chars += outcome.chars

    def count(self, status: str) -> int:
        return self.statuses[status]

    @property
    def files(self) -> int:
        return sum(self.statuses.values())

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
        return (f"policy-miner: {self.files} files: {statuses}; {records}\n"
                f"policy-miner: {self.seconds:.1f}s with {self.jobs} job(s) ({self.engine}): "
                f"{docs_rate:.1f} documents/s, {chars_rate:,.0f} characters/s")

    def summary_dict(self) -> dict[str, Any]:
        docs_rate, chars_rate = self.rates()
        return {"files": self.files, **{s: self.count(s) for s in STATUSES},
                **{plural(kind): self.records[kind] for kind in OUTPUT_FILES},
                "characters": self.extracted_chars, "seconds": round(self.seconds, 3),
                "documents_per_second": round(docs_rate, 3), "characters_per_second": round(chars_rate, 1),
                "jobs": self.jobs, "engine": self.engine}

    def write(self, path: Path, spilled: Path) -> None:
        """report.json, atomically: the summary, then every file's entry streamed from the
        ``spilled`` lines (one file per line, so the report stays readable and greppable)."""
        summary = orjson.dumps(self.summary_dict(), option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  ")
        with atomic_path(path) as tmp, tmp.open("wb") as target, spilled.open("rb") as source:
            target.write(b'{\n  "summary": ' + summary + b',\n  "files": [')
            separator = b"\n    "
            for line in source:
                target.write(separator + line.rstrip(b"\n"))
                separator = b",\n    "
            target.write(b"\n  ]\n}\n")
