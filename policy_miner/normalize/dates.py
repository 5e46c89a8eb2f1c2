"""Dates, plan periods and relative years -> ISO-8601 strings with X for what is unstated.

SPEC section 1 wants a date to hold only what the text says: ``2020年底`` is "2020-12",
``8月29日15时57分`` is "XXXX-08-29T15:57", and a five-year plan is the interval it covers
(``十四五`` = "2021/2025"). Plan documents put spaces between number and 年 (``2020 年底``), so
those are allowed. Suffix words (底/末/初/前/内), relative years (今年/明年/去年) and the words that
may follow an unquoted plan period are data: ``lexicons/time_words.tsv``.

``DATE_RE`` is a regex fragment without capturing groups for the extractor; ``parse_date`` reads
one lexeme and never raises.
"""
from __future__ import annotations

import calendar
import re
import unicodedata

from ..lexicons import read_rows
from .numbers import parse_number


def _words(kind: str) -> dict[str, tuple[str, str]]:
    """word -> (value, not_followed_by) for one kind of row in time_words.tsv."""
    return {
        row[1]: (row[2] if len(row) > 2 else "", row[3] if len(row) > 3 else "")
        for row in read_rows("time_words.tsv")
        if row[0] == kind
    }


def _alternation(words: dict[str, tuple[str, str]]) -> str:
    """Longest-first alternation of words, each guarded by its not_followed_by characters."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        not_followed_by = words[word][1]
        parts.append(re.escape(word) + (f"(?![{not_followed_by}])" if not_followed_by else ""))
    return "(?:" + "|".join(parts) + ")"


_POSITIONS = _words("position")
_RELATIVE_YEARS = {word: int(value) for word, (value, _) in _words("relative_year").items()}

_SP = r"[ \u3000]?"
_D = "[0-9０-９]"
_CN = "零〇一二三四五六七八九"
_YEAR = (
    rf"(?:(?<!{_D})(?:[1１][9９]|[2２][0０]){_D}{{2}}"
    rf"|(?<![{_CN}十])(?:一九|二[〇零])[{_CN}]{{2}}){_SP}年"
    rf"|{_alternation(_words('relative_year'))}"
)
_MONTH = rf"(?:[1１][0-2０-２]|[0０]?[1-9１-９]){_SP}月"
_CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])月"
_DAY = rf"(?:[3３][01０１]|[12１２]{_D}|[0０]?[1-9１-９]){_SP}[日号]"
_CN_DAY = r"(?:三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
_TIME = rf"(?:[2２][0-3０-３]|[01０１]?{_D})[时点](?:[0-5０-５]?{_D}分)?"
_SUFFIX = rf"(?:{_alternation(_POSITIONS)})?(?:{_alternation(_words('limit'))})?"
_PLAN_N = r"(?:十[一二三四五六七八九]?|[一二三四五六七八九])五"
_PLAN = (
    rf"(?:“{_PLAN_N}”|\"{_PLAN_N}\"|‘{_PLAN_N}’"
    rf"|(?<![{_CN}两十百千])十[一二三四五六七八九]五(?={_alternation(_words('plan_context'))}|$))"
)

_YEAR_LED = rf"(?:{_YEAR})(?:{_SP}(?:{_MONTH}|{_CN_MONTH})(?:{_SP}(?:{_DAY}|{_CN_DAY})(?:{_TIME})?)?)?{_SUFFIX}"
_MONTH_LED = rf"(?<!{_D}){_MONTH}(?:{_SP}{_DAY}(?:{_TIME})?)?{_SUFFIX}"
_PLAN_LED = rf"{_PLAN}{_SUFFIX}"

DATE_RE: str = rf"(?:{_YEAR_LED}|{_MONTH_LED}|{_PLAN_LED})"
"""One date lexeme: ``2020 年底``, ``8月底前``, ``2018年12月19日``, ``8月29日15时57分``, ``二〇二五年``,
``今年底``, ``“十四五”期末``. An unquoted plan period (``十四五``) counts only before a plan word
(规划, 时期, 末…) or at the end of the text, since ``十四五岁`` is an age range."""

_DATE = re.compile(DATE_RE)
_PLAN_DATE = re.compile(_PLAN_LED)
_NUM = rf"{_D}+|[{_CN}十]+"
_YEAR_PART = re.compile(rf"({_D}{{4}}|[{_CN}]{{4}}){_SP}年")
_MONTH_PART = re.compile(rf"({_NUM}){_SP}月")
_DAY_PART = re.compile(rf"月{_SP}({_NUM}){_SP}[日号]")
_TIME_PART = re.compile(rf"[日号]({_D}+)[时点](?:({_D}+)分)?")
_PLAN_PART = re.compile(rf"({_PLAN_N})")
_POSITION_AT_END = re.compile(rf"({_alternation(_POSITIONS)})(?:{_alternation(_words('limit'))})?$")


def plan_period(n: int) -> tuple[int, int]:
    """First and last year of the Nth five-year plan (1st 1953-1957, 2nd 1958-1962).

    The 3rd plan began in 1966 after three years of readjustment; from then on they follow
    each other: 14 -> (2021, 2025). ValueError for n < 1.
    """
    if n < 1:
        raise ValueError(f"there is no five-year plan number {n}")
    start = 1953 + 5 * (n - 1) if n <= 2 else 1966 + 5 * (n - 3)
    return start, start + 4


def relative_year(word: str, ref_year: int | None) -> str | None:
    """今年/明年/去年… resolved against the document year; None without one or for other words."""
    if ref_year is None or word not in _RELATIVE_YEARS:
        return None
    return str(ref_year + _RELATIVE_YEARS[word])


def parse_date(s: str, ref_year: int | None = None) -> str | None:
    """ISO-8601 form of one date lexeme (a DATE_RE match), or None when it is not a valid date.

    ``ref_year`` (the document's own year) resolves 今年/明年 and year-less dates
    (``8月底前`` -> "2022-08" with ref_year 2022, else "XXXX-08"). A position suffix names a
    month of a bare year or plan (``2020年底`` -> "2020-12", ``“十四五”初`` -> "2021-01");
    after a month it adds nothing (``8月底`` -> "XXXX-08").
    """
    text = unicodedata.normalize("NFKC", s).strip()
    if not _DATE.fullmatch(text):
        return None
    suffix = _POSITION_AT_END.search(text)
    position = _POSITIONS[suffix.group(1)][0] if suffix else None
    if _PLAN_DATE.fullmatch(text):
        number = parse_number(_PLAN_PART.search(text).group(1)[:-1])  # 十四五 -> 十四
        start, end = plan_period(int(number))
        if position is None:
            return f"{start}/{end}"
        return f"{end if position == '12' else start}-{position}"
    year = _year(text, ref_year)
    month = _number(_MONTH_PART, text)
    if month is None:
        return f"{year}-{position}" if position else year
    day = _number(_DAY_PART, text)
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= _days_in(year, month)):
        return None
    iso = f"{year}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    time = _TIME_PART.search(text)
    if time:
        hour, minute = int(time.group(1)), time.group(2)
        if hour > 23 or (minute is not None and int(minute) > 59):
            return None
        iso += f"T{hour:02d}" + (f":{int(minute):02d}" if minute is not None else "")
    return iso


def _year(text: str, ref_year: int | None) -> str:
    """The stated, relative or reference year as four characters, "XXXX" when unknown."""
    stated = _YEAR_PART.search(text)
    if stated:
        return str(parse_number(stated.group(1)))
    for word in sorted(_RELATIVE_YEARS, key=len, reverse=True):
        if text.startswith(word):
            return relative_year(word, ref_year) or "XXXX"
    return str(ref_year) if ref_year is not None else "XXXX"


def _number(pattern: re.Pattern[str], text: str) -> int | None:
    """The number captured by ``pattern`` in ``text``, digits or Chinese numerals."""
    match = pattern.search(text)
    if not match:
        return None
    value = parse_number(match.group(1))
    return int(value) if value is not None else None


def _days_in(year: str, month: int) -> int:
    """Days in the month; a year-less 2月29日 is allowed."""
    return calendar.monthrange(int(year) if year.isdigit() else 2000, month)[1]
