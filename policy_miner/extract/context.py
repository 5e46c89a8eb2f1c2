"""What the words around a number say about it: bound, per, modality, time and subject.

Each function reads cue words from ``lexicons/`` and looks at a small, well-defined window of
the text (the number's clause, or its sentence), so a cue never leaks into a neighbouring clause.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from ..lexicons import read_rows, read_words
from .grammar import finditer

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


def clause_breaks(text: str, lo: int, hi: int) -> list[int]:
    """Where the sentence ``[lo, hi)`` breaks into clauses: its commas, semicolons, full stops
    and colons (each one character)."""
    return [match.start() for match in CLAUSE_BREAK.finditer(text, lo, hi)]


def clause_bounds(breaks: list[int], start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause holding the mention ``[start, end)`` inside the sentence ``[lo, hi)`` whose
    ``clause_breaks`` are ``breaks``: from after the last break before the mention to the first
    break at or after its end."""
    before = bisect.bisect_left(breaks, start)
    after = bisect.bisect_left(breaks, end)
    return (breaks[before - 1] + 1 if before else lo), (breaks[after] if after < len(breaks) else hi)


def find_cues(window: str, cues: tuple[Cue, ...]) -> list[tuple[int, Cue]]:
    """Non-overlapping cue occurrences in ``window``, longest cue first at each position.

    For short texts read once (section headings). Quantities search the same sentence for many
    windows, and need one-character cues only where they are words of their own (共 in 公共,
    到 in 达到 are not cues): they use ``CueIndex``, which gives these hits with that check.
    """
    hits: list[tuple[int, Cue]] = []
    taken = bytearray(len(window))
    for cue in cues:
        word = cue.word
        at = window.find(word)
        while at >= 0:  # the non-overlapping occurrences, left to right (as re.finditer finds them)
            end = at + len(word)
            if not any(taken[at:end]):
                taken[at:end] = b"\x01" * len(word)
                hits.append((at, cue))
            at = window.find(word, end)
    return sorted(hits, key=lambda hit: hit[0])


def bound_before(hits: list[tuple[int, Cue]], length: int) -> str | None:
    """Bound from a cue standing shortly before the number (最高不超过, 不少于, 约...): ``hits``
    are the bound cues of the ``length`` characters before it."""
    before = [(pos, cue) for pos, cue in hits if cue.scope == "before"]
    if not before:
        return None
    pos, cue = before[-1]
    if length - (pos + len(cue.word)) > MAX_BOUND_DISTANCE:
        return None
    return cue.value


@functools.lru_cache(maxsize=None)
def _after_cues(first: str) -> tuple[Cue, ...]:
    """The bound cues that may follow a number and begin with ``first``, in lexicon order."""
    return tuple(cue for cue in bound_cues() if cue.scope == "after" and len(cue.word) > 1 and cue.word[0] == first)


def bound_after(suffix: str) -> str | None:
    """Bound from a cue right after the mention (以上, 以下, 左右...)."""
    stripped = suffix.lstrip(" \u3000")
    for cue in _after_cues(stripped[:1]):
        if stripped.startswith(cue.word):
            return cue.value
    return None


SLASHES = re.compile(r"(?:\s*[/·]\s*[\u4e00-\u9fff]{1,2})*")


def per_from(hits: list[tuple[int, Cue]], suffix: str) -> list[str]:
    """Rate denominators, in the order their cues appear (每人每月 -> person, month): ``hits`` are
    the per cues before the number, ``suffix`` the rest of its clause."""
    per: list[str] = []
    for _, cue in hits:
        if cue.value not in per:
            per.append(cue.value)
    if "/" not in suffix and "·" not in suffix:
        return per  # no 每/人 written as /人
    for slash in SLASH_PER.finditer(SLASHES.match(suffix).group()):
        extra = SLASH_DENOMINATORS[slash.group(1)]
        if extra not in per:
            per.append(extra)
    return per


def is_coordinated(between: str) -> bool:
    """True when two mentions are items of one list (``2 次、办实事 1 件`` shares its cues)."""
    return bool(COORDINATION.match(between)) or ("、" in between and not CLAUSE_BREAK.search(between))


