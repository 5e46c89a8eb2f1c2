"""The fast paths of entity finding, entity records and metadata give what the straightforward
versions they replaced gave.

Each reference below is the code as it was before the rewrite (per-token loops, ``any`` over
cue lists, spaCy ``Span`` objects from the first grammar on, ``Span.text``, ``min`` over the
candidates of a name), set against the fast version on the sample corpus, the golden entity
cases and generated text.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc, Span

from policy_miner.extract import entities as ent
from policy_miner.extract.entities import (HEAD, INTRODUCED, LEXICON, QUOTED, SHORT, SPANS_KEY, TRIGGER,
                                           EntityFinder, Head, Mention, _dedupe, _quotations, cues, heads,
                                           is_generic, quoted_label, usable_quoted)
from policy_miner.extract.filters import body_end
from policy_miner.extract.gazetteer import LEVELS, Division, Gazetteer, gazetteer
from policy_miner.extract.metadata import (DATE_LINE_REST, FULL_DATE, HEAD_LINES, SUBTITLE, ENCLOSED_TITLE, LETTERHEAD,
                                           NEWSPAPER, SOURCE, _lines, _parts, _plain, _region, _titleish,
                                           find_date, find_doc_type, find_issuer, find_jurisdiction, find_title,
                                           read_metadata)
from policy_miner.extract.names import (QUOTES, Jurisdiction, _qualified, entity_records)
from policy_miner.lexicons import read_rows
from policy_miner.nlp import SentenceIndex
from policy_miner.nlp.tokenizer import TokenTable, token_table
from policy_miner.normalize.dates import parse_date
from policy_miner.pipeline import Extractor
from policy_miner.records import Entity

REPO = Path(__file__).resolve().parent.parent
CORPUS = [path.read_text(encoding="utf-8") for path in sorted((REPO / "corpora").glob("*.txt"))]
CASES = [json.loads(line)["text"] for line in (REPO / "tests" / "cases" / "entities.jsonl")
         .read_text(encoding="utf-8").splitlines() if line.strip()]
TEXTS = CORPUS + CASES

# Words that make the grammars fire: heads, program verbs and heads, places, quote marks, lists.
GRAMMAR_WORDS = ["实施", "开展", "评选", "推出", "人才", "计划", "工程", "行动", "三年", "锦州", "锦州市", "市",
                 "市委", "组织部", "人社局", "大学", "高新区", "试验区", "海城", "沈阳农业大学", "基地", "有限公司",
                 "新", "材料", "科技", "名医", "工匠", "各类", "的", "和", "、", "等", "，", "。", "“", "”", "‘",
                 "’", "《", "》", "「", "」", "\n", " ", "2.0", "版", "十四五", "称号", "品牌", "公众号", "关于",
                 "办法", "实施方案", "若干措施", "四川", "三江", "英才", "腾", "鳌", "经济开发区", "第二人民医院",
                 "2023年", "5月", "1日", "〔2023〕", "5号", "文件", "中共", "日报", "来源：", "#", "——", "—"]
POLICY_TEXT = st.lists(st.sampled_from(GRAMMAR_WORDS), max_size=40).map("".join)


@pytest.fixture(scope="module")
def nlp(extractor: Extractor) -> Language:
    return extractor.nlp


@pytest.fixture(scope="module")
def finder(nlp: Language) -> EntityFinder:
    return nlp.get_pipe(ent.COMPONENT)


# --- word look-ups --------------------------------------------------------------------------

def reference_head(word: str) -> Head | None:
    """The longest head a word ends with: the first of ``heads()`` (longest first)."""
    return next((head for head in heads() if word.endswith(head.text)), None)


def corpus_words(nlp: Language) -> set[str]:
    return {word for text in TEXTS for word in token_table(nlp.make_doc(text)).words}


def test_head_of_is_the_longest_suffix(nlp: Language) -> None:
    words = corpus_words(nlp) | {head.text for head in heads()} | {"", "县区", "长江大学学院"}
    words |= {word + head.text for word in list(words)[:200] for head in heads()}
    assert all(ent.head_of(word) == reference_head(word) for word in words)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="市委组织部人社局大学院区高新试验计划工程行动集团有限公司报", max_size=8))
def test_head_of_on_generated_words(word: str) -> None:
    assert ent.head_of(word) == reference_head(word)


def test_roles_are_the_word_lists(nlp: Language) -> None:
    stops = {mark for pair in ent.QUOTE_PAIRS for mark in pair} | {"\n"}
    for word in corpus_words(nlp) | stops | cues("before", "program") | cues("list", "program"):
        role = ent.ROLES[word]
        found = (reference_head(word), word in stops, word in cues("before", "program"),
                 word in cues("list", "program"))
        assert (tuple(role) if role else (None, False, False, False)) == found


def test_roles_start_over_when_full() -> None:
    roles = ent._RolesByWord()
    roles.LIMIT = 3
    for word in ["甲", "乙", "丙", "组织部", "实施"]:
        assert roles[word] == ent._role(word)
    assert len(roles) <= 3


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.*|(类等人才", max_size=12),
       st.lists(st.text(alphabet="ab.*|(类等", min_size=1, max_size=3), max_size=4))
def test_contains_any_is_any(text: str, words: list[str]) -> None:
    assert (ent.contains_any(words).search(text) is not None) == any(word in text for word in words)


# --- quoted names ---------------------------------------------------------------------------

def reference_is_generic(name: str) -> bool:
    return any(word in name for word in ent.generic_words())


def reference_usable_quoted(name: str) -> bool:
    if not 2 <= len(name) <= ent.MAX_QUOTED_CHARS or ent.CLAUSE_PUNCT.search(name):
        return False
    if ent.PLAN_PERIOD.match(name) or name in ent.set_phrases():
        return False
    if reference_is_generic(name):
        return False
    return not all(len(part) <= 1 for part in re.split(r"[、·]", name))


def reference_quoted_label(inner: str, before: str, after: str, known: frozenset[str]) -> str | None:
    name = ent.VERSION.sub("", inner.strip())
    after = after.lstrip("等")
    if name in known:
        return "PROGRAM"
    if len(name) >= ent.MIN_QUOTED_POLICY and name.endswith(ent.policy_heads()) and not ent.CLAUSE_PUNCT.search(name):
        return "POLICY"
    if not reference_usable_quoted(name) or any(after.startswith(cue) for cue in cues("after", "not")):
        return None
    if "的" in name:
        return None
    if name.endswith(tuple(cues("end", "program"))):
        return "PROGRAM"
    if ent.NUMERAL_START.match(name) and len(name) <= 4:
        return None
    if any(after.startswith(cue) for cue in cues("after", "org")):
        return "ORG"
    if any(after.startswith(cue) for cue in cues("after", "program")):
        return "PROGRAM"
    if any(cue in before for cue in cues("before", "program")):
        return "PROGRAM"
    return None


def corpus_quotes() -> Iterator[tuple[str, str, str]]:
    """(inner, four characters before, four after) of every pair of quotes in the texts."""
    for text in TEXTS:
        for match in re.finditer(r"[“‘「](?P<inner>[^“”‘’「」\n]{1,30})[”’」]", text):
            yield match.group("inner"), text[max(0, match.start() - 4):match.start()], text[match.end():match.end() + 4]


def test_quoted_label_on_the_corpus(finder: EntityFinder) -> None:
    quotes = list(corpus_quotes())
    assert len(quotes) > 50
    for inner, before, after in quotes:
        assert quoted_label(inner, before, after, finder.known_programs) == \
            reference_quoted_label(inner, before, after, finder.known_programs)
        assert usable_quoted(inner) == reference_usable_quoted(inner)
        assert is_generic(inner) == reference_is_generic(inner)


QUOTED_TEXT = st.text(alphabet="人才计划工程卡奖锦州的十四五一二三各类、·，2.0 版之星称号品牌企业等实施推出",
                      max_size=24)


@settings(max_examples=500, deadline=None)
@given(QUOTED_TEXT, QUOTED_TEXT, QUOTED_TEXT)
def test_quoted_label_on_generated_text(inner: str, before: str, after: str) -> None:
    known = frozenset({"锦州人才计划", "十四五"})
    assert quoted_label(inner, before[-4:], after[:4], known) == reference_quoted_label(inner, before[-4:],
                                                                                         after[:4], known)
    assert usable_quoted(inner) == reference_usable_quoted(inner)


def reference_quotations(words: list[str]) -> Iterator[tuple[str, int, int]]:
    """The loop over every token that _quotations replaced."""
    closing = {close: opening for opening, close in ent.QUOTE_PAIRS}
    openings = {opening for opening, _ in ent.QUOTE_PAIRS}
    waiting: dict[str, int] = {}
    for i, word in enumerate(words):
        if word in openings:
            waiting[word] = i
        elif word in closing:
            start = waiting.pop(closing[word], None)
            if start is not None and i > start + 1:
                yield closing[word], start, i + 1
        elif word == "\n":
            waiting.clear()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["《", "》", "“", "”", "‘", "’", "「", "」", "〈", "〉", "\n", "甲", "乙", "\n\n"]),
                max_size=25))
def test_quotations_visit_only_the_marks(words: list[str]) -> None:
    expected = list(reference_quotations(words))
    stops = [i for i, word in enumerate(words) if ent.ROLES[word] is not None and ent.ROLES[word].quote_stop]
    assert list(_quotations(words)) == expected
    assert list(_quotations(words, stops)) == expected


# --- the component: grammars over Spans, as they were -----------------------------------------

class ReferenceFinder:
    """The grammars as they were: every token visited, ``head_of`` per token, a ``Span`` per
    finding, ``Span.end_char`` against the body's end, all-pairs dedupe."""

    def __init__(self, finder: EntityFinder):
        self.finder = finder

    def __call__(self, doc: Doc) -> list[tuple[int, int, str, str, str]]:
        tokens = token_table(doc)
        limit = body_end(tokens.text)
        spans = [span for span in self.find(doc, tokens) if span.end_char <= limit]
        return [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in reference_dedupe(spans)]

    def find(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        yield from self.phrase_spans(doc, tokens)
        yield from self.quoted_spans(doc, tokens)
        yield from self.head_spans(doc, tokens)
        yield from self.program_spans(doc, tokens)

    def phrase_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        finder, gaz = self.finder, gazetteer()
        for match_id, start, end in finder.phrases(doc):
            key = finder.vocab.strings[match_id]
            text = tokens.span_text(start, end)
            if key == "ALIAS":
                label, canonical = finder.aliases[text]
                yield Span(doc, start, end, label=label, kb_id=canonical, span_id=LEXICON)
            elif key == "PROGRAM":
                yield Span(doc, start, end, label="PROGRAM", kb_id=text, span_id=LEXICON)
            elif self.is_place(tokens, start, end):
                if text in finder.regions:
                    yield Span(doc, start, end, label="PLACE", kb_id=text, span_id=LEXICON)
                else:
                    division = gaz.resolve(text)
                    origin = LEXICON if text in finder.full_names else SHORT
                    yield Span(doc, start, end, label="PLACE", kb_id=division.code if division else "",
                               span_id=origin)

    def is_place(self, tokens: TokenTable, start: int, end: int) -> bool:
        text = tokens.span_text(start, end)
        following = tokens.words[end] if end < len(tokens) else ""
        if following.startswith(ent.place_features()) and not text.endswith(("省", "市")):
            return False
        if end - start == 1 and (text not in self.finder.full_names or len(text) <= 2):
            return tokens.tags[start] == "ns"
        return True

    def quoted_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        found: list[tuple[int, int, str]] = []
        text = tokens.text
        for opening, start, end in reference_quotations(list(tokens.words)):
            if opening == "《":
                found.append((start + 1, end - 1, "POLICY"))
                continue
            if opening == "‘" and ent._inside_quotes(tokens, start):
                found.append((start + 1, end - 1, "NESTED"))
                continue
            opened, closed = tokens.starts[start], tokens.starts[end - 1]
            before = text[max(0, opened - ent.CONTEXT_CHARS):opened]
            after = text[closed + 1:closed + 1 + ent.CONTEXT_CHARS]
            label = reference_quoted_label(tokens.span_text(start + 1, end - 1), before, after,
                                           self.finder.known_programs)
            introduced = any(cue in before for cue in cues("before", "program"))
            found.append((start + 1, end - 1, (label or "") + ("+" if introduced and label else "")))
        yield from reference_label_quoted(doc, tokens, found)

    def head_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        for i, word in enumerate(tokens.words):
            head = reference_head(word)
            if head is None or head.needs == "trigger" or tokens.tags[i] == "x":
                continue
            first = ent._modifiers_start(tokens, i)
            if not ent._acceptable(head, tokens, first, i) or reference_is_generic(tokens.span_text(first, i + 1)):
                continue
            yield Span(doc, first, i + 1, label=head.label, span_id=HEAD)

    def program_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        triggers, listing = cues("before", "program"), cues("list", "program")
        words = tokens.words
        for i, word in enumerate(words):
            if word in listing:
                for mention in ent._listed_spans(tokens, i):
                    yield Span(doc, mention.start, mention.end, label=mention.label_, span_id=mention.id_)
            if word not in triggers:
                continue
            start = i + 1
            while start < len(words):
                end = reference_program_end(tokens, start)
                if end is None:
                    break
                yield Span(doc, start, end, label="PROGRAM", span_id=TRIGGER)
                if end < len(words) and words[end] in ent.LIST_JOINERS:
                    start = end + 1
                else:
                    break


def reference_label_quoted(doc: Doc, tokens: TokenTable, found: list[tuple[int, int, str]]) -> Iterator[Span]:
    introduced = {(s, e) for s, e, label in found if label.endswith("+")}
    found = [(s, e, label.rstrip("+")) for s, e, label in found]
    nested = [(s, e) for s, e, label in found if label == "NESTED"]
    items = [(s, e, label) for s, e, label in found if label != "NESTED"
             and not any(s <= ns and ne <= e for ns, ne in nested)]
    items += [(s, e, "PROGRAM") for s, e in nested]
    items.sort()
    groups: list[list[tuple[int, int, str]]] = []
    for item in items:
        if groups and ent._adjacent(tokens, groups[-1][-1][1], item[0]):
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        labels = {label for _, _, label in group if label in ("PROGRAM", "ORG")}
        for start, end, label in group:
            if not label and len(labels) == 1 and reference_usable_quoted(tokens.span_text(start, end)):
                label = next(iter(labels))
            if label:
                origin = INTRODUCED if (start, end) in introduced else QUOTED
                yield Span(doc, start, end, label=label, span_id=origin)


def reference_program_end(tokens: TokenTable, start: int) -> int | None:
    chars = 0
    triggers = cues("before", "program")
    words, tags = tokens.words, tokens.tags
    for j in range(start, len(words)):
        word, tag = words[j], tags[j]
        if tag == "x" or word.isspace() or word in ("的", "和", "及") or word in triggers:
            return None
        chars += len(word)
        if chars > ent.MAX_PROGRAM_CHARS:
            return None
        head = reference_head(word)
        if head is not None and head.needs == "trigger" and j > start:
            following = reference_head(words[j + 1]) if j + 1 < len(words) else None
            if following is not None and following.needs == "trigger":
                continue
            name = tokens.span_text(start, j + 1)
            return None if reference_is_generic(name) else j + 1
        if tag == "m" and not (j + 1 < len(words) and reference_head(words[j + 1])):
            return None
    return None


def reference_dedupe(spans: list[Span]) -> list[Span]:
    """All pairs, as in tests/test_speed_equivalence.py."""
    unique = list({(s.start, s.end, s.label_): s for s in spans}.values())

    def dropped(span: Span) -> bool:
        return any(other is not span and other.start <= span.start and span.end <= other.end
                   and (other.end - other.start) > (span.end - span.start) and ent.swallows(other, span)
                   for other in unique)

    return sorted((s for s in unique if not dropped(s)), key=lambda s: (s.start, s.end, s.label_))


def component_spans(finder: EntityFinder, doc: Doc) -> list[tuple[int, int, str, str, str]]:
    finder(doc)
    return [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in doc.spans[SPANS_KEY]]


def test_component_is_the_reference_on_the_corpus(nlp: Language, finder: EntityFinder) -> None:
    reference = ReferenceFinder(finder)
    found = 0
    for text in TEXTS:
        doc = nlp.make_doc(text)
        spans = component_spans(finder, doc)
        assert spans == reference(doc)
        found += len(spans)
    assert found > 300


def test_component_cuts_mentions_after_the_body(nlp: Language, finder: EntityFinder) -> None:
    text = "锦州市委组织部实施兴锦人才计划。\n" * 3 + "\n责任编辑：\n王五\n沈阳市人社局评选沈阳名医、沈阳工匠。\n"
    doc = nlp.make_doc(text)
    assert body_end(text) < len(text)
    assert component_spans(finder, doc) == ReferenceFinder(finder)(doc)
    assert all(span.end_char <= body_end(text) for span in doc.spans[SPANS_KEY])


@settings(max_examples=300, deadline=None)
@given(POLICY_TEXT)
def test_component_is_the_reference_on_generated_text(nlp: Language, finder: EntityFinder, text: str) -> None:
    doc = nlp.make_doc(text)
    assert component_spans(finder, doc) == ReferenceFinder(finder)(doc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 5),
                          st.sampled_from(["PLACE", "AGENCY", "ORG", "POLICY", "PROGRAM"]),
                          st.sampled_from([LEXICON, SHORT, QUOTED, INTRODUCED, HEAD, TRIGGER, "listed"])),
                max_size=12))
