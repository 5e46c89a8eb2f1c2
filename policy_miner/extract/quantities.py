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
from typing import Iterator, Sequence

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
WHITESPACE = re.compile(r"\s")
ENDS_IN_SCALE = re.compile(grammar.SCALE + "$")
VAGUE = re.compile(grammar.VAGUE)
BARE_NUMBER = re.compile(r"\s*(" + grammar.ARABIC + r")\s*")
SCALED_UNIT = re.compile(rf"(?P<scale>{grammar.SCALE})?(?P<unit>.*)")
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
    return parse_number(WHITESPACE.sub("", text) + scale)


def _json(value: Decimal | None) -> int | float | None:
    return None if value is None else to_json_number(value)


def _date_candidates(text: str, ref_year: int | None, masked: bytearray | None = None) -> Iterator[Candidate]:
    """The date mentions, in order (a table's caption needs only its first)."""
    for match in grammar.finditer(grammar.date_regex(), text):
        if masked is not None and masked[match.start()]:
            continue  # a date candidate starts where its match does
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
        yield Candidate(start, end, "date", value, value_max, priority=DATE_PRIORITY)


def _percent_candidates(text: str, masked: bytearray) -> list[Candidate]:
    found = []
    for match in grammar.finditer(grammar.percent_regex(), text):
        if masked[match.start()]:
            continue
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
    shared_scale = ENDS_IN_SCALE.search(num2 or "")
    if num2 and shared_scale and match.group("unit1") is None and not ENDS_IN_SCALE.search(num):
        low = _number(num, shared_scale.group())  # 5至10万元: the second scale applies to both
    if low is None and not num2:
        words = parse_range_words(num)
        if words:
            low, high = words
            bound = "approx"
        elif VAGUE.fullmatch(num):
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
    # the mention ends with the last of unit, approx3 and tail (they follow each other) that matched
    end = match.end("tail" if tail else "approx3" if match.group("approx3") else "unit")
    if unit.surface == "元" and low is not None and (match.group("jiao") or match.group("fen")):
        low += sum(_number(match.group(g)[:-1]) * scale_of for g, scale_of in
                   (("jiao", Decimal("0.1")), ("fen", Decimal("0.01"))) if match.group(g))
        end = match.end()
    return Candidate(match.start(), end, kind, _json(low), _json(high), unit_out, bound)


def _quantity_candidates(text: str, tokens: TokenIndex, masked: bytearray) -> list[Candidate]:
    """Candidates of the quantity grammars (each starts where its match does) that start where
    a mention may (``masked``: where none may)."""
    found = []
    for match in grammar.finditer(grammar.quantity_regex(), text):
        if masked[match.start()]:
            continue
        candidate = _quantity_candidate(match, tokens)
        if candidate is not None:
            found.append(candidate)
    for match in grammar.finditer(grammar.multiple_range_regex(), text):
        if masked[match.start()]:
            continue
        low, high = _number(match.group("num")), _number(match.group("num2"))
        if low is not None and high is not None:
            found.append(Candidate(match.start(), match.end(), "count", _json(low), _json(high), "倍"))
    for match in grammar.finditer(grammar.bandwidth_regex(), text):
        if masked[match.start()]:
            continue
        value = _number("1" + match.group("scale"))
        found.append(Candidate(match.start(), match.end(), "measure", _json(value), None, "Mbps"))
    for match in grammar.finditer(grammar.scaled_number_regex(), text):
        if masked[match.start()]:
            continue
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
    by_start = sorted(candidates, key=lambda c: c.start)
    if all(a.start < b.start and a.end <= b.start for a, b in zip(by_start, by_start[1:])):
        return by_start  # none overlaps another (the usual case), so all are kept
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
    caption_period = next(_date_candidates(table.caption, ref_year), None)
    future = caption_period is not None and ref_year is not None and any(
        int(y[1]) > ref_year for i in range(1, 16) if (y := tables.column_year(table.header, i)))
    header = table.header.cells if table.header else []
    column_units = [tables.header_unit(cell.text) for cell in header]  # by column, for every row
    column_years = [tables.column_year(table.header, index) for index in range(len(header))]
    for row in table.rows:
        row_unit = tables.header_unit(row.label)
        if row_unit:
            inherited = row_unit
        subject = tables.strip_unit(row.label)
        for index, cell in enumerate(row.cells[1:], start=1):
            column_unit = column_units[index] if index < len(header) else None
            year = column_years[index] if index < len(header) else None
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
    match = BARE_NUMBER.fullmatch(cell.text)
    if not match or not unit_text:
        return None
    start = cell.start + match.start(1)
    end = cell.start + match.end(1)
    if unit_text in ("%", "％"):
        return Candidate(start, end, "percent", _json(_number(match.group(1))), None, "%")
    unit_match = SCALED_UNIT.fullmatch(unit_text)
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
    masked = non_mention_mask(text)
    found = [*_date_candidates(text, ref_year, masked), *_percent_candidates(text, masked),
             *_quantity_candidates(text, tokens, masked)]
    found = [c for c in found if c.kind != "date" or not _is_metadata_date(text, c)]
    found = _resolve_overlaps(found)
    for table in tables.find_tables(text):
        if table.header:
            found = [c for c in found if not (table.header.start <= c.start < table.header.end)]
        found += _table_candidates(text, table, found, ref_year, default)
    return sorted(found, key=lambda c: c.start)


