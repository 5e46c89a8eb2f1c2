"""Word segmenters: text -> ``(word, jieba POS flag)`` pairs that cover the text in order.

Two back ends share one contract so the spaCy tokenizer does not care which one runs:
jieba (segmentation, then flags) and a pkuseg model (segmentation), tagged afterwards by
jieba. Each segmenter owns a private jieba dictionary, so the user words of one pipeline never
leak into another or into jieba's global tokenizer.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from itertools import repeat
from math import log
from pathlib import Path

import jieba
import rjieba
from jieba._compat import get_module_res
from jieba.posseg import char_state_tab_P, emit_P, start_P
from spacy.errors import Errors

USER_WORD_TAG = "nz"
"""jieba flag for a user word without its own tag: 其他专名, since domain words are names."""

# The patterns jieba.posseg splits text with, so words (numbers above all: 18.7 / %) come out
# exactly as jieba.posseg cuts them.
BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&._]+)")
"""Runs segmented through the dictionary; every character outside them is a word flagged x."""
HAN = re.compile(r"([\u4E00-\u9FD5]+)")
NON_HAN_WORD = re.compile(r"([.0-9]+|[a-zA-Z0-9]+)")
NUMBER = re.compile(r"[.0-9]+")
ENGLISH = re.compile(r"[a-zA-Z0-9]")

UNKNOWN_LOG_COUNT = 0.0
"""log(1): jieba counts a character missing from its dictionary once."""
MIN_FLOAT = -3.14e100
"""jieba's log probability of an emission its HMM never saw."""
ALL_STATES = tuple(start_P)
BLOCK_SEPARATOR = "\n"
"""Joins the blocks of a text for one jieba-rs call (see ``JiebaSegmenter._routes``)."""
UNMATCHABLE = "\ue000"
"""A private-use character, never inside a block: the word that carries the counts jieba's total
has beyond the sum of its word counts (see :func:`route_index`)."""

# jieba logs "Building prefix dict ..." at DEBUG to stderr on every initialisation.
logging.getLogger("jieba").setLevel(logging.WARNING)


@functools.lru_cache(maxsize=1)
def dictionary_flags() -> dict[str, str]:
    """Word -> flag of jieba's own dictionary, as ``jieba.posseg.POSTokenizer`` reads them.

    Each line of the file is ``word count flag``. POSTokenizer parses it line by line in Python
    (half a second, at every pipeline start); one split of the whole file gives the same table
    in a fifth of that. Read once per process; callers copy before adding their own words.
    """
    with get_module_res(jieba.DEFAULT_DICT_NAME) as handle:
        fields = handle.read().decode("utf-8").split()
    if len(fields) % 3:
        raise ValueError(f"jieba's dictionary {jieba.DEFAULT_DICT_NAME} has a line without three fields")
    return dict(zip(fields[0::3], fields[2::3]))


@functools.lru_cache(maxsize=8192)
def hmm_flag(char: str) -> str:
    """The flag jieba.posseg's HMM gives a Chinese character on its own: its most probable
    (position, flag) state, as posseg's Viterbi over that one character finds it. Cached: the
    same characters come back in every document."""
    states = char_state_tab_P.get(char, ALL_STATES)
    return max((start_P[state] + emit_P[state].get(char, MIN_FLOAT), state) for state in states)[1][1]


def route_index(tokenizer: jieba.Tokenizer) -> rjieba.Jieba:
    """A jieba-rs dictionary holding exactly the words and counts of ``tokenizer``, and its total.

    jieba's total is not always the sum of its counts (``add_word`` on a word it already has adds
    the new count to the total without taking the old one out), and every word's score depends
    on the total. jieba-rs sums the counts it is given, so the difference goes to one word no
    block can contain.
    """
    index = rjieba.Jieba.empty()
    counted = 0
    for word, count in tokenizer.FREQ.items():
        if count:
            index.add_word(word, count, None)
            counted += count
    if tokenizer.total > counted:
        index.add_word(UNMATCHABLE, tokenizer.total - counted, None)
    return index


