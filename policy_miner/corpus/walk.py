"""Walking input paths -> one SourceFile per file found, every file accounted for.

The walk is sorted so runs are reproducible, reports hidden entries (editor and VCS clutter) as skipped without reading them,
and remembers the real path of every folder it entered so a symlink loop is entered once.
Nothing a single file does can stop the walk: every problem becomes that file's status.

The reading is split into public steps so a run engine can spread them over worker
processes (all arguments and results are plain, picklable values):

- ``list_files(paths)`` -> ``Entry(path, doc_id, error)``: the walk, reading nothing;
- ``load_bytes(path, limits)`` -> bytes: one file's bytes, or ReadError (not a regular file,
  broken link, link loop, permission, too large) without ever blocking on a FIFO or device;
- ``decode_document(data, fmt, limits)`` (in ``formats``) -> ``Decoded``;
- ``read_source(path, doc_id, limits)`` -> SourceFile: the last two plus the format and a
  SHA-256, never raising.

``iter_corpus`` strings them together and adds the one cross-file rule (duplicate doc ids).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import FAILED, SKIPPED, ReadError
from .formats import decode_document, format_of
from .limits import Limits, size_text

PROCESSED = "processed"


@dataclass
class SourceFile:
    """One input file and what became of it.

    ``doc_id`` is the path relative to the corpus root without its extension, '/'-separated
    (a file given directly: its stem, or its name if the stem is "." or ".."). ``status`` is
    "processed", "skipped" or "failed"; ``reason`` says why for the last two. ``text`` is set only when processed, and is then
    never empty. ``encoding`` is a Python codec name for decoded formats, None for .docx/.pdf.
    ``format`` is "text", "markdown", "html", "docx" or "pdf" when the suffix is supported.
    ``sha256`` is the hex SHA-256 of the file's bytes whenever they were read (also for a
    file that then failed to decode), for change detection and de-duplication. ``warning``
    notes a repair on a processed file (e.g. a truncated UTF-8 ending dropped).
    """

    doc_id: str
    path: str
    status: str
    reason: str | None = None
    text: str | None = None
    encoding: str | None = None
    format: str | None = None
    sha256: str | None = None
    warning: str | None = None


def read_file(path: str | Path, limits: Limits = Limits()) -> tuple[str, str | None, str]:
    """Read one document: ``(text, encoding, format)``; ReadError says why not.

    ``encoding`` is None for .docx and .pdf (see SourceFile).
    """
    path = Path(path)
    fmt = format_of(path.suffix)
    text, encoding, _ = decode_document(load_bytes(path, limits), fmt, limits)
    return text, encoding, fmt


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), None)
    return f"not a regular file ({kind})" if kind else "not a regular file"


def _too_large(size: str, limits: Limits) -> ReadError:
    return ReadError(
        f"file too large ({size} > limit {size_text(limits.max_file_bytes)}; "
        "raise with --max-file-mb)"
    )


def _os_error(path: Path, exc: OSError) -> ReadError:
    """The reason for an OSError from stat, open or read."""
    if exc.errno == errno.ELOOP:
        return ReadError("symbolic link loop")
    if isinstance(exc, PermissionError):
        return ReadError("permission denied")
    if isinstance(exc, FileNotFoundError):
        return ReadError("broken symbolic link" if path.is_symlink() else "no such file")
    return ReadError(f"cannot read file ({exc.strerror or exc})")


def load_bytes(path: Path, limits: Limits = Limits()) -> bytes:
    """A regular file's bytes, at most ``limits.max_file_bytes`` of them; raise ReadError.

    The file is checked with ``stat`` first, so a FIFO, socket or device is failed without
    being opened (opening a FIFO for reading blocks until a writer appears), and an
    oversized file without being read. It is then opened non-blocking and checked again on
    the open descriptor (the path may have been swapped meanwhile), and read for at most
    limit + 1 bytes, in case it grew after the check.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(_not_regular(info.st_mode))
    if info.st_size > limits.max_file_bytes:
        raise _too_large(size_text(info.st_size), limits)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    limit = limits.max_file_bytes
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise ReadError(_not_regular(opened.st_mode))
        if opened.st_size > limit:
            raise _too_large(size_text(opened.st_size), limits)
        with open(fd, "rb", closefd=False) as stream:
            # read(n) allocates n bytes up front, so ask for the size, not the limit ...
            data = stream.read(opened.st_size + 1)
            if len(data) > opened.st_size:  # ... and read on only if the file grew
                data += stream.read(limit + 1 - len(data))
    except OSError as exc:
        raise _os_error(path, exc) from exc
    finally:
        os.close(fd)
    if len(data) > limits.max_file_bytes:
        raise ReadError(
            f"file too large (grew past the limit of {size_text(limit)} while read; "
            "raise with --max-file-mb)"
        )
    return data