class TokenIndex:
    """Tokens of the segmented document by character offset, for context that needs words.

    It reads the document's token table as it is, whitespace tokens included, rather than
    copying it: a ``Doc``'s tokens are non-empty and in text order, so their starts are sorted
    and no two overlap.
    """

    def __init__(self, starts: Sequence[int], words: Sequence[str], tags: Sequence[str]):
        self.starts, self.words, self.tags = starts, words, tags

    @classmethod
    def from_doc(cls, doc: Doc) -> TokenIndex:
        table = token_table(doc)
        return cls(table.starts, table.words, table.tags)

    def indices(self, start: int, end: int) -> range:
        """Where in ``words`` and ``tags`` the tokens that start in ``[start, end)`` are
        (whitespace ones included)."""
        return range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end))

    def after(self, offset: int, count: int = FOLLOWING_TOKENS) -> list[tuple[str, str]]:
        """Up to ``count`` (text, tag) non-whitespace tokens starting at or after ``offset``."""
        found: list[tuple[str, str]] = []
        for i in range(bisect.bisect_left(self.starts, offset), len(self.starts)):
            if len(found) == count:
                break
            if not self.words[i].isspace():
                found.append((self.words[i], self.tags[i]))
        return found

    def is_word(self, start: int, end: int) -> bool:
        """Does a token (whitespace ones included) start at ``start`` and one end at ``end``?
        Only the last token starting before ``end`` can end there, tokens being in order."""
        i = bisect.bisect_left(self.starts, start)
        if i == len(self.starts) or self.starts[i] != start:
            return False
        last = bisect.bisect_left(self.starts, end) - 1
        return last >= 0 and self.starts[last] + len(self.words[last]) == end


def _when(text: str, cand: Candidate, lo: int, dates: list[Candidate], cues: context.CueIndex,
          ref_year: int | None) -> When | None:
    """The time a quantity belongs to: the nearest dated or time-word cue before it in its
    sentence (``lo``: where the sentence starts; ``cues``: the sentence's time cues)."""
    if cand.kind == "date":
        return None
    last_date = next((date for date in reversed(dates) if lo <= date.start and date.end <= cand.start),
                     None) if dates else None
    best = _dated_when(text, last_date, lo) if last_date is not None else None
    for pos, cue in cues.find(lo, cand.start):
        if cue.scope == "word" and (best is None or lo + pos > best[0]) and not any(
                d.end <= lo + pos <= d.end + 1 for d in dates):
            best = (lo + pos, When(cue.word, relative_year(cue.word, ref_year), cue.value))
    return best[1] if best else None


NOUNISH = ("n", "vn", "j", "nz", "nt", "ns", "nr", "an", "ng")
MODIFIERS = ("a", "b", "m")
AFTER_NUMBER = ("以上", "以下", "左右", "上下", "多", "余", "的")


def _nounish(tag: str) -> bool:
    return tag.startswith(NOUNISH)


@functools.lru_cache(maxsize=None)
def _prefix_when_cues() -> tuple[context.Cue, ...]:
    """The time cues that stand in front of a date (到, 截至), in lexicon order."""
    return tuple(cue for cue in context.when_cues() if cue.scope == "prefix")


