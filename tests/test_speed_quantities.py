"""The fast paths of quantity extraction give what the straightforward code they replaced gave.

Each test sets a rewritten piece against the plain version it replaced, on the sample corpus and
on generated text: ``grammar.finditer`` against ``Pattern.finditer``, the unit alternation's
lookahead against the bare alternation, the cue index against ``find_cues`` on each window, the
token index (and the subject read with it) against the sorted token list it no longer copies,
``parse_number``'s plain-number path against the token reader, ``body_end`` against its
line-by-line original, the masked candidate grammars against filtering afterwards, the table
finder's early exit, the overlap resolution's shortcut and the clause bounds read off a
sentence's clause breaks.
"""
from __future__ import annotations

import bisect
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from policy_miner.extract import context, filters, grammar, quantities, tables
from policy_miner.lexicons import read_words
from policy_miner.nlp import SentenceIndex, build_pipeline
from policy_miner.nlp.tokenizer import token_table
from policy_miner.normalize import numbers

from .cue_reference import WordBoundaries, reference_find_cues

REPO = Path(__file__).resolve().parent.parent
CORPUS = [path.read_text(encoding="utf-8") for path in sorted((REPO / "corpora").glob("*.txt"))]
QUANTITY_TEXT = st.text(alphabet="0123456789０１.．,一二两三十百千万亿几数上余多年月日号元人个%％倍以上至到-—"
                                 "“”\"《》（）()〔〕第表等奖版期计划行动兆网补贴每人不低于达共了将截至 \t\n　abAB",
                        max_size=80)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


def grammar_patterns() -> list[re.Pattern[str]]:
    return [grammar.date_regex(), grammar.percent_regex(), grammar.quantity_regex(), grammar.multiple_range_regex(),
            grammar.bandwidth_regex(), grammar.scaled_number_regex(), *filters._patterns(), filters._set_phrases(),
            filters.H1_LINE, context.HEADING]


# Patterns that exercise each part of a plan: lookbehinds (negative, positive, of a literal), an
# opening alternation, literals required with a lookahead, in a group, in every branch, in a
# repetition, an anchor, and what has no plan (case-insensitive, empty matches, any character).
PLAN_PATTERNS = [r"(?<![0-9])[0-9]+(?:\.[0-9]+)?%", r"(?<=[每之])一", r"(?<!第)[一二]", r"(?:上[百千]|[0-9]+)万",
                 r"[0-9]+\s*年(?=计划|行动)", r"(?P<n>[0-9]+)(?:元|人)", r"(?:[0-9]万|[一二]亿)", r"(?:ab?)+c",
                 r"(?m)^[ \t]*表[0-9]", r"(?i)ab", r"a*", r"(?s).年", r"[^0-9]号", r"\d+\s*倍以上\d+倍", r"(?:)"]


def spans(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(match.span(), match.groupdict()) for match in matches]


# --- grammar.finditer ---------------------------------------------------------------------

def test_finditer_is_finditer_on_the_corpus() -> None:
    for pattern in grammar_patterns() + [re.compile(p) for p in PLAN_PATTERNS]:
        for text in CORPUS:
            assert spans(grammar.finditer(pattern, text)) == spans(pattern.finditer(text)), pattern.pattern


@settings(max_examples=300, deadline=None)
@given(QUANTITY_TEXT)
def test_finditer_is_finditer(text: str) -> None:
    for pattern in grammar_patterns() + [re.compile(p) for p in PLAN_PATTERNS]:
        assert spans(grammar.finditer(pattern, text)) == spans(pattern.finditer(text)), pattern.pattern


def test_plans_skip_what_they_can() -> None:
    """The plans the speed depends on: start classes for lookbehind patterns, required literals."""
    assert grammar._plan(grammar.quantity_regex()).starts is not None
    assert grammar._plan(grammar.date_regex()).starts is not None
    plan = grammar._plan(re.compile(r"[0-9]+\s*年(?=计划|行动)"))
    assert plan.strings == ("年",) and plan.alternatives[0].search("年计划") and not plan.alternatives[0].search("年度")
    assert grammar._plan(grammar.scaled_number_regex()).alternatives
    assert grammar._plan(re.compile(r"(?i)ab")) == grammar._Plan((), (), None)
    for empty in (r"a*", r"(?:)"):
        assert grammar._plan(re.compile(empty)).starts is None


# --- the unit alternation's lookahead -------------------------------------------------------

def reference_unit_alternation() -> str:
    """The alternation without its first-character lookahead."""
    parts = []
    for unit in sorted(grammar.units().values(), key=lambda u: len(u.surface), reverse=True):
        guard = f"(?![{re.escape(unit.not_followed_by)}])" if unit.not_followed_by else ""
        parts.append(re.escape(unit.surface) + guard)
    return "(?:" + "|".join(parts) + ")"


