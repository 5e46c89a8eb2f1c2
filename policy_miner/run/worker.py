"""The per-document function every engine runs: one file in, its records as JSON lines out.

``process(task, settings)`` is all a worker does, whichever engine calls it (in-process, a local
process pool, or a Dask cluster): read the file, hash its bytes, skip it when the hash matches a
complete earlier output (``--resume``), else extract and serialise its records. Serialising in
the worker keeps the writer process doing nothing but appending bytes.

It never raises for a bad document: every problem becomes the outcome's status and reason, so
one file can never stop a run. Each worker process builds its pipeline once, on first use
(``worker_extractor``), because loading jieba's dictionary and training the tool classifier
take seconds while a document takes milliseconds.
"""
from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ..corpus import Limits, read_source
from ..records import OUTPUT_FILES

if TYPE_CHECKING:  # the pipeline is imported where it is built, never by a run's parent process
    from ..pipeline import Extractor

PROCESSED = "processed"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
FAILED = "failed"


@dataclass(frozen=True)
class Settings:
    """What a worker needs to build its pipeline and judge a file; sent once per task (small)."""

    segmenter: str = "jieba"
    pkuseg_model: str | None = None
    limits: Limits = field(default_factory=Limits)
    timeout: float = 300.0
    """Seconds one document may take (0: no limit). Enforced where the task runs in a process's
    main thread (serial runs and the local process pool); Dask runs tasks in worker threads,
    where a timer signal cannot interrupt them."""

    def pipeline_key(self) -> dict[str, Any]:
        """The settings that change records (not limits or timeouts): a resume must match them."""
        return {"segmenter": self.segmenter, "pkuseg_model": self.pkuseg_model}


@dataclass(frozen=True)
class Task:
    """One file to process; ``known_sha256`` is the hash of its complete earlier output, if any."""

    index: int
    path: str
    doc_id: str
    known_sha256: str | None = None
    error: str | None = None
    """Why the listing could not even reach the file (a missing path, an unlistable folder)."""
    skipped: str | None = None
    """Why the listing passed over the file unread (a hidden name)."""


@dataclass
class Outcome:
    """What became of one file: its status, why, and (when processed) its serialised records."""

    index: int
    doc_id: str
    path: str
    status: str
    reason: str | None = None
    warning: str | None = None
    format: str | None = None
    encoding: str | None = None
    sha256: str | None = None
    chars: int = 0
    lines: dict[str, bytes] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def entry_for_manifest(self) -> dict[str, Any]:
        """What the manifest keeps of a processed file (the store adds its byte ranges)."""
        return {"doc": self.doc_id, "path": self.path, "sha256": self.sha256, "format": self.format,
                "encoding": self.encoding, "warning": self.warning, "chars": self.chars, "counts": self.counts}

    def entry(self) -> dict[str, Any]:
        """The file's line in report.json."""
        return {"path": self.path, "doc": self.doc_id, "status": self.status, "reason": self.reason,
                "warning": self.warning, "format": self.format, "encoding": self.encoding,
                "sha256": self.sha256, "chars": self.chars,
                **{plural(kind): self.counts.get(kind, 0) for kind in OUTPUT_FILES if kind != "document"}}


def plural(kind: str) -> str:
    """A record kind's plural, the name of its file: quantity -> quantities."""
    return OUTPUT_FILES[kind].split(".")[0]


class DocumentTimeout(BaseException):
    """A document took longer than ``Settings.timeout``.

    A BaseException, so the readers' and extractors' catch-alls for bad files let it through."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in the body after ``seconds`` (a no-op off the main thread or at 0).

    A timer signal is the only way to stop pure-Python work from outside without killing the
    process; it interrupts between bytecodes, so a long regex inside C runs to its end first.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@functools.lru_cache(maxsize=2)
def worker_extractor(segmenter: str, pkuseg_model: str | None) -> Extractor:
    """This process's pipeline, built on its first document and kept for all later ones."""
    from ..pipeline import Extractor

    extractor = Extractor(segmenter=segmenter, pkuseg_model=pkuseg_model)
    extractor.extract("预热。", "warm-up")  # trains the tool classifier now, not inside a timed document
    return extractor


def process(task: Task, settings: Settings, extractor: Extractor | None = None) -> Outcome:
    """Read, hash and extract one file; never raises for anything the file does.

    ``extractor`` lets an in-process run reuse a pipeline it already has.
    """
    try:
        with time_limit(settings.timeout):
            return _process(task, settings, extractor)
    except DocumentTimeout:
        return Outcome(task.index, task.doc_id, task.path, FAILED,
                       f"took longer than {settings.timeout:g}s (raise with --timeout)")


def _process(task: Task, settings: Settings, extractor: Extractor | None) -> Outcome:
    if task.error is not None:
        return Outcome(task.index, task.doc_id, task.path, FAILED, task.error)
    if task.skipped is not None:
        return Outcome(task.index, task.doc_id, task.path, SKIPPED, task.skipped)
    source = read_source(Path(task.path), task.doc_id, settings.limits)
    outcome = Outcome(task.index, task.doc_id, task.path, source.status, source.reason, source.warning,
                      source.format, source.encoding, source.sha256)
    if source.status != PROCESSED or source.text is None:
        return outcome
    if source.sha256 is not None and source.sha256 == task.known_sha256:
        outcome.status = UNCHANGED
        return outcome
    outcome.chars = len(source.text)
    extractor = extractor or worker_extractor(settings.segmenter, settings.pkuseg_model)
    try:
        result = extractor.extract(source.text, task.doc_id)
    except Exception as error:  # one broken document never stops the run
        outcome.status, outcome.reason = FAILED, f"extraction error: {error!r}"
        return outcome
    result.meta.source, result.meta.encoding, result.meta.format = task.path, source.encoding, source.format
    records = {"document": [result.meta], "quantity": result.quantities, "entity": result.entities,
               "clause": result.clauses}
    outcome.lines = {kind: b"".join(map(json_line, records[kind])) for kind in OUTPUT_FILES}
    outcome.counts = {kind: len(records[kind]) for kind in OUTPUT_FILES}
    return outcome


def json_line(record: Any) -> bytes:
    """One record as a line of UTF-8 JSON, its fields in the record's order.

    orjson reads the dataclass itself, so no intermediate dict is built; serialising is a
    measurable share of a run (tens of records per document). It writes no spaces after ``,``
    and ``:``, and non-ASCII characters as themselves."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
