"""Reading an output folder back: the graph, export and compare steps start here.

They read the records, never the raw text (DESIGN.md), so every table and graph edge can be
rebuilt from ``quantities.jsonl``, ``entities.jsonl`` and ``documents.jsonl`` alone.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import OUTPUT_FILES, Clause, DocumentMeta, Entity, Quantity, from_dict


class OutputError(ValueError):
    """An output folder that cannot be read: a missing file or a line that is not a record."""


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON Lines file, one per non-blank line.

    A broken line raises :class:`OutputError` naming the file and line, so a truncated
    output is reported rather than silently shortened.
    """
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise OutputError(f"{path}:{number}: not a JSON record ({error.msg})") from error
            if not isinstance(data, dict):
                raise OutputError(f"{path}:{number}: not a JSON object")
            yield data


def record_rows(out_dir: str | Path, record_type: str) -> list[dict[str, Any]]:
    """The records of one type (``quantity``, ``entity``, ``document``) as JSON dicts."""
    path = Path(out_dir) / OUTPUT_FILES[record_type]
    if not path.is_file():
        raise OutputError(f"{path} not found: run `policy-miner extract ... -o {out_dir}` first")
    return list(read_jsonl(path))


@dataclass
class Outputs:
    """All records of one output folder, typed."""

    documents: list[DocumentMeta]
    quantities: list[Quantity]
    entities: list[Entity]
    clauses: list[Clause]


def read_outputs(out_dir: str | Path) -> Outputs:
    """Load an extraction output folder as typed records (``clauses`` is empty for a folder
    written before policy tools were coded; :func:`record_rows` reports it missing)."""
    def load(record_type: str) -> list[Any]:
        return [from_dict({**row, "type": record_type}) for row in record_rows(out_dir, record_type)]

    has_clauses = (Path(out_dir) / OUTPUT_FILES["clause"]).is_file()
    return Outputs(documents=load("document"), quantities=load("quantity"), entities=load("entity"),
                   clauses=load("clause") if has_clauses else [])
