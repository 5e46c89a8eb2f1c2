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

import bisect
import functools
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, chain, repeat
from operator import add

import numpy
import scipy.sparse as sp
from scipy.sparse._sparsetools import csr_matvecs
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

SUBLINEAR_TF = numpy.concatenate([[numpy.nan], numpy.log(numpy.arange(1, 64)) + 1])
"""``1 + log(count)`` at index ``count`` (1 to 63; no count is 0), the TF-IDF blocks' term
frequency (scikit-learn's ``sublinear_tf``) for the usual small counts."""

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


def cue_features(text: str) -> list[str]:
    """A feature per cue word found, and one per sub-category those cues point to."""
    found = [(cue, sub) for cue, sub in cue_words().items() if cue in text]
    return [f"cue:{cue}" for cue, _ in found] + [f"tool:{sub}" for _, sub in found]


class FastCounts(CountVectorizer):
    """``CountVectorizer`` (with a callable analyzer) whose ``transform`` looks the features up
    in C (``map`` of ``dict.get``) and counts them with one sparse-matrix conversion.

    The matrix is the one ``CountVectorizer.transform`` returns; scikit-learn gets there by a
    Python loop over every feature of every clause. The classifier itself scores straight from
    :meth:`occurrences`; ``transform`` is that same lookup as scikit-learn's matrix, which is how
    the tests hold it to scikit-learn. Fitting is scikit-learn's own, then
    :meth:`_index_vocabulary` prepares the lookup.
    """

    def fit_transform(self, raw_documents: Iterable[Segmented], y: object = None) -> sp.csr_matrix:
        matrix = super().fit_transform(raw_documents, y)
        self._index_vocabulary()
        return matrix

    def _index_vocabulary(self) -> None:
        """Each feature's column as the 8 bytes of an int64, so that the columns of a batch are
        one ``bytes.join`` away from an array (a list of ints converts one by one)."""
        self.column_bytes_ = {feature: _int64_bytes(column) for feature, column in self.vocabulary_.items()}

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
        """``(rows, columns)``: one pair per known feature occurrence, repeats included.

        The analyzer is called directly: scikit-learn's wrapper only adds its ``decode`` step,
        which reads files or decodes bytes, and leaves a document in memory as it is."""
        features = list(map(self.analyzer, documents))
        found = numpy.frombuffer(b"".join(map(self.column_bytes_.get, chain.from_iterable(features), repeat(UNKNOWN))),
                                 dtype=numpy.int64)
        rows = numpy.repeat(numpy.arange(len(features)), list(map(len, features)))
        known = found >= 0
        return rows[known], found[known]


def _int64_bytes(value: int) -> bytes:
    return value.to_bytes(8, sys.byteorder, signed=True)


UNKNOWN = _int64_bytes(-1)
"""The column of a feature not in the vocabulary, as :meth:`FastCounts.occurrences` reads it."""


class CharNgramCounts(FastCounts):
    """``FastCounts`` over :func:`char_ngrams`, looking the n-grams up by array indexing on the
    code points of all the clauses at once (a clause of 50 characters has 150 n-grams).

    Fitting leaves :class:`NgramTables` of the vocabulary; the clauses are joined with a
    separator that is in no feature, so no n-gram across two clauses is found.
    """

    def _index_vocabulary(self) -> None:
        self.tables_ = NgramTables(self.vocabulary_)

    def occurrences(self, documents: Sequence[Segmented]) -> tuple[numpy.ndarray, numpy.ndarray]:
        texts, joined = self._texts(documents)
        codes = numpy.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        row_of = numpy.repeat(numpy.arange(len(texts)), [len(text) + 1 for text in texts])[:len(codes)]
        columns = self.tables_.columns(codes)
        rows = numpy.concatenate([row_of, row_of[:-1], row_of[:-2]])
        known = columns >= 0
        return rows[known], columns[known]

    def _texts(self, documents: Sequence[Segmented]) -> tuple[list[str], str]:
        """The clauses' texts as :func:`char_ngrams` reads them, and joined by the separator.

        Whitespace is folded clause by clause only when the joined text has a run of it: the
        separator is no whitespace, so a run in the joined text is a run in one clause, and
        most documents have none."""
        separator = self.tables_.separator
        texts = [clause[0].lower() for clause in documents]
        joined = separator.join(texts)
        if WHITESPACE_RUN.search(joined):
            texts = [WHITESPACE_RUN.sub(" ", text) for text in texts]
            joined = separator.join(texts)
        return texts, joined


