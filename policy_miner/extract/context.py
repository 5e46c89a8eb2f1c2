"""What the words around a number say about it: bound, per, modality, time and subject.

Each function reads cue words from ``lexicons/`` and looks at a small, well-defined window of
the text (the number's clause, or its sentence), so a cue never leaks into a neighbouring clause.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from ..lexicons import read_rows, read_words

CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:\n]")
COORDINATION = re.compile(r"^[\s、和及与或]*$")
MAX_BOUND_DISTANCE = 20
SLASH_DENOMINATORS = {"人": "person", "月": "month", "年": "year", "项": "project", "个": "item",
                      "户": "household", "次": "time", "家": "enterprise", "团队": "team", "项目": "project"}
SLASH_PER = re.compile(r"[/·]\s*(" + "|".join(sorted(SLASH_DENOMINATORS, key=len, reverse=True)) + ")")


@dataclass(frozen=True)
class Cue:
    """A cue word with its meaning and where it may stand."""

    word: str
    value: str
    scope: str


def _cues(name: str) -> tuple[Cue, ...]:
    rows = read_rows(name)
    cues = [Cue(row[0], row[1], row[2] if len(row) > 2 else "") for row in rows]
    return tuple(sorted(cues, key=lambda c: len(c.word), reverse=True))


@functools.lru_cache(maxsize=None)
def bound_cues() -> tuple[Cue, ...]:
    return _cues("bound_cues.tsv")


@functools.lru_cache(maxsize=None)
def per_cues() -> tuple[Cue, ...]:
    return _cues("per_cues.tsv")


@functools.lru_cache(maxsize=None)
def modality_cues() -> tuple[Cue, ...]:
    return _cues("modality_cues.tsv")


@functools.lru_cache(maxsize=None)
def when_cues() -> tuple[Cue, ...]:
    return _cues("when_cues.tsv")


@functools.lru_cache(maxsize=None)
def person_nouns() -> tuple[str, ...]:
    return tuple(read_words("person_nouns.tsv"))


def clause_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause (between commas, semicolons, full stops, colons) holding ``text[start:end]``,
    inside the sentence ``[lo, hi)``."""
    left = lo
    for match in CLAUSE_BREAK.finditer(text, lo, start):
        left = match.end()
    found = CLAUSE_BREAK.search(text, end, hi)
    return left, found.start() if found else hi


def find_cues(window: str, cues: tuple[Cue, ...], words: WordBoundaries | None = None,
              offset: int = 0) -> list[tuple[int, Cue]]:
    """Non-overlapping cue occurrences in ``window``, longest cue first at each position.

    With ``words`` (token boundaries of the document; ``offset`` = where the window starts), a
    one-character cue counts only as a word of its own: 共 in 公共, 到 in 达到 are not cues.
    """
    hits: list[tuple[int, Cue]] = []
    taken = bytearray(len(window))
    for cue in cues:
        word = cue.word
        at = window.find(word)
        while at >= 0:  # the non-overlapping occurrences, left to right (as re.finditer finds them)
            end = at + len(word)
            one_word = words is None or len(word) > 1 or words.is_word(offset + at, offset + end)
            if one_word and not any(taken[at:end]):
                taken[at:end] = b"\x01" * len(word)
                hits.append((at, cue))
            at = window.find(word, end)
    return sorted(hits, key=lambda hit: hit[0])


def bound_before(prefix: str) -> str | None:
    """Bound from a cue standing shortly before the number (最高不超过, 不少于, 约...)."""
    hits = [(pos, cue) for pos, cue in find_cues(prefix, bound_cues()) if cue.scope == "before"]
    if not hits:
        return None
    pos, cue = hits[-1]
    if len(prefix) - (pos + len(cue.word)) > MAX_BOUND_DISTANCE:
        return None
    return cue.value


def bound_after(suffix: str) -> str | None:
    """Bound from a cue right after the mention (以上, 以下, 左右...)."""
    stripped = suffix.lstrip(" \u3000")
    for cue in bound_cues():
        if cue.scope == "after" and len(cue.word) > 1 and stripped.startswith(cue.word):
            return cue.value
    return None


