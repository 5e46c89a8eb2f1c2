"""Typed records: the one place that knows the shape of what policy-miner writes.

The shapes follow ``SPEC.md`` (quantity mentions, entities, document metadata).
Every writer and reader goes through these dataclasses (the corpus writer serialises them
directly with orjson; tables use :func:`to_dict`, readers :func:`from_dict`), so a field added
here appears everywhere at once.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Union

Value = Union[int, float, str, None]

QUANTITY_KINDS = ("money", "people", "count", "percent", "measure", "date", "duration")
BOUNDS = ("exact", "max", "min", "approx")
MODALITIES = ("target", "incentive", "achieved", "requirement", "other")
WHEN_ROLES = ("deadline", "as_of", "since", "during", "point")
ENTITY_LABELS = ("PROGRAM", "POLICY", "AGENCY", "ORG", "PLACE")
TOOL_CATEGORIES = ("supply", "environment", "demand", "none")


@dataclass
class When:
    """The time a non-date quantity belongs to (``到2025年`` -> deadline 2025)."""

    text: str
    value: str | None
    role: str


@dataclass
class Quantity:
    """One quantity mention; ``text == document_text[start:end]`` always holds.

    ``sentence`` is the source sentence, which starts at ``sentence_start`` in the document,
    so the graph and exports can quote and locate it without the raw text.
    """

    doc: str
    start: int
    end: int
    text: str
    kind: str
    value: Value
    value_max: Value = None
    unit: str | None = None
    bound: str = "exact"
    per: list[str] = field(default_factory=list)
    modality: str = "other"
    subject: str = ""
    when: When | None = None
    program: str | None = None
    sentence: str = ""
    sentence_start: int = 0
    type: str = "quantity"


@dataclass
class Entity:
    """One entity mention (SPEC section 2); ``name`` is its canonical form."""

    doc: str
    start: int
    end: int
    text: str
    label: str
    name: str
    sentence: str = ""
    sentence_start: int = 0
    type: str = "entity"


@dataclass
class DocumentMeta:
    """Document metadata (SPEC section 3) plus provenance of the source file."""

    doc: str
    title: str | None = None
    doc_type: str | None = None
    date: str | None = None
    issuer: str | None = None
    province: str | None = None
    city: str | None = None
    source: str | None = None
    encoding: str | None = None
    format: str | None = None
    chars: int = 0
    type: str = "document"


@dataclass
class Clause:
    """One clause (sentence or list item) coded with a policy tool (``lexicons/policy_tool_scheme.tsv``).

    ``category`` is supply, environment, demand or none; ``subcategory`` refines it;
    ``confidence`` is the classifier's probability of that sub-category.
    """

    doc: str
    start: int
    end: int
    text: str
    category: str
    subcategory: str
    confidence: float
    type: str = "clause"


def to_dict(record: Any) -> dict[str, Any]:
    """A JSON-ready dict of a record (nested ``When`` included).

    What ``dataclasses.asdict`` gives, without its deep copy of every value: records hold only
    strings, numbers, lists of strings and a ``When``, and serialising them is a measurable part
    of a corpus run (tens of records per document).
    """
    out = {}
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, _SCALARS):
            pass
        elif isinstance(value, list):
            value = list(value)
        elif is_dataclass(value):
            value = to_dict(value)
        out[name] = value
    return out


_SCALARS = (str, int, float, type(None))


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


RECORD_TYPES: dict[str, type] = {"quantity": Quantity, "entity": Entity, "document": DocumentMeta,
                                 "clause": Clause}
"""Record classes by their ``type`` field."""

OUTPUT_FILES = {"quantity": "quantities.jsonl", "entity": "entities.jsonl", "document": "documents.jsonl",
                "clause": "clauses.jsonl"}
"""The JSON Lines file of each record type in an output folder."""


def from_dict(data: dict[str, Any]) -> Quantity | Entity | DocumentMeta | Clause:
    """Rebuild a record from its JSON form, by its ``type`` (unknown keys are ignored, so
    outputs of an older or newer version still load)."""
    cls = RECORD_TYPES[data.get("type", "")]
    names = {f.name for f in fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    if kwargs.get("when") is not None:
        kwargs["when"] = When(**kwargs["when"])
    return cls(**kwargs)