class NgramTables:
    """A vocabulary of character 1- to 3-grams (gram -> column) as lookup arrays, so that every
    n-gram of a text finds its column by array indexing instead of hashing a new string.

    Characters and bigrams get dense indices: ``char`` maps a code point to the index of its
    character among those of all the grams, ``bigram`` a pair of character indices to the
    bigram's index among the bigrams and the trigrams' first two characters, ``trigram`` (the
    row of its first two characters, the column of its last) to the trigram's column, its rows
    and columns only those that trigrams have, which keeps the table a few megabytes. Each axis
    ends with a slot for "none of these", so every lookup of a string that is no gram lands on
    -1 without a check on the way. The three large tables take the smallest integer type that
    holds their entries, the small ones the index type (indexing converts to it anyway).
    """

    def __init__(self, vocabulary: dict[str, int]):
        grams = {length: [gram for gram in vocabulary if len(gram) == length] for length in (1, 2, 3)}
        if len(vocabulary) != sum(map(len, grams.values())):
            raise ValueError("character n-grams must be 1 to 3 characters long")
        chars = _index({char for gram in vocabulary for char in gram})
        bigrams = _index({*grams[2], *(gram[:2] for gram in grams[3])})
        prefixes, lasts = _index({gram[:2] for gram in grams[3]}), _index({gram[2] for gram in grams[3]})
        self.chars, self.lasts = len(chars) + 1, len(lasts) + 1
        self.separator = next(chr(code) for code in range(0x110000) if chr(code) not in chars and not chr(code).isspace())
        self.char = _table(0x110000, len(chars), {ord(char): i for char, i in chars.items()}, compact=True)
        self.char_column = _table(self.chars, -1, {chars[gram]: vocabulary[gram] for gram in grams[1]})
        self.bigram = _table(self.chars ** 2, len(bigrams),
                             {chars[gram[0]] * self.chars + chars[gram[1]]: i for gram, i in bigrams.items()}, compact=True)
        self.bigram_column = _table(len(bigrams) + 1, -1, {bigrams[gram]: vocabulary[gram] for gram in grams[2]})
        self.prefix_row = _table(len(bigrams) + 1, len(prefixes), {bigrams[gram]: i for gram, i in prefixes.items()})
        self.last_column = _table(self.chars, len(lasts), {chars[char]: i for char, i in lasts.items()})
        self.trigram = _table((len(prefixes) + 1) * self.lasts, -1,
                              {prefixes[gram[:2]] * self.lasts + lasts[gram[2]]: vocabulary[gram] for gram in grams[3]},
                              compact=True)

    def columns(self, codes: numpy.ndarray) -> numpy.ndarray:
        """The column (or -1) of the unigram at every position of ``codes``, then of the bigram
        at every position but the last, then of the trigram at every position but the last two:
        what :func:`char_ngrams` lists, in that order."""
        return numpy.concatenate(self.grams(codes))

    def grams(self, codes: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """The columns (or -1) of the unigrams, bigrams and trigrams of ``codes``, each by the
        position where it starts."""
        chars = self.char.take(codes).astype(numpy.intp)
        pairs = chars[:-1] * self.chars
        pairs += chars[1:]
        bigrams = self.bigram.take(pairs).astype(numpy.intp)
        triples = self.prefix_row.take(bigrams[:-1]) * self.lasts
        triples += self.last_column.take(chars[2:])
        return self.char_column.take(chars), self.bigram_column.take(bigrams), self.trigram.take(triples)


def _index(items: set[str]) -> dict[str, int]:
    """A dense index of ``items``, in sorted order (so that it does not vary between runs)."""
    return {item: i for i, item in enumerate(sorted(items))}


def _table(size: int, fill: int, entries: dict[int, int], compact: bool = False) -> numpy.ndarray:
    """An array of ``size`` slots holding ``fill`` but for ``entries`` (index -> value), of the
    index type or, ``compact``, of the smallest signed integer type that holds them all."""
    dtype = numpy.min_scalar_type(-1 - max([0, fill, *entries.values()])) if compact else numpy.intp
    table = numpy.full(size, fill, dtype=dtype)
    table[list(entries)] = list(entries.values())
    return table


class CueCounts(FastCounts):
    """``FastCounts`` over the cue features (binary), finding the cues of all the clauses at
    once with :class:`CueFinder` instead of testing each of the 150 cue words on each clause."""

    def _index_vocabulary(self) -> None:
        self.finder_ = CueFinder(cue_words(), self.vocabulary_)

    def occurrences(self, documents: Sequence[Segmented]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """``(rows, columns)`` of the cue features, each (row, column) once."""
        rows, columns = self.finder_.find([text for text, _ in documents])
        return numpy.array(rows, dtype=numpy.intp), numpy.array(columns, dtype=numpy.intp)


class CueFinder:
    """The cue words whose features are in a vocabulary, found in texts as ``cue in text`` finds
    them (overlapping occurrences included) but looking only where a cue can start.

    A cue can start only where the text holds its first three characters (all of them, for a
    shorter cue): :class:`NgramTables` of those beginnings find the few such places in all the
    texts at once by array lookups, and each place is then tested with ``startswith`` against
    the cues of that beginning.
    """

    def __init__(self, cues: dict[str, str], vocabulary: dict[str, int]):
        known = {cue: [vocabulary[feature] for feature in (f"cue:{cue}", f"tool:{sub}") if feature in vocabulary]
                 for cue, sub in cues.items()}
        known = {cue: columns for cue, columns in known.items() if columns}
        self.everywhere = known.pop("", [])  # the empty cue is in every text
        by_start: dict[str, list[tuple[str, list[int]]]] = {}
        for cue, columns in known.items():
            by_start.setdefault(cue[:3], []).append((cue, columns))
        self.cues = list(by_start.values())
        self.starts = NgramTables({start: i for i, start in enumerate(by_start)})
        self.separator = next(chr(code) for code in range(0x110000) if not any(chr(code) in cue for cue in cues))

    def find(self, texts: Sequence[str]) -> tuple[list[int], list[int]]:
        """``(rows, columns)`` of the cue features of ``texts``, each (row, column) once: the
        features are binary."""
        joined = self.separator.join(texts)  # no cue holds the separator, so none spans two texts
        codes = numpy.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        ends = list(accumulate(len(text) + 1 for text in texts))
        cells: set[tuple[int, int]] = set()
        found = self.starts.columns(codes)  # unigrams at 0, bigrams from n, trigrams from 2n - 1
        at = (found >= 0).nonzero()[0]
        n = len(codes)
        for index, start in zip(at.tolist(), found.take(at).tolist()):
            offset = index if index < n else index - n if index < 2 * n - 1 else index - 2 * n + 1
            row = bisect.bisect_right(ends, offset)
            for cue, known in self.cues[start]:
                if joined.startswith(cue, offset):
                    cells.update(zip(repeat(row), known))
        if self.everywhere:
            cells.update((row, column) for row in range(len(texts)) for column in self.everywhere)
        rows, columns = zip(*cells) if cells else ((), ())
        return list(rows), list(columns)


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
        self.scorer = LinearScorer(self.features, self.model)

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
        probabilities = self.probabilities(list(zip(texts, words)))
        best = map(self.classes.__getitem__, probabilities.argmax(axis=1).tolist())
        return [(scheme[sub], sub, round(confidence, 4)) for sub, confidence in zip(best, probabilities.max(axis=1).tolist())]

    def probabilities(self, analysed: Sequence[Segmented]) -> numpy.ndarray:
        """``predict_proba`` of the clauses (text and words), one row per clause."""
        return self.scorer.probabilities(analysed)


class LinearScorer:
    """The feature blocks and the logistic regression as one computation over the feature
    occurrences of a batch of clauses: ``predict_proba`` without building a matrix.

    Each block is either TF-IDF (sublinear term frequency, idf, each clause's row scaled to unit
    length within the block) or binary, its occurrences giving each cell once (as
    :meth:`CueCounts.occurrences` does), so that every block's term frequency is ``1 +
    log(count)``. Every known (clause, column) cell of every block is
    counted with one sort of integers ``row << shift | block << column_bits | column``: each
    block has a power-of-two range of columns (the rows of the gaps are never read), so a
    cell's clause and block, the unit of the normalisation, is one shift away.

    A column's row of ``table`` holds what its cells need, so that one cache line brings most
    of it: first the idf, for the norm (0 in a binary block, whose norm is then 0 and taken as
    1: an idf is at least 1, so no TF-IDF norm is below 1), then the coefficients times the
    idf, so that a cell's share of its clause's scores is its term frequency over its norm times
    the row. Equal to scikit-learn's numbers up to floating-point rounding and summation order
    (tested).
    """

    def __init__(self, blocks: Sequence[Pipeline | FastCounts], model: LogisticRegression):
        steps = [(block, None) if isinstance(block, FastCounts) else tuple(step for _, step in block.steps)
                 for block in blocks]
        if any(weighting is None and not counts.binary for counts, weighting in steps):
            raise ValueError("a block without TF-IDF must be binary")
        self.counts: list[FastCounts] = [counts for counts, _ in steps]
        widths = [len(counts.vocabulary_) for counts in self.counts]
        self.column_bits = max(widths).bit_length()
        self.block_bits = (len(steps) - 1).bit_length()
        self.shift = self.column_bits + self.block_bits
        self.offsets = [block << self.column_bits for block in range(len(steps))]
        self.table = numpy.zeros((len(steps) << self.column_bits, 1 + len(model.intercept_)))
        for (_, weighting), offset, width, first in zip(steps, self.offsets, widths, numpy.cumsum([0, *widths])):
            idf = numpy.ones(width) if weighting is None else weighting.idf_
            self.table[offset:offset + width, 1:] = (model.coef_[:, first:first + width] * idf).T
            if weighting is not None:
                self.table[offset:offset + width, 0] = idf
        self.intercept = model.intercept_

    def probabilities(self, analysed: Sequence[Segmented]) -> numpy.ndarray:
        """Softmax of the clauses' scores, as the multinomial ``predict_proba``."""
        product = numpy.zeros((len(analysed), self.table.shape[1]))
        scores = product[:, 1:]  # the product's first column, a sum of idfs, is of no use
        scores += self.intercept
        cells = numpy.concatenate([(rows << self.shift) | (columns + offset) for (rows, columns), offset
                                   in zip((counts.occurrences(analysed) for counts in self.counts), self.offsets)])
        if len(cells):
            self._add_cells(product, cells)
        scores -= scores.max(axis=1, keepdims=True)
        numpy.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def _add_cells(self, product: numpy.ndarray, cells: numpy.ndarray) -> None:
        """Add to ``product`` the rows of ``table`` of the cells (one per occurrence), each
        times its term frequency over its norm: sorted, a cell's occurrences are a run, whose
        length is its count.

        The clauses' cells are then the rows of a CSR matrix (sorted by clause, each clause's
        run starting at ``indptr``), and this the matrix's product with ``table``, which
        scipy's own kernel for ``csr @ dense`` adds in one pass; called directly because the
        checks of building a ``csr_array`` cost more than the product for one document.
        """
        cells.sort()
        first = _run_starts(cells)
        occurrences = len(cells)
        cells = cells.take(first)
        columns = cells & ((1 << self.shift) - 1)
        segments = cells >> self.column_bits  # row << block_bits | block
        tf = self._term_frequencies(first, occurrences)
        squares = numpy.bincount(segments, weights=numpy.square(tf * self.table[columns, 0]),
                                 minlength=len(product) << self.block_bits)
        tf /= numpy.sqrt(numpy.maximum(squares, 1, out=squares), out=squares).take(segments)
        indptr = numpy.searchsorted(cells >> self.shift, numpy.arange(len(product) + 1))
        csr_matvecs(len(product), len(self.table), product.shape[1], indptr, columns, tf, self.table, product)

    @staticmethod
    def _term_frequencies(first: numpy.ndarray, occurrences: int) -> numpy.ndarray:
        """Per cell (its run of occurrences starting at ``first``), ``1 + log(count)``, read
        from :data:`SUBLINEAR_TF` for the usual small counts. A binary block's cells come once
        each (:meth:`CueCounts.occurrences`), so their count is 1 and so is this."""
        if len(first) == occurrences:
            return numpy.ones(len(first))
        counts = numpy.empty_like(first)
        numpy.subtract(first[1:], first[:-1], out=counts[:-1])
        counts[-1] = occurrences - first[-1]
        if counts.max() < len(SUBLINEAR_TF):
            return SUBLINEAR_TF.take(counts)
        return numpy.log(counts) + 1


def _run_starts(ordered: numpy.ndarray) -> numpy.ndarray:
    """Where each run of equal values of a sorted non-empty array starts."""
    starts = numpy.empty(len(ordered), dtype=bool)
    starts[0] = True
    numpy.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return starts.nonzero()[0]


@functools.lru_cache(maxsize=1)
def default_classifier() -> ToolClassifier:
    """The classifier trained on the whole shipped clause set (once per process)."""
    return ToolClassifier(labelled_clauses())
