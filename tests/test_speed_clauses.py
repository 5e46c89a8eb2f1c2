"""The fast paths of clause coding give what the straightforward ones give.

Each test sets a rewritten step of :mod:`policy_miner.tools` against a plain version of it:
scikit-learn's own ``CountVectorizer``, ``TfidfTransformer`` and ``predict_proba`` for the
features and the scores, ``cue in text`` for the cues, a filtering comprehension for the words
of a sentence, on the sample corpus and on generated text.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer
from spacy.language import Language

from policy_miner.nlp import build_pipeline, sentence_spans
from policy_miner.nlp.tokenizer import token_table
from policy_miner.tools.classifier import (CharNgramCounts, CueFinder, NgramTables, ToolClassifier, char_ngrams,
                                          default_classifier, segment)
from policy_miner.tools.clauses import sentence_words, tool_clauses
from policy_miner.tools.dataset import labelled_clauses
from policy_miner.tools.scheme import cue_words, subcategories

REPO = Path(__file__).resolve().parent.parent
CORPUS = [path.read_text(encoding="utf-8") for path in sorted((REPO / "corpora").glob("*.txt"))]
SENTENCES = [s for text in CORPUS for s in re.split(r"(?<=[。；\n])", text) if s.strip()]
CUE_CHARS = "".join(sorted({char for cue in cue_words() for char in cue}))
ODD_CHARS = "\x00\x01 \t\n\u3000  ΣσςAaİi̇ΑΣ\U0001F600\ud800"
"""Characters that try the edges: the separators, whitespace runs, case folding that changes a
character (Σ, final ς) or the length (İ), a character beyond the BMP, a lone surrogate."""
CLAUSE = st.text(alphabet=st.sampled_from(CUE_CHARS + ODD_CHARS + "的了在和与对"), max_size=40)
WORDS = st.lists(st.sampled_from(["人才", "补贴", "的", " ", "\n", "", "资金", "GDP", "从未见过"]), max_size=8)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


@pytest.fixture(scope="module")
def classifier() -> ToolClassifier:
    return default_classifier()


# --- references ------------------------------------------------------------------------------

def reference_matrix(classifier: ToolClassifier, analysed: list[tuple[str, list[str]]]) -> sp.csr_matrix:
    """The classifier's features by scikit-learn alone: ``CountVectorizer`` over the fitted
    vocabularies, each block's own fitted ``TfidfTransformer``, stacked side by side."""
    blocks = []
    for block in classifier.features:
        counts, weighting = (block, None) if not hasattr(block, "steps") else (step for _, step in block.steps)
        plain = CountVectorizer(analyzer=counts.analyzer, vocabulary=counts.vocabulary_, binary=counts.binary)
        matrix = plain.transform(analysed)
        blocks.append(matrix if weighting is None else weighting.transform(matrix.astype(numpy.float64)))
    return sp.hstack(blocks).tocsr()


def reference_predict(classifier: ToolClassifier, analysed: list[tuple[str, list[str]]]) -> list[tuple[str, str, float]]:
    """``predict`` one row at a time from scikit-learn's probabilities."""
    scheme, results = subcategories(), []
    for row in classifier.model.predict_proba(reference_matrix(classifier, analysed)):
        best = int(row.argmax())
        sub = classifier.classes[best]
        results.append((scheme[sub], sub, round(float(row[best]), 4)))
    return results


def reference_cues(text: str, cues: dict[str, str], vocabulary: dict[str, int]) -> set[int]:
    """The columns of the cue features of ``text``: ``cue in text`` for every cue."""
    found = [(cue, sub) for cue, sub in cues.items() if cue in text]
    features = [f"cue:{cue}" for cue, _ in found] + [f"tool:{sub}" for _, sub in found]
    return {vocabulary[feature] for feature in features if feature in vocabulary}


def reference_words(tokens, start: int, end: int) -> list[str]:  # noqa: ANN001 - a TokenTable
    return [word for word in tokens.words[tokens.first_at(start):tokens.first_at(end)] if not word.isspace()]


def analyse(texts: list[str]) -> list[tuple[str, list[str]]]:
    return [(text, segment(text)) for text in texts]


# --- scores ----------------------------------------------------------------------------------

def assert_scikit_learns(classifier: ToolClassifier, analysed: list[tuple[str, list[str]]]) -> None:
    expected = classifier.model.predict_proba(reference_matrix(classifier, analysed))
    found = classifier.probabilities(analysed)
    assert numpy.allclose(found, expected, rtol=0, atol=1e-12)
    assert (found.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_probabilities_are_scikit_learns_on_the_corpus(classifier: ToolClassifier) -> None:
    assert_scikit_learns(classifier, analyse(SENTENCES))
    for text in CORPUS:  # a document's sentences at a time, as tool_clauses codes them
        assert_scikit_learns(classifier, analyse([s for s in re.split(r"(?<=[。；\n])", text) if s.strip()]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(CLAUSE, WORDS), min_size=1, max_size=6))
def test_probabilities_are_scikit_learns_on_generated_clauses(classifier: ToolClassifier,
                                                              analysed: list[tuple[str, list[str]]]) -> None:
    assert_scikit_learns(classifier, analysed)


def test_probabilities_of_a_small_model() -> None:
    """A model of a few clauses: small vocabularies, n-grams whose characters are no unigram."""
    clauses = [c for c in labelled_clauses()][:40]
    classifier = ToolClassifier(clauses)
    assert_scikit_learns(classifier, analyse(SENTENCES[:200] + ["", " ", "ΑΣ Σ", "补贴补贴补贴"]))


def test_predict_is_row_by_row(classifier: ToolClassifier) -> None:
    analysed = analyse(SENTENCES[:300] + ["", "补贴补贴"])
    assert classifier.predict([t for t, _ in analysed], [w for _, w in analysed]) == reference_predict(classifier, analysed)
    assert classifier.predict([]) == []


# --- features --------------------------------------------------------------------------------

def char_counts(classifier: ToolClassifier) -> CharNgramCounts:
    return classifier.features[1].steps[0][1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(CUE_CHARS + ODD_CHARS + "abc"), max_size=30), max_size=5))