def reference_quantity_regex() -> re.Pattern[str]:
    guarded = grammar._unit_alternation()
    assert guarded.endswith(reference_unit_alternation())
    return re.compile(grammar.quantity_regex().pattern.replace(guarded, reference_unit_alternation()))


def test_unit_lookahead_changes_no_match_on_the_corpus() -> None:
    reference = reference_quantity_regex()
    assert reference.pattern != grammar.quantity_regex().pattern
    for text in CORPUS:
        assert spans(grammar.quantity_regex().finditer(text)) == spans(reference.finditer(text))


@settings(max_examples=300, deadline=None)
@given(QUANTITY_TEXT)
def test_unit_lookahead_changes_no_match(text: str) -> None:
    assert spans(grammar.quantity_regex().finditer(text)) == spans(reference_quantity_regex().finditer(text))


# --- tokens ---------------------------------------------------------------------------------

class ReferenceTokenIndex:
    """TokenIndex as it was: a sorted copy of the non-whitespace tokens."""

    def __init__(self, starts: list[int], words: list[str], tags: list[str]):
        self.tokens = sorted((s, w, t) for s, w, t in zip(starts, words, tags) if not w.isspace())
        self.starts = [start for start, _, _ in self.tokens]

    def between(self, start: int, end: int) -> list[tuple[str, str]]:
        i, j = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [(text, tag) for _, text, tag in self.tokens[i:j]]

    def after(self, offset: int, count: int = quantities.FOLLOWING_TOKENS) -> list[tuple[str, str]]:
        i = bisect.bisect_left(self.starts, offset)
        return [(text, tag) for _, text, tag in self.tokens[i:i + count]]


def check_tokens(text: str, starts: list[int], words: list[str], tags: list[str], rng: random.Random) -> None:
    fast, reference = quantities.TokenIndex(starts, words, tags), ReferenceTokenIndex(starts, words, tags)
    boundaries = WordBoundaries([(s, s + len(w)) for s, w in zip(starts, words)])
    for _ in range(200):
        a, b = sorted(rng.randint(0, len(text) + 1) for _ in range(2))
        assert [(words[i], tags[i]) for i in fast.indices(a, b) if not words[i].isspace()] == reference.between(a, b)
        assert fast.after(a) == reference.after(a)
        assert fast.after(a, 1) == reference.after(a, 1)
        assert fast.is_word(a, b) == boundaries.is_word(a, b)
        assert fast.is_word(a, a + 1) == boundaries.is_word(a, a + 1)


def test_token_index_as_the_sorted_copy(nlp: Language) -> None:
    rng = random.Random(0)
    for text in CORPUS:
        table = token_table(nlp(text))
        check_tokens(text, list(table.starts), list(table.words), list(table.tags), rng)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="甲乙丙 \n\t", min_size=1, max_size=30), st.sets(st.integers(1, 29)), st.integers(0, 99))
def test_token_index_as_the_sorted_copy_on_any_cut(text: str, cuts: set[int], seed: int) -> None:
    bounds = [0, *sorted(c for c in cuts if c < len(text)), len(text)]
    starts, words = bounds[:-1], [text[a:b] for a, b in zip(bounds, bounds[1:])]
    check_tokens(text, starts, words, [f"t{i % 3}" for i in range(len(words))], random.Random(seed))


def reference_subject(cand: quantities.Candidate, tokens: ReferenceTokenIndex, clause_lo: int, clause_hi: int) -> str:
    """_subject as it was, on lists of the clause's tokens."""
    after = [(w, t) for w, t in tokens.between(cand.end, clause_hi) if w not in quantities.AFTER_NUMBER]
    phrase: list[str] = []
    for word, tag in after:
        if not (tag.startswith(quantities.NOUNISH) or tag.startswith(quantities.MODIFIERS)):
            break
        phrase.append(word)
    while phrase and not dict(after).get(phrase[-1], "").startswith(quantities.NOUNISH):
        phrase.pop()
    if phrase:
        return "".join(phrase)[:quantities.SUBJECT_MAX]
    before: list[str] = []
    for word, tag in reversed(tokens.between(clause_lo, cand.start)):
        if not (tag.startswith(quantities.NOUNISH) or (before and tag.startswith(quantities.MODIFIERS))):
            if before:
                break
            continue
        before.insert(0, word)
    return "".join(before)[-quantities.SUBJECT_MAX:]


