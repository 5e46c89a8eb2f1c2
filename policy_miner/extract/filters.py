"""Where numbers are not quantity mentions: titles, document numbers, ordinals, set phrases...

The filters produce a character mask over the document; a candidate mention starting in a masked
character is dropped. Masking (rather than deleting text) keeps every offset valid.
"""
from __future__ import annotations

import functools
import re

from ..lexicons import read_rows, read_words
from .grammar import finditer

QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", '"': '"'}
MAX_SET_PHRASE = 10
PLAN_PERIOD = re.compile(r"^十[一二三四五六七八九]五$")
H1_LINE = re.compile(r"(?m)^#[ \t][^\n]*")


@functools.lru_cache(maxsize=None)
def _patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(row[1]) for row in read_rows("non_mentions.tsv"))


@functools.lru_cache(maxsize=None)
def _set_phrases() -> re.Pattern[str]:
    words = sorted(read_words("set_phrases.txt"), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@functools.lru_cache(maxsize=None)
def _body_end_words() -> frozenset[str]:
    return frozenset(read_words("body_end.txt"))


BODY_END_IGNORED = re.compile(r"[\s【】\[\]：:]")
QUOTES = re.compile("[“‘「『\"]")


def body_end(text: str) -> int:
    """Offset where the body ends: the first boilerplate line in the second half, else len(text)."""
    half = len(text) // 2
    offset = 0
    for line in text.splitlines(keepends=True):
        if offset >= half and BODY_END_IGNORED.sub("", line) in _body_end_words():
            return offset
        offset += len(line)
    return len(text)


def _quoted_set_phrases(text: str) -> list[tuple[int, int]]:
    """Short quoted strings (“双一流”, “一人一策”, “两个维护”) are names, not amounts;
    a quoted plan period (“十四五”) is a date and stays."""
    spans = []
    for match in QUOTES.finditer(text):
        close = QUOTE_PAIRS[match.group()]
        end = text.find(close, match.end(), match.end() + MAX_SET_PHRASE + 1)
        if end < 0:
            continue
        inner = text[match.end():end]
        if "\n" in inner or PLAN_PERIOD.match(inner):
            continue
        spans.append((match.start(), end + 1))
    return spans


def non_mention_mask(text: str) -> bytearray:
    """One byte per character: 1 where no quantity mention may start."""
    mask = bytearray(len(text))

    def cover(start: int, end: int) -> None:
        mask[start:end] = b"\x01" * (end - start)

    for pattern in _patterns():
        for match in finditer(pattern, text):
            cover(match.start(), match.end())
    for match in _set_phrases().finditer(text):
        cover(match.start(), match.end())
    for start, end in _quoted_set_phrases(text):
        cover(start, end)
    for match in finditer(H1_LINE, text):
        cover(match.start(), match.end())
    cover(body_end(text), len(text))
    return mask
