"""Score extractor output against gold annotations (SPEC.md section 4).

The figures are those of the reference scorer ``tools/score.py`` by construction: the same
greedy matching of quantity mentions (overlapping span, equal kind, best overlap first), the
same value tolerance (0.5%), the same entity-name normalisation and the same metadata fields,
computed with the same arithmetic so that even the floats are equal. What this module adds is
structure (one small function per rule) and the error lists kept for the report.

Gold is a folder of JSON Lines files (one per document, records typed ``quantity``,
``entity`` or ``document``); output is a folder holding ``quantities.jsonl``,
``entities.jsonl`` and ``documents.jsonl``. Only documents that have gold are scored.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .records import OUTPUT_FILES

Record = dict[str, Any]
RecordsByDoc = dict[str, dict[str, list[Record]]]
"""doc id -> record type (quantity, entity, document) -> records in file order."""

SCORED_TYPES = ("quantity", "entity", "document")
"""The record types SPEC section 4 scores (clauses have no gold)."""
QUANTITY_ATTRIBUTES = ("value", "unit", "bound", "per", "modality")
METADATA_FIELDS = ("city", "date", "doc_type")
VALUE_TOLERANCE = 0.005
"""Relative difference under which two numbers count as the same value (0.5%)."""

_NAME_NOISE = re.compile(r"[\s“”\"'《》〈〉「」『』()（）]")
"""What entity-name comparison ignores: whitespace, quotes and brackets."""


# --- reading ------------------------------------------------------------------------------

def load_jsonl(path: Path) -> list[Record]:
    """The records of a JSON Lines file; a missing file has none (an extractor may skip one)."""
    if not path.exists():
        return []
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: not JSON: {error}") from error
    return records


def _records_by_doc() -> RecordsByDoc:
    return defaultdict(lambda: defaultdict(list))


def load_gold(gold_dir: str | Path) -> RecordsByDoc:
    """Gold records grouped by the ``doc`` they name (not by file name), files in name order."""
    gold = _records_by_doc()
    for path in sorted(p for p in Path(gold_dir).iterdir() if p.name.endswith(".jsonl")):
        for record in load_jsonl(path):
            gold[record["doc"]][record["type"]].append(record)
    return gold


def load_output(out_dir: str | Path) -> RecordsByDoc:
    """Output records grouped by doc; records without a ``doc`` cannot be scored and are skipped."""
    output = _records_by_doc()
    for record_type in SCORED_TYPES:
        file_name = OUTPUT_FILES[record_type]
        for record in load_jsonl(Path(out_dir) / file_name):
            if "doc" in record:
                output[record["doc"]][record_type].append(record)
    return output


# --- comparison rules ---------------------------------------------------------------------

def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1; 0.0 where a ratio has no denominator."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def same_value(a: Any, b: Any) -> bool:
    """Numbers equal within 0.5% of the larger; anything else equal as stripped strings."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return a == b or abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b))
    return str(a).strip() == str(b).strip()


def normalise_name(name: str | None) -> str:
    """An entity name as compared: ``“兴锦人才计划”`` and ``兴锦人才计划`` are one name."""
    return _NAME_NOISE.sub("", name or "")


def overlap(a: Record, b: Record) -> int:
    """Characters two spans share (0 or less when they do not overlap)."""
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


Match = tuple[Record, Record]
"""A matched (gold, prediction) pair."""


