"""Quantity mentions: find every number with a unit, normalise it, read its context.

One pass per grammar (dates, percentages, quantities), overlapping candidates resolved by length,
non-mentions masked out, table cells read with their headers; then each mention's bound, per,
modality, time and subject come from the cue lexicons (``context.py``).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Sequence

from spacy.tokens import Doc

from ..nlp import SentenceIndex
from ..nlp.tokenizer import token_table
from ..normalize.dates import parse_date, relative_year
from ..normalize.durations import parse_duration
from ..normalize.numbers import parse_number, parse_range_words, to_json_number
from ..lexicons import read_words
from ..records import Entity, Quantity, When
from . import context, grammar, tables
from . import entities as entities_module
from .filters import non_mention_mask

DATE_PRIORITY, PERCENT_PRIORITY, QUANTITY_PRIORITY = 0, 1, 2
YEAR_RANGE = range(1900, 2101)
METADATA_LINE_REST = 16
SUBJECT_MAX = 16
LINE_PUNCT = re.compile(r"[，。；、,;！？]")
FULL_STOP = re.compile(r"[。！？!?\n]")
HAS_NUMERAL = re.compile(r"[0-9０-９〇一二三四五六七八九十]")
FOLLOWING_TOKENS = 4
WHEN_CUE_REACH = 4


@dataclass
class Candidate:
    """A matched mention before context is read."""

    start: int
    end: int
    kind: str
    value: object
    value_max: object = None
    unit: str | None = None
    bound: str | None = None
    priority: int = QUANTITY_PRIORITY
    subject: str | None = None
    when: When | None = None
    modality: str | None = None


def _number(text: str | None, scale: str = "") -> Decimal | None:
    if not text:
        return None
    return parse_number(re.sub(r"\s", "", text) + scale)


def _json(value: Decimal | None) -> int | float | None:
    return None if value is None else to_json_number(value)


def _date_candidates(text: str, ref_year: int | None) -> list[Candidate]:
    found = []
    for match in grammar.date_regex().finditer(text):
        if not HAS_NUMERAL.search(match.group("date")):
            continue  # 今年, 去年: time words, not mentions (they still anchor "when")
        value = parse_date(match.group("date"), ref_year)
        if value is None:
            continue
        start, end, value_max = match.start("date"), match.end("date"), None
        if match.group("year1"):
            start, value, value_max = match.start(), match.group("year1"), value
        elif match.group("date2"):
            value_max = parse_date(match.group("date2"), ref_year)
            end = match.end() if value_max else end
        found.append(Candidate(start, end, "date", value, value_max, priority=DATE_PRIORITY))
    return found


def _percent_candidates(text: str) -> list[Candidate]:
    found = []
    for match in grammar.percent_regex().finditer(text):
        if match.group("num") is not None:
            low, high = _number(match.group("num")), _number(match.group("num2"))
        else:
            low, high = _number(match.group("num3") or match.group("num4")), None
        if low is None:
            continue
        found.append(Candidate(match.start(), match.end(), "percent", _json(low), _json(high), "%",
                               priority=PERCENT_PRIORITY))
    return found


def _quantity_candidate(match: re.Match[str], tokens: TokenIndex) -> Candidate | None:
    unit = grammar.units()[match.group("unit")]
    num, num2 = match.group("num"), match.group("num2")
    scale = match.group("scale") or ""
    approx = match.group("approx") or match.group("approx2") or match.group("approx3")
    bound = "min" if approx else None
    tail = match.group("tail") or ""
    if tail in ("以内", "之内", "内"):
        bound = "max"
    low, high = _number(num, scale), (_number(num2, scale) if num2 else None)
    shared_scale = re.search(grammar.SCALE + "$", num2 or "")
    if num2 and shared_scale and match.group("unit1") is None and not re.search(grammar.SCALE + "$", num):
        low = _number(num, shared_scale.group())  # 5至10万元: the second scale applies to both
    if low is None and not num2:
        words = parse_range_words(num)
        if words:
            low, high = words
            bound = "approx"
        elif re.fullmatch(grammar.VAGUE, num):
            bound = "approx"
        else:
            return None
    kind, unit_out = unit.kind, unit.unit
    if kind == "time":
        integer = low is not None and low == low.to_integral_value()
        if unit.surface == "年" and integer and int(low) in YEAR_RANGE and not scale:
            return None  # a year: the date grammar reads it
        limited = tail in ("以内", "之内", "内") or match.string.startswith("后", match.end())
        if unit.surface == "月" or (unit.surface == "日" and not limited):
            return None  # a month or a day of a date (read by the date grammar); 30日内 is a duration
        kind = "duration"
    if kind == "duration":
        value = parse_duration(low, unit.surface) if low is not None else None
        value_max = parse_duration(high, unit.surface) if high is not None else None
        return Candidate(match.start(), match.end(), "duration", value, value_max, None, bound)
    if unit.surface == "个" and context.names_people(tokens.after(match.end())):
        kind, unit_out = "people", "person"
    end = max(match.end(g) for g in ("unit", "approx3", "tail") if match.group(g) is not None)
    if unit.surface == "元" and low is not None and (match.group("jiao") or match.group("fen")):
        low += sum(_number(match.group(g)[:-1]) * scale_of for g, scale_of in
                   (("jiao", Decimal("0.1")), ("fen", Decimal("0.01"))) if match.group(g))
        end = match.end()
    return Candidate(match.start(), end, kind, _json(low), _json(high), unit_out, bound)


def _quantity_candidates(text: str, tokens: TokenIndex) -> list[Candidate]:
    found = []
    for match in grammar.quantity_regex().finditer(text):
        candidate = _quantity_candidate(match, tokens)
        if candidate is not None:
            found.append(candidate)
    for match in grammar.multiple_range_regex().finditer(text):
        low, high = _number(match.group("num")), _number(match.group("num2"))
        if low is not None and high is not None:
            found.append(Candidate(match.start(), match.end(), "count", _json(low), _json(high), "倍"))
    for match in grammar.bandwidth_regex().finditer(text):
        value = _number("1" + match.group("scale"))
        found.append(Candidate(match.start(), match.end(), "measure", _json(value), None, "Mbps"))
    for match in grammar.scaled_number_regex().finditer(text):
        clause_start = max(text.rfind(mark, 0, match.start()) for mark in "，。；\n")
        if any(cue in text[clause_start + 1:match.start()] for cue in _money_cues()):
            value = _number(match.group("num"))
            if value is not None:
                found.append(Candidate(match.start(), match.end(), "money", _json(value), None, "CNY"))
    return found


@functools.lru_cache(maxsize=None)
def _money_cues() -> tuple[str, ...]:
    return tuple(read_words("money_cues.txt"))


def _resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the longest of overlapping candidates (dates before percentages before the rest)."""
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), c.priority, c.start))
    taken = bytearray(max((c.end for c in candidates), default=0))
    kept = []
    for cand in ordered:
        if any(taken[cand.start:cand.end]):
            continue
        taken[cand.start:cand.end] = b"\x01" * (cand.end - cand.start)
        kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