class JiebaSegmenter:
    """jieba over a private dictionary extended with domain words, flags from its tag table.

    The words are jieba.posseg's wherever the dictionary decides: the same blocks, the same
    most probable route through each block, dictionary flags. What differs is the part that
    makes posseg four times slower than plain jieba: a run of two or more characters the route
    leaves single and that is no word (由市, 驻锦) goes, in posseg, through a joint segmentation
    and tagging HMM costing about 100 µs a character. Here each character of such a run stays a
    word of its own, flagged by posseg's HMM (:func:`hmm_flag`); the entity grammar reads runs
    of one-character words as unknown names, and on the sample corpus and the labelled clauses
    this agrees with posseg more often than jieba's segmentation HMM (``jieba.finalseg``) would.
    """

    def __init__(self, user_entries: Iterable[tuple[str, str]] = ()) -> None:
        """``user_entries`` are ``(word, flag)`` pairs added with a frequency that keeps them whole."""
        tokenizer = jieba.Tokenizer()  # jieba's own dictionary, the one dictionary_flags reads
        tokenizer.initialize()
        for word, flag in user_entries:
            tokenizer.add_word(word, tag=flag or USER_WORD_TAG)
        self._tokenizer = tokenizer
        self._flags: dict[str, str] = {**dictionary_flags(), **tokenizer.user_word_tag_tab}
        self._index = route_index(tokenizer)
        self._ambiguous = frozenset(word for word, count in tokenizer.FREQ.items()
                                    if count and len(word) > 1 and word.isascii() and word.isalnum())

    def __call__(self, text: str) -> list[tuple[str, str]]:
        """Segment and tag; every character of ``text`` (whitespace too) is kept."""
        pieces = BLOCK.split(text)  # text between blocks at even indices, blocks at odd ones
        routes = iter(self._routes(pieces[1::2]))
        pairs: list[tuple[str, str]] = []
        for i, piece in enumerate(pieces):
            if i % 2:
                self._cut_block(next(routes), pairs)
            elif piece:  # no ASCII letter or digit is left here: posseg flags every character x
                pairs.extend(zip(piece, repeat("x")))
        return pairs

    def _cut_block(self, route: list[str], pairs: list[tuple[str, str]]) -> None:
        """A block's words on its route; single characters in a row are collected and cut by
        :meth:`_cut_run`."""
        run = ""
        for word in route:
            if len(word) == 1:
                run += word
            else:
                if run:
                    self._cut_run(run, pairs)
                    run = ""
                pairs.append((word, self._flags.get(word, "x")))
        if run:
            self._cut_run(run, pairs)

    def _routes(self, blocks: list[str]) -> list[list[str]]:
        """The words on jieba's most probable route through the dictionary, block by block
        (``get_DAG`` and ``calc``: every dictionary word as an edge, the unknown character as a
        word counted once, the longer word on a tie).

        jieba-rs (through rjieba) walks the route over the same counts and total in the same
        floating-point order, about twenty times faster than jieba in Python. All blocks go in
        one call, joined by a line break: jieba-rs splits its input into blocks by a character
        class holding every character of ours and no line break, so it sees the same blocks, and
        gives each line break back as a word of its own. Its no-HMM cut glues runs of single
        ASCII letters and digits into one word; those are split back into the single characters
        they were on the route. Only when such a glued run is also a dictionary word (no ASCII
        word is one in jieba's or our dictionary today) does it say nothing of the route, and
        the blocks are walked here in Python instead.
        """
        if not blocks:
            return []
        words = self._index.cut(BLOCK_SEPARATOR.join(blocks), False)
        if not self._ambiguous.isdisjoint(words):
            return [self._python_route(block) for block in blocks]
        routes: list[list[str]] = [[]]
        for word in words:
            if word == BLOCK_SEPARATOR:
                routes.append([])
            elif len(word) > 1 and word.isascii() and word.isalnum():
                routes[-1].extend(word)  # glued by the no-HMM cut: single characters on the route
            else:
                routes[-1].append(word)
        return routes

    def _python_route(self, block: str) -> list[str]:
        """One block's route (:meth:`_routes`) in Python: ``jieba.Tokenizer.get_DAG`` and ``calc`` in one backward
        pass (the same candidate words, the same sums in the same order, the same tie-break)."""
        freq = self._tokenizer.FREQ
        log_total = log(self._tokenizer.total)
        length = len(block)
        ends = [0] * length
        scores = [0.0] * (length + 1)  # log probability of the best route from each position on
        for start in range(length - 1, -1, -1):
            best, best_end = 0.0, start  # no word found yet
            end = start + 1
            count = freq.get(block[start])
            while count is not None:  # every dictionary prefix of block[start:]
                if count:
                    score = log(count) - log_total + scores[end]
                    if best_end == start or score >= best:
                        best, best_end = score, end
                if end == length:
                    break
                end += 1
                count = freq.get(block[start:end])
            if best_end == start:  # the character alone, as an unknown word
                best, best_end = UNKNOWN_LOG_COUNT - log_total + scores[start + 1], start + 1
            ends[start], scores[start] = best_end, best
        words, start = [], 0
        while start < length:
            words.append(block[start:ends[start]])
            start = ends[start]
        return words

    def _cut_run(self, run: str, pairs: list[tuple[str, str]]) -> None:
        """Characters the dictionary route left single: dictionary flags when the run is one
        character or a word itself (as posseg), else each Chinese character flagged by the HMM."""
        if len(run) == 1:
            pairs.append((run, self._flags.get(run, "x")))
        elif self._tokenizer.FREQ.get(run):
            pairs.extend((char, self._flags.get(char, "x")) for char in run)
        else:
            for piece in HAN.split(run):
                if not piece:
                    continue
                if HAN.match(piece):
                    pairs.extend((char, hmm_flag(char)) for char in piece)
                else:  # numbers and Latin words as posseg cuts and flags them
                    pairs.extend((word, "m" if NUMBER.match(word) else "eng" if ENGLISH.match(word) else "x")
                                 for word in NON_HAN_WORD.split(piece) if word)

    def tag_word(self, word: str) -> str:
        """A jieba flag for a word segmented by someone else.

        The dictionary tag when jieba knows the word; otherwise jieba's own analysis of it:
        a word jieba splits takes the flag of its last piece (Chinese compounds are
        head-final: 人才计划 -> n), except that a word led by a numeral is a numeral (35个 -> m).
        """
        known = self._flags.get(word)
        if known:
            return known
        flags = [flag for _, flag in self(word)]
        if not flags:
            return "x"
        return "m" if flags[0] == "m" else flags[-1]


