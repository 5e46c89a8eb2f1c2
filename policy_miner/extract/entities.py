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

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup

from ..lexicons import read_rows, read_words
from ..nlp.tokenizer import TokenTable, token_table
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


@functools.lru_cache(maxsize=None)
def _head_last_characters() -> frozenset[str]:
    return frozenset(head.text[-1] for head in heads())


def head_of(word: str) -> Head | None:
    """The longest head a word ends with, if any (looked up by suffix: called for every token,
    so a word whose last character ends no head is answered at once)."""
    if word[-1:] not in _head_last_characters():
        return None
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
    """The ``policy_entities`` component: every entity mention into ``doc.spans``.

    The grammars read the tokens from the tokenizer's lists (:func:`token_table`), not from
    spaCy ``Token`` objects, which are built anew on every access.
    """

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

    def _phrase_docs(self, name: str) -> Iterator[Doc]:
        """A name as one token, split before a level suffix (锦州 / 市), and one character a
        token (叙/州/区: a run of characters the dictionary does not cover), the ways the
        segmenter cuts a name it knows or not, without running it on every name."""
        yield Doc(self.vocab, words=[name], spaces=[False])
        if len(name) > 2 and name[-1] in "省市县区":
            yield Doc(self.vocab, words=[name[:-1], name[-1]], spaces=[False, False])
        if len(name) > 2:
            yield Doc(self.vocab, words=list(name), spaces=[False] * len(name))

    def __call__(self, doc: Doc) -> Doc:
        tokens = token_table(doc)
        limit = body_end(tokens.text)
        spans = [span for span in self.find(doc) if span.end_char <= limit]
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=_dedupe(spans))
        return doc

    def find(self, doc: Doc) -> Iterator[Span]:
        tokens = token_table(doc)
        yield from self._phrase_spans(doc, tokens)
        yield from self._quoted_spans(doc, tokens)
        yield from self._head_spans(doc, tokens)
        yield from self._program_spans(doc, tokens)

    # -- gazetteer, aliases, known programs ---------------------------------------------------
    def _phrase_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        gaz = gazetteer()
        for match_id, start, end in self.phrases(doc):
            key = self.vocab.strings[match_id]
            text = tokens.span_text(start, end)
            if key == "ALIAS":
                label, canonical = self.aliases[text]
                yield Span(doc, start, end, label=label, kb_id=canonical, span_id=LEXICON)
            elif key == "PROGRAM":
                yield Span(doc, start, end, label="PROGRAM", kb_id=text, span_id=LEXICON)
            elif self._is_place(tokens, start, end):
                if text in self.regions:
                    yield Span(doc, start, end, label="PLACE", kb_id=text, span_id=LEXICON)
                else:
                    division = gaz.resolve(text)
                    origin = LEXICON if text in self.full_names else SHORT
                    yield Span(doc, start, end, label="PLACE", kb_id=division.code if division else "",
                               span_id=origin)

    def _is_place(self, tokens: TokenTable, start: int, end: int) -> bool:
        """A gazetteer match that is a place here: short forms and two-character names only
        where jieba tags the word a place name (和平, 城区 are words too), never a street."""
        text = tokens.span_text(start, end)
        following = tokens.words[end] if end < len(tokens) else ""
        if following.startswith(place_features()) and not text.endswith(("省", "市")):
            return False
        if end - start == 1 and (text not in self.full_names or len(text) <= 2):
            return tokens.tags[start] == "ns"
        return True

    # -- 《…》 and “…” ----------------------------------------------------------------------
    def _quoted_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        found: list[tuple[int, int, str]] = []
        text = tokens.text
        for opening, start, end in _quotations(tokens.words):
            if opening == "《":
                found.append((start + 1, end - 1, "POLICY"))
                continue
            if opening == "‘" and _inside_quotes(tokens, start):
                found.append((start + 1, end - 1, "NESTED"))
                continue
            opened, closed = tokens.starts[start], tokens.starts[end - 1]
            before = text[max(0, opened - CONTEXT_CHARS):opened]
            after = text[closed + 1:closed + 1 + CONTEXT_CHARS]
            label = quoted_label(tokens.span_text(start + 1, end - 1), before, after, self.known_programs)
            introduced = any(cue in before for cue in cues("before", "program"))
            found.append((start + 1, end - 1, (label or "") + ("+" if introduced and label else "")))
        yield from _label_quoted(doc, tokens, found)

    # -- head-final names -----------------------------------------------------------------
    def _head_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        for i, word in enumerate(tokens.words):
            head = head_of(word)
            if head is None or head.needs == "trigger" or tokens.tags[i] == "x":
                continue
            first = _modifiers_start(tokens, i)
            if not _acceptable(head, tokens, first, i) or is_generic(tokens.span_text(first, i + 1)):
                continue
            yield Span(doc, first, i + 1, label=head.label, span_id=HEAD)

    # -- programs introduced by a verb ----------------------------------------------------
    def _program_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Span]:
        triggers, listing = cues("before", "program"), cues("list", "program")
        words = tokens.words
        for i, word in enumerate(words):
            if word in listing:
                yield from _listed_spans(doc, tokens, i)
            if word not in triggers:
                continue
            start = i + 1
            while start < len(words):
                end = _program_end(tokens, start)
                if end is None:
                    break
                yield Span(doc, start, end, label="PROGRAM", span_id=TRIGGER)
                if end < len(words) and words[end] in LIST_JOINERS:
                    start = end + 1  # 实施甲工程、乙工程和丙行动
                else:
                    break


