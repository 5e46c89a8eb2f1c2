"""From a document's text to its records, and from a corpus to its output folder.

``Extractor`` holds one NLP pipeline (loading jieba's dictionary is the slow part, so it is done
once); ``run_corpus`` streams every input file through it and accounts for each one in the run
report, so one broken file never stops a run and none is lost silently.
"""
from __future__ import annotations

import functools
import json
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .corpus import SourceFile, iter_corpus
from .extract.entities import COMPONENT as ENTITY_COMPONENT
from .extract.metadata import read_metadata, reference_year
from .extract.names import entity_records
from .extract.quantities import extract_quantities
from .io import atomic_open, atomic_write_text
from .nlp import build_pipeline
from .records import OUTPUT_FILES, Clause, DocumentMeta, Entity, Quantity, to_dict
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


@dataclass
class RunReport:
    """Every input file with what became of it, and totals."""

    files: list[dict[str, Any]] = field(default_factory=list)
    quantities: int = 0
    entities: int = 0
    clauses: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f["status"] == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def summary(self) -> str:
        return (f"policy-miner: {len(self.files)} files: {self.count('processed')} processed, "
                f"{self.count('skipped')} skipped, {self.failed} failed; "
                f"{self.quantities} quantities, {self.entities} entities, {self.clauses} clauses "
                f"in {self.seconds:.1f}s")

    def to_dict(self) -> dict[str, Any]:
        return {"summary": {"files": len(self.files), "processed": self.count("processed"),
                            "skipped": self.count("skipped"), "failed": self.failed,
                            "quantities": self.quantities, "entities": self.entities, "clauses": self.clauses,
                            "seconds": round(self.seconds, 3)},
                "files": self.files}


def _file_entry(source: SourceFile, status: str, reason: str | None,
                result: DocumentResult | None = None) -> dict[str, Any]:
    return {"path": str(source.path), "doc": source.doc_id, "status": status, "reason": reason,
            "format": source.format, "encoding": source.encoding,
            "quantities": len(result.quantities) if result else 0,
            "entities": len(result.entities) if result else 0,
            "clauses": len(result.clauses) if result else 0}


def _json_line(record: Any) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False) + "\n"


def run_corpus(paths: Sequence[str | Path], out_dir: str | Path, extractor: Extractor) -> RunReport:
    """Extract every document under ``paths`` into ``out_dir`` (quantities.jsonl,
    entities.jsonl, documents.jsonl, clauses.jsonl, report.json), each file written atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = RunReport()
    began = time.perf_counter()
    with ExitStack() as stack:
        files = {kind: stack.enter_context(atomic_open(out / name)) for kind, name in OUTPUT_FILES.items()}
        for source in iter_corpus(paths):
            if source.status != "processed" or source.text is None:
                report.files.append(_file_entry(source, source.status, source.reason))
                continue
            try:
                result = extractor.extract(source.text, source.doc_id)
            except Exception as error:  # one broken document never stops the run
                report.files.append(_file_entry(source, "failed", f"extraction error: {error!r}"))
                continue
            result.meta.source, result.meta.encoding = str(source.path), source.encoding
            result.meta.format = source.format
            files["document"].write(_json_line(result.meta))
            files["quantity"].writelines(_json_line(q) for q in result.quantities)
            files["entity"].writelines(_json_line(e) for e in result.entities)
            files["clause"].writelines(_json_line(c) for c in result.clauses)
            report.quantities += len(result.quantities)
            report.entities += len(result.entities)
            report.clauses += len(result.clauses)
            report.files.append(_file_entry(source, "processed", None, result))
    report.seconds = time.perf_counter() - began
    atomic_write_text(out / "report.json", json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    return report
