"""Coding clauses with policy tools: TF-IDF over words and character n-grams, plus the cue
lexicon, into a linear model (scikit-learn).

Why this shape: a few hundred labelled clauses are too few for a neural model but plenty for a
linear one; words carry the meaning (补贴, 贴息), character n-grams survive segmentation errors
and unseen compounds (人才安居补贴), and the cue lexicon lets a researcher steer the model with
data (a cue adds a feature for its sub-category, so one new cue word generalises). The model is
trained from the shipped clause set the first time it is needed (about a second) rather than
pickled, so it can never drift from the data or from the scikit-learn version.

The words are the extraction pipeline's own (jieba over the user dictionary,
:func:`policy_miner.nlp.default_segmenter`): a document's sentences arrive already segmented,
so the classifier reuses those tokens instead of segmenting every sentence a second time, and
it learns from clauses segmented the same way.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import add

import numpy
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from ..nlp import default_segmenter
from .dataset import LabelledClause, labelled_clauses
from .scheme import cue_words, subcategories

Segmented = tuple[str, Sequence[str]]
"""A clause as the features read it: its text and its words (whitespace left out)."""

REGULARISATION = 16.0
"""Inverse regularisation strength of the logistic regression, chosen by 5-fold cross-validation
on the training split (never on the held-out split)."""

WHITESPACE_RUN = re.compile(r"\s\s+")
"""What scikit-learn's character analyzer folds into one space before taking n-grams."""


def segment(text: str) -> list[str]:
    """Words of a clause, segmented as the extraction pipeline segments a document."""
    return [word for word, _ in default_segmenter()(text) if word.strip()]


def _words(clause: Segmented) -> Sequence[str]:
    return clause[1]


def char_ngrams(clause: Segmented) -> list[str]:
    """The character 1- to 3-grams of a clause's lowercased text, exactly those of
    scikit-learn's ``analyzer="char", ngram_range=(1, 3)``, built by C-level ``map`` over
    shifted copies of the text rather than one slice at a time."""
    text = WHITESPACE_RUN.sub(" ", clause[0].lower())
    bigrams = list(map(add, text, text[1:]))
    return [*text, *bigrams, *map(add, bigrams, text[2:])]


def _cues(clause: Segmented) -> list[str]:
    return cue_features(clause[0])


def cue_features(text: str, cues: dict[str, str] | None = None) -> list[str]:
    """A feature per cue word found, and one per sub-category those cues point to; ``cues``
    (cue word -> sub-category) default to the whole cue lexicon."""
    found = [(cue, sub) for cue, sub in (cue_words() if cues is None else cues).items() if cue in text]
    return [f"cue:{cue}" for cue, _ in found] + [f"tool:{sub}" for _, sub in found]


