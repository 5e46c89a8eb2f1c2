"""From a document's text to its records.

``Extractor`` holds one NLP pipeline (loading jieba's dictionary is the slow part, so it is done
once) and applies it to any number of texts; ``policy_miner.run`` takes it over a corpus.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .extract.entities import COMPONENT as ENTITY_COMPONENT
from .extract.metadata import read_metadata, reference_year
from .extract.names import entity_records
from .extract.quantities import extract_quantities
from .nlp import build_pipeline
from .records import Clause, DocumentMeta, Entity, Quantity
from .tools.clauses import tool_clauses


@dataclass
class DocumentResult:
    """Everything extracted from one document."""

    meta: DocumentMeta
    quantities: list[Quantity]
    entities: list[Entity]
    clauses: list[Clause] = field(default_factory=list)


class Extractor:
    """One loaded pipeline, applied to any number of documents."""

    def __init__(self, segmenter: str = "jieba", pkuseg_model: str | None = None):
        self.nlp = build_pipeline(segmenter=segmenter, pkuseg_model=pkuseg_model)
        self.nlp.add_pipe(ENTITY_COMPONENT)

    def extract(self, text: str, doc_id: str) -> DocumentResult:
        """Metadata, entities and quantity mentions of one document text."""
        doc = self.nlp(text)
        meta, where = read_metadata(text, doc_id, doc)
        entities = entity_records(doc, doc_id, where)
        quantities = extract_quantities(doc, doc_id, meta.doc_type, reference_year(meta), entities)
        return DocumentResult(meta, quantities, entities, tool_clauses(doc, doc_id))


@functools.lru_cache(maxsize=None)
def default_extractor() -> Extractor:
    """The jieba pipeline, built on first use and shared by ``extract_text`` calls."""
    return Extractor()


def extract_text(text: str, doc_id: str = "doc", extractor: Extractor | None = None) -> list[Quantity]:
    """Quantity records of one text, the same as ``policy-miner extract`` writes (for notebooks)."""
    return (extractor or default_extractor()).extract(text, doc_id).quantities
