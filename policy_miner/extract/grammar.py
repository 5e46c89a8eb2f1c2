"""The regular grammar of quantity mentions, compiled once from the lexicons.

Why a grammar over characters and not over tokens: a mention such as ``6亿余元`` or
``10.104 万人`` spans several jieba tokens (and jieba splits them differently in different
contexts), while the SPEC's offsets are character offsets. Tokens are used later, for context.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..lexicons import read_rows
from ..normalize.dates import DATE_RE

try:  # the parser re compiles with: read here only to learn where a pattern's matches can start
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

ARABIC = r"[0-9０-９]+(?:,[0-9]{3})*(?:[.．][0-9０-９]+)?"
CN_DIGITS = "零〇一二两三四五六七八九"
# A Chinese numeral never starts with a bare scale (百/千/万/亿: 千帆, 百舸, 万众 are words) nor
# with 零 (零部件, 零容忍).
FINANCIAL = "壹贰叁肆伍陆柒捌玖拾佰仟"
# Financial numerals (大写) only as a run of two or more: 伍 alone is the 伍 of 队伍.
CHINESE = (rf"(?:[一二两三四五六七八九十][{CN_DIGITS}十百千万亿]*(?:点[{CN_DIGITS}]+)?"
           rf"|[{FINANCIAL}][{FINANCIAL}零万亿]+)")
SCALE = r"(?:万亿|千万|百万|万|亿|千|百)"
VAGUE = r"(?:[几数][十百千万亿]+|上[百千万亿]|[十百千]几|几)"
SPACE = r"(?:[ \u3000]|\n(?!\n))?"  # one space, or a line broken inside a mention
RANGE_SEP = r"(?:至|到|~|～|-|－|—)"
APPROX_IN = r"(?:余|多)"
TAIL = r"(?:以内|之内|内|底|末|初|前)"
NOT_AFTER_NUMBER = r"(?<![0-9０-９.．A-Za-z])"


@dataclass(frozen=True)
class Unit:
    """One row of ``lexicons/units.tsv``."""

    surface: str
    kind: str
    unit: str | None
    not_followed_by: str = ""


@functools.lru_cache(maxsize=None)
def units() -> dict[str, Unit]:
    """Unit surface -> Unit, from ``lexicons/units.tsv``."""
    table = {}
    for row in read_rows("units.tsv"):
        surface, kind, unit, not_followed_by = row[0], row[1], row[2], row[3]
        table[surface] = Unit(surface, kind, None if unit == "-" else unit,
                              "" if not_followed_by == "-" else not_followed_by)
    return table


def _unit_alternation() -> str:
    """The units as one regex alternation, longer surfaces first (人次 before 人), each guarded
    against the characters that make it part of another word (部门, 年代).

    A lookahead for the units' first characters opens it: it matches where the alternation
    can, so nothing changes but that ``re`` fails at once where no unit starts, instead of
    trying every unit (it does so at each way of reading the number before)."""
    parts = []
    for unit in sorted(units().values(), key=lambda u: len(u.surface), reverse=True):
        guard = f"(?![{re.escape(unit.not_followed_by)}])" if unit.not_followed_by else ""
        parts.append(re.escape(unit.surface) + guard)
    return _first_char_lookahead([unit.surface for unit in units().values()]) + "(?:" + "|".join(parts) + ")"


def _first_char_lookahead(words: list[str]) -> str:
    """``(?=[…])`` of the words' first characters: true wherever one of them can match."""
    if not words or not all(words):
        return ""  # an empty word matches anywhere
    return "(?=[" + "".join(map(re.escape, sorted({word[0] for word in words}))) + "])"


def number_pattern(name: str) -> str:
    """A number lexeme (Arabic with optional scale, Chinese, or vague) in a named group."""
    return rf"(?P<{name}>{ARABIC}(?:{SPACE}{SCALE}(?:[0-9]+{SCALE}?)?)?|{CHINESE}|{VAGUE})"


@functools.lru_cache(maxsize=None)
def quantity_regex() -> re.Pattern[str]:
    """Number [range] [余/多] [scale] unit [余/多] [tail]: money, people, counts, measures, time."""
    unit = _unit_alternation()
    pattern = (
        NOT_AFTER_NUMBER
        + number_pattern("num")
        + rf"(?:{SPACE}(?P<unit1>{unit})?{SPACE}{RANGE_SEP}{SPACE}{number_pattern('num2')})?"
        + rf"{SPACE}(?P<approx>{APPROX_IN})?(?P<scale>{SCALE})?(?P<approx2>{APPROX_IN})?{SPACE}"
        + rf"(?P<unit>{unit})(?P<approx3>余|多(?![万亿元]))?(?P<tail>{TAIL})?"
        + rf"(?P<jiao>[0-9{CN_DIGITS}]角)?(?P<fen>[0-9{CN_DIGITS}]分)?"
    )
    return re.compile(pattern)