_CLOSING_QUOTES = {closing: opening for opening, closing in QUOTE_PAIRS}


def _quotations(words: Sequence[str]) -> Iterator[tuple[str, int, int]]:
    """``(opening mark, start, end)`` of every quoted phrase: tokens ``start`` and ``end - 1``
    are an opening mark and its closing mark with at least one token between them and none
    of the two marks nor a line break token (``\n``) among those. One pass over the tokens; the
    latest opening of each kind waits for its closing mark."""
    waiting: dict[str, int] = {}
    for i, word in enumerate(words):
        if word in _OPENING_QUOTES:
            waiting[word] = i
        elif word in _CLOSING_QUOTES:
            opening = _CLOSING_QUOTES[word]
            start = waiting.pop(opening, None)
            if start is not None and i > start + 1:
                yield opening, start, i + 1
        elif word == "\n":
            waiting.clear()


_OPENING_QUOTES = frozenset(opening for opening, _ in QUOTE_PAIRS)


def _inside_quotes(tokens: TokenTable, start: int) -> bool:
    """Whether token ``start`` sits inside “…” (‘带土移植’优秀人才 nests a name in a phrase)."""
    for word in reversed(tokens.words[max(0, start - MAX_QUOTED_CHARS):start]):
        if word == "”":
            return False
        if word == "“":
            return True
    return False


def _label_quoted(doc: Doc, tokens: TokenTable, found: list[tuple[int, int, str]]) -> Iterator[Span]:
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
        if groups and _adjacent(tokens, groups[-1][-1][1], item[0]):
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        labels = {label for _, _, label in group if label in ("PROGRAM", "ORG")}
        for start, end, label in group:
            if not label and len(labels) == 1 and usable_quoted(tokens.span_text(start, end)):
                label = next(iter(labels))
            if label:
                origin = INTRODUCED if (start, end) in introduced else QUOTED
                yield Span(doc, start, end, label=label, span_id=origin)


def _adjacent(tokens: TokenTable, previous_end: int, start: int) -> bool:
    """Two quoted phrases next to each other or joined by 、/和/及/与."""
    between = tokens.span_text(previous_end + 1, start - 1)
    return between in ("", "、", "和", "及", "与", "，", ",")


def _modifiers_start(tokens: TokenTable, head: int) -> int:
    """Index of the first word of the name ending at token ``head``: walk back over nouns,
    proper names and runs of one-character words (pieces of a name jieba does not know);
    where a place or 市/省 stands among them, the name starts there (布局|海城…试验区)."""
    words, tags = tokens.words, tokens.tags
    first, chars = head, 0
    while first > 0:
        if not _modifier(tokens, first - 1) or chars + len(words[first - 1]) > MAX_MODIFIER_CHARS:
            break
        first -= 1
        chars += len(words[first])
    for i in range(first, head):
        if tags[i] == "ns" or words[i] in JURISDICTION_WORDS:
            return i
    if tags[head] in PROPER_TAGS and (found := head_of(words[head])) and found.text != words[head]:
        return head  # the word is a whole name by itself (辽沈战役纪念馆)
    return first


def _modifier(tokens: TokenTable, i: int) -> bool:
    word, tag = tokens.words[i], tokens.tags[i]
    if word in STOP_MODIFIERS:
        return False
    head = head_of(word)
    if head is not None and head.label == "AGENCY" and head.needs != "alone":
        return False  # another body's name ends here (市人社局|会同市财政局)
    if tag in MODIFIER_TAGS or ORDINAL.match(word):
        return True
    if tag == "a" and len(word) == 1:
        return True  # 新 in 新材料科技有限公司
    # one-character words next to each other are an unknown name (腾/鳌 in 腾鳌经济开发区)
    return _single(tokens, i) and (_single(tokens, i - 1) or _single(tokens, i + 1))


def _single(tokens: TokenTable, i: int) -> bool:
    return 0 <= i < len(tokens) and len(tokens.words[i]) == 1 and tokens.tags[i] not in FUNCTION_TAGS


ORDINAL = re.compile(r"^第[一二三四五六七八九十0-9]+$")  # 第二人民医院
FUNCTION_TAGS = frozenset({"x", "uj", "ul", "uz", "ug", "uv", "ud", "u", "p", "c", "m", "r", "y"})
STOP_MODIFIERS = frozenset({"各", "全", "本", "该", "等", "有关", "相关", "其他", "所属", "下属", "全市",
                            "全省", "全县", "全区", "我市", "我省", "各级", "重点", "主要"})


