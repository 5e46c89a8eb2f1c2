"""Comparing cities (or documents, or provinces): policy tools and commitments side by side,
from an output folder's records."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..export.write import write_tables
from ..io.atomic import atomic_write_text
from ..io.read import OutputError, read_outputs
from .report import render_report
from .tables import GROUPINGS, commitment_table, tool_table, tool_wide, wide

__all__ = ["GROUPINGS", "Comparison", "commitment_table", "compare_outputs", "tool_table", "tool_wide", "wide"]

WORKBOOK = "compare.xlsx"
REPORT = "report.html"


@dataclass
class Comparison:
    by: str
    tools: pd.DataFrame
    commitments: pd.DataFrame
    written: list[Path]


def compare_outputs(out_dir: str | Path, to_dir: str | Path, by: str = "city") -> Comparison:
    """Build both tables for ``out_dir``, write them (CSV, XLSX) and the HTML report into
    ``to_dir``. Raises :class:`OutputError` for a folder without clause records."""
    outputs = read_outputs(out_dir)
    if not outputs.clauses and outputs.documents:
        raise OutputError(f"{out_dir} has no clauses.jsonl: re-run `policy-miner extract` to code policy tools")
    tools, commitments = tool_table(outputs, by), commitment_table(outputs, by)
    tables = {
        "tools": tools,
        "tools_wide": wide(tools, by, "category", "clauses").reset_index(),
        "commitments": commitments,
        "commitments_wide": wide(commitments, by, "theme", "cell").reset_index(),
    }
    written = write_tables(tables, to_dir, ("csv", "xlsx"), workbook=WORKBOOK)
    report = Path(to_dir) / REPORT
    atomic_write_text(report, render_report(tools, commitments, by, f"policy-miner: {Path(out_dir).name} by {by}"))
    return Comparison(by, tools, commitments, [*written, report])