def match_quantities(gold: list[Record], pred: list[Record]) -> tuple[list[Match], list[Record], list[Record]]:
    """Greedy one-to-one matching: candidate pairs share a kind and overlap; the largest overlap
    wins, then the closer start, then the earlier gold and prediction.

    Returns ``(matches as (gold, pred), missed gold, spurious predictions)``, each in input order
    except matches, which come in the order they were chosen.
    """
    candidates = sorted(
        (-overlap(g, p), abs(g["start"] - p["start"]), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(pred)
        if p.get("kind") == g.get("kind") and overlap(g, p) > 0
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches = []
    for _, _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            matches.append((gold[gi], pred[pi]))
    missed = [g for gi, g in enumerate(gold) if gi not in used_gold]
    spurious = [p for pi, p in enumerate(pred) if pi not in used_pred]
    return matches, missed, spurious


def attribute_agreement(gold: Record, pred: Record) -> dict[str, bool]:
    """Which attributes of a matched pair agree; absent fields take their defaults
    (unit None, bound ``exact``, per empty), and the value covers ``value_max`` too."""
    return {
        "value": same_value(gold.get("value"), pred.get("value"))
        and same_value(gold.get("value_max"), pred.get("value_max")),
        "unit": (gold.get("unit") or None) == (pred.get("unit") or None),
        "bound": (gold.get("bound") or "exact") == (pred.get("bound") or "exact"),
        "per": list(gold.get("per") or []) == list(pred.get("per") or []),
        "modality": gold.get("modality") == pred.get("modality"),
    }


def entity_set(records: Iterable[Record]) -> set[tuple[Any, str]]:
    """The ``(label, normalised name)`` pairs of a document; the name falls back to the text."""
    return {(r.get("label"), normalise_name(r.get("name") or r.get("text"))) for r in records}


# --- tallies ------------------------------------------------------------------------------

@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def prf(self) -> dict[str, float]:
        return dict(zip(("p", "r", "f1"), prf(self.tp, self.fp, self.fn)))

    def summary(self) -> dict[str, float | int]:
        return {**self.prf(), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class QuantityTally:
    """Quantity matching over all documents, with the records behind the errors."""

    counts: Counts = field(default_factory=Counts)
    by_kind: defaultdict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    agreed: Counter[str] = field(default_factory=Counter)
    missed: list[Record] = field(default_factory=list)
    spurious: list[Record] = field(default_factory=list)
    wrong_values: list[Match] = field(default_factory=list)

    def add_document(self, gold: list[Record], pred: list[Record]) -> None:
        """Match one document's mentions; predictions without a span cannot match and are ignored."""
        matches, missed, spurious = match_quantities(gold, [p for p in pred if "start" in p and "end" in p])
        self.counts.add(tp=len(matches), fp=len(spurious), fn=len(missed))
        for g, p in matches:
            self.by_kind[g["kind"]].add(tp=1)
            agreement = attribute_agreement(g, p)
            self.agreed.update(name for name, ok in agreement.items() if ok)
            if not agreement["value"]:
                self.wrong_values.append((g, p))
        for g in missed:
            self.by_kind[g["kind"]].add(fn=1)
        for p in spurious:
            self.by_kind[p.get("kind", "?")].add(fp=1)
        self.missed += missed
        self.spurious += spurious

    def result(self) -> dict[str, Any]:
        tp = self.counts.tp
        accuracy = {f"{name}_acc": (self.agreed[name] / tp if tp else 0.0) for name in QUANTITY_ATTRIBUTES}
        return {**self.counts.summary(), **accuracy}


@dataclass
class EntityTally:
    """Entity set comparison over all documents, overall and per label."""

    counts: Counts = field(default_factory=Counts)
    by_label: defaultdict[Any, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed: list[Record] = field(default_factory=list)
    spurious: list[Record] = field(default_factory=list)

    def add_document(self, gold: list[Record], pred: list[Record], doc: str = "") -> None:
        gold_set, pred_set = entity_set(gold), entity_set(pred)
        self.missed += _entity_errors(doc, gold_set - pred_set)
        self.spurious += _entity_errors(doc, pred_set - gold_set)
        self.counts.add(tp=len(gold_set & pred_set), fp=len(pred_set - gold_set), fn=len(gold_set - pred_set))
        for label in {label for label, _ in gold_set | pred_set}:
            gold_label = {e for e in gold_set if e[0] == label}
            pred_label = {e for e in pred_set if e[0] == label}
            self.by_label[label].add(tp=len(gold_label & pred_label), fp=len(pred_label - gold_label),
                                     fn=len(gold_label - pred_label))


def _entity_errors(doc: str, pairs: set[tuple[Any, str]]) -> list[Record]:
    return [{"doc": doc, "label": label, "name": name} for label, name in sorted(pairs, key=str)]


@dataclass
class MetadataTally:
    """Per-field accuracy of document metadata, over documents whose gold has the field."""

    correct: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)

    def add_document(self, gold: list[Record], pred: list[Record]) -> None:
        """Only the first document record on each side counts; a missing prediction is all wrong."""
        gold_doc = gold[0] if gold else {}
        pred_doc = pred[0] if pred else {}
        for name in METADATA_FIELDS:
            if name in gold_doc:
                self.total[name] += 1
                if same_value(gold_doc.get(name), pred_doc.get(name)):
                    self.correct[name] += 1

    def result(self) -> dict[str, float]:
        return {name: self.correct[name] / self.total[name] for name in sorted(self.total)}


def _by_key(tallies: dict[Any, Counts]) -> dict[Any, dict[str, float]]:
    """P/R/F1 per kind or label, keys sorted (a missing label, None, last)."""
    return {key: tallies[key].prf() for key in sorted(tallies, key=lambda k: (k is None, k or ""))}


# --- public API ---------------------------------------------------------------------------

def score(gold_dir: str | Path, out_dir: str | Path, docs: list[str] | None = None) -> dict[str, Any]:
    """Score ``out_dir`` against ``gold_dir``, on the gold documents (only ``docs`` when given).

    Returns what ``score.py --json`` prints (docs, quantity, quantity_by_kind, entity,
    entity_by_label, metadata) plus ``errors``: the missed and spurious quantity records, the
    matched pairs whose values differ (``{"gold": ..., "pred": ...}``) and the missed and
    spurious entities (``{"doc", "label", "name"}``), in document order.
    """
    gold, output = load_gold(gold_dir), load_output(out_dir)
    doc_ids = sorted(gold)
    if docs is not None:
        wanted = set(docs)
        doc_ids = [doc for doc in doc_ids if doc in wanted]
    quantities, entities, metadata = QuantityTally(), EntityTally(), MetadataTally()
    for doc in doc_ids:
        quantities.add_document(gold[doc]["quantity"], output[doc]["quantity"])
        entities.add_document(gold[doc]["entity"], output[doc]["entity"], doc)
        metadata.add_document(gold[doc]["document"], output[doc]["document"])
    return {
        "docs": len(doc_ids),
        "quantity": quantities.result(),
        "quantity_by_kind": _by_key(quantities.by_kind),
        "entity": entities.counts.summary(),
        "entity_by_label": _by_key(entities.by_label),
        "metadata": metadata.result(),
        "errors": {
            "missed": quantities.missed,
            "spurious": quantities.spurious,
            "wrong_values": [{"gold": g, "pred": p} for g, p in quantities.wrong_values],
            "missed_entities": entities.missed,
            "spurious_entities": entities.spurious,
        },
    }


def format_report(result: dict[str, Any], errors: int = 0, entity_errors: int = 0) -> str:
    """The score table (as ``score.py`` prints it); with ``errors``, up to that many of each
    quantity error, and with ``entity_errors`` of each entity error (score.py lists none).

    The last line is a one-line summary, so scripts can ``tail -1`` it.
    """
    lines = [f"documents scored: {result['docs']}"]
    lines += _quantity_lines(result["quantity"], result["quantity_by_kind"])
    lines += _entity_lines(result["entity"], result["entity_by_label"])
    lines.append("metadata    " + "  ".join(f"{name} {acc:.2f}" for name, acc in result["metadata"].items()))
    if errors:
        lines += _error_lines(result.get("errors", {}), errors)
    if entity_errors:
        lines += _entity_error_lines(result.get("errors", {}), entity_errors)
    q = result["quantity"]
    lines.append(f"summary quantity_f1={q['f1']:.3f} value_acc={q['value_acc']:.3f} "
                 f"entity_f1={result['entity']['f1']:.3f}")
    return "\n".join(lines)


def _prf_line(name: str, scores: dict[str, float]) -> str:
    return f"  {str(name):9s} P {scores['p']:.3f} R {scores['r']:.3f} F1 {scores['f1']:.3f}"


def _quantity_lines(totals: dict[str, Any], by_kind: dict[str, dict[str, float]]) -> list[str]:
    head = (f"quantities  P {totals['p']:.3f}  R {totals['r']:.3f}  F1 {totals['f1']:.3f}  "
            f"(tp {totals['tp']} fp {totals['fp']} fn {totals['fn']})")
    accuracy = "  of matched: " + "  ".join(
        f"{name} {totals[name + '_acc']:.3f}" for name in QUANTITY_ATTRIBUTES)
    return [head, accuracy] + [_prf_line(kind, scores) for kind, scores in by_kind.items()]


def _entity_lines(totals: dict[str, Any], by_label: dict[Any, dict[str, float]]) -> list[str]:
    head = (f"entities    P {totals['p']:.3f}  R {totals['r']:.3f}  F1 {totals['f1']:.3f}  "
            f"(tp {totals['tp']} fp {totals['fp']} fn {totals['fn']})")
    return [head] + [_prf_line(label, scores) for label, scores in by_label.items()]


def _error_lines(errors: dict[str, list[Any]], limit: int) -> list[str]:
    lines = [f"-- missed quantities (first {limit})"]
    lines += [f"  {_where(r)} {r.get('kind')} {r.get('text')!r}" for r in errors.get("missed", [])[:limit]]
    lines.append(f"-- spurious quantities (first {limit})")
    lines += [f"  {_where(r)} {r.get('kind')} {r.get('text')!r}" for r in errors.get("spurious", [])[:limit]]
    lines.append(f"-- wrong values (first {limit})")
    for pair in errors.get("wrong_values", [])[:limit]:
        g, p = pair["gold"], pair["pred"]
        lines.append(f"  {_where(g)} {g.get('text')!r} gold {g.get('value')!r}/{g.get('value_max')!r} "
                     f"got {p.get('value')!r}/{p.get('value_max')!r}")
    return lines


def _entity_error_lines(errors: dict[str, list[Any]], limit: int) -> list[str]:
    lines = []
    for kind in ("missed", "spurious"):
        lines.append(f"-- {kind} entities (first {limit})")
        lines += [f"  {e['doc']} {e['label']} {e['name']}" for e in errors.get(f"{kind}_entities", [])[:limit]]
    return lines


def _where(record: Record) -> str:
    return f"{record.get('doc')}:{record.get('start')}"