def test_dedupe_of_mentions_is_dedupe_of_spans(nlp: Language, rows: list[tuple[int, int, str, str]]) -> None:
    doc = Doc(nlp.vocab, words=["字"] * 20)
    mentions = [Mention(start, start + length, label, "", origin) for start, length, label, origin in rows]
    spans = [Span(doc, m.start, m.end, label=m.label_, span_id=m.id_) for m in mentions]
    expected = [(s.start, s.end, s.label_, s.id_) for s in reference_dedupe(spans)]
    assert [(m.start, m.end, m.label_, m.id_) for m in _dedupe(mentions)] == expected
    assert [(s.start, s.end, s.label_, s.id_) for s in _dedupe(spans)] == expected


# --- gazetteer ------------------------------------------------------------------------------

def reference_resolve(gaz: Gazetteer, name: str, province: str | None = None) -> Division | None:
    candidates = gaz.candidates(name)
    if not candidates:
        return None
    return min(candidates, key=lambda d: (province is not None and d.province_code != province,
                                          LEVELS.index(d.level), d.code))


def test_resolve_is_the_minimum() -> None:
    gaz = gazetteer()
    provinces = [None] + sorted({d.province_code for d in gaz.by_code.values()}) + ["990000"]
    names = sorted(set(gaz.full) | set(gaz.short)) + ["", "刺桐", "锦州市委"]
    for name in names:
        for province in provinces:
            assert gaz.resolve(name, province) is reference_resolve(gaz, name, province)