def _acceptable(head: Head, tokens: TokenTable, first: int, last: int) -> bool:
    """Whether a head and its modifiers (tokens ``first`` to ``last - 1``) make a name, by what
    the head needs; token ``last`` ends in the head. A word longer than its head (市委组织部,
    浙江大学 as one jieba word) brings its own modifier."""
    own = tokens.words[last][: -len(head.text)]
    modifiers = range(first, last)
    words = [tokens.words[i] for i in modifiers] + ([own] if own else [])
    if head.needs == "alone":
        return bool(words) or not head.text.startswith(("县", "区"))
    if not words:
        return False
    if head.needs == "jurisdiction":
        return words[0] in JURISDICTION_WORDS or (len(modifiers) > 0 and tokens.tags[first] == "ns")
    if head.needs == "org":
        return any((found := head_of(tokens.words[i])) is not None and found.label == "ORG" for i in modifiers)
    if own and (tokens.tags[last] in PROPER_TAGS or own.startswith(tuple(JURISDICTION_WORDS))):
        return True
    specific = any(tokens.tags[i] in PROPER_TAGS or tokens.words[i] in JURISDICTION_WORDS for i in modifiers)
    return specific or sum(_single(tokens, i) for i in modifiers) >= 2


def _program_end(tokens: TokenTable, start: int) -> int | None:
    """End of a program name starting at ``start`` (干部能力素质大提升三年行动): the first
    token ending in a program head, within reach, with no punctuation, other program verb or
    number before it (a count may stand just before the head: 三年行动)."""
    chars = 0
    triggers = cues("before", "program")
    words, tags = tokens.words, tokens.tags
    for j in range(start, len(words)):
        word, tag = words[j], tags[j]
        if tag == "x" or word.isspace() or word in ("的", "和", "及") or word in triggers:
            return None
        chars += len(word)
        if chars > MAX_PROGRAM_CHARS:
            return None
        head = head_of(word)
        if head is not None and head.needs == "trigger" and j > start:
            following = head_of(words[j + 1]) if j + 1 < len(words) else None
            if following is not None and following.needs == "trigger":
                continue  # 计划项目: the name goes on
            name = tokens.span_text(start, j + 1)
            return None if is_generic(name) else j + 1
        if tag == "m" and not (j + 1 < len(words) and head_of(words[j + 1])):
            return None
    return None


def _listed_spans(doc: Doc, tokens: TokenTable, verb: int) -> Iterator[Span]:
    """Honours listed after 评选 (评选锦州工匠、锦州名医、…): the items that start with a
    place name, up to the end of the list; an item ends before 等 or 各 (九江名医各10名)."""
    words, tags = tokens.words, tokens.tags
    start = verb + 1
    while start < len(words):
        end, chars = start, 0
        while end < len(words) and words[end] not in LIST_END and tags[end] not in ("x", "m"):
            chars += len(words[end])
            end += 1
        if end > start + 1 and tags[start] == "ns" and chars <= MAX_LISTED_CHARS:
            yield Span(doc, start, end, label="PROGRAM", span_id=LISTED)
        if end >= len(words) or words[end] not in LIST_JOINERS:
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
    enclosing = Enclosing(unique)

    def dropped(span: Span) -> bool:
        # Same length: the span itself, or another grammar's span over the same tokens.
        return any(other.end - other.start != span.end - span.start and swallows(other, span)
                   for other in enclosing.around(span))

    return sorted((s for s in unique if not dropped(s)), key=lambda s: (s.start, s.end, s.label_))


def swallows(other: Span, span: Span) -> bool:
    """Is ``span``, found inside the longer ``other``, part of it rather than a mention of its own?"""
    if other.label_ == "POLICY" and span.id_ not in (LEXICON, TRIGGER, INTRODUCED):
        return True
    if span.id_ == SHORT and other.label_ == "PLACE" and other.id_ == LEXICON:
        return True  # 庐山 inside 庐山市
    if other.label_ == "PROGRAM" and other.id_ in (QUOTED, INTRODUCED) and span.id_ == HEAD:
        return True
    family = {"AGENCY", "ORG"} if span.label_ in ("AGENCY", "ORG") else {span.label_}
    return span.label_ != "PLACE" and other.label_ in family and span.id_ != LEXICON


class Enclosing:
    """Spans by start, to find the ones around a span without comparing every pair: a span
    enclosing another starts at most the longest span's length before the other's end."""

    def __init__(self, spans: Iterable[Span]):
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.reach = max((s.end - s.start for s in self.spans), default=0)

    def around(self, span: Span) -> Iterator[Span]:
        """The spans that start at or before ``span`` and end at or after it (itself included)."""
        lo = bisect.bisect_left(self.starts, span.end - self.reach)
        hi = bisect.bisect_right(self.starts, span.start)
        for other in self.spans[lo:hi]:
            if other.end >= span.end:
                yield other


@Language.factory(COMPONENT)
def make_entity_finder(nlp: Language, name: str) -> EntityFinder:
    """Registered so pipelines can ``nlp.add_pipe("policy_entities")``."""
    return EntityFinder(nlp)