def _is_metadata_date(text: str, cand: Candidate) -> bool:
    """A byline or signature date stands on its own line, with at most a short name beside it."""
    line_start = text.rfind("\n", 0, cand.start) + 1
    line_end = text.find("\n", cand.end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    rest = (line[:cand.start - line_start] + line[cand.end - line_start:]).strip(" \t\u3000#*-—")
    return len(rest) <= METADATA_LINE_REST and not LINE_PUNCT.search(rest)


def _table_candidates(text: str, table: tables.Table, found: list[Candidate],
                      ref_year: int | None, default: str) -> list[Candidate]:
    """Bare numbers in table cells, with units from the headers; context for all cell mentions."""
    out = []
    inherited: str | None = None
    caption_period = next((c for c in _date_candidates(table.caption, ref_year)), None)
    years = [int(y[1]) for i in range(1, 16) if (y := tables.column_year(table.header, i))]
    future = ref_year is not None and any(y > ref_year for y in years)
    for row in table.rows:
        row_unit = tables.header_unit(row.label)
        if row_unit:
            inherited = row_unit
        subject = tables.strip_unit(row.label)
        for index, cell in enumerate(row.cells[1:], start=1):
            column_unit = tables.header_unit(table.header.cells[index].text) if (
                table.header and index < len(table.header.cells)) else None
            year = tables.column_year(table.header, index)
            when, modality = None, None
            if year:
                target = ref_year is not None and int(year[1]) > ref_year
                when = When(year[0], year[1], "deadline" if target else "point")
                modality = "target" if target else "achieved"
            elif caption_period is not None:
                when = When(table.caption[caption_period.start:caption_period.end],
                            str(caption_period.value), "during")
                modality = "target" if future else "achieved"
            in_cell = [c for c in found if cell.start <= c.start < cell.end]
            if not in_cell:
                cand = _bare_cell(text, cell, column_unit or inherited)
                in_cell = [cand] if cand else []
                out.extend(in_cell)
            for cand in in_cell:
                cand.subject, cand.when = subject, when
                cand.modality = modality or default
    return out


def _bare_cell(text: str, cell: tables.Cell, unit_text: str | None) -> Candidate | None:
    """A cell holding only a number: its unit and scale come from the header."""
    match = re.fullmatch(r"\s*(" + grammar.ARABIC + r")\s*", cell.text)
    if not match or not unit_text:
        return None
    start = cell.start + match.start(1)
    end = cell.start + match.end(1)
    if unit_text in ("%", "％"):
        return Candidate(start, end, "percent", _json(_number(match.group(1))), None, "%")
    unit_match = re.fullmatch(rf"(?P<scale>{grammar.SCALE})?(?P<unit>.*)", unit_text)
    scale, surface = unit_match.group("scale") or "", unit_match.group("unit")
    unit = grammar.units().get(surface) if surface else grammar.units()["元"]
    if unit is None:
        return None
    value = _number(match.group(1), scale)
    if unit.kind in ("time", "duration"):
        return Candidate(start, end, "duration", parse_duration(value, unit.surface) if value is not None else None)
    return Candidate(start, end, unit.kind, _json(value), None, unit.unit)


def find_candidates(text: str, tokens: TokenIndex, ref_year: int | None, default: str) -> list[Candidate]:
    """All mentions of the text, non-mentions removed, table cells included."""
    mask = non_mention_mask(text)
    found = _date_candidates(text, ref_year) + _percent_candidates(text) + _quantity_candidates(text, tokens)
    found = [c for c in found if not mask[c.start]]
    found = [c for c in found if c.kind != "date" or not _is_metadata_date(text, c)]
    found = _resolve_overlaps(found)
    for table in tables.find_tables(text):
        if table.header:
            found = [c for c in found if not (table.header.start <= c.start < table.header.end)]
        found += _table_candidates(text, table, found, ref_year, default)
    return sorted(found, key=lambda c: c.start)


class TokenIndex:
    """Tokens of the segmented document by character offset, for context that needs words."""

    def __init__(self, tokens: Sequence[tuple[int, str, str]]):
        self.tokens = sorted(tokens)
        self.starts = [start for start, _, _ in self.tokens]

    @classmethod
    def from_doc(cls, doc: Doc) -> TokenIndex:
        table = token_table(doc)
        return cls([(start, word, tag) for start, word, tag in zip(table.starts, table.words, table.tags)
                    if not word.isspace()])

    def between(self, start: int, end: int) -> list[tuple[str, str]]:
        """The (text, tag) tokens that start in ``[start, end)``."""
        i, j = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [(text, tag) for _, text, tag in self.tokens[i:j]]

    def after(self, offset: int, count: int = FOLLOWING_TOKENS) -> list[tuple[str, str]]:
        """Up to ``count`` (text, tag) tokens starting at or after ``offset``."""
        i = bisect.bisect_left(self.starts, offset)
        return [(text, tag) for _, text, tag in self.tokens[i:i + count]]


def _when(text: str, cand: Candidate, lo: int, clause_lo: int, dates: list[Candidate],
          ref_year: int | None) -> When | None:
    """The time a quantity belongs to: the nearest dated or time-word cue before it."""
    if cand.kind == "date":
        return None
    best: tuple[int, When] | None = None
    for date in dates:
        if lo <= date.start and date.end <= cand.start:
            best = _dated_when(text, date, lo)
    window = text[lo:cand.start]
    for pos, cue in context.find_cues(window, context.when_cues()):
        if cue.scope == "word" and (best is None or lo + pos > best[0]) and not any(
                d.end <= lo + pos <= d.end + 1 for d in dates):
            best = (lo + pos, When(cue.word, relative_year(cue.word, ref_year), cue.value))
    return best[1] if best else None


NOUNISH = ("n", "vn", "j", "nz", "nt", "ns", "nr", "an", "ng")
MODIFIERS = ("a", "b", "m")
AFTER_NUMBER = ("以上", "以下", "左右", "上下", "多", "余", "的")


def _nounish(tag: str) -> bool:
    return tag.startswith(NOUNISH)


def _dated_when(text: str, date: Candidate, lo: int) -> tuple[int, When]:
    """(where its cue starts, the When) for a date before a quantity: the cue word in front of the
    date gives the role (到2025年 -> deadline, 截至2020年底 -> as_of), a word after it may too
    (2017年起 -> since, “十四五”期间 -> during)."""
    reach = max(lo, date.start - WHEN_CUE_REACH)
    before = text[reach:date.start].rstrip()
    cue = next((c for c in context.when_cues() if c.scope == "prefix" and before.endswith(c.word)), None)
    role, start = (cue.value, reach + len(before) - len(cue.word)) if cue else ("point", date.start)
    after = text[date.end:date.end + 3].lstrip()
    if after.startswith(("起", "以来", "开始")):
        role = "since"
    elif after.startswith(("期间", "时期", "内", "年内")) and role == "point":
        role = "during"
    value = date.value if not date.value_max else f"{date.value}/{date.value_max}"
    return start, When(text[start:date.end], str(value), role)


def _subject(cand: Candidate, tokens: TokenIndex, clause_lo: int, clause_hi: int) -> str:
    """A few words naming what is counted: the noun phrase right after the number (18名优秀毕业生),
    else the one right before it (引进高层次人才团队35个)."""
    after = [(w, t) for w, t in tokens.between(cand.end, clause_hi) if w not in AFTER_NUMBER]
    phrase: list[str] = []
    for word, tag in after:
        if not (_nounish(tag) or tag.startswith(MODIFIERS)):
            break
        phrase.append(word)
    while phrase and not _nounish(dict(after).get(phrase[-1], "")):
        phrase.pop()
    if phrase:
        return "".join(phrase)[:SUBJECT_MAX]
    before: list[str] = []
    for word, tag in reversed(tokens.between(clause_lo, cand.start)):
        if not (_nounish(tag) or (before and tag.startswith(MODIFIERS))):
            if before:
                break
            continue  # skip a cue right before the number (达, 不少于, 每人)
        before.insert(0, word)
    return "".join(before)[-SUBJECT_MAX:]


DEFAULT_MODALITY = {"plan": "target", "official_document": "requirement", "news_report": "achieved"}


def default_modality(doc_type: str | None) -> str:
    """What a number means when nothing around it says: plans set targets, official documents set
    rules, news reports report facts."""
    return DEFAULT_MODALITY.get(doc_type or "", "achieved")


def _time_modality(when: When | None, ref_year: int | None) -> str | None:
    """A deadline ahead is a target; a stock taken (截至) or a change since a past point is achieved."""
    if when is None:
        return None
    year = int(when.value[:4]) if when.value and when.value[:4].isdigit() else None
    if when.role == "deadline" and (ref_year is None or year is None or year > ref_year):
        return "target"
    if when.role in ("as_of", "since"):
        return "achieved"
    if when.role == "point" and year is not None and ref_year is not None and year < ref_year:
        return "achieved"
    return None


@dataclass
class _Carry:
    """What one item of a coordinated list passes to the next (每人每月700元、500元、200元)."""

    cand: Candidate | None = None
    per: list[str] = field(default_factory=list)
    bound: str | None = None
    modality: str | None = None


class ProgramIndex:
    """The programs a document names, by position. A commitment belongs to the program named
    before it in its clause, or earlier in its sentence where a verb introduces the program
    (实施“带土移植”工程，每个团队给予30万元), else to one named after it in its clause. A
    program that only qualifies a noun (“双一流”高校毕业生) owns nothing."""

    def __init__(self, text: str, entities: Sequence[Entity]):
        qualifiers = tuple(entities_module.cues("after", "qualifier"))
        triggers = entities_module.cues("before", "program")
        self.programs = [(e.start, e.end, e.name, any(t in text[max(0, e.start - 4):e.start] for t in triggers))
                         for e in sorted(entities, key=lambda e: e.start)
                         if e.label == "PROGRAM" and not text.startswith(qualifiers, _after_quotes(text, e.end))]
        self.starts = [start for start, *_ in self.programs]

    def around(self, start: int, end: int, sentence_lo: int, clause_lo: int, clause_hi: int) -> str | None:
        i = bisect.bisect_left(self.starts, start) - 1
        while i >= 0 and self.programs[i][1] > start:
            i -= 1  # a program overlapping the number is not its owner
        if i >= 0:
            p_start, _, name, introduced = self.programs[i]
            if p_start >= clause_lo or (introduced and p_start >= sentence_lo):
                return name
        j = bisect.bisect_left(self.starts, end)
        if j < len(self.programs) and self.programs[j][1] <= clause_hi:
            return self.programs[j][2]
        return None


def _after_quotes(text: str, offset: int) -> int:
    """The first offset at or after ``offset`` that is not a closing quote (”’)."""
    while offset < len(text) and text[offset] in "”’":
        offset += 1
    return offset


class _DocumentContext:
    """Per-document lookups shared by all mentions: sentences, words, sections, dates, programs."""

    def __init__(self, doc: Doc, tokens: TokenIndex, candidates: list[Candidate], doc_type: str | None,
                 ref_year: int | None, entities: Sequence[Entity] = ()):
        table = token_table(doc)
        self.text = table.text
        self.sentences = SentenceIndex.of(doc)
        self.words = context.WordBoundaries([(start, start + len(word))
                                             for start, word in zip(table.starts, table.words)])
        self.tokens = tokens
        sections = context.section_modalities(self.text)
        self.section_starts = [offset for offset, _ in sections]
        self.section_values = [value for _, value in sections]
        self.dates = [c for c in candidates if c.kind == "date"]
        self.ref_year = ref_year
        self.default = default_modality(doc_type)
        self.programs = ProgramIndex(self.text, entities)

    def section(self, offset: int) -> str | None:
        i = bisect.bisect_right(self.section_starts, offset) - 1
        return (self.section_values[i] or None) if i >= 0 else None


def _record(cand: Candidate, ctx: _DocumentContext, carry: _Carry, doc_id: str) -> Quantity:
    """Read one mention's context and build its record; update ``carry`` for the next one."""
    text = ctx.text
    lo, hi = ctx.sentences.around(cand.start)
    clause_lo, clause_hi = context.clause_bounds(text, cand.start, cand.end, lo, hi)
    window_lo, coordinated = clause_lo, False
    previous = carry.cand
    if previous is not None and clause_lo <= previous.end <= cand.start:
        window_lo = previous.end
        coordinated = previous.kind == cand.kind and context.is_coordinated(text[previous.end:cand.start])
    prefix, suffix = text[window_lo:cand.start], text[cand.end:clause_hi]
    before = context.bound_before(prefix)
    if coordinated and before is None:
        before = carry.bound
    bound = cand.bound or context.bound_after(suffix) or before
    per: list[str] = []
    if cand.kind not in ("date", "duration"):
        per = context.per_from(prefix, suffix) or (list(carry.per) if coordinated else [])
    when = cand.when or _when(text, cand, lo, clause_lo, ctx.dates, ctx.ref_year)
    cue = context.clause_modality(text[clause_lo:cand.start], suffix, cand.kind, cand.unit, ctx.words,
                                  clause_lo, cand.end)
    if cue == "incentive" and context.reports_achievement(text[clause_lo:cand.start], text[lo:cand.start],
                                                          ctx.words, clause_lo, lo):
        cue = "achieved"
    same_sentence = carry.cand is not None and not FULL_STOP.search(text, carry.cand.end, cand.start)
    own_time = _dated_when(text, cand, lo)[1] if cand.kind == "date" else when
    modality = (cand.modality or cue or _time_modality(own_time, ctx.ref_year)
                or (carry.modality if same_sentence and context.usable_modality(
                    carry.modality, cand.kind, cand.unit) else None)
                or context.sentence_modality(text[lo:cand.start], ctx.words, lo)
                or ctx.section(cand.start) or ctx.default)
    carry.cand, carry.per, carry.bound = cand, per, before
    carry.modality = cue or (carry.modality if same_sentence else None)
    program = (ctx.programs.around(cand.start, cand.end, lo, clause_lo, clause_hi)
               if cand.kind != "date" else None)
    subject = cand.subject or _subject(cand, ctx.tokens, clause_lo, clause_hi) or program or ""
    sentence_start, sentence = ctx.sentences.sentence(cand.start)
    return Quantity(
        doc=doc_id, start=cand.start, end=cand.end, text=text[cand.start:cand.end],
        kind=cand.kind, value=cand.value, value_max=cand.value_max, unit=cand.unit,
        bound=bound or "exact", per=per, modality=modality,
        subject=subject, when=when, program=program, sentence=sentence, sentence_start=sentence_start)


def extract_quantities(doc: Doc, doc_id: str, doc_type: str | None = None,
                       ref_year: int | None = None, entities: Sequence[Entity] = ()) -> list[Quantity]:
    """Every quantity mention of a segmented document as a :class:`Quantity` (SPEC.md section 1);
    ``entities`` (the document's entity records) give each commitment its program."""
    tokens = TokenIndex.from_doc(doc)
    candidates = find_candidates(token_table(doc).text, tokens, ref_year, default_modality(doc_type))
    ctx = _DocumentContext(doc, tokens, candidates, doc_type, ref_year, entities)
    carry = _Carry()
    return [_record(cand, ctx, carry, doc_id) for cand in candidates]
