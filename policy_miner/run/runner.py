"""A corpus run: list the files, process them with an engine, stream records to staging,
publish in corpus order, report every file.

The listing is taken first (paths only, cheap), so the progress bar knows its total and the
corpus order is fixed before any work starts. Outcomes come back in that order whatever the
engine, and document ids are claimed in it, so a duplicate id fails the same file every time.
"""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus import list_files
from .engines import outcomes
from .progress import Progress
from .report import RunReport
from .store import MANIFEST, REPORT, REPORT_LINES, Entry, LineIndex, RunError, Staging, publish, read_manifest, run_header
from .worker import FAILED, PROCESSED, UNCHANGED, Outcome, Settings, Task

if TYPE_CHECKING:  # the pipeline is imported where it is built, never by a run's parent process
    from ..pipeline import Extractor


def run_corpus(paths: Sequence[str | Path], out_dir: str | Path, extractor: Extractor | None = None, *,
               settings: Settings | None = None, jobs: int | None = 1, engine: str = "local",
               scheduler: str | None = None, resume: bool = False, progress: str = "off",
               progress_every: float = 30.0) -> RunReport:
    """Extract every document under ``paths`` into ``out_dir``; return the run report.

    Writes quantities/entities/documents/clauses.jsonl, manifest.jsonl and report.json (see
    ``store``). ``resume`` reuses the records of files whose content is unchanged since an
    earlier (possibly killed) run into the same folder. ``extractor`` serves one-job local runs.
    ``jobs=None`` picks the number for the corpus (see ``auto_jobs``).
    """
    settings = settings or Settings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with exclusive(out):
        began = time.perf_counter()
        entries = list(list_files(paths))
        jobs = jobs or auto_jobs(len(entries))
        header = run_header(settings)
        staging = Staging(out, header, resume)
        published = read_manifest(out, header) if resume else LineIndex(out / MANIFEST)

        def known(doc: str) -> Entry | None:
            """The document's complete earlier output: staged by a killed run, or published."""
            return staging.entry(doc) or published.get(doc)

        spilled = staging.dir / REPORT_LINES
        report = RunReport(jobs=jobs, engine=engine, spill=spilled.open("wb"))
        meter = Progress(len(entries), progress, progress_every)
        order: list[str] = []
        claimed: dict[str, int] = {}
        """Document id -> the listing index of the file that claimed it."""

        def account(outcome: Outcome) -> None:
            if outcome.status in (PROCESSED, UNCHANGED):
                if outcome.doc_id in claimed:
                    first = entries[claimed[outcome.doc_id]].path
                    outcome.status, outcome.reason = FAILED, f"duplicate document id (already read from {first})"
                    outcome.counts = {}
                else:
                    claimed[outcome.doc_id] = outcome.index
                    order.append(outcome.doc_id)
                    _store(outcome, staging, published, out)
            report.add(outcome)
            meter.update(outcome)

        tasks = (Task(index, str(entry.path), entry.doc_id, _known_hash(known(entry.doc_id)) if resume else None,
                      entry.error, entry.skipped)
                 for index, entry in enumerate(entries))
        try:
            for outcome in outcomes(tasks, settings, jobs, engine, scheduler, extractor, len(entries)):
                account(outcome)
        finally:
            meter.close()
            report.spill.close()
        publish(out, staging, order, header)
        report.seconds = time.perf_counter() - began
        report.write(out / REPORT, spilled)
        staging.remove()
        published.close()
        return report


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold an advisory lock on the output folder for the run, so a second run into the same
    folder stops at once instead of clobbering the first one's staging."""
    descriptor = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise RunError(f"{out} is in use by another policy-miner run") from error
        yield
    finally:
        os.close(descriptor)


def _known_hash(entry: Entry | None) -> str | None:
    return entry["sha256"] if entry else None


def _store(outcome: Outcome, staging: Staging, published: LineIndex, out: Path) -> None:
    """Put a claimed document's records in staging: append new ones, copy published ones."""
    if outcome.status == PROCESSED:
        staging.append(outcome)
        return
    entry = staging.entry(outcome.doc_id)
    if entry is None or entry["sha256"] != outcome.sha256:  # published by an earlier, finished run
        entry = staging.copy(published.get(outcome.doc_id), out)
    outcome.counts, outcome.chars = entry["counts"], entry["chars"]


FILES_PER_WORKER_START = 50
"""Starting a worker (loading jieba, training the tool classifier) costs about as much as
extracting this many short documents, so a small corpus runs in fewer workers, or in this
process."""


def auto_jobs(files: int) -> int:
    """All the cores this process may use, but no more workers than the corpus repays."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, files // FILES_PER_WORKER_START))
