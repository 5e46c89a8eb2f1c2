"""The fast paths of the extraction give what the slow ones they replaced gave.

Each test sets a rewritten function against the straightforward version it replaced (jieba's
own route, spaCy's alignment and Matcher, ``doc.sents``, ``re.finditer`` per cue, scikit-learn's
``CountVectorizer``), on the sample corpus and on generated text.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import numpy
import scipy.sparse as sp

import jieba.posseg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import get_words_and_spaces

from policy_miner.extract import context
from policy_miner.extract.context import Cue, find_cues
from policy_miner.extract.entities import HEAD, LEXICON, QUOTE_PAIRS, SHORT, TRIGGER, _dedupe, _quotations, swallows
from policy_miner.nlp import build_pipeline, default_segmenter, sentence_boundaries, sentence_spans
from policy_miner.nlp.segmenters import JiebaSegmenter, dictionary_flags, with_whitespace
from policy_miner.nlp.tokenizer import spacy_tokens, token_table
from policy_miner.io import record_rows
from policy_miner.records import OUTPUT_FILES, from_dict, to_dict
from policy_miner.tools.dataset import labelled_clauses
from policy_miner.tools.classifier import (CharNgramCounts, CueCounts, FastCounts, _cues, _words,
                                          char_ngrams, default_classifier, segment)

from .cue_reference import reference_find_cues

REPO = Path(__file__).resolve().parent.parent
CORPUS = [path.read_text(encoding="utf-8") for path in sorted((REPO / "corpora").glob("*.txt"))]
POLICY_TEXT = st.text(alphabet="人才计划锦州市引进补贴不低于万元每人个名叙。，；！？“”‘’《》、\n \t　ab1.5%-",
                      max_size=60)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


# --- segmentation -------------------------------------------------------------------------

def jieba_route(segmenter, block: str) -> list[str]:  # noqa: ANN001 - the private tokenizer
    """The words on jieba's own route (get_DAG + calc)."""
    tokenizer = segmenter._tokenizer
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(block, tokenizer.get_DAG(block), route)
    words, start = [], 0
    while start < len(block):
        words.append(block[start:route[start][1] + 1])
        start = route[start][1] + 1
    return words


ROUTE_BLOCK = st.text(alphabet="人才计划锦州市引进高层次团队发展专项资金补贴万元18.7abcT恤C+#&_", min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(ROUTE_BLOCK)
def test_route_is_jiebas_route(block: str) -> None:
    segmenter = default_segmenter()
    assert segmenter._routes([block])[0] == jieba_route(segmenter, block)
    assert segmenter._python_route(block) == jieba_route(segmenter, block)


def test_route_is_jiebas_route_on_the_corpus_and_clauses() -> None:
    segmenter = default_segmenter()
    clauses = [clause.text for clause in labelled_clauses()]
    for text in [*CORPUS, *clauses]:
        blocks = re.findall(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._]+", text)  # one jieba-rs call per text
        assert segmenter._routes(blocks) == [jieba_route(segmenter, block) for block in blocks]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="5G网络ab12人才计划", min_size=1, max_size=30))
def test_route_with_ascii_dictionary_words_is_jiebas(block: str) -> None:
    """An ASCII word in the dictionary makes jieba-rs's glued runs ambiguous: Python decides."""
    segmenter = ascii_word_segmenter()
    assert segmenter._routes([block])[0] == jieba_route(segmenter, block)


@functools.lru_cache(maxsize=None)
def ascii_word_segmenter() -> JiebaSegmenter:
    return JiebaSegmenter([("5G", "n"), ("ab12", "eng")])


def test_dictionary_flags_are_possegs_tag_table() -> None:
    assert dictionary_flags() == jieba.posseg.POSTokenizer(jieba.Tokenizer()).word_tag_tab
    flags = ascii_word_segmenter()._flags  # user words keep their own flags
    assert flags["5G"] == "n" and flags["ab12"] == "eng" and "5G" not in dictionary_flags()


def test_segmentation_keeps_every_character_and_poseggs_numbers() -> None:
    segmenter = default_segmenter()
    for text in CORPUS:
        assert "".join(word for word, _ in segmenter(text)) == text
    pairs = segmenter("人才总量达到1.4万人，增长18.7%，2025年")
    assert ("18.7", "m") in pairs and ("%", "x") in pairs and ("1.4", "m") in pairs