def test_sole_province() -> None:
    gaz = gazetteer()
    for name in sorted(set(gaz.full) | set(gaz.short)) + ["", "刺桐"]:
        candidates = gaz.candidates(name)
        expected = (candidates[0].province_code if len({d.province_code for d in candidates}) == 1 else None)
        assert gaz.sole_province(name) == expected


def test_division_hash_agrees_with_equality() -> None:
    for division in list(gazetteer().by_code.values())[:300]:
        twin = Division(division.code, division.name, division.level, division.parent, division.short)
        assert twin == division and hash(twin) == hash(division)
        assert twin.province_code == division.code[:2] + "0000"


# --- metadata -------------------------------------------------------------------------------

def reference_plain(line: str) -> str:
    return re.sub(r"^\s*#+\s*", "", line).strip()


def reference_titleish(line: str) -> bool:
    plain = reference_plain(line)
    return not (plain.endswith(LETTERHEAD) or re.search(r"[〔\[][0-9]{4}[〕\]][0-9]+号\s*$", plain)
                or NEWSPAPER.match(plain))


def reference_find_title(text: str) -> str | None:
    lines = _lines(text)
    if not lines:
        return None
    index = next((i for i, line in enumerate(lines) if line.startswith("#") and reference_titleish(line)),
                 next((i for i, line in enumerate(lines) if reference_titleish(line)), 0))
    title = reference_plain(lines[index])
    if index + 1 < len(lines) and SUBTITLE.match(reference_plain(lines[index + 1])):
        title += "——" + SUBTITLE.sub("", reference_plain(lines[index + 1]))
    enclosed = ENCLOSED_TITLE.search(title)
    return enclosed.group("title").strip() if enclosed else title


