"""Golden cases for entity mentions and document metadata, one JSON object a line in
``tests/cases/entities.jsonl``, plus unit tests of the pure helpers behind them.

Each case: ``id``, ``text`` (an invented policy-style text about cities and programs that are
not in the sample corpus), ``has`` ([label, canonical name] pairs that must be among the
entities), optional ``lacks`` (pairs that must not be), ``meta`` (DocumentMeta fields that must
equal the given values) and ``note``. Names no lexicon lists are the point: the open-class
grammars (quoted names, head-final names, verb-introduced programs) must generalise.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_miner.extract.entities import is_generic, quoted_label, usable_quoted
from policy_miner.extract.gazetteer import gazetteer
from policy_miner.extract.names import Jurisdiction, _qualified
from policy_miner.pipeline import Extractor
from policy_miner.records import ENTITY_LABELS

CASES_FILE = Path(__file__).parent / "cases" / "entities.jsonl"
LABELS = set(ENTITY_LABELS)


def _load_cases() -> list[Any]:
    params = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            params.append(pytest.param(case, id=case["id"]))
    return params


def test_cases_file_is_well_formed() -> None:
    cases = [p.values[0] for p in _load_cases()]
    assert len(cases) >= 40
    ids = [case["id"] for case in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in cases:
        assert set(case) <= {"id", "text", "has", "lacks", "meta", "note"}, case["id"]
        for label, name in case["has"] + case.get("lacks", []):
            assert label in LABELS and name, case["id"]


@pytest.mark.parametrize("case", _load_cases())
def test_entity_case(case: dict[str, Any], extractor: Extractor) -> None:
    text = case["text"]
    result = extractor.extract(text, doc_id=case["id"])
    found = {(e.label, e.name) for e in result.entities}
    shown = "\n".join(f"  {e.label} {e.text!r} -> {e.name!r}" for e in result.entities) or "  (none)"

    for entity in result.entities:
        assert text[entity.start:entity.end] == entity.text, f"offsets do not point at the text:\n{shown}"

    missing = [pair for pair in map(tuple, case["has"]) if pair not in found]
    assert not missing, f"missing {missing}; extractor gave:\n{shown}"
    unwanted = [pair for pair in map(tuple, case.get("lacks", [])) if pair in found]
    assert not unwanted, f"unexpected {unwanted}; extractor gave:\n{shown}"

    for field, want in case.get("meta", {}).items():
        assert getattr(result.meta, field) == want, f"meta.{field}: {result.meta}"


# -- quoted phrases -------------------------------------------------------------------

KNOWN = frozenset({"长江学者", "万人计划"})


@pytest.mark.parametrize(("inner", "before", "after", "label"), [
    ("刺桐英才计划", "", "", "PROGRAM"),             # program head at the end
    ("宜聚英才卡", "", "，", "PROGRAM"),
    ("海丝创新奖", "", "", "PROGRAM"),
    ("海丝人才码", "市推出", "，", "PROGRAM"),       # a verb just before
    ("海丝人才码", "", "，", None),                  # no evidence at all
    ("刺桐之星", "", "称号", "PROGRAM"),            # a cue just after
    ("浔城有约", "", "品牌", "PROGRAM"),
    ("刺桐之星", "", "等称号", "PROGRAM"),          # 等 between the quotes and the cue
    ("长江学者", "", "", "PROGRAM"),                # a known program
    ("海丝英才计划 2.0 版", "", "", "PROGRAM"),    # a version does not hide the name
    ("泉州市高层次人才引进实施办法", "印发", "", "POLICY"),
    ("人才办法", "", "", None),                      # too short for a title, no program head
    ("用最好的服务留人才", "坚持", "", None),       # a clause
    ("引进来，走出去", "", "", None),               # a slogan with a comma
    ("十四五", "实施", "", None),                    # a plan period
    ("一把手", "实施", "", None),                    # a numbered catch-phrase
    ("专精特新", "支持", "企业", None),             # a category of firms
    ("店小二", "打造", "服务", None),
    ("海丝英才计划", "", "企业", None),             # 企业 after rules out even a program head
    ("各类人才计划", "实施", "", None),             # a category
    ("稳、留、引", "", "", None),
])
def test_quoted_label(inner: str, before: str, after: str, label: str | None) -> None:
    assert quoted_label(inner, before, after, KNOWN) == label


@pytest.mark.parametrize(("name", "usable"), [
    ("刺桐英才计划", True),
    ("泉才贷", True),
    ("人", False),                                     # too short
    ("这是一个超过二十个字符的很长很长很长的引号里面的句子", False),
    ("引进来，走出去", False),                          # more than one clause
    ("十三五", False),
    ("一站式", False),                                  # a set phrase
    ("各类人才计划", False),                            # a category
    ("稳、留、引", False),                              # one-character words
    ("海丝·刺桐", True),
])
def test_usable_quoted(name: str, usable: bool) -> None:
    assert usable_quoted(name) is usable


@pytest.mark.parametrize(("name", "generic"), [
    ("各类人才计划", True),
    ("县级公立医院", True),
    ("重点工程", True),
    ("省级人才改革试点", True),
    ("刺桐英才计划", False),
    ("泉州师范学院", False),
    ("株洲市人社局", False),
])
def test_is_generic(name: str, generic: bool) -> None:
    assert is_generic(name) is generic


# -- the gazetteer ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "full", "level"), [
    ("锦州", "锦州市", "prefecture"),
    ("锦州市", "锦州市", "prefecture"),
    ("广西", "广西壮族自治区", "province"),
    ("四川", "四川省", "province"),
    ("晋江", "晋江市", "county"),              # a county-level city by its short form
    ("朝阳", "朝阳市", "prefecture"),          # a prefecture before a county of the same short form
])
def test_resolve_short_and_full(name: str, full: str, level: str) -> None:
    division = gazetteer().resolve(name)
    assert division is not None and division.name == full and division.level == level


def test_resolve_unknown() -> None:
    assert gazetteer().resolve("刺桐") is None
    assert gazetteer().resolve("") is None


@pytest.mark.parametrize(("name", "province", "code"), [
    ("鼓楼区", "350000", "350102"),   # Fuzhou's, in a Fujian text
    ("鼓楼区", "320000", "320106"),   # Nanjing's, in a Jiangsu text
    ("朝阳区", "220000", "220104"),   # Changchun's, not Beijing's
    ("朝阳区", "110000", "110105"),
    ("江北区", "500000", "500105"),   # Chongqing's, not Ningbo's
    ("江北区", "330000", "330205"),
])
def test_resolve_prefers_province(name: str, province: str, code: str) -> None:
    division = gazetteer().resolve(name, province)
    assert division is not None and division.code == code


def test_resolve_without_province_is_deterministic() -> None:
    gaz = gazetteer()
    assert gaz.resolve("鼓楼区") == gaz.resolve("鼓楼区")
    assert gaz.resolve("鼓楼区").name == "鼓楼区"


@pytest.mark.parametrize(("code", "city"), [
    ("350102", "福州市"),   # a district -> its prefecture
    ("510703", "绵阳市"),   # 涪城区
    ("211321", "朝阳市"),   # a county -> its prefecture
    ("350582", "晋江市"),   # a county-level city is a city itself
    ("510781", "江油市"),
    ("350500", "泉州市"),   # a prefecture is itself
])
def test_city_of(code: str, city: str) -> None:
    gaz = gazetteer()
    found = gaz.city_of(gaz.by_code[code])
    assert found is not None and found.name == city


def test_city_of_province_is_none() -> None:
    gaz = gazetteer()
    assert gaz.city_of(gaz.by_code["510000"]) is None


def test_province_of_and_short_name() -> None:
    gaz = gazetteer()
    jinjiang = gaz.by_code["350582"]
    assert gaz.province_of(jinjiang).name == "福建省"
    assert jinjiang.province_code == "350000"
    assert gaz.short_name(gaz.by_code["510700"]) == "绵阳"
    assert gaz.short_name(gaz.by_code["510703"]) == "涪城区"   # no short form: the full name


def test_names_split_full_and_short() -> None:
    full, short = gazetteer().names()
    assert "泉州市" in full and "泉州" in short and "泉州" not in full
    assert not full & short


# -- qualified names ----------------------------------------------------------------------

def _where(city_code: str) -> Jurisdiction:
    gaz = gazetteer()
    city = gaz.by_code[city_code]
    return Jurisdiction(city=city, province=gaz.province_of(city))


@pytest.mark.parametrize(("text", "bare", "name"), [
    ("市委组织部", True, "宜宾市委组织部"),
    ("市人才工作领导小组", True, "宜宾市人才工作领导小组"),
    ("省委", True, "四川省委"),
    ("省人社厅", True, "四川省人社厅"),
    ("全市人社局", True, "宜宾市人社局"),
    ("宜宾市委组织部", True, "宜宾市委组织部"),       # already starts with a place
    ("叙州区人社局", True, "叙州区人社局"),
    ("中共四川省委", True, "中共四川省委"),
    ("县委组织部", True, "县委组织部"),               # a county's: no county known
    ("临港派出所", True, "宜宾市临港派出所"),         # an agency with no place at all
    ("市第一人民医院", False, "宜宾市第一人民医院"),  # an organisation of the city
    ("人民医院", False, "人民医院"),                  # an organisation is not qualified when bare
])
def test_qualified(text: str, bare: bool, name: str) -> None:
    assert _qualified(text, _where("511500"), bare) == name


def test_qualified_without_jurisdiction() -> None:
    assert _qualified("市委组织部", Jurisdiction(), bare=True) == "市委组织部"