def test_subject_as_it_was(nlp: Language) -> None:
    rng = random.Random(2)
    for text in CORPUS:
        table = token_table(nlp(text))
        args = list(table.starts), list(table.words), list(table.tags)
        fast, reference = quantities.TokenIndex(*args), ReferenceTokenIndex(*args)
        for _ in range(2000):
            clause_lo, start, end, clause_hi = sorted(rng.randint(0, len(text)) for _ in range(4))
            cand = quantities.Candidate(start, end, "count", 1)
            assert quantities._subject(cand, fast, clause_lo, clause_hi) == reference_subject(
                cand, reference, clause_lo, clause_hi)


# --- the cue index ----------------------------------------------------------------------------

LEXICONS = [(context.bound_cues(), False), (context.per_cues(), False), (context.when_cues(), False),
            (context.modality_cues(), True)]


def check_cue_index(text: str, tokens: quantities.TokenIndex, words: WordBoundaries, lo: int, hi: int,
                    windows: list[tuple[int, int]]) -> None:
    """Each lexicon's index of ``text[lo:hi]`` finds in every window what find_cues finds."""
    indexes = quantities._cue_scanner().scan(text, lo, hi, tokens.is_word)
    for index, (cues, checked) in zip(indexes, LEXICONS):
        assert index.cues is cues
        for a, b in windows:
            assert index.find(a, b) == reference_find_cues(text[a:b], cues, words if checked else None, a)


def test_cue_index_as_find_cues_on_the_corpus(nlp: Language) -> None:
    rng = random.Random(1)
    for text in CORPUS:
        doc = nlp(text)
        table = token_table(doc)
        tokens = quantities.TokenIndex(table.starts, table.words, table.tags)
        words = WordBoundaries([(s, s + len(w)) for s, w in zip(table.starts, table.words)])
        for lo, hi in SentenceIndex.of(doc).spans:
            windows = [tuple(sorted(rng.randint(lo, hi) for _ in range(2))) for _ in range(20)]
            check_cue_index(text, tokens, words, lo, hi, [(lo, hi), *windows])
        check_cue_index(text, tokens, words, 0, len(text), [(0, len(text))])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="不低于超过最高每人月年以上下共达到将要实现给予奖励截至累计万元公了已", max_size=30),
       st.sets(st.integers(1, 29)), st.lists(st.integers(0, 30), min_size=4, max_size=4))
def test_cue_index_as_find_cues(text: str, cuts: set[int], offsets: list[int]) -> None:
    bounds = [0, *sorted(c for c in cuts if c < len(text)), len(text)]
    spans_ = list(zip(bounds, bounds[1:]))
    tokens = quantities.TokenIndex([a for a, _ in spans_], [text[a:b] for a, b in spans_], ["x"] * len(spans_))
    lo, a, b, hi = sorted(min(offset, len(text)) for offset in offsets)
    check_cue_index(text, tokens, WordBoundaries(spans_), lo, hi, [(a, b), (lo, hi), (lo, b), (a, hi)])


# --- numbers ----------------------------------------------------------------------------------

def reference_parse_number(s: str) -> Decimal | None:
    """parse_number without its plain-number path: every string through the token reader."""
    text = numbers._clean(s)
    if not text or not numbers._TOKENS.fullmatch(text):
        return None
    if len(text) > 1 and all(ch in numbers._PLAIN_DIGITS for ch in text):
        return Decimal("".join(str(numbers._CN_DIGITS[ch]) for ch in text))
    return numbers._read_tokens(text)


def corpus_numbers() -> set[str]:
    found = set()
    for pattern in (grammar.quantity_regex(), grammar.percent_regex()):
        for text in CORPUS:
            for match in pattern.finditer(text):
                found.update(value + scale for value in match.groups() if value for scale in ("", "万", "亿"))
    return found


def test_plain_numbers_as_the_token_reader() -> None:
    cases = corpus_numbers() | {"0", "00", "0.0", "5.0", "18.70", "0万", "0千", "0百", "0亿", "007百", "1.5千",
                                "1234567890123456789", "12345678901234567890", "1234567890123456789亿",
                                "999999999999999999亿", "99999999999999999.9亿", "1.", ".5", "1.5.5", "1万万"}
    for case in cases:
        assert repr(numbers.parse_number(case)) == repr(reference_parse_number(case)), case


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.", min_size=1, max_size=24), st.sampled_from(["", "百", "千", "万", "亿", "十"]))
def test_plain_numbers_as_the_token_reader_generated(digits: str, scale: str) -> None:
    assert repr(numbers.parse_number(digits + scale)) == repr(reference_parse_number(digits + scale))


# --- filters and tables -------------------------------------------------------------------------