def reference_find_date(text: str) -> str | None:
    for line in _lines(text[:body_end(text)]):
        if line.startswith(("-", "*", "•")):
            continue
        match = FULL_DATE.search(line)
        if not match:
            continue
        rest = (line[:match.start()] + line[match.end():]).strip(" #*-—")
        if len(rest) <= DATE_LINE_REST and not re.search(r"[，。；、,:：]", rest):
            return parse_date(match.group(0))
    return None


def reference_find_doc_type(text: str, title: str | None) -> str:
    cues_ = [(row[0], row[1], row[2]) for row in read_rows("doc_type_cues.tsv")]
    for cue, doc_type, where in cues_:
        if where == "title" and title and cue in title:
            return doc_type
    head = "\n".join(_lines(text)[:HEAD_LINES])
    votes = Counter(doc_type for cue, doc_type, where in cues_ if where == "body" and cue in head)
    if re.search(r"[〔\[][0-9]{4}[〕\]][0-9]+号", head):
        votes["official_document"] += 2
    return votes.most_common(1)[0][0] if votes else "news_report"


def reference_find_issuer(text: str) -> str | None:
    for line in (reference_plain(line) for line in _lines(text)[:HEAD_LINES]):
        if line.endswith(LETTERHEAD) and len(line) > len(LETTERHEAD) + 1:
            return line[: -len(LETTERHEAD)].strip()
        match = NEWSPAPER.match(line) or SOURCE.match(line)
        if match:
            return match.group("name")
    return None


