"""The NLP pipeline: a spaCy ``zh`` Language with a pluggable word segmenter.

``build_pipeline()`` returns ``spacy.blank("zh")`` whose tokenizer segments with jieba
(default) or with a pkuseg model, and whose only component splits sentences. Every token
carries the jieba/ICTCLAS flag in ``token.tag_`` and a Universal POS in ``token.pos_``
(``lexicons/jieba_upos.tsv``); ``token.idx`` points into the original text exactly.
No statistical spaCy model is used: policy texts need segmentation that keeps domain words
(program names, agencies, units) whole, which a user dictionary gives and a model does not.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

import spacy
from spacy.language import Language

from policy_miner.lexicons import read_rows
from policy_miner.nlp.segmenters import JiebaSegmenter, PkusegSegmenter
from policy_miner.nlp.sentences import SENTENCIZER, SentenceIndex, sentence_boundaries, sentence_spans
from policy_miner.nlp.tokenizer import SegmentingTokenizer, TokenTable, to_upos, token_table

__all__ = [
    "SEGMENTERS",
    "SENTENCIZER",
    "SentenceIndex",
    "TokenTable",
    "build_pipeline",
    "default_segmenter",
    "load_user_words",
    "sentence_boundaries",
    "sentence_spans",
    "to_upos",
    "token_table",
]

SEGMENTERS = ("jieba", "pkuseg")
USERDICT = "userdict.txt"


def load_user_words() -> list[str]:
    """The domain words of ``lexicons/userdict.txt`` (one per line, ``#`` comments)."""
    return [word for word, _ in _userdict_entries()]


def _userdict_entries() -> list[tuple[str, str]]:
    """``(word, jieba flag)`` from the user dictionary; the flag is its third cell, if any.

    The frequency cell is not used: jieba's suggested frequency already keeps a word whole.
    """
    return [(row[0], row[2] if len(row) > 2 else "") for row in read_rows(USERDICT) if row and row[0]]


@functools.lru_cache(maxsize=1)
def default_segmenter() -> JiebaSegmenter:
    """jieba over ``lexicons/userdict.txt``, loaded once per process (about a second) and shared
    by the default pipelines and the tool classifier; nothing adds words to it afterwards."""
    return JiebaSegmenter(_userdict_entries())


def build_pipeline(segmenter: str = "jieba", pkuseg_model: str | None = None,
                   user_words: Iterable[str] | None = None) -> Language:
    """A ``zh`` pipeline segmenting with ``segmenter`` ("jieba" or "pkuseg").

    ``pkuseg_model`` is the directory of a model made by ``spacy_pkuseg.train`` (required for
    "pkuseg"; ValueError when missing or invalid). ``user_words`` default to the words of
    ``lexicons/userdict.txt``; they are kept whole by either segmenter. pkuseg tokens are
    tagged by jieba word by word (``JiebaSegmenter.tag_word``), so both paths share one tag set.
    """
    if segmenter not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {segmenter!r}: choose one of {', '.join(SEGMENTERS)}")
    if user_words is None:
        entries = _userdict_entries()
    else:
        entries = [(word, "") for word in (w.strip() for w in user_words) if word]
    if segmenter == "pkuseg":
        if not pkuseg_model:
            raise ValueError("--segmenter pkuseg needs a model: pass --pkuseg-model PATH "
                             "(a folder made by spacy_pkuseg.train)")
        chosen: JiebaSegmenter | PkusegSegmenter = PkusegSegmenter(pkuseg_model, entries)
    elif user_words is None:
        chosen = default_segmenter()
    else:
        chosen = JiebaSegmenter(entries)
    nlp = spacy.blank("zh")
    nlp.tokenizer = SegmentingTokenizer(nlp.vocab, chosen)
    nlp.add_pipe(SENTENCIZER)
    return nlp