@functools.lru_cache(maxsize=None)
def scaled_number_regex() -> re.Pattern[str]:
    """A number ending in 万/亿 with no unit after it (年薪13万2): money only where a money word
    stands before it; the caller decides."""
    return re.compile(
        NOT_AFTER_NUMBER
        + rf"(?P<num>{ARABIC}{SPACE}(?:万|亿)(?:[0-9](?![0-9.]))?|[{CN_DIGITS}十百千]+[万亿])"
        + r"(?![0-9０-９万亿千百\u4e00-\u9fff%％])"
    )


@functools.lru_cache(maxsize=None)
def multiple_range_regex() -> re.Pattern[str]:
    """``三倍以上五倍``: a range of multiples (SPEC: 3 to 5)."""
    num = rf"{ARABIC}|{CHINESE}"
    return re.compile(rf"{NOT_AFTER_NUMBER}(?P<num>{num}){SPACE}倍以上{SPACE}(?P<num2>{num}){SPACE}倍")


@functools.lru_cache(maxsize=None)
def bandwidth_regex() -> re.Pattern[str]:
    """``千兆`` bandwidth (SPEC: 1000 Mbps): a bare scale before 兆 and a network word."""
    return re.compile(r"(?P<scale>[百千万])兆(?=宽带|光网|光纤|网络|带宽|到户|入户|以太网|网)")


@functools.lru_cache(maxsize=None)
def percent_regex() -> re.Pattern[str]:
    """``18.7%``, ``10%-20%``, ``百分之七十``, ``5个百分点``."""
    num = rf"{ARABIC}|{CHINESE}"
    return re.compile(
        NOT_AFTER_NUMBER
        + rf"(?:(?P<num>{num}){SPACE}(?:[%％]{SPACE}{RANGE_SEP}{SPACE}|{RANGE_SEP}{SPACE})(?P<num2>{num}){SPACE}[%％]"
        + rf"|(?P<num3>{num}){SPACE}(?:[%％]|个百分点)"
        + rf"|百分之(?P<num4>{CHINESE}|{ARABIC}))"
    )


@functools.lru_cache(maxsize=None)
def date_regex() -> re.Pattern[str]:
    """Dates and plan periods (the lexeme grammar lives with the date normaliser), with ranges
    (``1月至7月``, ``2021—2025年``)."""
    return re.compile(
        rf"{NOT_AFTER_NUMBER}(?:(?P<year1>(?:19|20)[0-9]{{2}}){SPACE}{RANGE_SEP}{SPACE})?"
        rf"(?P<date>{DATE_RE})(?:{SPACE}{RANGE_SEP}{SPACE}(?P<date2>{DATE_RE}))?"
    )


_ZERO_WIDTH = (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT)
_REPEATS = tuple(op for op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)) if op)


def _class_chars(items: list) -> set[str] | None:
    """The characters of a parsed character class, None when it is open-ended (negated, \\d...)."""
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return chars


def _joined(heads: set[str], tails: set[str], size: int) -> set[str]:
    """The beginnings (up to ``size`` characters) of a match of one part then another."""
    return {head for head in heads if len(head) == size} | {
        (head + tail)[:size] for head in heads if len(head) < size for tail in tails}


def _beginnings(items: list, size: int, most: int) -> set[str] | None:
    """The strings of ``size`` characters a match of the parsed sequence ``items`` can begin
    with, and the shorter whole matches (``""`` when it can match the empty string). Zero-width
    assertions are passed over, which can only add strings; None when there would be more than
    ``most``, or for what this does not know (backreferences, ``.``, negated classes, flags)."""
    found = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _sre.LITERAL:
            part: set[str] | None = {chr(av)}
        elif op is _sre.IN:
            part = _class_chars(av)
        elif op is _sre.SUBPATTERN and not av[1] and not av[2]:
            part = _beginnings(list(av[3]), size, most)
        elif op is _sre.BRANCH:
            branches = [_beginnings(list(branch), size, most) for branch in av[1]]
            part = None if any(b is None for b in branches) else set().union(*branches)
        elif op in _REPEATS:
            part = _repeated(av, size, most)
        else:
            return None
        if part is None or len(part) > most:
            return None
        found = _joined(found, part, size)
        if len(found) > most:
            return None
        if all(len(beginning) == size for beginning in found):
            break  # what follows cannot change them
    return found


