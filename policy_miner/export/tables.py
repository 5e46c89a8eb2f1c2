"""Records -> flat pandas tables, one per record type, for spreadsheets and data frames.

The columns are derived from the record classes in ``records.py``, so a field added there
appears in every export at once. Flattening keeps every value (nothing is dropped or
rounded into a different meaning):

- ``value`` and ``value_max`` (a number, a string such as ``"2025"`` or ``"P3Y"``, or null)
  become two columns each: ``value`` (float64, numbers only) and ``value_text`` (the string
  values of dates, durations and anything that could not be normalised). One type per column
  is what parquet needs; an object column mixing numbers and strings would not write.
  float64 holds integers exactly up to 2**53, far above any amount in a policy text.
- ``when`` (an object or null) becomes ``when_text``, ``when_value``, ``when_role``.
- ``per`` (a list) becomes one string joined with ``/`` (``person/month``; ``""`` for none).
- ``type`` is left out: each table holds one type, named by its file or sheet.
"""
from __future__ import annotations

import math
import typing
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd

from ..io import read_outputs
from ..records import OUTPUT_FILES, RECORD_TYPES, Value, When, to_dict

PER_SEPARATOR = "/"
"""Joins the ``per`` list into one cell; no ``per`` word of SPEC section 1 contains it."""

TABLE_NAMES = {record_type: Path(name).stem for record_type, name in OUTPUT_FILES.items()}
"""Table (file stem, sheet) name of each record type: ``quantities``, ``entities``, ``documents``."""

Column = tuple[str, str, Callable[[dict[str, Any]], Any]]
"""A column's name, pandas dtype, and how to take its cell from a record's JSON dict."""


def _number(value: Value) -> float:
    return float(value) if isinstance(value, (int, float)) else math.nan


def _text(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def _per(per: list[str]) -> str:
    if any(PER_SEPARATOR in word for word in per):  # joining would not split back the same
        raise ValueError(f"per word containing {PER_SEPARATOR!r}: {per}")
    return PER_SEPARATOR.join(per)


def _field_columns(name: str, hint: Any) -> list[Column]:
    """The columns of one record field, by its type hint."""
    if hint == Value:
        return [(name, "float64", lambda row: _number(row[name])),
                (f"{name}_text", "str", lambda row: _text(row[name]))]
    if When in typing.get_args(hint):
        return [(f"{name}_{sub.name}", "str", lambda row, key=sub.name: (row[name] or {}).get(key))
                for sub in fields(When)]
    if typing.get_origin(hint) is list:
        return [(name, "str", lambda row: _per(row[name]))]
    return [(name, "int64" if hint is int else "str", lambda row: row[name])]


def columns(record_type: str) -> list[Column]:
    """The flat columns of a record type, in field order (``doc, start, end, text`` first)."""
    cls = RECORD_TYPES[record_type]
    hints = typing.get_type_hints(cls)
    return [column for f in fields(cls) if f.name != "type" for column in _field_columns(f.name, hints[f.name])]


def table(record_type: str, records: Iterable[Any]) -> pd.DataFrame:
    """One flat table of records of one type; no records give an empty table with all columns
    and their dtypes (so an empty parquet file still has the schema)."""
    cols = columns(record_type)
    rows = [to_dict(record) for record in records]
    data = {name: [get(row) for row in rows] for name, _, get in cols}
    return pd.DataFrame(data, columns=[name for name, _, _ in cols]).astype({name: dtype for name, dtype, _ in cols})


def output_tables(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of an extraction output folder, by table name (``quantities``...).

    Raises :class:`policy_miner.io.OutputError` when a JSONL file is missing or broken.
    """
    outputs = read_outputs(out_dir)
    records = {"quantity": outputs.quantities, "entity": outputs.entities, "document": outputs.documents,
               "clause": outputs.clauses}
    return {TABLE_NAMES[record_type]: table(record_type, records[record_type]) for record_type in RECORD_TYPES}
