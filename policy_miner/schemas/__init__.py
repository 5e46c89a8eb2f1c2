"""JSON Schemas (draft 2020-12) of the records policy-miner writes, shipped with the package.

Other tools (and other languages) can check an output folder without importing
policy-miner; ``tests/test_schemas.py`` keeps the enums equal to the constants in
``records.py`` and the properties equal to the record fields, so they cannot drift.
"""
from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from ..records import RECORD_TYPES

__all__ = ["ValidationError", "schema", "validate"]


def schema(record_type: str) -> dict[str, Any]:
    """The JSON Schema of a record type (``quantity``, ``entity``, ``document``), a fresh copy."""
    if record_type not in RECORD_TYPES:
        raise KeyError(f"no schema for record type {record_type!r} (one of {', '.join(RECORD_TYPES)})")
    return json.loads(files(__name__).joinpath(f"{record_type}.schema.json").read_text(encoding="utf-8"))


@cache
def _validator(record_type: str) -> Draft202012Validator:
    return Draft202012Validator(schema(record_type))


def validate(record: dict[str, Any]) -> None:
    """Check one record's JSON form against the schema of its ``type``.

    Raises :class:`jsonschema.ValidationError` (also for a missing or unknown ``type``).
    """
    record_type = record.get("type")
    if record_type not in RECORD_TYPES:
        raise ValidationError(f"unknown record type {record_type!r} (one of {', '.join(RECORD_TYPES)})")
    _validator(record_type).validate(record)