def _repeated(av: tuple, size: int, most: int) -> set[str] | None:
    """``_beginnings`` of a repetition: ``size`` copies decide them (a copy that matches nothing
    adds nothing; past ``size`` non-empty ones, the beginning is full)."""
    low, high, body = av
    once = _beginnings(list(body), size, most)
    if once is None:
        return None
    found = {""}
    for copy in range(min(high, size)):
        more = _joined(found, once, size)
        found = more if copy < low else found | more
    return found


_MAX_STRINGS = 64


def _strings(items: list) -> set[str] | None:
    """Every string the parsed sequence ``items`` can match, when it is a short list of literals,
    classes and alternations of them (``(?:行动|计划)``); else None."""
    strings = {""}
    for op, av in items:
        if op is _sre.LITERAL:
            options: set[str] | None = {chr(av)}
        elif op is _sre.IN:
            options = _class_chars(av)
        elif op is _sre.BRANCH:
            branches = [_strings(branch) for branch in av[1]]
            options = None if any(b is None for b in branches) else set().union(*branches)
        elif op is _sre.SUBPATTERN and not av[1] and not av[2]:
            options = _strings(av[3])
        else:
            return None
        if options is None or len(strings) * len(options) > _MAX_STRINGS:
            return None
        strings = {head + tail for head in strings for tail in options}
    return strings


def _required(items: list) -> list[frozenset[str]]:
    """Sets of strings of which every match of the parsed sequence ``items`` contains one: its
    runs of literals (``号`` of a document number, ``等奖`` of a prize grade), each with the words
    a lookahead right after it requires (``年`` + ``(?=行动|计划)``), and what its groups,
    repetitions and alternations require (``万`` or ``亿`` in every reading of a scaled number)."""
    required: list[frozenset[str]] = []
    run: set[str] = {""}
    for op, av in items:
        strings = _strings([(op, av)]) if op is not _sre.ASSERT else None
        if strings is not None and len(run) * len(strings) <= _MAX_STRINGS:
            run = {head + tail for head in run for tail in strings}
            continue
        if op is _sre.ASSERT and av[0] == 1 and run != {""}:
            ahead = _strings(list(av[1]))
            if ahead is not None and len(run) * len(ahead) <= _MAX_STRINGS:
                run = {head + tail for head in run for tail in ahead}
        if run != {""}:
            required.append(frozenset(run))
        run = strings if strings is not None else {""}
        if strings is None:
            required.extend(_required_inside(op, av))
    if run != {""}:
        required.append(frozenset(run))
    return required


def _required_inside(op: object, av: object) -> list[frozenset[str]]:
    """What one item that is not a short list of strings requires: a group or a repetition (at
    least once) what its content does; an alternation one string of what each branch requires."""
    if op is _sre.SUBPATTERN and not av[1] and not av[2]:
        return _required(list(av[3]))
    if op in _REPEATS and av[0] >= 1:
        return _required(list(av[2]))
    if op is _sre.BRANCH:
        branches = [_required(list(branch)) for branch in av[1]]
        if not all(branches):
            return []
        either = set().union(*(min(branch, key=len) for branch in branches))
        return [frozenset(either)] if len(either) <= _MAX_STRINGS else []
    return []


def _common_part(strings: frozenset[str]) -> str:
    """The longest string all of several contain (``兆`` of ``千兆网``, ``万兆光纤``), if any: a
    text holding none of it holds none of them, and one ``in`` test says so."""
    if len(strings) < 2:
        return ""
    shortest = min(strings, key=len)
    for size in range(len(shortest), 0, -1):
        for at in range(len(shortest) - size + 1):
            part = shortest[at:at + size]
            if all(part in string for string in strings):
                return part
    return ""


def _shortest(strings: frozenset[str]) -> frozenset[str]:
    """The strings that contain no other one: a text holds one of them iff it holds one of all."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


@dataclass(frozen=True)
class _Plan:
    """How to find a pattern's matches quickly (``finditer``)."""

    strings: tuple[str, ...]  # each text with a match contains these,
    alternatives: tuple[re.Pattern[str], ...]  # and a match of each of these
    starts: re.Pattern[str] | None


# What a pattern may begin with that has ``re`` do real work at every offset before it can fail:
# lookarounds and alternations (a character class or a literal it skips to by itself).
_COSTLY_START = (_sre.ASSERT, _sre.ASSERT_NOT, _sre.BRANCH)


_PLANS: dict[int, tuple[re.Pattern[str], _Plan]] = {}


