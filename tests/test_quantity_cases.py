"""Golden cases for the quantity extractor, one JSON object a line in ``tests/cases/quantities.jsonl``.

Each case: ``id``, ``text`` (a new policy-style sentence, not taken from the sample corpus),
``expected`` (ALL mentions of the text, in order; each names the fields to check), optional
``absent`` (surface strings no mention may contain) and ``note`` (the SPEC rule or DESIGN lesson).
The rules come from ``SPEC.md`` section 1 and DESIGN.md "Lessons from the anchors' bug trackers".

Numbers are read with ``Decimal`` so ``3541.07万元`` must come out as exactly 35410700.
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from policy_miner import extract_text
from policy_miner.pipeline import Extractor

CASES_FILE = Path(__file__).parent / "cases" / "quantities.jsonl"


def _load_cases() -> list[Any]:
    params = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line, parse_float=Decimal)
            params.append(pytest.param(case, id=case["id"]))
    return params


def _same_value(expected: Any, actual: Any) -> bool:
    """Numbers compare exactly as decimals (an int or float both pass if equal); strings and null exactly."""
    if expected is None or isinstance(expected, str):
        return actual == expected
    if isinstance(actual, bool) or not isinstance(actual, (int, float, Decimal)):
        return False
    return Decimal(str(actual)) == Decimal(str(expected))


def _same_field(name: str, expected: Any, actual: Any) -> bool:
    if name in ("value", "value_max"):
        return _same_value(expected, actual)
    if name == "when":
        if expected is None:
            return actual is None
        if actual is None:
            return False
        got = asdict(actual) if not isinstance(actual, dict) else actual
        return all(got.get(key) == value for key, value in expected.items())
    return actual == expected


def _show(records: list[Any]) -> str:
    return "\n".join(
        f"  {r.text!r} kind={r.kind} value={r.value!r} max={r.value_max!r} unit={r.unit} bound={r.bound} "
        f"per={r.per} modality={r.modality} subject={r.subject!r} when={r.when and (r.when.value, r.when.role)}"
        for r in records) or "  (none)"


@pytest.mark.parametrize("case", _load_cases())
def test_quantity_case(case: dict[str, Any], extractor: Extractor) -> None:
    text = case["text"]
    records = extract_text(text, doc_id="case", extractor=extractor)
    got = _show(records)

    for record in records:
        assert text[record.start:record.end] == record.text, f"offsets do not point at the text:\n{got}"

    expected_texts = [item["text"] for item in case["expected"]]
    assert [r.text for r in records] == expected_texts, f"mention texts differ; extractor gave:\n{got}"

    problems = []
    for item, record in zip(case["expected"], records):
        for name, want in item.items():
            if name == "text":
                continue
            have = getattr(record, name)
            if not _same_field(name, want, have):
                problems.append(f"{item['text']!r}.{name}: expected {want!r}, got {have!r}")
    assert not problems, "; ".join(problems) + f"\nextractor gave:\n{got}"

    for surface in case.get("absent", []):
        inside = [r.text for r in records if surface in r.text]
        assert not inside, f"{surface!r} must not be (inside) a mention, found in {inside}"


def _random_text(seed: int, size: int) -> str:
    rng = random.Random(seed)
    alphabet = ("0123456789０１２３４５６７８９一二三四五六七八九十百千万亿零两〇点余多几数"
                "元人名个次年月日时分%％.，。、《》“”（）〔〕—-/至以上下内约近每第\n\t ")
    cjk = [chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(200)]
    pool = list(alphabet) + cjk
    return "".join(rng.choice(pool) for _ in range(size))


NASTY = [
    pytest.param("", id="empty"),
    pytest.param("，。、；：！？……——《》“”（）", id="punctuation-only"),
    pytest.param(_random_text(20240508, 10_000), id="random-cjk-digits-10k"),
    pytest.param(_random_text(7, 10_000), id="random-cjk-digits-10k-b"),
    pytest.param("9" * 5000, id="long-digit-run"),
    pytest.param("给予" + "1234567890" * 300 + "万元补贴", id="long-number-with-unit"),
    pytest.param("1." * 2000 + "%", id="dots-and-percent"),
    pytest.param("《关于印发“十四五”人才规划的通知" + "补贴30万元，" * 50, id="unbalanced-title"),
    pytest.param("“给予10万元奖励。" * 100 + "》》》“", id="unbalanced-quotes"),
    pytest.param("万万万亿亿元元%%%人人次次年年月月日日", id="units-without-numbers"),
    pytest.param("十十十十百百百千千千万万万亿亿亿元", id="numeral-soup"),
    pytest.param("\ufeff\x00\u200b\t\n\r  2023年\u3000", id="control-characters"),
]


@pytest.mark.parametrize("text", NASTY)
def test_extract_never_raises(text: str, extractor: Extractor) -> None:
    records = extract_text(text, doc_id="nasty", extractor=extractor)
    for record in records:
        assert text[record.start:record.end] == record.text