def _dated_when(text: str, date: Candidate, lo: int) -> tuple[int, When]:
    """(where its cue starts, the When) for a date before a quantity: the cue word in front of the
    date gives the role (到2025年 -> deadline, 截至2020年底 -> as_of), a word after it may too
    (2017年起 -> since, “十四五”期间 -> during)."""
    reach = max(lo, date.start - WHEN_CUE_REACH)
    before = text[reach:date.start].rstrip()
    cue = next((c for c in _prefix_when_cues() if before.endswith(c.word)), None)
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
    words, tags = tokens.words, tokens.tags
    phrase: list[str] = []
    for i in tokens.indices(cand.end, clause_hi):
        if words[i] in AFTER_NUMBER or words[i].isspace():
            continue  # 以上, 多, 的 only qualify the number
        if not tags[i].startswith(NOUNISH + MODIFIERS):  # neither nounish nor a modifier
            break
        phrase.append(words[i])
    if phrase:
        last_tags = {words[i]: tags[i] for i in tokens.indices(cand.end, clause_hi)  # where a word last occurs
                     if words[i] not in AFTER_NUMBER and not words[i].isspace()}
        while phrase and not _nounish(last_tags.get(phrase[-1], "")):
            phrase.pop()
    if phrase:
        return "".join(phrase)[:SUBJECT_MAX]
    before: list[str] = []
    for i in reversed(tokens.indices(clause_lo, cand.start)):
        if words[i].isspace():
            continue
        if not (_nounish(tags[i]) or (before and tags[i].startswith(MODIFIERS))):
            if before:
                break
            continue  # skip a cue right before the number (达, 不少于, 每人)
        before.insert(0, words[i])
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
        self.text = text
        self.triggers = entities_module.cues("before", "program")
        programs = sorted((e for e in entities if e.label == "PROGRAM"), key=lambda e: e.start)
        self.programs = [(e.start, e.end, e.name) for e in programs
                         if not text.startswith(qualifiers, _after_quotes(text, e.end))]
        self.starts = [start for start, *_ in self.programs]

    def _introduced(self, start: int) -> bool:
        """Does a verb that introduces a program (实施, 启动) stand right before ``start``?"""
        return any(t in self.text[max(0, start - 4):start] for t in self.triggers)

    def around(self, start: int, end: int, sentence_lo: int, clause_lo: int, clause_hi: int) -> str | None:
        if not self.programs:
            return None
        i = bisect.bisect_left(self.starts, start) - 1
        while i >= 0 and self.programs[i][1] > start:
            i -= 1  # a program overlapping the number is not its owner
        if i >= 0:
            p_start, _, name = self.programs[i]
            if p_start >= clause_lo or (p_start >= sentence_lo and self._introduced(p_start)):
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


@functools.lru_cache(maxsize=None)
def _cue_scanner() -> context.CueScanner:
    """The lexicons a mention's context is read with: bound, per, time and modality cues (a
    one-character modality cue counts only as a word of its own: 共 in 公共 is no cue)."""
    return context.CueScanner((context.bound_cues(), context.per_cues(), context.when_cues(),
                               context.modality_cues()), (False, False, False, True))


class _Sentence:
    """What the mentions of one sentence ``[lo, hi)`` share: its quoted text, its clause breaks and
    its cues (every window a mention's context is read in lies inside its sentence)."""

    def __init__(self, ctx: _DocumentContext, lo: int, hi: int, offset: int):
        self.lo, self.hi = lo, hi
        self.start, self.text = ctx.sentences.sentence(offset)
        self.breaks = context.clause_breaks(ctx.text, lo, hi)
        self.bound_cues, self.per_cues, self.when_cues, self.modality_cues = _cue_scanner().scan(
            ctx.text, lo, hi, ctx.tokens.is_word)


