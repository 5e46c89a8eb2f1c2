"""The NLP pipeline: exact offsets, POS tags, sentence splitting, user words, both segmenters."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy_pkuseg
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from policy_miner.nlp import build_pipeline, load_user_words, sentence_boundaries, sentence_spans

REPO = Path(__file__).resolve().parent.parent
PKUSEG_TRAIN = Path(__file__).resolve().parent / "data" / "pkuseg_train.txt"
USER_WORDS = ["兴锦人才计划", "澄州英才卡", "市人才工作领导小组"]
SAMPLE = ("锦州市实施“兴锦人才计划”，引进高层次人才团队35个。\n\n"
          "  到2025年，人才总量达到1.4万人，增长18.7%；给予30万元补贴！\r\n"
          "第二段 含　全角空格\t和制表符  与 English words 2020年底。")


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline(user_words=USER_WORDS)


def assert_offsets_exact(doc: Doc) -> None:
    text = doc.text  # rebuilt from the tokens on every access
    assert "".join(token.text_with_ws for token in doc) == text
    for token in doc:
        assert token.text == text[token.idx: token.idx + len(token)]


def sentences(nlp: Language, text: str) -> list[str]:
    doc = nlp(text)
    return [text[start:end] for start, end in sentence_spans(doc)]


# --- tokens -------------------------------------------------------------------------------

def test_offsets_match_text(nlp: Language) -> None:
    assert_offsets_exact(nlp(SAMPLE))


def test_offsets_match_corpus_documents(nlp: Language) -> None:
    for path in sorted((REPO / "corpora").glob("*.txt")):
        assert_offsets_exact(nlp(path.read_text(encoding="utf-8")))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="人才计划锦州市30万元。，；！？“”《》 \n\t　ab%", max_size=40))
def test_offsets_match_any_text(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert_offsets_exact(doc)
    for start, end in sentence_spans(doc):
        assert 0 <= start < end <= len(text) and text[start:end] == text[start:end].strip()


def test_every_token_is_tagged(nlp: Language) -> None:
    doc = nlp(SAMPLE)
    assert all(token.tag_ and token.pos_ for token in doc)
    by_text = {token.text: (token.tag_, token.pos_) for token in doc}
    assert by_text["锦州市"] == ("ns", "PROPN")
    assert by_text["35"] == ("m", "NUM")
    assert by_text["，"] == ("x", "PUNCT")
    assert by_text["%"] == ("x", "SYM")
    assert by_text["\n\n  "] == ("x", "SPACE")


def test_user_words_stay_whole(nlp: Language) -> None:
    doc = nlp("市人才工作领导小组发放澄州英才卡，落实兴锦人才计划。")
    texts = [token.text for token in doc]
    assert {"市人才工作领导小组", "澄州英才卡", "兴锦人才计划"} <= set(texts)
    assert doc[texts.index("澄州英才卡")].pos_ == "PROPN"


def test_user_words_do_not_leak_between_pipelines(nlp: Language) -> None:
    nlp("落实澄州英才卡。")  # the module pipeline knows the word
    plain = build_pipeline(user_words=[])
    assert "澄州英才卡" not in [token.text for token in plain("落实澄州英才卡。")]


def test_default_user_words_come_from_the_lexicon() -> None:
    words = load_user_words()
    assert isinstance(words, list)
    assert all(word and not word.startswith("#") for word in words)


def test_unknown_segmenter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown segmenter"):
        build_pipeline(segmenter="thulac")


# --- sentences ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("第一句。第二句！第三句？第四句；第五句", ["第一句。", "第二句！", "第三句？", "第四句；", "第五句"]),
    ("Is it? Yes! 好", ["Is it?", "Yes!", "好"]),
    ("第一行\n第二行\n\n第三段", ["第一行", "第二行", "第三段"]),
    ("他说：“今年引进人才。明年更多！”然后离开。", ["他说：“今年引进人才。明年更多！”", "然后离开。"]),
    ("印发《关于人才工作的意见。试行》的通知。下一句", ["印发《关于人才工作的意见。试行》的通知。", "下一句"]),
    ("奖励30万元。” 下一句", ["奖励30万元。”", "下一句"]),
    ("真的吗？！下一句", ["真的吗？！", "下一句"]),
    ("未闭合的“引号。\n下一行。照常", ["未闭合的“引号。", "下一行。", "照常"]),
    ("  \n 开头空白。 \n", ["开头空白。"]),
])
def test_sentences_split_as_specified(nlp: Language, text: str, expected: list[str]) -> None:
    assert sentences(nlp, text) == expected


def test_sentence_boundaries_skip_trailing_whitespace() -> None:
    assert sentence_boundaries("甲。\n\n  乙") == [6]
    assert sentence_boundaries("甲。") == []


def test_sentence_boundary_inside_a_token_starts_the_next_token(nlp: Language) -> None:
    doc = nlp("甲乙。丙丁")
    starts = [token.text for token in doc if token.is_sent_start]
    assert starts[0] == doc[0].text and starts[-1].startswith("丙")


# --- pkuseg -------------------------------------------------------------------------------

def test_pkuseg_segments_with_exact_offsets(pkuseg_model: Path) -> None:
    nlp = build_pipeline(segmenter="pkuseg", pkuseg_model=str(pkuseg_model), user_words=USER_WORDS)
    text = "锦州市实施“兴锦人才计划”，市财政每年足额安排人才发展专项资金。\n\n 持续加大投入保障力度。"
    doc = nlp(text)
    assert_offsets_exact(doc)
    words = [token.text for token in doc if not token.is_space]
    assert 8 < len(words) < len(text) - 10  # segmented into words, not into characters or lines
    assert "兴锦人才计划" in words
    assert all(token.tag_ and token.pos_ for token in doc)
    assert [text[a:b] for a, b in sentence_spans(doc)] == [
        "锦州市实施“兴锦人才计划”，市财政每年足额安排人才发展专项资金。", "持续加大投入保障力度。"]


@pytest.mark.parametrize("bad, message", [
    (None, "needs a model"),
    ("/nonexistent/pkuseg", "not found"),
    (str(REPO / "tests" / "data"), "not a pkuseg model"),
])
def test_pkuseg_model_must_exist(bad: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_pipeline(segmenter="pkuseg", pkuseg_model=bad)
