"""A document's clauses coded with policy tools: the ``clauses.jsonl`` records."""
from __future__ import annotations

from spacy.tokens import Doc

from ..nlp import sentence_spans
from ..records import Clause
from .classifier import ToolClassifier, default_classifier


def tool_clauses(doc: Doc, doc_id: str, classifier: ToolClassifier | None = None) -> list[Clause]:
    """Every sentence of a processed document (a list item ends in ；, so it is one too), coded
    with its policy tool, ``none`` included: shares per city need the denominator."""
    spans = sentence_spans(doc)
    texts = [doc.text[start:end] for start, end in spans]
    predictions = (classifier or default_classifier()).predict(texts)
    return [Clause(doc=doc_id, start=start, end=end, text=text, category=category, subcategory=sub,
                   confidence=confidence)
            for (start, end), text, (category, sub, confidence) in zip(spans, texts, predictions)]
