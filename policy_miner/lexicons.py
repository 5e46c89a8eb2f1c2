"""Where the data files under ``lexicons/`` live, and how they are read.

Cue words, units and patterns are data, not code: each file starts with ``#`` comment lines
saying what it is and where it came from; the rest is TSV (or one word a line).
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
_SHARE = Path(sys.prefix) / "share" / "policy-miner"


@functools.lru_cache(maxsize=None)
def data_dir(repo_path: str) -> Path:
    """A data folder of the repository (``lexicons``, ``datasets/policy_tools``), from a source
    checkout or editable install, else from its installed copy under ``share/policy-miner/``
    (``setup.cfg`` ``data_files`` put it there under its last path component)."""
    candidates = (_REPO / repo_path, _SHARE / Path(repo_path).name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"policy-miner data {repo_path!r} not found in: " + ", ".join(map(str, candidates)))


def lexicon_dir() -> Path:
    """The lexicon folder: the repository's ``lexicons/`` or the installed copy."""
    return data_dir("lexicons")


def lexicon_path(name: str) -> Path:
    """Path of one lexicon file, e.g. ``lexicon_path("units.tsv")``."""
    return lexicon_dir() / name


@functools.lru_cache(maxsize=None)
def read_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The data rows of a TSV lexicon: comments (``#``) and blank lines dropped, cells stripped."""
    rows = []
    for line in lexicon_path(name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(rows)


def read_words(name: str) -> list[str]:
    """A one-word-a-line lexicon (first cell of each row)."""
    return [row[0] for row in read_rows(name) if row and row[0]]