def test_segmentation_is_mostly_poseggs() -> None:
    """Only runs of characters the dictionary does not cover may be cut differently."""
    segmenter = default_segmenter()
    tagger = jieba.posseg.POSTokenizer(segmenter._tokenizer)
    same = total = 0
    for text in CORPUS:
        ours = set(segmenter(text))
        theirs = [(pair.word, pair.flag) for pair in tagger.cut(text)]
        same += sum(pair in ours for pair in theirs)
        total += len(theirs)
    assert same / total > 0.97


# --- tokens and sentences -----------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(POLICY_TEXT)
def test_spacy_tokens_are_spacys(text: str) -> None:
    pairs = default_segmenter()(text)
    words = [word for word, _ in pairs if not word.isspace()]
    tokens, spaces, starts, tags = spacy_tokens(pairs)
    assert (tokens, spaces) == get_words_and_spaces(words, text)
    assert all(text.startswith(token, start) for token, start in zip(tokens, starts))
    assert [tag for token, tag in zip(tokens, tags) if not token.isspace()] == [
        flag for word, flag in pairs if not word.isspace()]


@settings(max_examples=200, deadline=None)
@given(POLICY_TEXT)
def test_whitespace_is_put_back_as_the_text_has_it(text: str) -> None:
    """pkuseg drops whitespace; ``with_whitespace`` restores the covering pairs jieba gives."""
    pairs = default_segmenter()(text)
    dropped = [(word, flag) for word, flag in pairs if not word.isspace()]
    restored = with_whitespace(dropped, text)
    assert "".join(word for word, _ in restored) == text
    assert spacy_tokens(restored)[:3] == spacy_tokens(pairs)[:3]


def test_with_whitespace_refuses_words_not_in_the_text() -> None:
    with pytest.raises(ValueError):
        with_whitespace([("人才", "n"), ("计划", "n")], "人才 规划")


@settings(max_examples=100, deadline=None)
@given(POLICY_TEXT)
def test_sentence_spans_are_the_sents(nlp: Language, text: str) -> None:
    doc = nlp(text)
    expected = []
    for sent in doc.sents:
        stripped = sent.text.strip()
        if stripped:
            start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
            expected.append((start, start + len(stripped)))
    assert sentence_spans(doc) == expected
    table = token_table(doc)
    assert (list(table.words), list(table.starts), list(table.tags)) == (
        [t.text for t in doc], [t.idx for t in doc], [t.tag_ for t in doc])


def reference_boundaries(text: str) -> list[int]:
    """The character-by-character scan sentence_boundaries replaced."""
    pairs = {"《": "》", "“": "”"}
    closing = {close: open_ for open_, close in pairs.items()}
    terminators, closers = "。！？；!?", "”’」』）)】〕》"
    boundaries, depth, i, n = [], dict.fromkeys(pairs, 0), 0, len(text)
    while i < n:
        ch = text[i]
        i += 1
        if ch in pairs:
            depth[ch] += 1
        elif ch in closing:
            depth[closing[ch]] = max(0, depth[closing[ch]] - 1)
        elif ch in terminators:
            while i < n and (text[i] in terminators or text[i] in closers):
                if text[i] in closing:
                    depth[closing[text[i]]] = max(0, depth[closing[text[i]]] - 1)
                i += 1
        if ch == "\n" or (ch in terminators and not any(depth.values())):
            depth = dict.fromkeys(pairs, 0)
            while i < n and text[i].isspace():
                i += 1
            if i < n:
                boundaries.append(i)
    return boundaries


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="甲。！？；!?”’」』）)】〕》《“\n \t　", max_size=40))
def test_sentence_boundaries_as_the_character_scan(text: str) -> None:
    assert sentence_boundaries(text) == reference_boundaries(text)


# --- entities -----------------------------------------------------------------------------

def matcher_quotations(nlp: Language, words: list[str]) -> set[tuple[str, int, int]]:
    """The spaCy Matcher patterns _quotations replaced."""
    matcher = Matcher(nlp.vocab)
    for opening, closing in QUOTE_PAIRS:
        matcher.add(opening, [[{"ORTH": opening}, {"ORTH": {"NOT_IN": [closing, opening, "\n"]}, "OP": "+"},
                               {"ORTH": closing}]])
    doc = Doc(nlp.vocab, words=words)
    return {(nlp.vocab.strings[key], start, end) for key, start, end in matcher(doc)}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["《", "》", "“", "”", "‘", "’", "「", "」", "〈", "〉", "\n", "甲", "乙"]),
                min_size=1, max_size=25))
