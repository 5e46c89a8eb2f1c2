"""Exports: an extraction output folder -> flat tables (CSV, parquet, xlsx, JSON).

Built from the JSONL records alone (never the raw text), so any output folder can be
exported again later; ``tables`` flattens records, ``write`` writes the files.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .tables import output_tables, table
from .write import FORMATS, write_tables

__all__ = ["FORMATS", "export_outputs", "output_tables", "table", "write_tables"]


def export_outputs(out_dir: str | Path, to_dir: str | Path, formats: Iterable[str] = ("csv",)) -> list[Path]:
    """Export the records of ``out_dir`` into ``to_dir`` in ``formats``; the paths written.

    Raises :class:`policy_miner.io.OutputError` when ``out_dir`` holds no readable output.
    """
    return write_tables(output_tables(out_dir), to_dir, formats)