def reference_body_end(text: str) -> int:
    """body_end as it was: every line's key computed, in the first half too."""
    half = len(text) // 2
    offset = 0
    for line in text.splitlines(keepends=True):
        key = re.sub(r"[\s【】\[\]：:]", "", line)
        if offset >= half and key in frozenset(read_words("body_end.txt")):
            return offset
        offset += len(line)
    return len(text)


def test_body_end_as_it_was_on_the_corpus() -> None:
    for text in CORPUS:
        assert filters.body_end(text) == reference_body_end(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["相关新闻", "【相关阅读】", "责任编辑：", "正文", "", " ", "2025年", "扫 一 扫"]),
                max_size=12))
def test_body_end_as_it_was(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert filters.body_end(text) == reference_body_end(text)


def reference_find_tables(text: str) -> list[tables.Table]:
    """find_tables without its early exit for texts that have no cell break at all."""
    found: list[tables.Table] = []
    current: tables.Table | None = None
    previous_line = ""
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        cells = tables.split_cells(text, offset, line) if ("\t" in line or "  " in line) else []
        if cells and tables._is_row(cells):
            row: tables.Row | None = tables.Row(offset, offset + len(line), cells)
            if current is None:
                current = tables.Table(header=None, caption=previous_line)
                found.append(current)
                if tables._is_header(row):
                    current.header = row
                    row = None
            if row is not None:
                current.rows.append(row)
        elif line.strip():
            current = None
            previous_line = line.strip()
        offset += len(raw)
    return [t for t in found if t.rows]


def test_find_tables_as_it_was_on_the_corpus() -> None:
    for text in CORPUS:
        assert tables.find_tables(text) == reference_find_tables(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="甲1２%（万人）  \t\n\r\u3000", max_size=40))
def test_find_tables_as_it_was(text: str) -> None:
    assert tables.find_tables(text) == reference_find_tables(text)


# --- candidates ------------------------------------------------------------------------------------

def test_masked_candidates_as_filtered_afterwards(nlp: Language) -> None:
    """Skipping the matches that start in the mask is dropping their candidates afterwards."""
    for text in CORPUS:
        doc = nlp(text)
        tokens = quantities.TokenIndex.from_doc(doc)
        masked, clear = filters.non_mention_mask(text), bytearray(len(text))
        assert any(masked)
        for fast, plain in (
                (list(quantities._date_candidates(text, 2022, masked)), list(quantities._date_candidates(text, 2022))),
                (quantities._percent_candidates(text, masked), quantities._percent_candidates(text, clear)),
                (quantities._quantity_candidates(text, tokens, masked),
                 quantities._quantity_candidates(text, tokens, clear))):
            assert fast == [c for c in plain if not masked[c.start]]


def reference_resolve_overlaps(candidates: list[quantities.Candidate]) -> list[quantities.Candidate]:
    """_resolve_overlaps without its shortcut for candidates of which none overlaps another."""
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), c.priority, c.start))
    taken = bytearray(max((c.end for c in candidates), default=0))
    kept = []
    for cand in ordered:
        if any(taken[cand.start:cand.end]):
            continue
        taken[cand.start:cand.end] = b"\x01" * (cand.end - cand.start)
        kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6), st.integers(0, 2)), max_size=8))
def test_resolve_overlaps_as_it_was(spans_: list[tuple[int, int, int]]) -> None:
    candidates = [quantities.Candidate(start, start + size, "count", i, priority=priority)
                  for i, (start, size, priority) in enumerate(spans_)]
    assert [c.value for c in quantities._resolve_overlaps(candidates)] == [
        c.value for c in reference_resolve_overlaps(candidates)]


# --- clauses -----------------------------------------------------------------------------------

def reference_clause_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """clause_bounds as it was: the sentence searched for every mention."""
    left = lo
    for match in context.CLAUSE_BREAK.finditer(text, lo, start):
        left = match.end()
    found = context.CLAUSE_BREAK.search(text, end, hi)
    return left, found.start() if found else hi


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="甲，,；。！？：\n", max_size=30), st.lists(st.integers(0, 32), min_size=4, max_size=4))
def test_clause_bounds_as_it_was(text: str, offsets: list[int]) -> None:
    lo, start, end, hi = sorted(min(offset, len(text)) for offset in offsets)
    for mention_end in (end, min(hi + 2, len(text))):  # a mention may run past its sentence
        breaks = context.clause_breaks(text, lo, hi)
        assert context.clause_bounds(breaks, start, max(start, mention_end), lo, hi) == reference_clause_bounds(
            text, start, max(start, mention_end), lo, hi)