def test_quotations_are_the_matchers(nlp: Language, words: list[str]) -> None:
    assert set(_quotations(words)) == matcher_quotations(nlp, words)


def reference_dedupe(spans: list[Span]) -> list[Span]:
    """The all-pairs _dedupe that the Enclosing index replaced (same rules: ``swallows``)."""
    unique = list({(s.start, s.end, s.label_): s for s in spans}.values())

    def dropped(span: Span) -> bool:
        return any(other is not span and other.start <= span.start and span.end <= other.end
                   and (other.end - other.start) > (span.end - span.start) and swallows(other, span)
                   for other in unique)

    return sorted((s for s in unique if not dropped(s)), key=lambda s: (s.start, s.end, s.label_))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 5),
                          st.sampled_from(["PLACE", "AGENCY", "ORG", "POLICY", "PROGRAM"]),
                          st.sampled_from([LEXICON, SHORT, "quoted", "introduced", HEAD, TRIGGER, "listed"])),
                max_size=12))
def test_dedupe_as_all_pairs(nlp: Language, rows: list[tuple[int, int, str, str]]) -> None:
    doc = Doc(nlp.vocab, words=["字"] * 20)
    spans = [Span(doc, start, start + length, label=label, span_id=origin) for start, length, label, origin in rows]
    key = [(s.start, s.end, s.label_, s.id_) for s in reference_dedupe(spans)]
    assert [(s.start, s.end, s.label_, s.id_) for s in _dedupe(spans)] == key


# --- quantity context -----------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="不低于超过最高每人月年以上下共达到将要实现给予奖励截至累计万元", max_size=30))
def test_find_cues_as_finditer(window: str) -> None:
    for cues in (context.bound_cues(), context.per_cues(), context.modality_cues(), context.when_cues(),
                 (Cue("每每", "x", ""), Cue("每", "y", ""))):
        assert find_cues(window, cues) == reference_find_cues(window, cues)


# --- tool classifier ------------------------------------------------------------------------

CLAUSES = ["给予人才安居补贴每人10万元。", "实施“兴锦人才计划”，引进高层次人才团队。", "  ABC  abc\t人才  ",
           "", "加强人才工作领导小组建设", "对引进的博士给予购房补贴，落实税收优惠政策。"]


def segmented(texts: list[str]) -> list[tuple[str, list[str]]]:
    return [(text, [word for word, _ in default_segmenter()(text) if word.strip()]) for text in texts]


@pytest.mark.parametrize("fast, analyzer, options", [
    (FastCounts, _words, {}),
    (CharNgramCounts, char_ngrams, {"min_df": 2}),
    (CueCounts, _cues, {"binary": True}),
])
def test_fast_counts_are_countvectorizers(fast, analyzer, options) -> None:  # noqa: ANN001
    train = segmented(CLAUSES + [text[: len(text) // 2] for text in CLAUSES])
    test = segmented(CLAUSES[::-1] + ["完全没有见过的句子", "人才"])
    ours = fast(analyzer=analyzer, **options).fit(train).transform(test)
    theirs = CountVectorizer(analyzer=analyzer, **options).fit(train).transform(test)
    assert ours.shape == theirs.shape and (ours != theirs).nnz == 0


def test_char_ngrams_are_scikit_learns() -> None:
    analyzer = CountVectorizer(analyzer="char", ngram_range=(1, 3)).build_analyzer()
    for text in CLAUSES + CORPUS[:1]:
        assert char_ngrams((text, [])) == analyzer(text)


def test_probabilities_are_scikit_learns() -> None:
    """Scores summed from feature occurrences give predict_proba's numbers (up to summation
    order) and the same best sub-category, on every sentence of the corpus and edge cases."""
    classifier = default_classifier()
    texts = [s for text in CORPUS for s in text.replace("。", "。\n").splitlines()] + ["", "  ", "补贴补贴补贴"]
    analysed = [(text, segment(text)) for text in texts]
    matrix = sp.hstack([block.transform(analysed) for block in classifier.features]).tocsr()
    expected = classifier.model.predict_proba(matrix)
    found = classifier.probabilities(analysed)
    assert numpy.allclose(found, expected, rtol=0, atol=1e-12)
    assert (found.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_to_dict_is_asdict(corpus_run: Path) -> None:
    for kind in OUTPUT_FILES:
        for row in record_rows(corpus_run, kind):
            record = from_dict(row)
            assert to_dict(record) == dataclasses.asdict(record)