class FastCounts(CountVectorizer):
    """``CountVectorizer`` (with a callable analyzer) whose ``transform`` looks the features up
    in C (``map`` of ``dict.get``) and counts them with one sparse-matrix conversion.

    The matrix is the one ``CountVectorizer.transform`` returns; scikit-learn gets there by a
    Python loop over every feature of every clause, and that loop was the largest cost of coding
    a document's clauses (a clause of 50 characters has 150 character n-grams). Fitting is
    scikit-learn's own.
    """

    def transform(self, raw_documents: Iterable[Segmented]) -> sp.csr_matrix:
        self._check_vocabulary()
        documents = list(raw_documents)
        rows, columns = self.occurrences(documents)
        # Repeated (row, column) pairs are summed into counts by the conversion to CSR.
        matrix = sp.csr_matrix((numpy.ones(len(rows), dtype=self.dtype), (rows, columns)),
                               shape=(len(documents), len(self.vocabulary_)))
        matrix.sort_indices()
        if self.binary:
            matrix.data.fill(1)
        return matrix

    def occurrences(self, documents: Sequence[Segmented]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """``(rows, columns)``: one pair per known feature occurrence, repeats included."""
        return self._occurrences(documents, self.build_analyzer())

    def _occurrences(self, documents: Sequence[Segmented],
                     analyze: Callable[[Segmented], Sequence[str]]) -> tuple[numpy.ndarray, numpy.ndarray]:
        lookup = self.vocabulary_.get
        columns: list[int] = []
        lengths: list[int] = []
        for document in documents:
            features = analyze(document)
            columns.extend(map(lookup, features, repeat(-1)))  # -1: not in the vocabulary
            lengths.append(len(features))
        found = numpy.array(columns, dtype=numpy.int64)
        rows = numpy.repeat(numpy.arange(len(lengths)), lengths)
        known = found >= 0
        return rows[known], found[known]


CODE_BITS = 21
"""Bits of a Unicode code point (up to U+10FFFF): three of them pack into one 64-bit integer."""


class CharNgramCounts(FastCounts):
    """``FastCounts`` over :func:`char_ngrams`, counting by array operations on the code points.

    After fitting, the vocabulary's n-grams of each length are packed into sorted integer arrays
    (``CODE_BITS`` per character). A batch of clauses is joined with a separator character
    that is no feature (so neither is any n-gram holding it), every n-gram of the joined text
    is packed the same way and looked up with ``searchsorted``: what ``FastCounts`` does one
    n-gram at a time, a clause of 50 characters having 150 of them.
    """

    def fit_transform(self, raw_documents: Iterable[Segmented], y: object = None) -> sp.csr_matrix:
        matrix = super().fit_transform(raw_documents, y)
        self._pack_vocabulary()
        return matrix

    def _pack_vocabulary(self) -> None:
        by_length: dict[int, list[tuple[int, int]]] = {}
        for gram, column in self.vocabulary_.items():
            by_length.setdefault(len(gram), []).append((_pack(gram), column))
        self.packed_: dict[int, tuple[numpy.ndarray, numpy.ndarray]] = {}
        for length, rows in by_length.items():
            rows.sort()
            self.packed_[length] = (numpy.array([key for key, _ in rows], dtype=numpy.uint64),
                                    numpy.array([column for _, column in rows], dtype=numpy.int64))
        self.separator_ = next(chr(code) for code in range(0x110000) if chr(code) not in self.vocabulary_)

    def occurrences(self, documents: Sequence[Segmented]) -> tuple[numpy.ndarray, numpy.ndarray]:
        texts = [WHITESPACE_RUN.sub(" ", clause[0].lower()) for clause in documents]
        joined = self.separator_.join(texts)
        codes = numpy.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        codes = codes.astype(numpy.uint64)
        row_of = numpy.repeat(numpy.arange(len(texts)), [len(text) + 1 for text in texts])[:len(codes)]
        rows, columns = [], []
        for length, (keys, ids) in self.packed_.items():
            count = len(codes) - length + 1
            if count <= 0:
                continue
            packed = codes[:count].copy()
            for shift in range(1, length):
                packed = (packed << numpy.uint64(CODE_BITS)) | codes[shift:shift + count]
            at = numpy.minimum(numpy.searchsorted(keys, packed), len(keys) - 1)
            known = keys[at] == packed
            rows.append(row_of[:count][known])
            columns.append(ids[at[known]])
        row_array = numpy.concatenate(rows) if rows else numpy.zeros(0, dtype=numpy.int64)
        column_array = numpy.concatenate(columns) if columns else numpy.zeros(0, dtype=numpy.int64)
        return row_array, column_array


class CueCounts(FastCounts):
    """``FastCounts`` over the cue features (binary), looking in each clause only for the cues
    the whole batch holds: most of the 150 cue words are in none of a document's sentences."""

    def occurrences(self, documents: Sequence[Segmented]) -> tuple[numpy.ndarray, numpy.ndarray]:
        batch = "\n".join(text for text, _ in documents)  # no cue word holds a line break
        present = {cue: sub for cue, sub in cue_words().items() if cue in batch}
        return self._occurrences(documents, lambda clause: cue_features(clause[0], present))


def _pack(gram: str) -> int:
    """A string of up to three characters as one integer, ``CODE_BITS`` per character."""
    key = 0
    for char in gram:
        key = (key << CODE_BITS) | ord(char)
    return key


def _tfidf(counts: FastCounts) -> Pipeline:
    """scikit-learn's ``TfidfVectorizer(..., sublinear_tf=True)`` step by step: counts (as
    floats, as it counts them) then the TF-IDF weighting."""
    return make_pipeline(counts, TfidfTransformer(sublinear_tf=True))


def _features() -> list[Pipeline | FastCounts]:
    """Word TF-IDF, character 1- to 3-gram TF-IDF and cue indicators."""
    return [_tfidf(FastCounts(analyzer=_words, min_df=1, dtype=numpy.float64)),
            _tfidf(CharNgramCounts(analyzer=char_ngrams, min_df=2, dtype=numpy.float64)),
            CueCounts(analyzer=_cues, binary=True)]


class ToolClassifier:
    """Predicts a clause's sub-category (and so its category) with a confidence.

    The three feature blocks are stacked side by side and fed to a logistic regression, which
    is what a scikit-learn ``FeatureUnion`` in a ``Pipeline`` does; done by hand because their
    per-call machinery (joblib dispatch, output wrapping, validation) cost more than the features
    of a short document.
    """

    def __init__(self, clauses: Iterable[LabelledClause], segmenter: Callable[[str], list[str]] = segment):
        """Train on ``clauses``, their text segmented by ``segmenter``."""
        clauses = list(clauses)
        self.segmenter = segmenter
        self.features = _features()
        analysed = [(c.text, segmenter(c.text)) for c in clauses]
        matrix = sp.hstack([block.fit_transform(analysed) for block in self.features]).tocsr()
        self.model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000)
        self.model.fit(matrix, [c.subcategory for c in clauses])
        self.classes = list(self.model.classes_)

    def predict(self, texts: Sequence[str],
                words: Sequence[Sequence[str]] | None = None) -> list[tuple[str, str, float]]:
        """``(category, subcategory, confidence)`` per text.

        ``words`` are the texts' words (no whitespace) when the caller has them already, as a
        processed document has for its sentences; otherwise each text is segmented here.
        """
        if not texts:
            return []
        if words is None:
            words = [self.segmenter(text) for text in texts]
        scheme = subcategories()
        results = []
        for row in self.probabilities(list(zip(texts, words))):
            best = int(row.argmax())
            sub = self.classes[best]
            results.append((scheme[sub], sub, round(float(row[best]), 4)))
        return results


    def probabilities(self, analysed: Sequence[Segmented]) -> numpy.ndarray:
        """``predict_proba`` of the clauses (text and words), one row per clause.

        The multinomial logistic regression's softmax over linear scores, summed straight from
        each clause's feature occurrences: building scipy matrices per document and going
        through scikit-learn's validation cost more than the arithmetic for a few dozen clauses.
        Equal to scikit-learn's numbers up to floating-point summation order (tested).
        """
        weights = self.model.coef_.T
        scores = numpy.tile(self.model.intercept_, (len(analysed), 1))
        offset = 0
        for block in self.features:
            counts, idf = (block, None) if isinstance(block, FastCounts) else (step for _, step in block.steps)
            rows, columns, values = _weighted(counts, analysed, None if idf is None else idf.idf_)
            if len(rows):  # cells come sorted by row: sum each row's run of contributions
                starts = numpy.flatnonzero(numpy.diff(rows, prepend=-1))
                scores[rows[starts]] += numpy.add.reduceat(values[:, None] * weights[offset + columns], starts)
            offset += len(counts.vocabulary_)
        scores -= scores.max(axis=1, keepdims=True)
        numpy.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores


def _weighted(counts: FastCounts, analysed: Sequence[Segmented],
              idf: numpy.ndarray | None) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """A feature block's non-zero cells ``(rows, columns, values)``: binary or raw counts, or
    with ``idf`` what ``TfidfTransformer(sublinear_tf=True)`` gives (1 + log count, times the
    idf, each row scaled to unit length)."""
    rows, columns = counts.occurrences(analysed)
    width = len(counts.vocabulary_)
    cells, times = numpy.unique(rows * width + columns, return_counts=True)
    rows, columns = numpy.divmod(cells, width)
    if idf is None:
        return rows, columns, numpy.ones(len(cells)) if counts.binary else times.astype(numpy.float64)
    values = (numpy.log(times) + 1) * idf[columns]
    norms = numpy.sqrt(numpy.bincount(rows, weights=values ** 2, minlength=len(analysed)))
    return rows, columns, values / norms[rows]


@functools.lru_cache(maxsize=1)
def default_classifier() -> ToolClassifier:
    """The classifier trained on the whole shipped clause set (once per process)."""
    return ToolClassifier(labelled_clauses())
