# TEMPORARY until corpus API lands
from __future__ import annotations
import hashlib
from dataclasses import dataclass
from pathlib import Path
from ..corpus.walk import _walk, _Entry, _source, SourceFile, iter_corpus

@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 64 << 20
    max_unpacked_bytes: int = 256 << 20
    max_archive_members: int = 10000
    max_chars: int = 3_000_000

def list_files(paths):
    for given in paths:
        root = Path(given)
        if root.is_dir():
            yield from _walk(root, (), set())
        elif root.exists() or root.is_symlink():
            yield _Entry(root, root.stem)
        else:
            yield _Entry(root, root.stem, "no such file or folder")

def read_source(path, doc_id, limits):
    s = _source(Path(path), doc_id, {})
    s.sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest() if s.status == "processed" else None
    s.warning = None
    return s