def per_from(prefix: str, suffix: str) -> list[str]:
    """Rate denominators, in the order their cues appear (每人每月 -> person, month)."""
    per: list[str] = []
    for _, cue in find_cues(prefix, per_cues()):
        if cue.value not in per:
            per.append(cue.value)
    for slash in SLASH_PER.finditer(re.match(r"(?:\s*[/·]\s*[\u4e00-\u9fff]{1,2})*", suffix).group()):
        extra = SLASH_DENOMINATORS[slash.group(1)]
        if extra not in per:
            per.append(extra)
    return per


def is_coordinated(between: str) -> bool:
    """True when two mentions are items of one list (``2 次、办实事 1 件`` shares its cues)."""
    return bool(COORDINATION.match(between)) or ("、" in between and not CLAUSE_BREAK.search(between))


class WordBoundaries:
    """Offsets where the segmenter's tokens start and end."""

    def __init__(self, spans: Sequence[tuple[int, int]]):
        self.starts = {start for start, _ in spans}
        self.ends = {end for _, end in spans}

    def is_word(self, start: int, end: int) -> bool:
        return start in self.starts and end in self.ends


INCENTIVE_KINDS = ("money", "duration", "percent")


def usable_modality(modality: str | None, kind: str, unit: str | None) -> bool:
    """A benefit paid or granted is money, a time-limited entitlement, a share or a service count."""
    return modality != "incentive" or kind in INCENTIVE_KINDS or unit == "次"


def _usable(cue: Cue, kind: str, unit: str | None) -> bool:
    return usable_modality(cue.value, kind, unit)


def clause_modality(prefix: str, suffix: str, kind: str, unit: str | None, words: WordBoundaries,
                    prefix_at: int, suffix_at: int) -> str | None:
    """The nearest cue before the number in its clause, else the first clause cue after it."""
    hits = [cue for _, cue in find_cues(prefix, modality_cues(), words, prefix_at) if _usable(cue, kind, unit)]
    if hits:
        return hits[-1].value
    after = [cue for _, cue in find_cues(suffix, modality_cues(), words, suffix_at)
             if cue.scope == "clause" and _usable(cue, kind, unit)]
    return after[0].value if after else None


def sentence_modality(prefix: str, words: WordBoundaries, prefix_at: int) -> str | None:
    """The nearest sentence-scope cue before the number in its sentence."""
    hits = [cue for _, cue in find_cues(prefix, modality_cues(), words, prefix_at) if cue.scope == "sentence"]
    return hits[-1].value if hits else None


def reports_achievement(clause_prefix: str, sentence_prefix: str, words: WordBoundaries,
                        clause_at: int, sentence_at: int) -> bool:
    """Does the text before a benefit report it as paid (截至…累计发放补贴6亿元) rather than grant it?"""
    clause = find_cues(clause_prefix, modality_cues(), words, clause_at)
    return (any(cue.value == "achieved" for _, cue in clause)
            or sentence_modality(sentence_prefix, words, sentence_at) == "achieved")


@functools.lru_cache(maxsize=None)
def section_cues() -> tuple[Cue, ...]:
    return _cues("section_cues.tsv")


HEADING = re.compile(r"(?m)^[ \t]*(?:#+[ \t]*[^\n]*|(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])[^\n。]{0,30}$)")


HEADING_NUMBERING = re.compile(r"^[\s#*]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])?\s*|[\s*]+$")
SECTION_NAME_MAX = 12  # a section name (发展基础, 总体目标), not a document title (…若干措施)


def section_modalities(text: str) -> list[tuple[int, str]]:
    """(offset, modality) for each heading whose words say what its section reports: a plan's
    发展基础 reports achievements, its 目标/任务 targets."""
    found = []
    for match in HEADING.finditer(text):
        name = HEADING_NUMBERING.sub("", match.group())
        hits = find_cues(name, section_cues()) if len(name) <= SECTION_NAME_MAX else []
        if hits:
            found.append((match.start(), hits[-1][1].value))
        else:
            found.append((match.start(), ""))
    return found


def names_people(words: Sequence[tuple[str, str]]) -> bool:
    """Does the noun phrase right after a ``个`` count name people (三个女孩, not 两个博士后工作站)?

    ``words`` are the (text, POS tag) tokens after the mention; the phrase's head is its last noun.
    """
    head = None
    for word, tag in words:
        if not (tag.startswith("n") or tag in ("vn", "j")):
            break
        head = word
    return head is not None and any(head.endswith(noun) for noun in person_nouns())
