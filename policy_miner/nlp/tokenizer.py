"""A spaCy tokenizer over a segmenter: exact offsets, jieba tags and Universal POS.

Besides the ``Doc`` it keeps the tokens as plain lists (:class:`TokenTable`, read with
:func:`token_table`): the extractors read every token's text and tag several times over, and
spaCy builds a new ``Token`` object on each access, which cost more than all of the matching.
"""
from __future__ import annotations

import bisect
import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy
from spacy.attrs import POS, TAG
from spacy.parts_of_speech import IDS as UPOS_IDS
from spacy.tokens import Doc
from spacy.vocab import Vocab

from policy_miner.lexicons import read_rows

Segmenter = Callable[[str], list[tuple[str, str]]]
"""text -> (word, jieba flag) pairs; the non-whitespace characters of the words are the text's."""

PERCENT_SIGNS = frozenset("%％‰")

WHITESPACE_FLAG = "x"
"""jieba's flag for whitespace; such tokens get the UPOS ``SPACE``."""

TABLE_KEY = "policy_miner.tokens"
"""Where :class:`SegmentingTokenizer` leaves a document's token lists in ``doc.user_data`` (as a
plain tuple, so ``Doc.to_bytes`` can still serialise the user data)."""


@functools.lru_cache(maxsize=None)
def upos_table() -> dict[str, str]:
    """jieba flag -> Universal POS, from ``lexicons/jieba_upos.tsv``."""
    return {row[0]: row[1] for row in read_rows("jieba_upos.tsv")}


@functools.lru_cache(maxsize=4096)
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


@dataclass(frozen=True)
class TokenTable:
    """A document's tokens as parallel lists: ``words[i]`` starts at ``starts[i]`` in ``text``
    and has the jieba flag ``tags[i]``; whitespace tokens included, as in the ``Doc``."""

    text: str
    words: Sequence[str]
    starts: Sequence[int]
    tags: Sequence[str]

    def __len__(self) -> int:
        return len(self.words)

    def end(self, i: int) -> int:
        """Offset just after token ``i``."""
        return self.starts[i] + len(self.words[i])

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens ``start`` to ``end - 1``, as ``doc[start:end].text`` (the last
        token's trailing space left out)."""
        if end <= start:
            return ""
        return self.text[self.starts[start]:self.end(end - 1)]

    def first_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset`` (``len(self)`` if none)."""
        return bisect.bisect_left(self.starts, offset)


def token_table(doc: Doc) -> TokenTable:
    """The tokens of ``doc`` as lists: the tokenizer's own copy, or one read from the ``Doc``
    (a ``Doc`` built some other way) and kept with it."""
    lists = doc.user_data.get(TABLE_KEY)
    if lists is None:
        lists = (doc.text, [t.text for t in doc], [t.idx for t in doc], [t.tag_ for t in doc])
        doc.user_data[TABLE_KEY] = lists
    return TokenTable(*lists)


def spacy_tokens(pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[bool], list[int], list[str]]:
    """spaCy's tokens for segmenter pairs that cover a text: words, trailing spaces, offsets, flags.

    Whitespace as ``spacy.util.get_words_and_spaces`` lays it out: a single space after a word
    becomes that word's trailing space, and any other whitespace run is a token of its own (flag
    x). Since the pairs cover the text, each offset is the length of the text before it, and
    one pass over the pairs does what searching the text for every word (spaCy's way, quadratic
    in the length of a document) did.
    """
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[int] = []
    tags: list[str] = []
    position = 0
    gap = ""  # the whitespace read since the last word
    for word, flag in pairs:
        if word.isspace():
            gap += word
            continue
        if gap:
            _add_gap(gap, position, words, spaces, starts, tags)
            position += len(gap)
            gap = ""
        words.append(word)
        spaces.append(False)
        starts.append(position)
        tags.append(flag)
        position += len(word)
    if gap:
        _add_gap(gap, position, words, spaces, starts, tags)
    return words, spaces, starts, tags


def _add_gap(gap: str, start: int, words: list[str], spaces: list[bool], starts: list[int],
             tags: list[str]) -> None:
    """Lay out the whitespace ``gap`` found at ``start``, after the last token added (if any)."""
    if words and gap[0] == " ":
        spaces[-1] = True
        gap, start = gap[1:], start + 1
    if gap:
        words.append(gap)
        spaces.append(False)
        starts.append(start)
        tags.append(WHITESPACE_FLAG)


class SegmentingTokenizer:
    """spaCy tokenizer: runs the segmenter once and builds the Doc from its words.

    Offsets come from :func:`spacy_tokens`, counted over words that cover the text (segmenters
    promise that), so ``token.idx`` points into the original string.
    """

    def __init__(self, vocab: Vocab, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        words, spaces, starts, tags = spacy_tokens(self.segmenter(text))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if words:  # TAG and POS in one array: Doc(tags=..., pos=...) sets them token by token
            doc.from_array([TAG, POS], self._annotations(words, tags))
        doc.user_data[TABLE_KEY] = (text, words, starts, tags)
        return doc

    def _annotations(self, words: list[str], tags: list[str]) -> numpy.ndarray:
        """One row per token: the string id of its tag and the id of its Universal POS.

        Computed once per distinct tag: only a punctuation flag needs the word itself
        (symbols are SYM), and whitespace tokens always carry the flag x.
        """
        strings, table = self.vocab.strings, upos_table()
        tag_ids = {tag: strings.add(tag) for tag in set(tags)}
        pos_by_tag = {tag: table.get(tag, "X") for tag in tag_ids}
        annotations = numpy.empty((len(words), 2), dtype="uint64")
        annotations[:, 0] = [tag_ids[tag] for tag in tags]
        annotations[:, 1] = [UPOS_IDS[to_upos(word, tag) if pos_by_tag[tag] == "PUNCT" else pos_by_tag[tag]]
                             for word, tag in zip(words, tags)]
        return annotations
