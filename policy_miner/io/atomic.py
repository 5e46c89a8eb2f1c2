"""Writing output files atomically: readers see the old file or the new one, never half.

Output files (records, run reports) are replaced by writing a temporary file in the same
folder, so the final ``os.replace`` is a same-filesystem rename, which is atomic. A failed
write removes the temporary file and leaves any previous output untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary file path in ``path``'s folder that becomes ``path`` on success.

    For writers that want a path rather than a handle (pandas' parquet and xlsx writers).
    The temporary name keeps ``path``'s suffix, because some writers pick the format from it.
    If the ``with`` body raises, the temporary file is deleted, ``path`` is left as it was,
    and the exception propagates.
    """
    target = Path(path)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".tmp{target.suffix}")
    os.close(fd)
    tmp = Path(name)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _default_mode())
        yield tmp
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | Path) -> Iterator[TextIO]:
    """Yield a UTF-8 text handle (``\\n`` line endings) that becomes ``path`` on success.

    If the ``with`` body raises, the temporary file is deleted, ``path`` is left as it was,
    and the exception propagates.
    """
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as handle:
        yield handle


def _default_mode() -> int:
    """0o666 minus the process umask, i.e. what ``open(path, "w")`` would create."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line endings) atomically."""
    with atomic_open(path) as handle:
        handle.write(text)