class _DocumentContext:
    """Per-document lookups shared by all mentions: sentences, words, sections, dates, programs;
    what only some mentions need is read when first needed."""

    def __init__(self, doc: Doc, tokens: TokenIndex, candidates: list[Candidate], doc_type: str | None,
                 ref_year: int | None, entities: Sequence[Entity] = ()):
        self.text = token_table(doc).text
        self.sentences = SentenceIndex.of(doc)
        self.tokens = tokens
        self.dates = [c for c in candidates if c.kind == "date"]
        self.ref_year = ref_year
        self.default = default_modality(doc_type)
        self.entities = entities
        self._sentences: dict[tuple[int, int], _Sentence] = {}

    def sentence(self, offset: int) -> _Sentence:
        """The sentence holding ``offset``."""
        lo, hi = self.sentences.around(offset)
        found = self._sentences.get((lo, hi))
        if found is None:
            found = self._sentences[lo, hi] = _Sentence(self, lo, hi, offset)
        return found

    @functools.cached_property
    def programs(self) -> ProgramIndex:
        return ProgramIndex(self.text, self.entities)

    @functools.cached_property
    def _sections(self) -> tuple[list[int], list[str]]:
        sections = context.section_modalities(self.text)
        return [offset for offset, _ in sections], [value for _, value in sections]

    def section(self, offset: int) -> str | None:
        starts, values = self._sections
        i = bisect.bisect_right(starts, offset) - 1
        return (values[i] or None) if i >= 0 else None


def _record(cand: Candidate, ctx: _DocumentContext, carry: _Carry, doc_id: str) -> Quantity:
    """Read one mention's context and build its record; update ``carry`` for the next one."""
    text = ctx.text
    sentence = ctx.sentence(cand.start)
    lo, hi = sentence.lo, sentence.hi
    clause_lo, clause_hi = context.clause_bounds(sentence.breaks, cand.start, cand.end, lo, hi)
    window_lo, coordinated = clause_lo, False
    previous = carry.cand
    if previous is not None and clause_lo <= previous.end <= cand.start:
        window_lo = previous.end
        coordinated = previous.kind == cand.kind and context.is_coordinated(text[previous.end:cand.start])
    suffix = text[cand.end:clause_hi]
    before = context.bound_before(sentence.bound_cues.find(window_lo, cand.start), cand.start - window_lo)
    if coordinated and before is None:
        before = carry.bound
    bound = cand.bound or context.bound_after(suffix) or before
    per: list[str] = []
    if cand.kind not in ("date", "duration"):
        per = context.per_from(sentence.per_cues.find(window_lo, cand.start), suffix) or (
            list(carry.per) if coordinated else [])
    when = cand.when or _when(text, cand, lo, ctx.dates, sentence.when_cues, ctx.ref_year)
    modality_cues = sentence.modality_cues
    cue = context.clause_modality(modality_cues, clause_lo, cand.start, cand.end, clause_hi, cand.kind, cand.unit)
    if cue == "incentive" and context.reports_achievement(modality_cues, clause_lo, lo, cand.start):
        cue = "achieved"
    same_sentence = carry.cand is not None and not FULL_STOP.search(text, carry.cand.end, cand.start)
    own_time = _dated_when(text, cand, lo)[1] if cand.kind == "date" else when
    modality = (cand.modality or cue or _time_modality(own_time, ctx.ref_year)
                or (carry.modality if same_sentence and context.usable_modality(
                    carry.modality, cand.kind, cand.unit) else None)
                or context.sentence_modality(modality_cues, lo, cand.start)
                or ctx.section(cand.start) or ctx.default)
    carry.cand, carry.per, carry.bound = cand, per, before
    carry.modality = cue or (carry.modality if same_sentence else None)
    program = (ctx.programs.around(cand.start, cand.end, lo, clause_lo, clause_hi)
               if cand.kind != "date" else None)
    subject = cand.subject or _subject(cand, ctx.tokens, clause_lo, clause_hi) or program or ""
    return Quantity(
        doc=doc_id, start=cand.start, end=cand.end, text=text[cand.start:cand.end],
        kind=cand.kind, value=cand.value, value_max=cand.value_max, unit=cand.unit,
        bound=bound or "exact", per=per, modality=modality,
        subject=subject, when=when, program=program, sentence=sentence.text, sentence_start=sentence.start)


def extract_quantities(doc: Doc, doc_id: str, doc_type: str | None = None,
                       ref_year: int | None = None, entities: Sequence[Entity] = ()) -> list[Quantity]:
    """Every quantity mention of a segmented document as a :class:`Quantity` (SPEC.md section 1);
    ``entities`` (the document's entity records) give each commitment its program."""
    tokens = TokenIndex.from_doc(doc)
    candidates = find_candidates(token_table(doc).text, tokens, ref_year, default_modality(doc_type))
    ctx = _DocumentContext(doc, tokens, candidates, doc_type, ref_year, entities)
    carry = _Carry()
    return [_record(cand, ctx, carry, doc_id) for cand in candidates]
