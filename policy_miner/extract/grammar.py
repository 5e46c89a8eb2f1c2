"""The regular grammar of quantity mentions, compiled once from the lexicons.

Why a grammar over characters and not over tokens: a mention such as ``6亿余元`` or
``10.104 万人`` spans several jieba tokens (and jieba splits them differently in different
contexts), while the SPEC's offsets are character offsets. Tokens are used later, for context.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..lexicons import read_rows
from ..normalize.dates import DATE_RE

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
    against the characters that make it part of another word (部门, 年代)."""
    parts = []
    for unit in sorted(units().values(), key=lambda u: len(u.surface), reverse=True):
        guard = f"(?![{re.escape(unit.not_followed_by)}])" if unit.not_followed_by else ""
        parts.append(re.escape(unit.surface) + guard)
    return "(?:" + "|".join(parts) + ")"


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
