"""Where a run's records go: appended to a staging folder as documents finish, published in
corpus order when the run ends, and found again by ``--resume``.

An output folder OUT holds::

    documents.jsonl quantities.jsonl entities.jsonl clauses.jsonl   the records, corpus order
    manifest.jsonl   a header, then one line per document: id, path, content hash, record
                     counts and the byte range of its records in each file
    report.json      every input file and what became of it
    .partial/        a run in progress: the four record files, appended as documents finish,
                     journal.jsonl, a manifest line per document, and report.jsonl, the
                     report's file entries

Why this shape:

- **Streaming.** A document's records are appended as it finishes; its journal line is held
  back and written only after the record files are flushed. So the journal never names records
  that are not on disk, and memory does not grow with the corpus. Flushes are batched (every
  ``SYNC_DOCUMENTS`` documents or ``SYNC_SECONDS``): one write per file per batch instead of
  five per document, which matters when the run's single writer serves several workers. A kill
  loses at most one batch, which resume extracts again.
- **Crash safety.** A killed run leaves ``.partial`` behind. On resume, the journal is cut
  after its last complete line and each record file is cut at the end of the last journaled
  document. That removes half-written lines and the records of a document that was not
  finished, so nothing is duplicated.
- **Atomic publishing.** The published files are made from ``.partial`` in corpus order, each
  one atomically (moved into place when staging already holds that order, as it does after a
  fresh run; copied range by range otherwise), and the manifest goes last.
  - A resume that adds, drops or re-extracts documents still yields files in corpus order.
  - A run killed before it publishes leaves the previous outputs untouched.
  - The manifest records the size of each file it describes, so a manifest that no longer
    matches its files (a publish cut short) is never trusted.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from importlib.metadata import version
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ..io import atomic_path
from ..lexicons import data_dir
from ..records import OUTPUT_FILES
from .worker import Outcome, Settings

PARTIAL = ".partial"
JOURNAL = "journal.jsonl"
MANIFEST = "manifest.jsonl"
REPORT = "report.json"
REPORT_LINES = "report.jsonl"
"""In staging: this run's file entries, spilled as files finish (see ``report``)."""
HEADER = "policy-miner"
FORMAT = 1
COPY_CHUNK = 1 << 20
SYNC_DOCUMENTS = 32
SYNC_SECONDS = 0.5
WRITE_BUFFER = 1 << 20

Entry = dict[str, Any]
"""A manifest line: doc, path, sha256, format, encoding, warning, chars, counts, ranges."""


class RunError(Exception):
    """A run that cannot go on with this output folder: ``--resume`` on outputs made with other
    settings or data, or a folder another run is using."""


def run_header(settings: Settings) -> dict[str, Any]:
    """What must be equal for earlier records to stand for this run's.

    The version, the pipeline settings, and a fingerprint of the data the extractors read
    (lexicons, the labelled clauses the tool classifier learns from). A researcher who edits
    a lexicon therefore gets fresh records on resume, not stale ones.
    """
    return {HEADER: version("policy-miner"), "format": FORMAT, "pipeline": settings.pipeline_key(),
            "data": data_fingerprint()}


def data_fingerprint() -> str:
    """sha256 over the lexicon and clause-set files (names and contents), in name order."""
    digest = hashlib.sha256()
    for folder in ("lexicons", "datasets/policy_tools"):
        root = data_dir(folder)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _same_run(found: dict[str, Any], header: dict[str, Any]) -> bool:
    return all(found.get(key) == value for key, value in header.items())


def _mismatch(where: Path, found: dict[str, Any], header: dict[str, Any]) -> RunError:
    differ = ", ".join(f"{key}: {found.get(key)!r} then, {value!r} now"
                       for key, value in header.items() if found.get(key) != value)
    return RunError(f"cannot resume from {where}: it was made differently ({differ}); "
                       "run without --resume to start afresh")


