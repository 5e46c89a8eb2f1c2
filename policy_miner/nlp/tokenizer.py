"""A spaCy tokenizer over a segmenter: exact offsets, jieba tags and Universal POS."""
from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import Vocab

from policy_miner.lexicons import read_rows

Segmenter = Callable[[str], list[tuple[str, str]]]
"""text -> (word, jieba flag) pairs; the non-whitespace characters of the words are the text's."""

PERCENT_SIGNS = frozenset("%％‰")

WHITESPACE_FLAG = "x"
"""jieba's flag for whitespace; such tokens get the UPOS ``SPACE``."""


@functools.lru_cache(maxsize=None)
def upos_table() -> dict[str, str]:
    """jieba flag -> Universal POS, from ``lexicons/jieba_upos.tsv``."""
    return {row[0]: row[1] for row in read_rows("jieba_upos.tsv")}


def to_upos(word: str, flag: str) -> str:
    """The Universal POS of a word with a jieba flag.

    jieba flags every non-Chinese sign ``x``, so ``%`` or ``+`` would look like punctuation: an
    ``x`` word made of symbols (Unicode category S*, or a percent sign) is SYM instead.
    """
    if word.isspace():
        return "SPACE"
    pos = upos_table().get(flag, "X")
    if pos == "PUNCT" and all(_is_symbol(ch) for ch in word):
        return "SYM"
    return pos


def _is_symbol(ch: str) -> bool:
    """Unicode files the percent signs under punctuation; UD treats them as symbols."""
    return ch in PERCENT_SIGNS or unicodedata.category(ch).startswith("S")


class SegmentingTokenizer:
    """spaCy tokenizer: runs the segmenter once and builds the Doc from its words.

    Offsets come from ``spacy.util.get_words_and_spaces``, which aligns the words with the
    text, so ``token.idx`` points into the original string even where the segmenter dropped
    or split whitespace: a single space after a word becomes its trailing space, any other
    whitespace run a token of its own.
    """

    def __init__(self, vocab: Vocab, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        pairs = [(word, flag) for word, flag in self.segmenter(text) if word and not word.isspace()]
        words, spaces = get_words_and_spaces([word for word, _ in pairs], text)
        flags = iter(flag for _, flag in pairs)
        tags = [WHITESPACE_FLAG if word.isspace() else next(flags) for word in words]
        pos = [to_upos(word, tag) for word, tag in zip(words, tags)]
        return Doc(self.vocab, words=words, spaces=spaces, tags=tags, pos=pos)
