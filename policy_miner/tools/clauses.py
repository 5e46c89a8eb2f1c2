"""A document's clauses coded with policy tools: the ``clauses.jsonl`` records."""
from __future__ import annotations

from itertools import filterfalse

from spacy.tokens import Doc

from ..nlp import sentence_spans, token_table
from ..nlp.tokenizer import TokenTable
from ..records import Clause
from .classifier import ToolClassifier, default_classifier


def tool_clauses(doc: Doc, doc_id: str, classifier: ToolClassifier | None = None) -> list[Clause]:
    """Every sentence of a processed document (a list item ends in ；, so it is one too), coded
    with its policy tool, ``none`` included: shares per city need the denominator. The
    classifier reads each sentence's words from the document's tokens."""
    spans = sentence_spans(doc)
    tokens = token_table(doc)
    texts = [tokens.text[start:end] for start, end in spans]
    words = [sentence_words(tokens, start, end) for start, end in spans]
    predictions = (classifier or default_classifier()).predict(texts, words)
    return [Clause(doc=doc_id, start=start, end=end, text=text, category=category, subcategory=sub,
                   confidence=confidence)
            for (start, end), text, (category, sub, confidence) in zip(spans, texts, predictions)]


def sentence_words(tokens: TokenTable, start: int, end: int) -> list[str]:
    """The words of the tokens starting from ``start`` to before ``end``, whitespace tokens
    left out (by C-level ``filterfalse``, a sentence having some twenty tokens)."""
    return list(filterfalse(str.isspace, tokens.words[tokens.first_at(start):tokens.first_at(end)]))
