"""Writing tables as CSV, parquet, xlsx or JSON, each file atomically.

A reader (or a spreadsheet left open on the old file) sees a whole old file or a whole new
one, never half an export. File names are the table names: ``quantities.csv``,
``entities.parquet``, ``documents.json``...; xlsx is one workbook, ``records.xlsx``, with
one sheet per table.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..io import atomic_path

FORMATS = ("csv", "parquet", "xlsx", "json")
"""The export formats, in the order they are written."""

WORKBOOK = "records.xlsx"
"""The xlsx export: one workbook, one sheet per table."""


def _csv(frame: pd.DataFrame, path: Path) -> None:
    # UTF-8 with a BOM: Excel reads a BOM-less CSV in the local code page and garbles Chinese.
    frame.to_csv(path, index=False, encoding="utf-8-sig", float_format=_plain_number)


def _plain_number(value: float) -> str:
    """A value as a researcher wrote it: 20 for 20 yuan (numeric columns are floats, so pandas
    would write 20.0), the shortest exact digits otherwise (0.3, 1.5e-05)."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(float(value))


def _parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, engine="pyarrow", index=False)


def _json(frame: pd.DataFrame, path: Path) -> None:
    # A JSON array of flat rows; NaN becomes null. (pandas writes "/" as "\/", still valid JSON.)
    frame.to_json(path, orient="records", force_ascii=False)


_PER_TABLE: dict[str, Callable[[pd.DataFrame, Path], None]] = {"csv": _csv, "parquet": _parquet, "json": _json}


def _xlsx_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the control characters xlsx cannot hold (form feeds from PDFs...)
    written as OOXML escapes (``\\x0c`` -> ``_x000C_``, which Excel decodes; openpyxl and pandas
    read them back as written), instead of openpyxl refusing the whole workbook."""
    def escape(match: re.Match[str]) -> str:
        return f"_x{ord(match.group()):04X}_"

    text_columns = frame.select_dtypes(include="str").columns
    return frame.assign(**{name: frame[name].str.replace(ILLEGAL_CHARACTERS_RE, escape, regex=True)
                           for name in text_columns})


def _write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in tables.items():
            _xlsx_safe(frame).to_excel(writer, sheet_name=name, index=False)


def write_tables(tables: dict[str, pd.DataFrame], to_dir: str | Path, formats: Iterable[str],
                 workbook: str = WORKBOOK) -> list[Path]:
    """Write ``tables`` (name -> table) in each of ``formats`` into ``to_dir`` (created if
    missing) and return the paths written, in order. Formats are checked before anything is
    written, so a typo does not leave half an export."""
    formats = list(dict.fromkeys(formats))
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format {unknown[0]!r} (one of {', '.join(FORMATS)})")
    out = Path(to_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt == "xlsx":
            with atomic_path(out / workbook) as tmp:
                _write_workbook(tables, tmp)
            written.append(out / workbook)
            continue
        for name, frame in tables.items():
            target = out / f"{name}.{fmt}"
            with atomic_path(target) as tmp:
                _PER_TABLE[fmt](frame, tmp)
            written.append(target)
    return written