def reference_find_jurisdiction(doc: Doc, title: str | None, issuer: str | None) -> Jurisdiction:
    gaz = gazetteer()
    mentions = [(span.start_char, span.text) for span in doc.spans.get(SPANS_KEY, [])
                if span.label_ == "PLACE" and span.kb_id_ in gaz.by_code]
    votes = Counter(gaz.candidates(name)[0].province_code for _, name in mentions
                    if len({d.province_code for d in gaz.candidates(name)}) == 1)
    home = votes.most_common(1)[0][0] if votes else None
    places = [(start, division) for start, name in mentions
              if (division := reference_resolve(gaz, name, home)) is not None]
    cities = [(start, city) for start, city in ((s, gaz.city_of(p)) for s, p in places) if city]
    text = doc.text
    named = [city for part in _parts(title) + _parts(issuer)
             for lo, hi in [_region(text, part)] if lo >= 0
             for start, city in cities if lo <= start < hi]
    city = named[0] if named else (Counter(c for _, c in cities).most_common(1)[0][0] if cities else None)
    province = gaz.province_of(city) if city is not None else None
    if province is None and places:
        province = Counter(gaz.by_code[p.province_code] for _, p in places
                           if p.province_code in gaz.by_code).most_common(1)[0][0]
    return Jurisdiction(city=city, province=province)


