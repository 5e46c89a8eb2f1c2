"""Word segmenters: text -> ``(word, jieba POS flag)`` pairs that cover the text in order.

Two back ends share one contract so the spaCy tokenizer does not care which one runs:
jieba (segmentation and tagging in one pass) and a pkuseg model (segmentation), tagged
afterwards by jieba. Each segmenter owns a private jieba dictionary, so the user words of
one pipeline never leak into another or into jieba's global tokenizer.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import jieba
import jieba.posseg

USER_WORD_TAG = "nz"
"""jieba flag for a user word without its own tag: 其他专名, since domain words are names."""

# jieba logs "Building prefix dict ..." at DEBUG to stderr on every initialisation.
logging.getLogger("jieba").setLevel(logging.WARNING)


class JiebaSegmenter:
    """jieba.posseg over a private dictionary extended with domain words."""

    def __init__(self, user_entries: Iterable[tuple[str, str]] = ()) -> None:
        """``user_entries`` are ``(word, flag)`` pairs added with a frequency that keeps them whole."""
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        self._tagger = jieba.posseg.POSTokenizer(tokenizer)
        for word, flag in user_entries:
            tokenizer.add_word(word, tag=flag or USER_WORD_TAG)

    def __call__(self, text: str) -> list[tuple[str, str]]:
        """Segment and tag in one pass; every character of ``text`` (whitespace too) is kept."""
        return [(pair.word, pair.flag) for pair in self._tagger.cut(text)]

    def tag_word(self, word: str) -> str:
        """A jieba flag for a word segmented by someone else.

        The dictionary tag when jieba knows the word; otherwise jieba's own analysis of it:
        a word jieba splits takes the flag of its last piece (Chinese compounds are
        head-final: 人才计划 -> n), except that a word led by a numeral is a numeral (35个 -> m).
        """
        self._tagger.makesure_userdict_loaded()
        known = self._tagger.word_tag_tab.get(word)
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
        """Segment with pkuseg (it drops whitespace; the tokenizer restores it), then tag each word."""
        return [(word, self._tagger.tag_word(word)) for word in self._model.cut(text)]