def _plan(pattern: re.Pattern[str]) -> _Plan:
    """``_make_plan(pattern)``, made once per pattern object. Kept by identity, not by the pattern:
    hashing a compiled pattern hashes all its code, which takes longer than most scans; the entry
    holds the pattern, so its id cannot pass to another one."""
    entry = _PLANS.get(id(pattern))
    if entry is None or entry[0] is not pattern:
        entry = _PLANS[id(pattern)] = (pattern, _make_plan(pattern))
    return entry[1]


def _make_plan(pattern: re.Pattern[str]) -> _Plan:
    """The literals a match of ``pattern`` must contain, and a one-character pattern for where a
    match can start when ``re`` would otherwise try the whole pattern at every offset."""
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return _Plan((), (), None)
    parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    items = list(parsed)
    starts = None
    if parsed.getwidth()[0] > 0 and items[0][0] in _COSTLY_START:  # empty matches are left to re
        starts = _start_pattern(items)
    alternatives = {_shortest(strings) for strings in _required(items)}
    alternatives |= {frozenset([common]) for strings in alternatives if (common := _common_part(strings))}
    ordered = sorted(alternatives, key=lambda strings: (len(strings), -min(map(len, strings)), sorted(strings)))
    strings = tuple(next(iter(one)) for one in ordered if len(one) == 1)  # the longest first: the rarest
    either = tuple(re.compile("|".join(map(re.escape, sorted(many, key=len, reverse=True))))
                   for many in ordered if len(many) > 1)
    return _Plan(strings, either, starts)


_MAX_BEGINNINGS = 1 << 16


def _start_pattern(items: list) -> re.Pattern[str] | None:
    """Where a match of the parsed pattern ``items`` (none empty) can start: one of its first
    characters, followed by one of its second ones when every match has two, and not after what
    an opening lookbehind rules out. None when that is anywhere."""
    pairs = _beginnings(items, 2, _MAX_BEGINNINGS)
    if pairs is not None and all(len(pair) == 2 for pair in pairs):
        first, second = {pair[0] for pair in pairs}, {pair[1] for pair in pairs}
        return re.compile(_char_class(first) + "(?=" + _char_class(second) + ")" + _lookbehind_after(items[0]))
    firsts = _beginnings(items, 1, _MAX_BEGINNINGS)
    if firsts is None:
        return None
    return re.compile(_char_class(firsts) + _lookbehind_after(items[0]))


def _char_class(chars: set[str]) -> str:
    return "[" + "".join(map(re.escape, sorted(chars))) + "]"


def _lookbehind_after(item: tuple) -> str:
    """A pattern's opening one-character lookbehind (``(?<![0-9])``), restated to be tested after
    the first character is consumed (``(?<![0-9].)``), so that a start-finding class keeps ``re``'s
    skipping to its characters and still drops the starts the lookbehind rules out; "" if the
    pattern opens otherwise."""
    op, av = item
    if op not in (_sre.ASSERT, _sre.ASSERT_NOT) or av[0] != -1 or len(av[1]) != 1:
        return ""
    (body_op, body_av), = list(av[1])
    chars = {chr(body_av)} if body_op is _sre.LITERAL else _class_chars(body_av) if body_op is _sre.IN else None
    if not chars:
        return ""
    return ("(?<!" if op is _sre.ASSERT_NOT else "(?<=") + _char_class(chars) + "(?s:.))"


def finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, without trying the pattern where it cannot match.

    A text lacking a string every match contains has no match. A pattern that opens with a
    lookbehind (the grammar's all do) keeps ``re`` from skipping ahead to a possible first
    character by itself: it would run the pattern at every offset. Instead a small pattern finds
    the offsets where a match can start (``_start_pattern``), and the pattern is matched there;
    ``match`` at an offset sees the text before it, as ``search`` does, so lookbehinds read the
    same characters. Matches follow each other as ``finditer``'s do: the next search starts where
    the last match ended, or one past a failed start.
    """
    entry = _PLANS.get(id(pattern))
    plan = entry[1] if entry is not None and entry[0] is pattern else _plan(pattern)
    for string in plan.strings:
        if string not in text:
            return iter(())
    for strings in plan.alternatives:
        if strings.search(text) is None:
            return iter(())
    if plan.starts is None:
        return pattern.finditer(text)
    return _matches_at(pattern, plan.starts, text)


def _matches_at(pattern: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern``'s matches in ``text``, tried where ``starts`` matches (one character each, so
    it finds every such offset) but for the offsets inside a match."""
    match, resume = pattern.match, 0
    for at in starts.finditer(text):
        if at.start() >= resume:
            found = match(text, at.start())
            if found is not None:
                yield found
                resume = found.end()
