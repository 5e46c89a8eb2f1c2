"""Lengths of time -> ISO-8601 durations.

SPEC section 1 gives a length of time as an ISO-8601 duration (``3年`` = "P3Y", ``6个月`` = "P6M",
``24小时`` = "PT24H"); an age (``40 岁``) is written the same way. The units, their designators
and how a half of each is said exactly (``一年半`` = "P18M") are data:
``lexicons/duration_units.tsv``.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from ..lexicons import read_rows
from .numbers import NUMBER_RE, parse_number


class _Unit(NamedTuple):
    designator: str  # Y, M, W, D, H, M or S
    is_time: bool  # hours, minutes and seconds follow the T
    smaller: str  # the unit a half is counted in (年 -> 个月), "" when a half stays a fraction
    factor: int  # how many smaller units make one


_UNITS = {
    row[0]: _Unit(row[1], row[2] == "time", row[3] if len(row) > 4 else "", int(row[4]) if len(row) > 4 else 0)
    for row in read_rows("duration_units.tsv")
}

DURATION_UNIT_RE: str = "(?:" + "|".join(map(re.escape, sorted(_UNITS, key=len, reverse=True))) + ")"
"""A duration unit as written: 年, 个月, 月, 周, 星期, 天, 日, 个工作日, 小时, 分钟, 秒, 岁 …"""

_DURATION = re.compile(
    rf"(?P<number>{NUMBER_RE})?[ \u3000]?(?P<half>个半|半个|半)?(?P<unit>{DURATION_UNIT_RE})(?P<half_after>半)?"
)


def parse_duration(number: Decimal, unit: str) -> str | None:
    """ISO-8601 duration of ``number`` ``unit`` (3, "年") -> "P3Y"; None for an unknown unit.

    A fraction stays on its unit ((1.5, "年") -> "P1.5Y"); a working day counts as a day.
    """
    spec = _UNITS.get(unit)
    amount = Decimal(number)
    if spec is None or not amount.is_finite() or amount < 0:
        return None
    written = format(amount.normalize(), "f") if amount != amount.to_integral_value() else str(int(amount))
    return ("PT" if spec.is_time else "P") + written + spec.designator


def parse_duration_text(s: str) -> str | None:
    """ISO-8601 duration of one lexeme: ``3年``, ``三年``, ``6个月``, ``24 小时``, ``半年``, ``一年半``.

    A half is counted in the next smaller unit when the lexicon gives one (``一年半`` = "P18M",
    ``半小时`` = "PT30M"), else kept as a fraction (``两个半月`` = "P2.5M"). None when ``s`` is not
    a duration.
    """
    match = _DURATION.fullmatch(unicodedata.normalize("NFKC", s).strip())
    if not match:
        return None
    number = parse_number(match["number"]) if match["number"] else Decimal(0)
    halves = (match["half"] is not None) + (match["half_after"] is not None)
    if number is None or halves > 1 or (not match["number"] and match["half"] not in ("半", "半个")):
        return None
    unit = match["unit"]
    if halves:
        spec = _UNITS[unit]
        if spec.smaller and spec.factor % 2 == 0:
            return parse_duration(number * spec.factor + spec.factor // 2, spec.smaller)
        number += Decimal("0.5")
    return parse_duration(number, unit)