class CueIndex:
    """Where the cues of one lexicon occur in a stretch of a document, so that ``find_cues`` over
    any window of that stretch is read off these occurrences instead of searching the window for
    every cue (``CueScanner.scan`` finds them). The tests check it against cue finding with
    ``re.finditer`` per cue and a word-boundary check (``tests/cue_reference.py``).

    ``found`` lists every occurrence of every cue, overlapping ones included, as (start, rank of
    the cue in the lexicon, whether it counts as a word), by start then rank. For a window
    ``[lo, hi)`` the occurrences inside it are the ones ``window.find`` can return; taking them
    cue by cue (longest cue first, as listed), each cue's from left to right, skipping one that
    begins before the previous one of the same cue ends (``find`` resumes at that end), and keeping
    those that overlap no kept one, is ``find_cues``'s loop over the same occurrences. Whether a
    one-character cue stands as a word of its own depends only on its document offsets, so it is
    read once per occurrence.
    """

    def __init__(self, cues: tuple[Cue, ...], found: list[tuple[int, int, bool]], starts: list[int]):
        """``starts``: the starts in ``found``."""
        self.cues, self.found, self.starts = cues, found, starts

    def find(self, lo: int, hi: int) -> list[tuple[int, Cue]]:
        """The cues of ``text[lo:hi]`` as ``find_cues`` finds them, one-character cues only where
        they are words of their own: (offset in the window, cue), in order."""
        if not self.starts:
            return []
        first, last = bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)
        if first == last:
            return []
        cues = self.cues
        if last == first + 1:  # one occurrence: a hit when it fits and counts as a word
            start, rank, usable = self.found[first]
            return [(start - lo, cues[rank])] if usable and start + len(cues[rank].word) <= hi else []
        inside = sorted((rank, start, usable) for start, rank, usable in self.found[first:last]
                        if start + len(cues[rank].word) <= hi)
        hits: list[tuple[int, Cue]] = []
        kept: list[tuple[int, int]] = []
        previous_rank, resume = -1, lo
        for rank, start, usable in inside:
            if rank != previous_rank:
                previous_rank, resume = rank, lo
            if start < resume:
                continue  # inside the previous occurrence of the same cue: find skips it
            cue = cues[rank]
            resume = start + len(cue.word)
            if usable and not any(s < resume and start < e for s, e in kept):
                kept.append((start, resume))
                hits.append((start - lo, cue))
        return sorted(hits, key=lambda hit: hit[0])


class CueScanner:
    """Several cue lexicons searched together: one pattern of all their words, longest first,
    finds where some cue starts and the longest one there (``re`` skips to the cues' first
    characters by itself); the cues at that offset are that one and those it begins with. Every
    offset where a cue starts is visited, so overlapping occurrences are all found."""

    def __init__(self, lexicons: Sequence[tuple[Cue, ...]], word_checked: Sequence[bool]):
        """``word_checked[i]``: whether lexicon ``i``'s one-character cues must be words of their own."""
        self.lexicons = tuple(lexicons)
        words = sorted({cue.word for cues in lexicons for cue in cues}, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, words)) or "(?!)")
        # The cues found where a word is the longest cue: the word and the cues it begins with.
        self.cues_in: dict[str, list[tuple[int, int, bool]]] = {
            word: [(lexicon, rank, checked and len(cue.word) == 1)
                   for lexicon, (cues, checked) in enumerate(zip(lexicons, word_checked))
                   for rank, cue in enumerate(cues) if word.startswith(cue.word)]
            for word in words}

    def scan(self, text: str, lo: int, hi: int, is_word: Callable[[int, int], bool]) -> list[CueIndex]:
        """The occurrences of each lexicon's cues inside ``text[lo:hi]``; ``is_word(start, end)``
        says whether a one-character cue there is a word of its own."""
        found: list[list[tuple[int, int, bool]]] = [[] for _ in self.lexicons]
        starts: list[list[int]] = [[] for _ in self.lexicons]
        search, cues_in = self.pattern.search, self.cues_in
        match = search(text, lo, hi)
        while match is not None:  # the longest cue starting here (the longest words come first)
            at = match.start()
            for lexicon, rank, checked in cues_in[match.group()]:
                found[lexicon].append((at, rank, not checked or is_word(at, at + 1)))
                starts[lexicon].append(at)
            match = search(text, at + 1, hi)
        return [CueIndex(*lexicon) for lexicon in zip(self.lexicons, found, starts)]


INCENTIVE_KINDS = ("money", "duration", "percent")


def usable_modality(modality: str | None, kind: str, unit: str | None) -> bool:
    """A benefit paid or granted is money, a time-limited entitlement, a share or a service count."""
    return modality != "incentive" or kind in INCENTIVE_KINDS or unit == "次"


def _usable(cue: Cue, kind: str, unit: str | None) -> bool:
    return usable_modality(cue.value, kind, unit)


def clause_modality(cues: CueIndex, clause_lo: int, start: int, end: int, clause_hi: int, kind: str,
                    unit: str | None) -> str | None:
    """The nearest cue before the number ``[start, end)`` in its clause ``[clause_lo, clause_hi)``,
    else the first clause cue after it (``cues``: the modality cues of its sentence)."""
    hits = [cue for _, cue in cues.find(clause_lo, start) if _usable(cue, kind, unit)]
    if hits:
        return hits[-1].value
    after = [cue for _, cue in cues.find(end, clause_hi) if cue.scope == "clause" and _usable(cue, kind, unit)]
    return after[0].value if after else None


def sentence_modality(cues: CueIndex, lo: int, start: int) -> str | None:
    """The nearest sentence-scope cue in ``[lo, start)``, the number's sentence before it."""
    hits = [cue for _, cue in cues.find(lo, start) if cue.scope == "sentence"]
    return hits[-1].value if hits else None


def reports_achievement(cues: CueIndex, clause_lo: int, sentence_lo: int, start: int) -> bool:
    """Does the text before a benefit report it as paid (截至…累计发放补贴6亿元) rather than grant it?"""
    return (any(cue.value == "achieved" for _, cue in cues.find(clause_lo, start))
            or sentence_modality(cues, sentence_lo, start) == "achieved")


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
    for match in finditer(HEADING, text):
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