def assert_metadata_as_reference(text: str) -> None:
    title = reference_find_title(text)
    expected = (title, reference_find_doc_type(text, title), reference_find_date(text), reference_find_issuer(text))
    assert (find_title(text), find_doc_type(text, title), find_date(text), find_issuer(text)) == expected
    meta, _ = read_metadata(text, "d")
    assert (meta.title, meta.doc_type, meta.date, meta.issuer) == expected


METADATA_LINES = st.lists(st.sampled_from([
    "# 关于印发《锦州市人才新政》的通知", "中共锦州市委文件", "锦委发〔2023〕5号", "辽宁日报 2018年12月19日",
    "来源：锦州日报", "——人才工作纪实", "2023年5月1日", "  2023 年 5 月 1 日  ", "- 2022年1月2日 相关新闻",
    "锦州市人社局 2023年5月1日", "时间：2023年5月1日，地点：锦州", "", "   ", "责任编辑：王五", "相关新闻",
    "全市实施人才计划。", "## 锦州市人才发展规划", "通知", "锦州市人民政府办公室", "#", "2023年\n5月1日",
]), max_size=14).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(METADATA_LINES)
def test_metadata_on_generated_text(text: str) -> None:
    assert_metadata_as_reference(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\u3000#\n\r\x0b\x1c甲文件", max_size=12))
def test_plain_is_the_heading_pattern(line: str) -> None:
    assert _plain(line) == reference_plain(line)
    assert _titleish(line) == reference_titleish(line)


def test_metadata_on_the_corpus(nlp: Language) -> None:
    for text in TEXTS:
        assert_metadata_as_reference(text)
        doc = nlp(text)
        title, issuer = find_title(text), find_issuer(text)
        assert find_jurisdiction(doc, title, issuer) == reference_find_jurisdiction(doc, title, issuer)


# --- entity records -------------------------------------------------------------------------

def reference_canonical_name(span: Span, where: Jurisdiction) -> str:
    text = QUOTES.sub("", span.text)
    label = span.label_
    if label == "PLACE":
        return reference_place_name(span, text, where)
    if label in ("AGENCY", "ORG") and span.kb_id_:
        return span.kb_id_
    if label == "PROGRAM":
        return ent.VERSION.sub("", text) or text
    if label in ("AGENCY", "ORG"):
        return _qualified(text, where, bare=label == "AGENCY")
    return text


def reference_place_name(span: Span, text: str, where: Jurisdiction) -> str:
    gaz = gazetteer()
    if span.kb_id_ and span.kb_id_ in gaz.by_code:
        province = where.province.code if where.province else None
        division = reference_resolve(gaz, text, province) or gaz.by_code[span.kb_id_]
        return division.name
    if span.kb_id_:
        return span.kb_id_
    text = text.removesuffix("地区") if len(text) > 4 else text
    if where.city is None or reference_head(text) is None or reference_head(text).text != text:
        return text
    return gaz.short_name(where.city) + text


def reference_entity_records(doc: Doc, doc_id: str, where: Jurisdiction) -> list[Entity]:
    spans = list(doc.spans.get(SPANS_KEY, []))
    sentences = SentenceIndex.of(doc)
    names = [span for span in spans if span.label_ != "PLACE"]
    records = []
    for span in spans:
        if span.id_ == SHORT and where.province is not None and any(
                other.start <= span.start and span.end <= other.end for other in names):
            division = reference_resolve(gazetteer(), span.text, where.province.code)
            if division is None or division.province_code != where.province.code:
                continue
        sentence_start, sentence = sentences.sentence(span.start_char)
        records.append(Entity(doc=doc_id, start=span.start_char, end=span.end_char, text=span.text,
                              label=span.label_, name=reference_canonical_name(span, where),
                              sentence=sentence, sentence_start=sentence_start))
    return records


def test_entity_records_on_the_corpus(nlp: Language) -> None:
    gaz = gazetteer()
    sichuan = Jurisdiction(city=gaz.by_code["511500"], province=gaz.by_code["510000"])
    for text in TEXTS:
        doc = nlp(text)
        _, where = read_metadata(text, "d", doc)
        for jurisdiction in (where, Jurisdiction(), sichuan):
            assert entity_records(doc, "d", jurisdiction) == reference_entity_records(doc, "d", jurisdiction)


@settings(max_examples=200, deadline=None)
@given(POLICY_TEXT)
def test_entity_records_on_generated_text(nlp: Language, text: str) -> None:
    doc = nlp(text)
    _, where = read_metadata(text, "d", doc)
    assert entity_records(doc, "d", where) == reference_entity_records(doc, "d", where)
    title, issuer = find_title(text), find_issuer(text)
    assert find_jurisdiction(doc, title, issuer) == reference_find_jurisdiction(doc, title, issuer)
