"""Walking input paths -> one SourceFile per file found, every file accounted for.

The walk is sorted so runs are reproducible, skips hidden entries (editor and VCS clutter),
and remembers the real path of every folder it entered so a symlink loop is entered once.
Nothing a single file does can stop the walk: every problem becomes that file's status.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import FAILED, ReadError
from .formats import format_of, to_text

PROCESSED = "processed"


@dataclass
class SourceFile:
    """One input file and what became of it.

    ``doc_id`` is the path relative to the corpus root without its extension, '/'-separated
    (a file given directly: its stem). ``status`` is "processed", "skipped" or "failed";
    ``reason`` says why for the last two. ``text`` is set only when processed, and is then
    never empty. ``encoding`` is a Python codec name for decoded formats, None for .docx/.pdf.
    ``format`` is "text", "markdown", "html", "docx" or "pdf" when the suffix is supported.
    """

    doc_id: str
    path: str
    status: str
    reason: str | None = None
    text: str | None = None
    encoding: str | None = None
    format: str | None = None


def read_file(path: str | Path) -> tuple[str, str | None, str]:
    """Read one document: ``(text, encoding, format)``; ReadError says why not.

    ``encoding`` is None for .docx and .pdf (see SourceFile).
    """
    path = Path(path)
    fmt = format_of(path.suffix)
    return (*_read(path, fmt), fmt)


def _read(path: Path, fmt: str) -> tuple[str, str | None]:
    try:
        data = path.read_bytes()
    except PermissionError as exc:
        raise ReadError("permission denied") from exc
    except OSError as exc:
        raise ReadError(f"cannot read file ({exc.strerror or exc})") from exc
    return to_text(data, fmt)


def iter_corpus(paths: Sequence[str | Path]) -> Iterator[SourceFile]:
    """Yield a SourceFile for every file under ``paths``, in a deterministic order.

    A folder is walked recursively; a file stands for itself with its stem as doc id. A
    missing path or an unlistable folder is yielded as failed. Only a processed document
    claims its doc id, so a later file with the same id fails as a duplicate, while an
    unsupported namesake (report.xls beside report.pdf) does not block a readable one.
    """
    claimed: dict[str, str] = {}
    for given in paths:
        root = Path(given)
        if root.is_dir():
            entries = _walk(root, (), set())
        elif root.exists() or root.is_symlink():
            entries = iter([_Entry(root, root.stem)])
        else:
            yield SourceFile(root.stem, str(root), FAILED, "no such file or folder")
            continue
        for entry in entries:
            if entry.error is not None:
                yield SourceFile(entry.doc_id, str(entry.path), FAILED, entry.error)
            else:
                yield _source(entry.path, entry.doc_id, claimed)


class _Entry(NamedTuple):
    """A file found by the walk, or a folder it could not list (``error`` set)."""

    path: Path
    doc_id: str
    error: str | None = None


def _walk(folder: Path, parts: tuple[str, ...], seen: set[str]) -> Iterator[_Entry]:
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
        doc_id = "/".join(parts) or folder.name
        yield _Entry(folder, doc_id, f"cannot list folder ({exc.strerror or exc})")
        return
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        if path.is_dir():
            yield from _walk(path, (*parts, name), seen)
        else:
            yield _Entry(path, "/".join((*parts, path.stem)))


def _source(path: Path, doc_id: str, claimed: dict[str, str]) -> SourceFile:
    """Turn one file into a SourceFile, never raising."""
    try:
        fmt = format_of(path.suffix)
    except ReadError as exc:
        return SourceFile(doc_id, str(path), exc.status, exc.reason)
    if doc_id in claimed:
        reason = f"duplicate document id (already read from {claimed[doc_id]})"
        return SourceFile(doc_id, str(path), FAILED, reason, format=fmt)
    if not path.is_file():
        reason = "broken symbolic link" if path.is_symlink() else "not a regular file"
        return SourceFile(doc_id, str(path), FAILED, reason, format=fmt)
    try:
        text, encoding = _read(path, fmt)
    except ReadError as exc:
        return SourceFile(doc_id, str(path), exc.status, exc.reason, format=fmt)
    except Exception as exc:  # last resort: one odd file must not end the whole run
        reason = f"unexpected error ({type(exc).__name__}: {exc})"
        return SourceFile(doc_id, str(path), FAILED, reason, format=fmt)
    claimed[doc_id] = str(path)
    return SourceFile(doc_id, str(path), PROCESSED, None, text, encoding, fmt)
