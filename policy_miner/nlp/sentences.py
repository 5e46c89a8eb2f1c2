"""Sentence boundaries for Chinese policy text, as a spaCy pipeline component.

A sentence ends after 。！？；!? (with any closing quotes or brackets right after them) and at
every line break, but never inside 《》 or “”: a title or a quotation is kept whole. A line
break also forgets any open 《 or “, so one unbalanced mark cannot swallow the rest of a
document. The scan is one linear pass over the characters.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

import numpy
from spacy.attrs import SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc

from policy_miner.nlp.tokenizer import token_table

SENTENCIZER = "policy_sentencizer"
"""Registered name of the component (``nlp.add_pipe(SENTENCIZER)``)."""

TERMINATORS = frozenset("。！？；!?")
CLOSERS = frozenset("”’」』）)】〕》")
PAIRS = {"《": "》", "“": "”"}
_CLOSING = {close: open_ for open_, close in PAIRS.items()}
_SIGNIFICANT = re.compile("[" + re.escape("".join([*PAIRS, *_CLOSING, *TERMINATORS, "\n"])) + "]")
"""The characters that open or close a quotation, end a sentence or break a line."""


def sentence_boundaries(text: str) -> list[int]:
    """Character offsets where a sentence starts, ascending; 0 and len(text) are left out.

    Whitespace after a sentence end belongs to that sentence, so a boundary is placed after it
    (and the scan resumes there: every character is looked at once). Only quotation marks,
    terminators and line breaks change the state, so the scan jumps from one to the next.
    """
    boundaries: list[int] = []
    depth = dict.fromkeys(PAIRS, 0)
    i, n = 0, len(text)
    while (found := _SIGNIFICANT.search(text, i)) is not None:
        ch = found.group()
        i = found.end()
        if ch in PAIRS:
            depth[ch] += 1
        elif ch in _CLOSING:
            depth[_CLOSING[ch]] = max(0, depth[_CLOSING[ch]] - 1)
        elif ch in TERMINATORS:
            while i < n and (text[i] in TERMINATORS or text[i] in CLOSERS):
                if text[i] in _CLOSING:
                    depth[_CLOSING[text[i]]] = max(0, depth[_CLOSING[text[i]]] - 1)
                i += 1
        if ch == "\n" or (ch in TERMINATORS and not any(depth.values())):
            depth = dict.fromkeys(PAIRS, 0)
            while i < n and text[i].isspace():
                i += 1
            if i < n:
                boundaries.append(i)
    return boundaries


SENTENCES_KEY = "policy_miner.sentences"
"""Where :func:`sentence_spans` keeps a document's sentence offsets (a plain tuple, so
``Doc.to_bytes`` can still serialise the user data)."""


@Language.component(SENTENCIZER)
def policy_sentencizer(doc: Doc) -> Doc:
    """Mark sentence starts; a boundary inside a token starts the next token.

    Written through ``Doc.from_array`` in one call: setting ``token.is_sent_start`` one token
    at a time re-checks the whole document each time, which is quadratic.
    """
    if not len(doc):
        return doc
    table = token_table(doc)
    starts = numpy.full((len(doc), 1), -1, dtype="int64")  # 1 starts a sentence, -1 does not
    starts[0, 0] = 1
    for boundary in sentence_boundaries(table.text):
        first = table.first_at(boundary)
        if first < len(doc):
            starts[first, 0] = 1
    return doc.from_array([SENT_START], starts.astype("uint64"))  # spaCy's array type; -1 wraps


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the sentences, whitespace trimmed, empty ones dropped.

    The extractor works on character offsets into the text, not on token indices. Read from
    the sentence-start array and the token table rather than ``doc.sents``, whose spans build
    their text token by token. Kept in ``doc.user_data`` on first use, since the entity
    records, the quantities and the clauses all ask (set sentence starts before that).
    """
    if not len(doc):
        return []
    known = doc.user_data.get(SENTENCES_KEY)
    if known is not None:
        return list(known)
    if not doc.has_annotation("SENT_START"):
        raise ValueError(Errors.E030)
    table = token_table(doc)
    text = table.text
    firsts = [0, *(int(i) for i in numpy.flatnonzero(doc.to_array(SENT_START) == 1) if i > 0), len(doc)]
    spans = []
    for first, following in zip(firsts, firsts[1:]):
        start, end = table.starts[first], table.end(following - 1)
        sentence = text[start:end]
        stripped = sentence.strip()
        if stripped:
            start += len(sentence) - len(sentence.lstrip())
            spans.append((start, start + len(stripped)))
    doc.user_data[SENTENCES_KEY] = tuple(spans)
    return spans


class SentenceIndex:
    """Sentence lookup by character offset, for records that quote their source sentence.

    Text outside every sentence span (a stray line) falls back to its own line, so every
    offset has a sentence.
    """

    def __init__(self, text: str, spans: Sequence[tuple[int, int]]):
        self.text = text
        self.spans = sorted(spans) or [(0, len(text))]
        self.starts = [s for s, _ in self.spans]

    @classmethod
    def of(cls, doc: Doc) -> "SentenceIndex":
        """The index of a processed document's sentences."""
        return cls(token_table(doc).text, sentence_spans(doc))

    def around(self, start: int) -> tuple[int, int]:
        """``(lo, hi)`` of the sentence holding offset ``start``."""
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        lo, hi = self.spans[i]
        if not lo <= start < hi:
            lo = self.text.rfind("\n", 0, start) + 1
            end = self.text.find("\n", start)
            hi = end if end >= 0 else len(self.text)
        return lo, hi

    def sentence(self, start: int) -> tuple[int, str]:
        """The start offset and the whitespace-trimmed text of the sentence holding ``start``."""
        lo, hi = self.around(start)
        raw = self.text[lo:hi]
        return lo + len(raw) - len(raw.lstrip()), raw.strip()