def _complete_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(end offset, parsed line)`` of each complete JSON line, stopping at the first bad one."""
    offset = 0
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            try:
                parsed = json.loads(raw)
            except ValueError:
                return
            offset += len(raw)
            yield offset, parsed


class LineIndex:
    """Document id -> where its latest line starts in a JSON-lines file (a journal, a manifest);
    the line itself is read back when asked for.

    An offset per document instead of the parsed line: a run over a million documents keeps a
    million small integers, not a million dictionaries of hashes, counts and byte ranges.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offsets: dict[str, int] = {}
        self._reader: BinaryIO | None = None

    def __contains__(self, doc: str) -> bool:
        return doc in self.offsets

    def __iter__(self) -> Iterator[str]:
        return iter(self.offsets)

    def get(self, doc: str) -> Entry | None:
        """The document's line, parsed; None when it has none. The line must be on disk."""
        offset = self.offsets.get(doc)
        if offset is None:
            return None
        if self._reader is None:
            self._reader = self.path.open("rb")
        self._reader.seek(offset)
        return orjson.loads(self._reader.readline())

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class Staging:
    """The ``.partial`` folder of a run: record files appended per document, and its journal."""

    def __init__(self, out: Path, header: dict[str, Any], resume: bool) -> None:
        self.dir = out / PARTIAL
        self.index = LineIndex(self.dir / JOURNAL)
        """The latest complete journal entry of each document."""
        if resume and (self.dir / JOURNAL).is_file():
            self._recover(header)
        else:
            self._start(header)
        self.files = {kind: (self.dir / name).open("ab", buffering=WRITE_BUFFER) for kind, name in OUTPUT_FILES.items()}
        self.ends = {kind: (self.dir / name).stat().st_size for kind, name in OUTPUT_FILES.items()}
        """Where each record file ends, counted here: ``tell()`` on a buffered file costs a
        system call."""
        self.journal = (self.dir / JOURNAL).open("ab")
        self.journal_end = (self.dir / JOURNAL).stat().st_size
        """Where the next journal line will start (held lines counted)."""
        self.held: list[bytes] = []
        """Journal lines of documents whose records may still be in the write buffers."""
        self.synced = time.monotonic()

    def _start(self, header: dict[str, Any]) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        for name in OUTPUT_FILES.values():
            (self.dir / name).write_bytes(b"")
        (self.dir / JOURNAL).write_text(json.dumps(header) + "\n", encoding="utf-8")

    def _recover(self, header: dict[str, Any]) -> None:
        """Keep every document journaled by the killed run; cut everything after it."""
        lines = _complete_lines(self.dir / JOURNAL)
        first = next(lines, None)
        if first is None:  # killed before its header was written: nothing to keep
            self._start(header)
            return
        end, found = first
        if not _same_run(found, header):
            raise _mismatch(self.dir, found, header)
        sizes = dict.fromkeys(OUTPUT_FILES, 0)
        start = end
        for end, entry in lines:
            self.index.offsets[entry["doc"]] = start
            start = end
            for kind, (_, stop) in entry["ranges"].items():
                sizes[kind] = max(sizes[kind], stop)
        if any(not (self.dir / name).is_file() or (self.dir / name).stat().st_size < sizes[kind]
               for kind, name in OUTPUT_FILES.items()):
            self.index.offsets.clear()  # records the journal names are gone: the folder is not ours to trust
            self._start(header)
            return
        os.truncate(self.dir / JOURNAL, end)
        for kind, name in OUTPUT_FILES.items():
            os.truncate(self.dir / name, sizes[kind])

    def append(self, outcome: Outcome) -> Entry:
        """Append a processed document's records; journal it once they are all on disk."""
        return self._journal(outcome.entry_for_manifest(), outcome.lines)

    def copy(self, entry: Entry, folder: Path) -> Entry:
        """Append a document's records from published files in ``folder`` (an unchanged file)."""
        lines = {}
        for kind, name in OUTPUT_FILES.items():
            start, end = entry["ranges"][kind]
            with (folder / name).open("rb") as handle:
                handle.seek(start)
                lines[kind] = handle.read(end - start)
        return self._journal({key: value for key, value in entry.items() if key != "ranges"}, lines)

    def _journal(self, entry: Entry, lines: dict[str, bytes]) -> Entry:
        ranges = {}
        for kind, handle in self.files.items():
            data = lines.get(kind, b"")
            start = self.ends[kind]
            handle.write(data)
            self.ends[kind] = start + len(data)
            ranges[kind] = [start, self.ends[kind]]
        entry = {**entry, "ranges": ranges}
        line = orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)
        self.held.append(line)
        self.index.offsets[entry["doc"]] = self.journal_end
        self.journal_end += len(line)
        if len(self.held) >= SYNC_DOCUMENTS or time.monotonic() - self.synced >= SYNC_SECONDS:
            self.sync()
        return entry

    def sync(self) -> None:
        """Flush the record files, then journal the documents whose records they hold."""
        for handle in self.files.values():
            handle.flush()
        self.journal.write(b"".join(self.held))
        self.journal.flush()
        self.held.clear()
        self.synced = time.monotonic()

    def entry(self, doc: str) -> Entry | None:
        """The document's latest journal entry, if staging has one."""
        if doc not in self.index:
            return None
        if self.held and not self.journal.closed:
            self.sync()  # its line may still be held back
        return self.index.get(doc)

    def close(self) -> None:
        if not self.journal.closed:
            self.sync()
        for handle in (*self.files.values(), self.journal):
            handle.close()

    def remove(self) -> None:
        self.close()
        self.index.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def read_manifest(out: Path, header: dict[str, Any]) -> LineIndex:
    """The published documents of ``out``, if its manifest matches this run and its files.

    A manifest from other settings is an error (resume would mix records); a manifest whose
    recorded sizes differ from the files is ignored (its documents are simply extracted again).
    """
    path = out / MANIFEST
    index = LineIndex(path)
    if not path.is_file():
        return index
    lines = _complete_lines(path)
    first = next(lines, None)
    if first is None:
        return index
    start, found = first
    if not _same_run(found, header):
        raise _mismatch(path, found, header)
    sizes = found.get("sizes", {})
    for kind, name in OUTPUT_FILES.items():
        file = out / name
        if not file.is_file() or file.stat().st_size != sizes.get(kind):
            return index
    for end, entry in lines:
        index.offsets[entry["doc"]] = start
        start = end
    return index


