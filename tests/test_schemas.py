"""The shipped JSON Schemas: every record of a real run validates, broken records do not, and
the enums and fields are those of records.py."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, ValidationError

from policy_miner import records
from policy_miner.io import record_rows
from policy_miner.schemas import schema, validate

QUANTITY = {"doc": "demo", "start": 10, "end": 15, "text": "2000元", "kind": "money", "value": 2000,
            "value_max": None, "unit": "CNY", "bound": "exact", "per": ["person", "month"],
            "modality": "incentive", "subject": "安家补贴",
            "when": {"text": "到2025年", "value": "2025", "role": "deadline"},
            "program": "兴锦人才计划", "sentence": "对博士研究生每人每月给予2000元安家补贴。", "sentence_start": 0,
            "type": "quantity"}


@pytest.mark.parametrize("record_type", list(records.RECORD_TYPES))
def test_schema_is_valid_draft_2020_12(record_type: str) -> None:
    Draft202012Validator.check_schema(schema(record_type))
    assert schema(record_type)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("record_type", list(records.RECORD_TYPES))
def test_every_record_of_a_run_validates(corpus_run: Path, record_type: str) -> None:
    rows = record_rows(corpus_run, record_type)
    assert rows
    for row in rows:
        validate(row)


@pytest.mark.parametrize("record_type", list(records.RECORD_TYPES))
def test_properties_are_the_record_fields(record_type: str) -> None:
    names = [f.name for f in fields(records.RECORD_TYPES[record_type])]
    assert list(schema(record_type)["properties"]) == names
    assert schema(record_type)["required"] == names
    assert schema(record_type)["properties"]["type"] == {"const": record_type}


def test_enums_are_the_records_constants() -> None:
    quantity, entity = schema("quantity"), schema("entity")
    assert tuple(quantity["properties"]["kind"]["enum"]) == records.QUANTITY_KINDS
    assert tuple(quantity["properties"]["bound"]["enum"]) == records.BOUNDS
    assert tuple(quantity["properties"]["modality"]["enum"]) == records.MODALITIES
    assert tuple(quantity["$defs"]["when"]["properties"]["role"]["enum"]) == records.WHEN_ROLES
    assert list(quantity["$defs"]["when"]["properties"]) == [f.name for f in fields(records.When)]
    assert tuple(entity["properties"]["label"]["enum"]) == records.ENTITY_LABELS
    assert tuple(schema("clause")["properties"]["category"]["enum"]) == records.TOOL_CATEGORIES


def test_a_good_record_validates() -> None:
    validate(QUANTITY)
    validate({**QUANTITY, "value": "P3Y", "when": None})
    validate(records.to_dict(records.Entity("demo", 0, 2, "锦州", "PLACE", "锦州市")))


@pytest.mark.parametrize("change", [
    {"kind": "weight"},
    {"bound": "at_most"},
    {"start": -1},
    {"start": "10"},
    {"per": "person"},
    {"value": [2000]},
    {"when": {"text": "到2025年", "value": "2025", "role": "until"}},
    {"extra": 1},
    {"type": "entity"},
], ids=str)
def test_a_broken_record_fails(change: dict) -> None:
    with pytest.raises(ValidationError):
        validate({**QUANTITY, **change})


def test_a_missing_field_or_type_fails() -> None:
    with pytest.raises(ValidationError, match="sentence_start"):
        validate({k: v for k, v in QUANTITY.items() if k != "sentence_start"})
    with pytest.raises(ValidationError, match="unknown record type"):
        validate({k: v for k, v in QUANTITY.items() if k != "type"})
