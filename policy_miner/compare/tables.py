"""Side-by-side tables: policy tools per city (or document, or province) and what each one
commits, every cell traceable to its sentences.

Both tables are long (one row per group and tool, or group and theme) with an ``evidence``
column, and have a wide form for reading (:func:`wide`). Amounts are compared in the theme's
unit and only between commitments with the same ``per`` (2000元/人/月 is never set beside
30万元/人), so one theme may give a group several rows.
"""
from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from ..io.read import Outputs
from ..lexicons import read_rows
from ..records import DocumentMeta, Quantity
from ..tools.scheme import NONE
from .themes import recipient_of, theme_of, themes

GROUPINGS = ("city", "province", "doc")
UNKNOWN = "(unknown)"
TOOL_CATEGORIES = ("supply", "environment", "demand")
MAX_EVIDENCE = 5
"""Evidence items kept per cell (counts always cover every record)."""


@functools.lru_cache(maxsize=None)
def labels(field_name: str) -> dict[str, str]:
    """Display labels of ``per`` or ``unit`` values (``lexicons/display_labels.tsv``)."""
    return {value: label for name, value, label in read_rows("display_labels.tsv") if name == field_name}


def group_of(meta: DocumentMeta | None, by: str) -> str:
    """The column a document falls in: its city, its province, or itself."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    if meta is None:
        return UNKNOWN
    value = meta.doc if by == "doc" else getattr(meta, by)
    return value or UNKNOWN


def _evidence(doc: str, start: int, sentence: str) -> str:
    return f"{doc}:{start} {sentence}"


def tool_table(outputs: Outputs, by: str = "city") -> pd.DataFrame:
    """One row per group and tool category: clause counts, the share of the group's tool
    clauses (clauses coded none are counted apart, in ``clauses``), and evidence sentences."""
    documents = {meta.doc: meta for meta in outputs.documents}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    evidence: dict[tuple[str, str], list[str]] = defaultdict(list)
    for clause in outputs.clauses:
        group = group_of(documents.get(clause.doc), by)
        counts[group][clause.category] += 1
        if clause.category != NONE and len(evidence[(group, clause.category)]) < MAX_EVIDENCE:
            evidence[(group, clause.category)].append(_evidence(clause.doc, clause.start, clause.text))
    rows = []
    for group in sorted(counts):
        tools = sum(counts[group][c] for c in TOOL_CATEGORIES)
        for category in TOOL_CATEGORIES:
            n = counts[group][category]
            rows.append({by: group, "category": category, "clauses": n,
                         "share": round(n / tools, 3) if tools else 0.0,
                         "all_clauses": sum(counts[group].values()),
                         "evidence": "\n".join(evidence[(group, category)])})
    return pd.DataFrame(rows, columns=[by, "category", "clauses", "share", "all_clauses", "evidence"])


@dataclass
class _Cell:
    amounts: list[Decimal] = field(default_factory=list)
    bounds: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)
    evidence: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    records: int = 0


def _amounts(quantity: Quantity) -> list[Decimal]:
    """The numbers a commitment contributes: its value, and the top of a range."""
    values = [quantity.value, quantity.value_max]
    return [Decimal(str(v)) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def commitment_table(outputs: Outputs, by: str = "city") -> pd.DataFrame:
    """One row per group, theme, unit and per: count, min, max and median amount, the bounds
    and recipient groups seen, a display cell (``30万元/人 (max)``) and evidence sentences
    (``texts`` holds each evidence line's quantity text, to highlight it).
    Dates and achievements are not commitments; only targets and incentives count."""
    documents = {meta.doc: meta for meta in outputs.documents}
    cells: dict[tuple[str, str, str, str], _Cell] = defaultdict(_Cell)
    for quantity in outputs.quantities:
        if quantity.modality not in ("target", "incentive"):
            continue
        theme, amounts = theme_of(quantity), _amounts(quantity)
        if theme is None or not amounts:
            continue
        per = "/".join(quantity.per)
        cell = cells[(group_of(documents.get(quantity.doc), by), theme, quantity.unit or "", per)]
        cell.amounts += amounts
        cell.records += 1
        cell.bounds.add(quantity.bound)
        recipient = recipient_of(quantity)
        if recipient:
            cell.recipients.add(recipient)
        if len(cell.evidence) < MAX_EVIDENCE:
            cell.evidence.append(_evidence(quantity.doc, quantity.start, quantity.sentence))
            cell.texts.append(quantity.text)
    order = {theme: i for i, theme in enumerate(themes())}
    rows = []
    for (group, theme, unit, per), cell in sorted(cells.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2:])):
        low, high, median = min(cell.amounts), max(cell.amounts), statistics.median(cell.amounts)
        rows.append({by: group, "theme": theme, "unit": unit, "per": per, "count": cell.records,
                     "min": float(low), "max": float(high), "median": float(median),
                     "bounds": ",".join(sorted(cell.bounds)), "recipients": ",".join(sorted(cell.recipients)),
                     "cell": display(cell.records, low, high, unit, per, cell.bounds),
                     "evidence": "\n".join(cell.evidence), "texts": "\n".join(cell.texts)})
    columns = [by, "theme", "unit", "per", "count", "min", "max", "median", "bounds", "recipients", "cell", "evidence",
               "texts"]
    return pd.DataFrame(rows, columns=columns)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def amount(value: Decimal, unit: str) -> str:
    """An amount as a researcher writes it: 300000 CNY -> 30万元, 2000 CNY -> 2000元, 100 person-time
    -> 100人次."""
    if unit == "CNY":
        for scale, suffix in ((Decimal(100000000), "亿元"), (Decimal(10000), "万元")):
            if value >= scale:
                return _plain(value / scale) + suffix
    return _plain(value) + labels("unit").get(unit, unit)


def display(count: int, low: Decimal, high: Decimal, unit: str, per: str, bounds: set[str]) -> str:
    """``30万元/团队 (max)``; a spread as ``2000元-3万元/人``; several records add ``n=3``."""
    per_text = "".join(f"/{labels('per').get(p, p)}" for p in per.split("/") if p)
    text = amount(low, unit) if low == high else f"{amount(low, unit)}-{amount(high, unit)}"
    notes = sorted(b for b in bounds if b != "exact")
    suffix = f" ({', '.join(notes)})" if notes else ""
    return f"{text}{per_text}{suffix}" + (f" n={count}" if count > 1 else "")


def wide(table: pd.DataFrame, by: str, column: str, value: str) -> pd.DataFrame:
    """Groups as rows, ``column`` values as columns, cells joined with ``; `` where a group
    has several rows for one column (several per for one theme)."""
    if table.empty:
        return pd.DataFrame(index=pd.Index([], name=by))
    joined = table.astype({value: str}).groupby([by, column], sort=False)[value].agg("; ".join)
    return joined.unstack(column).fillna("")


def tool_wide(tools: pd.DataFrame, by: str) -> pd.DataFrame:
    """The tool table for reading: groups as rows, ``clauses (share)`` per category."""
    cells = [f"{n} ({share:.0%})" for n, share in zip(tools["clauses"], tools["share"])]
    return wide(tools.assign(cell=cells), by, "category", "cell")