def publish(out: Path, staging: Staging, order: Sequence[str], header: dict[str, Any]) -> None:
    """Write the record files and manifest of ``out`` from staging, documents in ``order``.

    A staged file that already holds exactly those documents in that order (a fresh run: the
    engines return documents in corpus order) is moved into place rather than copied, so
    publishing costs a rename however large the outputs. Otherwise (a resume that mixed kept
    and new records, a duplicate id's records left out) the ranges are copied in order.
    Entries are read back from the journal pass by pass, never all held at once.
    """
    staging.close()

    def entries() -> Iterator[Entry]:
        return (staging.entry(doc) for doc in order)

    moved = _in_order(entries(), {kind: (staging.dir / name).stat().st_size for kind, name in OUTPUT_FILES.items()})
    sizes = {}
    for kind, name in OUTPUT_FILES.items():
        staged = staging.dir / name
        if kind in moved:
            sizes[kind] = staged.stat().st_size
            _move(staged, out / name)
            continue
        with atomic_path(out / name) as tmp, tmp.open("wb") as target, staged.open("rb") as source:
            for entry in entries():
                _copy_range(source, target, *entry["ranges"][kind])
            sizes[kind] = target.tell()
    with atomic_path(out / MANIFEST) as tmp, tmp.open("wb") as target:
        target.write(orjson.dumps({**header, "sizes": sizes}, option=orjson.OPT_APPEND_NEWLINE))
        ends = dict.fromkeys(OUTPUT_FILES, 0)  # the published files hold the documents back to back
        for entry in entries():
            ranges = {}
            for kind in OUTPUT_FILES:
                start, end = entry["ranges"][kind]
                ranges[kind] = [ends[kind], ends[kind] + end - start]
                ends[kind] = ranges[kind][1]
            published = {key: value for key, value in entry.items() if key != "ranges"} | {"ranges": ranges}
            target.write(orjson.dumps(published, option=orjson.OPT_APPEND_NEWLINE))


def _in_order(entries: Iterable[Entry], sizes: dict[str, int]) -> set[str]:
    """The kinds whose staged file is the entries' records back to back, nothing else."""
    ends = dict.fromkeys(sizes, 0)
    kinds = set(sizes)
    for entry in entries:
        for kind in list(kinds):
            start, stop = entry["ranges"][kind]
            if start != ends[kind]:
                kinds.discard(kind)
            ends[kind] = stop
    return {kind for kind in kinds if ends[kind] == sizes[kind]}


def _move(staged: Path, target: Path) -> None:
    """Put a staged file in place atomically: on disk first, then renamed over the target.

    The staging folder is inside the output folder, so the rename stays on one file system. A
    run killed between two moves leaves a manifest whose sizes no longer match, so a resume
    trusts neither and extracts again: slower, never wrong."""
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, target)


def _copy_range(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
    if source.tell() != start:
        source.seek(start)
    left = end - start
    while left > 0:
        chunk = source.read(min(left, COPY_CHUNK))
        if not chunk:
            raise OSError(f"staged records end early in {source.name}")
        target.write(chunk)
        left -= len(chunk)
