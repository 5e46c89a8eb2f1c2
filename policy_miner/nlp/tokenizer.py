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
from spacy.errors import Errors
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


def align(words: Sequence[str], text: str) -> tuple[list[str], list[bool], list[int]]:
    """``spacy.util.get_words_and_spaces`` (same tokens, same spaces), plus each token's offset.

    A single space after a word becomes its trailing space, any other whitespace run a token of
    its own. spaCy's version slices the rest of the text for every word, which is quadratic in
    the length of a document; this one searches from an offset. ValueError (spaCy's E194) when
    the words are not the text's.
    """
    tokens: list[str] = []
    spaces: list[bool] = []
    starts: list[int] = []
    position, length = 0, len(text)
    for word in words:
        found = text.find(word, position)
        if found < 0 or (found > position and not text[position:found].isspace()):
            raise ValueError(Errors.E194.format(text=text, words=words))
        if found > position:
            tokens.append(text[position:found])
            spaces.append(False)
            starts.append(position)
        tokens.append(word)
        spaces.append(False)
        starts.append(found)
        position = found + len(word)
        if position < length and text[position] == " ":
            spaces[-1] = True
            position += 1
    if position < length:
        if not text[position:].isspace():
            raise ValueError(Errors.E194.format(text=text, words=words))
        tokens.append(text[position:])
        spaces.append(False)
        starts.append(position)
    return tokens, spaces, starts


class SegmentingTokenizer:
    """spaCy tokenizer: runs the segmenter once and builds the Doc from its words.

    Offsets come from :func:`align`, which aligns the words with the text, so ``token.idx``
    points into the original string even where the segmenter dropped or split whitespace.
    """

    def __init__(self, vocab: Vocab, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        pairs = [(word, flag) for word, flag in self.segmenter(text) if word and not word.isspace()]
        words, spaces, starts = align([word for word, _ in pairs], text)
        flags = iter(flag for _, flag in pairs)
        tags = [WHITESPACE_FLAG if word.isspace() else next(flags) for word in words]
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
