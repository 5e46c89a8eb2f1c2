"""Golden cases for the pure normalisers, one JSON object a line in ``tests/cases/*.jsonl``.

Each case: ``input``, ``expected`` (JSON; exact numbers as strings so no float creeps in) and
optionally ``call`` (which function; the file's main parser by default), ``ref_year`` and ``note``.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

from policy_miner.normalize import dates, durations, numbers

CASES = Path(__file__).parent / "cases"

CALLS: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {
    "numbers.jsonl": {
        "parse_number": lambda case: numbers.parse_number(case["input"]),
        "parse_range_words": lambda case: numbers.parse_range_words(case["input"]),
        "parse_vague": lambda case: numbers.parse_vague(case["input"]),
        "parse_percent": lambda case: numbers.parse_percent(case["input"]),
    },
    "dates.jsonl": {
        "parse_date": lambda case: dates.parse_date(case["input"], case.get("ref_year")),
        "plan_period": lambda case: dates.plan_period(case["input"]),
        "relative_year": lambda case: dates.relative_year(case["input"], case.get("ref_year")),
        "find": lambda case: re.findall(dates.DATE_RE, case["input"]),
    },
    "durations.jsonl": {
        "parse_duration_text": lambda case: durations.parse_duration_text(case["input"]),
        "parse_duration": lambda case: durations.parse_duration(Decimal(case["input"][0]), case["input"][1]),
    },
}


def _as_json(value: Any) -> Any:
    """A result in the form the case files write it: Decimals as strings, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_as_json(item) for item in value]
    return value


def _cases() -> list[Any]:
    params = []
    for name in CALLS:
        lines = (CASES / name).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if line.strip():
                case = json.loads(line)
                params.append(pytest.param(name, case, id=f"{name}:{number}:{case.get('call', '')}{case['input']}"))
    return params


@pytest.mark.parametrize("name, case", _cases())
def test_case(name: str, case: dict[str, Any]) -> None:
    call = CALLS[name][case.get("call", next(iter(CALLS[name])))]
    assert _as_json(call(case)) == case["expected"], case.get("note", "")


def test_to_json_number() -> None:
    assert numbers.to_json_number(Decimal("35410700")) == 35410700
    assert isinstance(numbers.to_json_number(Decimal("1640000000.0")), int)
    assert numbers.to_json_number(Decimal("0.054")) == 0.054
    assert numbers.to_json_number(Decimal("18.7")) == 18.7


@pytest.mark.parametrize(
    "text, spans",
    [
        ("经费3541.07万元", ["3541.07万"]),
        ("补贴13万2", ["13万2"]),
        ("十五点八万人", ["十五点八万"]),
        ("20多万元", ["20多万"]),
        ("1,200,000元", ["1,200,000"]),
        ("5千米", ["5"]),  # 千米 is km, not a scale
    ],
)
def test_number_re_spans(text: str, spans: list[str]) -> None:
    """The fragment finds whole number lexemes and stays clear of units like 千米."""
    assert re.findall(numbers.NUMBER_RE, text) == spans


@pytest.mark.parametrize("fragment", [numbers.NUMBER_RE, numbers.VAGUE_RE, dates.DATE_RE, durations.DURATION_UNIT_RE])
def test_fragments_capture_nothing(fragment: str) -> None:
    """The extractor embeds these fragments; a capturing group would shift its own groups."""
    assert re.compile(fragment).groups == 0
