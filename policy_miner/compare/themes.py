"""What a commitment is for (its theme) and whom it is for (its recipient group), from cue
words in ``lexicons/commitment_themes.tsv`` and ``lexicons/recipient_groups.tsv``.

Both are read from the quantity record alone (its subject and sentence), so the comparison
works on any output folder.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..lexicons import read_rows
from ..records import Quantity

CLAUSE_BREAK = re.compile(r"[，,；;。：:]")


@dataclass(frozen=True)
class ThemeCue:
    cue: str
    theme: str
    kinds: frozenset[str]


@functools.lru_cache(maxsize=None)
def theme_cues() -> tuple[ThemeCue, ...]:
    return tuple(ThemeCue(cue, theme, frozenset(kinds.split(","))) for cue, theme, kinds in
                 read_rows("commitment_themes.tsv"))


@functools.lru_cache(maxsize=None)
def themes() -> tuple[str, ...]:
    """Theme names in lexicon order (the column order of comparison tables)."""
    return tuple(dict.fromkeys(cue.theme for cue in theme_cues()))


@functools.lru_cache(maxsize=None)
def recipient_cues() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((cue, group) for cue, group in read_rows("recipient_groups.tsv")),
                        key=lambda row: -len(row[0])))


def _clause_before(quantity: Quantity) -> str:
    """The text of the quantity's clause before it."""
    before = quantity.sentence[:max(quantity.start - quantity.sentence_start, 0)]
    breaks = list(CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end():] if breaks else before


def _nearest(text: str, cues: list[tuple[str, str]], from_end: bool = True) -> str | None:
    """The value of the cue found nearest the end (or the start) of ``text``; the longest cue
    wins at a place, and a cue inside a longer match does not count."""
    best: tuple[int, int, str] | None = None
    for cue, value in cues:
        at = text.rfind(cue) if from_end else text.find(cue)
        if at < 0:
            continue
        key = (at + len(cue), len(cue)) if from_end else (-at, len(cue))
        if best is None or key > best[:2]:
            best = (*key, value)
    return best[2] if best else None


def theme_of(quantity: Quantity) -> str | None:
    """The commitment theme of a quantity, or None: the cue nearest before it in its clause,
    else one in its subject, else the first after it in its clause (博士每人每月2000元、硕士
    1000元的安家补贴: a list shares the cue at its end)."""
    cues = [(c.cue, c.theme) for c in theme_cues() if quantity.kind in c.kinds]
    if not cues:
        return None
    after_start = quantity.end - quantity.sentence_start
    after = CLAUSE_BREAK.split(quantity.sentence[after_start:])[0]
    return (_nearest(_clause_before(quantity), cues) or _nearest(quantity.subject or "", cues)
            or _nearest(after, cues, from_end=False))


def recipient_of(quantity: Quantity) -> str | None:
    """The recipient group named nearest before the quantity in its sentence, or None."""
    before = quantity.sentence[:max(quantity.start - quantity.sentence_start, 0)]
    return _nearest(before, list(recipient_cues()))