def read_source(path: Path, doc_id: str, limits: Limits = Limits()) -> SourceFile:
    """Read one file into a SourceFile (format, bytes, SHA-256, text), never raising.

    Everything but the duplicate-id rule of ``iter_corpus``; safe to call in a worker process.
    """
    path = Path(path)
    try:
        fmt = format_of(path.suffix)
    except ReadError as exc:
        return SourceFile(doc_id, str(path), exc.status, exc.reason)
    digest = None
    try:
        data = load_bytes(path, limits)
        digest = hashlib.sha256(data).hexdigest()
        text, encoding, warning = decode_document(data, fmt, limits)
    except ReadError as exc:
        return SourceFile(doc_id, str(path), exc.status, exc.reason, format=fmt, sha256=digest)
    except Exception as exc:  # last resort: one odd file must not end the whole run
        reason = f"unexpected error ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
        return SourceFile(doc_id, str(path), FAILED, reason, format=fmt, sha256=digest)
    return SourceFile(doc_id, str(path), PROCESSED, None, text, encoding, fmt, digest, warning)


def iter_corpus(paths: Sequence[str | Path], limits: Limits = Limits()) -> Iterator[SourceFile]:
    """Yield a SourceFile for every file under ``paths``, in a deterministic order.

    A folder is walked recursively; a file stands for itself with its stem as doc id. A
    missing path or an unlistable folder is yielded as failed. Only a processed document
    claims its doc id, so a later file with the same id fails as a duplicate, while an
    unsupported namesake (report.xls beside report.pdf) does not block a readable one.
    The duplicate check comes before reading, so a duplicate is not read at all.
    """
    claimed: dict[str, str] = {}
    for entry in list_files(paths):
        path = str(entry.path)
        if entry.error is not None:
            yield SourceFile(entry.doc_id, path, FAILED, entry.error)
            continue
        if entry.skipped is not None:
            yield SourceFile(entry.doc_id, path, SKIPPED, entry.skipped)
            continue
        if entry.doc_id in claimed:
            yield _duplicate(entry.path, entry.doc_id, claimed)
            continue
        source = read_source(entry.path, entry.doc_id, limits)
        if source.status == PROCESSED:
            claimed[entry.doc_id] = path
        yield source


def _duplicate(path: Path, doc_id: str, claimed: dict[str, str]) -> SourceFile:
    """A file whose id a processed document already has: failed unread (or skipped when its
    format is unsupported anyway)."""
    try:
        fmt = format_of(path.suffix)
    except ReadError as exc:
        return SourceFile(doc_id, str(path), exc.status, exc.reason)
    reason = f"duplicate document id (already read from {claimed[doc_id]})"
    return SourceFile(doc_id, str(path), FAILED, reason, format=fmt)


class Entry(NamedTuple):
    """A file found by the walk, or a path it could not use (``error`` set: missing path,
    unlistable folder)."""

    path: Path
    doc_id: str
    error: str | None = None
    skipped: str | None = None
    """Why the walk passed over it unread (a hidden name), so the report still lists it."""


def list_files(paths: Sequence[str | Path]) -> Iterator[Entry]:
    """Every file under ``paths`` as an Entry, in order, without reading any file.

    A folder is walked recursively (sorted, hidden entries listed as skipped, each real folder entered
    once); a file, or any other non-folder such as a FIFO or a dangling link, stands for
    itself with its stem as doc id; a missing path gives an Entry with error "no such file
    or folder". Doc ids are '/'-separated relative paths: no component is empty, "." or "..",
    whatever the names on disk (names may still contain spaces, backslashes, any Unicode).
    """
    for given in paths:
        root = Path(given)
        if root.is_dir():
            yield from _walk(root, (), set())
        elif root.exists() or root.is_symlink():
            yield Entry(root, _file_id(root))
        else:
            yield Entry(root, _file_id(root), "no such file or folder")


def _file_id(path: Path) -> str:
    """The id of a file given directly: its stem, or its whole name when the stem would read
    as a path step ("..txt" has stem ".", "...txt" has stem "..")."""
    stem = path.stem
    if stem in ("", ".", ".."):
        return path.name if path.name not in ("", ".", "..") else "_"
    return stem


def _walk(folder: Path, parts: tuple[str, ...], seen: set[str]) -> Iterator[Entry]:
    """Files under ``folder`` sorted by name, ``parts`` being its path below the root.

    ``seen`` holds the real paths of folders already entered, so a symlink that points back
    up the tree (or at a folder walked before) is not walked again.
    """
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as exc:
        doc_id = "/".join(parts) or _file_id(Path(os.path.abspath(folder)))
        yield Entry(folder, doc_id, f"cannot list folder ({exc.strerror or exc})")
        return
    for name in names:
        path = folder / name
        if name.startswith("."):  # editor and VCS clutter; reported, never read or walked
            kind = "folder" if path.is_dir() else "file"
            yield Entry(path, "/".join((*parts, name)), skipped=f"hidden {kind} (name starts with '.')")
            continue
        if path.is_dir():
            yield from _walk(path, (*parts, name), seen)
        else:
            yield Entry(path, "/".join((*parts, path.stem)))