def test_char_ngram_counts_are_countvectorizers(classifier: ToolClassifier, texts: list[str]) -> None:
    counts = char_counts(classifier)
    analysed = [(text, []) for text in texts]
    plain = CountVectorizer(analyzer=char_ngrams, vocabulary=counts.vocabulary_).transform(analysed)
    assert (counts.transform(analysed) != plain).nnz == 0


WHITESPACE_TRAINING = [(text, []) for text in ["a b\tc  d", "a  b c\u3000\u3000d Σ", "ab \n cd σς", "\t\tx y"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("abcdxyΣσς \t\n\u3000\x00İ"), max_size=20), max_size=5))
def test_char_ngram_counts_with_whitespace_features(texts: list[str]) -> None:
    """A vocabulary holding spaces, so that folding whitespace runs shows in the counts."""
    ours = CharNgramCounts(analyzer=char_ngrams, min_df=1).fit(WHITESPACE_TRAINING)
    theirs = CountVectorizer(analyzer=char_ngrams, min_df=1).fit(WHITESPACE_TRAINING)
    analysed = [(text, []) for text in texts]
    assert (ours.transform(analysed) != theirs.transform(analysed)).nnz == 0


def test_ngram_tables_of_unusual_vocabularies() -> None:
    """Grams whose characters or prefixes are no gram themselves, a separator in a gram."""
    vocabulary = {"abc": 0, "x": 1, "yz": 2, "\x00": 3, "q\x00r": 4, "bc": 5}
    tables = NgramTables(vocabulary)
    assert tables.separator not in "".join(vocabulary)
    text = "abcxyz\x00q\x00rbcabyzx"
    codes = numpy.frombuffer(text.encode("utf-32-le"), dtype=numpy.uint32)
    found = tables.columns(codes).tolist()
    expected = [vocabulary.get(gram, -1) for gram in char_ngrams((text, []))]
    assert found == expected
    assert tables.columns(codes[:0]).tolist() == [] and tables.columns(codes[:1]).tolist() == [-1]


def check_cue_finder(classifier: ToolClassifier, texts: list[str]) -> None:
    """The classifier's cue finder gives, text by text, the cue columns the plain scan finds."""
    counts = classifier.features[2]
    rows, columns = counts.finder_.find(texts)
    found = [set() for _ in texts]
    for row, column in zip(rows, columns):
        found[row].add(column)
    assert found == [reference_cues(text, cue_words(), counts.vocabulary_) for text in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(CUE_CHARS + ODD_CHARS), max_size=30), max_size=6))
def test_cue_finder_is_cue_in_text(classifier: ToolClassifier, texts: list[str]) -> None:
    check_cue_finder(classifier, texts)


def test_cue_finder_on_the_corpus(classifier: ToolClassifier) -> None:
    check_cue_finder(classifier, list(SENTENCES))


@pytest.mark.parametrize("cues", [
    {"": "a", "招聘": "b", "招聘会": "c", "聘会": "a", "会": "d", "到 2025 年": "e"},
    {"x": "a"},
    {},
])
def test_cue_finder_of_odd_lexicons(cues: dict[str, str]) -> None:
    """Cues inside cues, an empty cue (in every text), a one-letter lexicon, none."""
    subs = sorted(set(cues.values()))
    vocabulary = {feature: i for i, feature in enumerate([f"cue:{cue}" for cue in cues] + [f"tool:{sub}" for sub in subs[1:]])}
    finder = CueFinder(cues, vocabulary)
    texts = ["招聘会", "", "会招聘", "到 2025 年底", "到  2025 年", "x招聘x会"]
    rows, columns = finder.find(texts)
    found = [set() for _ in texts]
    for row, column in zip(rows, columns):
        found[row].add(column)
    assert found == [reference_cues(text, cues, vocabulary) for text in texts]


# --- sentences -------------------------------------------------------------------------------

def test_sentence_words_are_the_filtered_tokens(nlp: Language) -> None:
    for text in CORPUS + ["第一条  人才\u3000引进 \n\n 补贴。 Ａ B\tC；", " 前后空白 "]:
        doc = nlp(text)
        tokens = token_table(doc)
        for start, end in sentence_spans(doc):
            assert sentence_words(tokens, start, end) == reference_words(tokens, start, end)


def test_tool_clauses_are_predict_per_sentence(nlp: Language, classifier: ToolClassifier) -> None:
    for text in CORPUS[:5]:
        doc = nlp(text)
        tokens = token_table(doc)
        spans = sentence_spans(doc)
        analysed = [(tokens.text[start:end], reference_words(tokens, start, end)) for start, end in spans]
        clauses = tool_clauses(doc, "d")
        assert [(c.start, c.end, c.text) for c in clauses] == [(s, e, t) for (s, e), (t, _) in zip(spans, analysed)]
        assert [(c.category, c.subcategory, c.confidence) for c in clauses] == reference_predict(classifier, analysed)
