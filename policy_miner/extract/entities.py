"""Finding named entities (SPEC.md section 2) as a spaCy component over the segmented tokens.

Four grammars, all driven by lexicons:

* places: a ``PhraseMatcher`` over the division gazetteer (full names, and short forms where
  jieba tags the word a place name) and named regions;
* quoted names: a ``Matcher`` for 《…》 (always a POLICY) and “…” (a POLICY if it ends like a
  document title, a PROGRAM when its own ending or the words around it say so, else nothing:
  most quoted phrases are slogans);
* head-final names: a token ending in a head (组织部, 大学, 高新区…) with the nouns and proper
  names before it, so names no lexicon lists are found too;
* programs introduced by a verb: 实施 … 工程, 开展 … 行动, also inside titles.

The component stores every mention, overlapping ones included, in ``doc.spans["entities"]``
(label in ``span.label_``; a known canonical form, e.g. a division code or an alias's full
name, in ``span.kb_id_``; the grammar that found it in ``span.id_``). Canonical names that depend on the document's jurisdiction
(市委组织部 -> 锦州市委组织部) are made later by :mod:`policy_miner.extract.names`.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup, Token

from ..lexicons import read_rows, read_words
from .filters import body_end
from .gazetteer import gazetteer

SPANS_KEY = "entities"
COMPONENT = "policy_entities"

# jieba flags of words that may stand inside a name before its head.
MODIFIER_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "vn", "an", "b", "g",
                           "eng", "nw", "s", "f"})
# Flags that make a name specific (a place, a person's or an organisation's name).
PROPER_TAGS = frozenset({"nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng", "g"})
JURISDICTION_WORDS = frozenset({"市", "省", "县", "区", "市委", "省委", "县委", "区委", "中共", "国家"})
MAX_MODIFIER_CHARS = 16
MAX_PROGRAM_CHARS = 18
PLAN_PERIOD = re.compile(r"^[一二三四五六七八九十]{2,3}五$")
NUMERAL_START = re.compile(r"^[一二两三四五六七八九十百千万双]")
QUOTE_PAIRS = (("《", "》"), ("“", "”"), ("‘", "’"), ("「", "」"), ("〈", "〉"))
CLAUSE_PUNCT = re.compile(r"[，。！？；：,!?;:]")
MAX_QUOTED_CHARS = 20
MIN_QUOTED_POLICY = 8  # “科技人才引进计划实施方案” is a title; “科科讲政策” is a campaign
VERSION = re.compile(r"\s*[0-9.]+\s*版.*$")  # “钢都英才计划 2.0 版政策” names 钢都英才计划
CONTEXT_CHARS = 4  # characters around quotes where cues count (深入实施“…”, “…”等公众号)
MAX_LISTED_CHARS = 8
LIST_JOINERS = ("、", "和", "及", "以及")
# The grammar that found a span (``span.id_``): overlaps are resolved by it.
LEXICON, SHORT, QUOTED, INTRODUCED, HEAD, TRIGGER, LISTED = (
    "lexicon", "short", "quoted", "introduced", "head", "trigger", "listed")


@dataclass(frozen=True)
class Head:
    """The last word of an open-class name and what the words before it must be."""

    text: str
    label: str
    needs: str


@functools.lru_cache(maxsize=None)
def heads() -> tuple[Head, ...]:
    """Heads, longest first so 人民政府 wins over 政府."""
    rows = [Head(row[0], row[1], row[2]) for row in read_rows("entity_heads.tsv")]
    return tuple(sorted(rows, key=lambda h: -len(h.text)))


@functools.lru_cache(maxsize=None)
def program_cues() -> dict[tuple[str, str], frozenset[str]]:
    """(where, effect) -> cue words, from ``lexicons/program_cues.tsv``."""
    table: dict[tuple[str, str], set[str]] = {}
    for cue, where, effect in read_rows("program_cues.tsv"):
        table.setdefault((where, effect), set()).add(cue)
    return {key: frozenset(words) for key, words in table.items()}


@functools.lru_cache(maxsize=None)
def policy_heads() -> tuple[str, ...]:
    return tuple(read_words("policy_heads.txt"))


@functools.lru_cache(maxsize=None)
def set_phrases() -> frozenset[str]:
    return frozenset(read_words("set_phrases.txt"))


@functools.lru_cache(maxsize=None)
def generic_words() -> tuple[str, ...]:
    return tuple(read_words("generic_words.txt"))


@functools.lru_cache(maxsize=None)
def place_features() -> tuple[str, ...]:
    return tuple(read_words("place_features.txt"))


def is_generic(name: str) -> bool:
    """A category (各类人才计划, 县级公立医院), not a name."""
    return any(word in name for word in generic_words())


@functools.lru_cache(maxsize=None)
def _heads_by_length() -> tuple[tuple[int, dict[str, Head]], ...]:
    table: dict[int, dict[str, Head]] = {}
    for head in heads():
        table.setdefault(len(head.text), {}).setdefault(head.text, head)
    return tuple(sorted(table.items(), reverse=True))


def head_of(word: str) -> Head | None:
    """The longest head a word ends with, if any (looked up by suffix: called for every token)."""
    for length, by_text in _heads_by_length():
        head = by_text.get(word[-length:])
        if head is not None:
            return head
    return None


def cues(where: str, effect: str) -> frozenset[str]:
    return program_cues().get((where, effect), frozenset())


def quoted_label(inner: str, before: str, after: str, known: frozenset[str]) -> str | None:
    """What a phrase in “…” names, given the words just before and after the quotes.

    ``before`` is the text of the few tokens before the opening quote, ``after`` the text
    right after the closing one. None for slogans, categories and catch-phrases.
    """
    name = VERSION.sub("", inner.strip())
    after = after.lstrip("等")
    if name in known:
        return "PROGRAM"
    if len(name) >= MIN_QUOTED_POLICY and name.endswith(policy_heads()) and not CLAUSE_PUNCT.search(name):
        return "POLICY"  # a title may say 若干 (关于…的若干措施)
    if not usable_quoted(name) or any(after.startswith(cue) for cue in cues("after", "not")):
        return None
    if "的" in name:
        return None  # a clause (用最优的政策引人才), not a name
    if name.endswith(tuple(cues("end", "program"))):
        return "PROGRAM"
    if NUMERAL_START.match(name) and len(name) <= 4:
        return None  # a numbered catch-phrase (一把手, 三位一体)
    if any(after.startswith(cue) for cue in cues("after", "org")):
        return "ORG"
    if any(after.startswith(cue) for cue in cues("after", "program")):
        return "PROGRAM"
    if any(cue in before for cue in cues("before", "program")):
        return "PROGRAM"
    return None


def usable_quoted(name: str) -> bool:
    """A quoted phrase that could be a name: short, one clause, not a period or a set phrase,
    not a list of one-character words (稳、留、引), not a category (各类人才计划)."""
    if not 2 <= len(name) <= MAX_QUOTED_CHARS or CLAUSE_PUNCT.search(name):
        return False
    if PLAN_PERIOD.match(name) or name in set_phrases():
        return False
    if is_generic(name):
        return False
    return not all(len(part) <= 1 for part in re.split(r"[、·]", name))


class EntityFinder:
    """The ``policy_entities`` component: every entity mention into ``doc.spans``."""

    def __init__(self, nlp: Language):
        self.vocab = nlp.vocab
        gaz = gazetteer()
        full, short = gaz.names()
        self.full_names, self.short_names = full, short
        self.regions = frozenset(row[0] for row in read_rows("regions.tsv"))
        self.aliases = {row[0]: (row[1], row[2]) for row in read_rows("entity_aliases.tsv")}
        self.known_programs = frozenset(read_words("known_programs.txt"))
        self.phrases = PhraseMatcher(nlp.vocab)
        for key, names in (("PLACE", full | short | self.regions), ("ALIAS", set(self.aliases)),
                           ("PROGRAM", self.known_programs)):
            self.phrases.add(key, [doc for name in sorted(names) for doc in self._phrase_docs(name)])
        self.quotes = Matcher(nlp.vocab)
        for opening, closing in QUOTE_PAIRS:
            self.quotes.add(opening, [[{"ORTH": opening},
                                       {"ORTH": {"NOT_IN": [closing, opening, "\n"]}, "OP": "+"},
                                       {"ORTH": closing}]])

    def _phrase_docs(self, name: str) -> Iterator[Doc]:
        """A name as one token, and split before a level suffix (锦州 / 市), the two ways
        jieba segments a name it knows or not, without running jieba on every name."""
        yield Doc(self.vocab, words=[name], spaces=[False])
        if len(name) > 2 and name[-1] in "省市县区":
            yield Doc(self.vocab, words=[name[:-1], name[-1]], spaces=[False, False])

    def __call__(self, doc: Doc) -> Doc:
        limit = body_end(doc.text)
        spans = [span for span in self.find(doc) if span.end_char <= limit]
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=_dedupe(spans))
        return doc

    def find(self, doc: Doc) -> Iterator[Span]:
        yield from self._phrase_spans(doc)
        yield from self._quoted_spans(doc)
        yield from self._head_spans(doc)
        yield from self._program_spans(doc)

    # -- gazetteer, aliases, known programs ---------------------------------------------------
    def _phrase_spans(self, doc: Doc) -> Iterator[Span]:
        gaz = gazetteer()
        for match_id, start, end in self.phrases(doc):
            key = self.vocab.strings[match_id]
            text = doc[start:end].text
            if key == "ALIAS":
                label, canonical = self.aliases[text]
                yield Span(doc, start, end, label=label, kb_id=canonical, span_id=LEXICON)
            elif key == "PROGRAM":
                yield Span(doc, start, end, label="PROGRAM", kb_id=text, span_id=LEXICON)
            elif self._is_place(doc, start, end):
                if text in self.regions:
                    yield Span(doc, start, end, label="PLACE", kb_id=text, span_id=LEXICON)
                else:
                    division = gaz.resolve(text)
                    origin = LEXICON if text in self.full_names else SHORT
                    yield Span(doc, start, end, label="PLACE", kb_id=division.code if division else "",
                               span_id=origin)

    def _is_place(self, doc: Doc, start: int, end: int) -> bool:
        """A gazetteer match that is a place here: short forms and two-character names only
        where jieba tags the word a place name (和平, 城区 are words too), never a street."""
        text = doc[start:end].text
        following = doc[end].text if end < len(doc) else ""
        if following.startswith(place_features()) and not text.endswith(("省", "市")):
            return False
        if end - start == 1 and (text not in self.full_names or len(text) <= 2):
            return doc[start].tag_ == "ns"
        return True

    # -- 《…》 and “…” ----------------------------------------------------------------------
    def _quoted_spans(self, doc: Doc) -> Iterator[Span]:
        found: list[tuple[int, int, str]] = []
        text = doc.text  # built from the tokens on every access: read it once
        for match_id, start, end in self.quotes(doc):
            opening = self.vocab.strings[match_id]
            inner = doc[start + 1:end - 1]
            if opening == "《":
                found.append((start + 1, end - 1, "POLICY"))
                continue
            if opening == "‘" and _inside_quotes(doc, start):
                found.append((start + 1, end - 1, "NESTED"))
                continue
            before = text[max(0, doc[start].idx - CONTEXT_CHARS):doc[start].idx]
            after = text[doc[end - 1].idx + 1:doc[end - 1].idx + 1 + CONTEXT_CHARS]
            label = quoted_label(inner.text, before, after, self.known_programs)
            introduced = any(cue in before for cue in cues("before", "program"))
            found.append((start + 1, end - 1, (label or "") + ("+" if introduced and label else "")))
        yield from _label_quoted(doc, found)

    # -- head-final names -----------------------------------------------------------------
    def _head_spans(self, doc: Doc) -> Iterator[Span]:
        for i, token in enumerate(doc):
            head = head_of(token.text)
            if head is None or head.needs == "trigger" or token.tag_ == "x":
                continue
            first = _modifiers_start(doc, i)
            if not _acceptable(head, doc[first:i], token) or is_generic(doc[first:i + 1].text):
                continue
            yield Span(doc, first, i + 1, label=head.label, span_id=HEAD)

    # -- programs introduced by a verb ----------------------------------------------------
    def _program_spans(self, doc: Doc) -> Iterator[Span]:
        triggers, listing = cues("before", "program"), cues("list", "program")
        for i, token in enumerate(doc):
            if token.text in listing:
                yield from _listed_spans(doc, i)
            if token.text not in triggers:
                continue
            start = i + 1
            while start < len(doc):
                end = _program_end(doc, start)
                if end is None:
                    break
                yield Span(doc, start, end, label="PROGRAM", span_id=TRIGGER)
                if end < len(doc) and doc[end].text in LIST_JOINERS:
                    start = end + 1  # 实施甲工程、乙工程和丙行动
                else:
                    break


def _inside_quotes(doc: Doc, start: int) -> bool:
    """Whether token ``start`` sits inside “…” (‘带土移植’优秀人才 nests a name in a phrase)."""
    for token in reversed(doc[max(0, start - MAX_QUOTED_CHARS):start]):
        if token.text == "”":
            return False
        if token.text == "“":
            return True
    return False


def _label_quoted(doc: Doc, found: list[tuple[int, int, str]]) -> Iterator[Span]:
    """Spans of labelled quoted phrases. A phrase nested in quotes (‘…’ inside “…”) is the
    name, not the phrase around it; unlabelled phrases listed next to a program are programs
    too (“锦州工匠”“锦州名医”评选), and likewise organisations (“海城正发布”“海城组工”等公众号),
    as long as they could be names at all."""
    introduced = {(s, e) for s, e, label in found if label.endswith("+")}
    found = [(s, e, label.rstrip("+")) for s, e, label in found]
    nested = [(s, e) for s, e, label in found if label == "NESTED"]
    items = [(s, e, label) for s, e, label in found if label != "NESTED"
             and not any(s <= ns and ne <= e for ns, ne in nested)]
    items += [(s, e, "PROGRAM") for s, e in nested]
    items.sort()
    groups: list[list[tuple[int, int, str]]] = []
    for item in items:
        if groups and _adjacent(doc, groups[-1][-1][1], item[0]):
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        labels = {label for _, _, label in group if label in ("PROGRAM", "ORG")}
        for start, end, label in group:
            if not label and len(labels) == 1 and usable_quoted(doc[start:end].text):
                label = next(iter(labels))
            if label:
                origin = INTRODUCED if (start, end) in introduced else QUOTED
                yield Span(doc, start, end, label=label, span_id=origin)


def _adjacent(doc: Doc, previous_end: int, start: int) -> bool:
    """Two quoted phrases next to each other or joined by 、/和/及/与."""
    between = doc[previous_end + 1:start - 1].text
    return between in ("", "、", "和", "及", "与", "，", ",")


def _modifiers_start(doc: Doc, head: int) -> int:
    """Index of the first word of the name ending at token ``head``: walk back over nouns,
    proper names and runs of one-character words (pieces of a name jieba does not know);
    where a place or 市/省 stands among them, the name starts there (布局|海城…试验区)."""
    first, chars = head, 0
    while first > 0:
        token = doc[first - 1]
        if not _modifier(doc, first - 1) or chars + len(token.text) > MAX_MODIFIER_CHARS:
            break
        first -= 1
        chars += len(token.text)
    for i in range(first, head):
        if doc[i].tag_ == "ns" or doc[i].text in JURISDICTION_WORDS:
            return i
    if doc[head].tag_ in PROPER_TAGS and (found := head_of(doc[head].text)) and found.text != doc[head].text:
        return head  # the word is a whole name by itself (辽沈战役纪念馆)
    return first


def _modifier(doc: Doc, i: int) -> bool:
    token = doc[i]
    if token.text in STOP_MODIFIERS:
        return False
    head = head_of(token.text)
    if head is not None and head.label == "AGENCY" and head.needs != "alone":
        return False  # another body's name ends here (市人社局|会同市财政局)
    if token.tag_ in MODIFIER_TAGS or ORDINAL.match(token.text):
        return True
    if token.tag_ == "a" and len(token.text) == 1:
        return True  # 新 in 新材料科技有限公司
    # one-character words next to each other are an unknown name (腾/鳌 in 腾鳌经济开发区)
    return _single(doc, i) and (_single(doc, i - 1) or _single(doc, i + 1))


def _single(doc: Doc, i: int) -> bool:
    return 0 <= i < len(doc) and len(doc[i].text) == 1 and doc[i].tag_ not in FUNCTION_TAGS


ORDINAL = re.compile(r"^第[一二三四五六七八九十0-9]+$")  # 第二人民医院
FUNCTION_TAGS = frozenset({"x", "uj", "ul", "uz", "ug", "uv", "ud", "u", "p", "c", "m", "r", "y"})
STOP_MODIFIERS = frozenset({"各", "全", "本", "该", "等", "有关", "相关", "其他", "所属", "下属", "全市",
                            "全省", "全县", "全区", "我市", "我省", "各级", "重点", "主要"})


def _acceptable(head: Head, modifiers: Span, token: Token) -> bool:
    """Whether a head and its modifiers make a name, by what the head needs. A word longer
    than its head (市委组织部, 浙江大学 as one jieba word) brings its own modifier."""
    own = token.text[: -len(head.text)]
    words = [t.text for t in modifiers] + ([own] if own else [])
    if head.needs == "alone":
        return bool(words) or not head.text.startswith(("县", "区"))
    if not words:
        return False
    if head.needs == "jurisdiction":
        return words[0] in JURISDICTION_WORDS or (len(modifiers) > 0 and modifiers[0].tag_ == "ns")
    if head.needs == "org":
        return any(head_of(t.text) is not None and head_of(t.text).label == "ORG" for t in modifiers)
    if own and (token.tag_ in PROPER_TAGS or own.startswith(tuple(JURISDICTION_WORDS))):
        return True
    specific = any(t.tag_ in PROPER_TAGS or t.text in JURISDICTION_WORDS for t in modifiers)
    return specific or sum(_single(modifiers.doc, t.i) for t in modifiers) >= 2


def _program_end(doc: Doc, start: int) -> int | None:
    """End of a program name starting at ``start`` (干部能力素质大提升三年行动): the first
    token ending in a program head, within reach, with no punctuation, other program verb or
    number before it (a count may stand just before the head: 三年行动)."""
    chars = 0
    triggers = cues("before", "program")
    for j in range(start, len(doc)):
        token = doc[j]
        if token.tag_ == "x" or token.is_space or token.text in ("的", "和", "及") or token.text in triggers:
            return None
        chars += len(token.text)
        if chars > MAX_PROGRAM_CHARS:
            return None
        head = head_of(token.text)
        if head is not None and head.needs == "trigger" and j > start:
            following = head_of(doc[j + 1].text) if j + 1 < len(doc) else None
            if following is not None and following.needs == "trigger":
                continue  # 计划项目: the name goes on
            name = doc[start:j + 1].text
            return None if is_generic(name) else j + 1
        if token.tag_ == "m" and not (j + 1 < len(doc) and head_of(doc[j + 1].text)):
            return None
    return None


def _listed_spans(doc: Doc, verb: int) -> Iterator[Span]:
    """Honours listed after 评选 (评选锦州工匠、锦州名医、…): the items that start with a
    place name, up to the end of the list; an item ends before 等 or 各 (九江名医各10名)."""
    start = verb + 1
    while start < len(doc):
        end, chars = start, 0
        while end < len(doc) and doc[end].text not in LIST_END and doc[end].tag_ not in ("x", "m"):
            chars += len(doc[end].text)
            end += 1
        if end > start + 1 and doc[start].tag_ == "ns" and chars <= MAX_LISTED_CHARS:
            yield Span(doc, start, end, label="PROGRAM", span_id=LISTED)
        if end >= len(doc) or doc[end].text not in LIST_JOINERS:
            return
        start = end + 1


LIST_END = frozenset({"、", "和", "及", "以及", "等", "各", "，", ",", "。", "；"})


def _dedupe(spans: list[Span]) -> list[Span]:
    """One span per (start, end, label), and nested names resolved:

    * inside a title (《…》) only places and programs a verb introduces are mentions of their
      own (《关于实施雄关人才扶持计划的意见》 names the program; 《海城市人才工作领导小组工作
      规则》 does not mention the group), and names found by heads inside a quoted program
      are part of it (“中国高新区人力资本创新示范区”);
    * among agencies and organisations, and among programs, the longest wins (沈阳农业大学
      inside 沈阳农业大学海城基地 is part of the name, not a mention of its own);
    * a place stays a place inside any name (a short form of another province's place
      inside a name is dropped later, when the province is known: policy_miner/extract/names.py).
    """
    unique = list({(s.start, s.end, s.label_): s for s in spans}.values())

    def inside(span: Span, other: Span) -> bool:
        return other is not span and other.start <= span.start and span.end <= other.end \
            and (other.end - other.start) > (span.end - span.start)

    def dropped(span: Span) -> bool:
        for other in unique:
            if not inside(span, other):
                continue
            if other.label_ == "POLICY" and span.id_ not in (LEXICON, TRIGGER, INTRODUCED):
                return True
            if span.id_ == SHORT and other.label_ == "PLACE" and other.id_ == LEXICON:
                return True  # 庐山 inside 庐山市
            if other.label_ == "PROGRAM" and other.id_ in (QUOTED, INTRODUCED) and span.id_ == HEAD:
                return True
            family = {"AGENCY", "ORG"} if span.label_ in ("AGENCY", "ORG") else {span.label_}
            if span.label_ != "PLACE" and other.label_ in family and span.id_ != LEXICON:
                return True
        return False

    return sorted((s for s in unique if not dropped(s)), key=lambda s: (s.start, s.end, s.label_))


@Language.factory(COMPONENT)
def make_entity_finder(nlp: Language, name: str) -> EntityFinder:
    """Registered so pipelines can ``nlp.add_pipe("policy_entities")``."""
    return EntityFinder(nlp)