class PkusegSegmenter:
    """Segmentation by a pkuseg model directory, POS flags from jieba word by word."""

    def __init__(self, model_dir: str | Path, user_entries: Sequence[tuple[str, str]] = ()) -> None:
        """Load the model at ``model_dir``; ValueError when it is missing or not a pkuseg model.

        ``user_entries`` are ``(word, flag)`` pairs: pkuseg keeps the words whole, and the jieba
        tagger learns their flags. The model is checked before jieba loads its dictionary, so a
        bad path fails at once.
        """
        import spacy_pkuseg  # only needed on this path; its import pulls in numpy and Cython code

        path = Path(model_dir)
        if not path.is_dir():
            raise ValueError(f"pkuseg model not found: {model_dir} is not a directory "
                             "(expected a folder made by spacy_pkuseg.train)")
        if not (path / "weights.npz").is_file():
            raise ValueError(f"not a pkuseg model: {model_dir} has no weights.npz "
                             "(expected a folder made by spacy_pkuseg.train)")
        try:
            words = [word for word, _ in user_entries]
            self._model = spacy_pkuseg.pkuseg(model_name=str(path), user_dict=words)
        except Exception as error:  # pkuseg raises whatever its loaders raise on a broken model
            raise ValueError(f"cannot load pkuseg model {model_dir}: {error}") from error
        self._tagger = JiebaSegmenter(user_entries)

    def __call__(self, text: str) -> list[tuple[str, str]]:
        """Segment with pkuseg, tag each word, and put back the whitespace pkuseg drops."""
        return with_whitespace([(word, self._tagger.tag_word(word)) for word in self._model.cut(text)], text)


def with_whitespace(pairs: Sequence[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """``pairs`` with every whitespace run of ``text`` they leave out put back as a pair (flag x),
    so that they cover the text, as the segmenter contract asks.

    ValueError (spaCy's E194) when the words are not the text's non-whitespace characters in order.
    """
    covered: list[tuple[str, str]] = []
    position = 0
    for word, flag in pairs:
        if not word or word.isspace():
            continue
        found = text.find(word, position)
        if found < 0 or (found > position and not text[position:found].isspace()):
            raise ValueError(Errors.E194.format(text=text, words=[w for w, _ in pairs]))
        if found > position:
            covered.append((text[position:found], "x"))
        covered.append((word, flag))
        position = found + len(word)
    if position < len(text):
        if not text[position:].isspace():
            raise ValueError(Errors.E194.format(text=text, words=[w for w, _ in pairs]))
        covered.append((text[position:], "x"))
    return covered
