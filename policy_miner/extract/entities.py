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
from itertools import compress, count
from operator import attrgetter
from typing import NamedTuple, TypeVar

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
_CLOSING_QUOTES = {closing: opening for opening, closing in QUOTE_PAIRS}
_OPENING_QUOTES = frozenset(opening for opening, _ in QUOTE_PAIRS)
_QUOTE_STOPS = frozenset(_OPENING_QUOTES | set(_CLOSING_QUOTES) | {"\n"})  # what _quotations reads
CLAUSE_PUNCT = re.compile(r"[，。！？；：,!?;:]")
LIST_SEPARATORS = re.compile(r"[、·]")  # 稳、留、引
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
    return _generic_pattern().search(name) is not None


def contains_any(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern whose ``search`` finds something in a text exactly when one of ``words`` is in
    it (``any(word in text for word in words)`` as one C-level scan: at the first offset where
    a word starts, its alternative matches). It never matches when there are no words."""
    alternatives = sorted(set(words), key=lambda word: (-len(word), word))
    return re.compile("|".join(map(re.escape, alternatives)) if alternatives else "(?!)")


@functools.lru_cache(maxsize=None)
def _generic_pattern() -> re.Pattern[str]:
    return contains_any(generic_words())


@functools.lru_cache(maxsize=None)
def _heads_by_length() -> tuple[tuple[int, dict[str, Head]], ...]:
    table: dict[int, dict[str, Head]] = {}
    for head in heads():
        table.setdefault(len(head.text), {}).setdefault(head.text, head)
    return tuple(sorted(table.items(), reverse=True))


@functools.lru_cache(maxsize=None)
def _head_last_characters() -> frozenset[str]:
    return frozenset(head.text[-1] for head in heads())


def _longest_head(word: str) -> Head | None:
    """The longest head a word ends with, if any (a word whose last character ends no head
    is answered at once)."""
    if word[-1:] not in _head_last_characters():
        return None
    for length, by_text in _heads_by_length():
        head = by_text.get(word[-length:])
        if head is not None:
            return head
    return None


class Role(NamedTuple):
    """What a word does in the grammars. Most words do nothing by themselves (no role, None):
    the grammars visit only the tokens that have one."""

    head: Head | None  # the longest head the word ends with
    quote_stop: bool  # a quote mark or a line break, which :func:`_quotations` reads
    trigger: bool  # a verb that introduces a program (实施, 开展)
    listing: bool  # a verb that lists honours (评选)


def _role(word: str) -> Role | None:
    """A word's role, None if it has none."""
    head = _longest_head(word)
    quote_stop = word in _QUOTE_STOPS
    trigger, listing = word in cues("before", "program"), word in cues("list", "program")
    if head is None and not (quote_stop or trigger or listing):
        return None
    return Role(head, quote_stop, trigger, listing)


class _RolesByWord(dict[str, "Role | None"]):
    """word -> :func:`_role`, filled as words are met. The grammars ask about every token of
    every document, mostly words met before: a hit is a dict look-up with no Python frame, so
    ``map(ROLES.__getitem__, words)`` runs in C. Started over when full, to stay bounded
    however many distinct words a run meets."""

    LIMIT = 1 << 17

    def __missing__(self, word: str) -> Role | None:
        if len(self) >= self.LIMIT:
            self.clear()
        role = self[word] = _role(word)
        return role


ROLES = _RolesByWord()


def head_of(word: str) -> Head | None:
    """The longest head a word ends with, if any."""
    role = ROLES[word]
    return role.head if role is not None else None


def cues(where: str, effect: str) -> frozenset[str]:
    return program_cues().get((where, effect), frozenset())


@dataclass(frozen=True)
class QuoteCues:
    """The cue lists of :func:`quoted_label`, each shaped for one C-level test: a tuple for
    ``str.startswith``/``endswith`` (true when any of its items is, as the ``any`` over the
    cues), a :func:`contains_any` pattern for "some cue stands in this text"."""

    after_not: tuple[str, ...]
    after_org: tuple[str, ...]
    after_program: tuple[str, ...]
    end_program: tuple[str, ...]
    before_program: re.Pattern[str]

    def introduced(self, before: str) -> bool:
        """A program verb just before the quotes (深入实施“…”)."""
        return self.before_program.search(before) is not None


@functools.lru_cache(maxsize=None)
def quote_cues() -> QuoteCues:
    return QuoteCues(after_not=tuple(sorted(cues("after", "not"))), after_org=tuple(sorted(cues("after", "org"))),
                     after_program=tuple(sorted(cues("after", "program"))),
                     end_program=tuple(sorted(cues("end", "program"))),
                     before_program=contains_any(cues("before", "program")))


def quoted_label(inner: str, before: str, after: str, known: frozenset[str]) -> str | None:
    """What a phrase in “…” names, given the words just before and after the quotes.

    ``before`` is the text of the few tokens before the opening quote, ``after`` the text
    right after the closing one. None for slogans, categories and catch-phrases.
    """
    found = quote_cues()
    name = _unversioned(inner.strip())
    after = after.lstrip("等")
    if name in known:
        return "PROGRAM"
    if len(name) >= MIN_QUOTED_POLICY and name.endswith(policy_heads()) and not CLAUSE_PUNCT.search(name):
        return "POLICY"  # a title may say 若干 (关于…的若干措施)
    if not usable_quoted(name) or after.startswith(found.after_not):
        return None
    if "的" in name:
        return None  # a clause (用最优的政策引人才), not a name
    if name.endswith(found.end_program):
        return "PROGRAM"
    if NUMERAL_START.match(name) and len(name) <= 4:
        return None  # a numbered catch-phrase (一把手, 三位一体)
    if after.startswith(found.after_org):
        return "ORG"
    if after.startswith(found.after_program) or found.introduced(before):
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
    return max(map(len, LIST_SEPARATORS.split(name))) > 1


def _unversioned(name: str) -> str:
    """The name without a version (钢都英才计划 2.0 版 -> 钢都英才计划); ``VERSION`` needs a 版."""
    return VERSION.sub("", name) if "版" in name else name


class Mention(NamedTuple):
    """A mention before it becomes a spaCy ``Span``: tokens ``start`` to ``end - 1``, with the
    attributes the overlap rules read named as on ``Span`` (so :func:`_dedupe` and
    :func:`swallows` take either). The grammars find mentions; only those that survive
    :func:`_dedupe` are made Spans: a ``Span`` builds two ``Token`` objects to find its offsets,
    and its ``label_`` and ``id_`` are string-store look-ups on every read."""

    start: int
    end: int
    label_: str
    kb_id_: str = ""
    id_: str = ""


SpanLike = TypeVar("SpanLike", Mention, Span)


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
        self.place_features = place_features()
        self.phrases = PhraseMatcher(nlp.vocab)
        self.phrase_keys: dict[int, str] = {}
        for key, names in (("PLACE", full | short | self.regions), ("ALIAS", set(self.aliases)),
                           ("PROGRAM", self.known_programs)):
            self.phrases.add(key, [doc for name in sorted(names) for doc in self._phrase_docs(name)])
            self.phrase_keys[self.vocab.strings.add(key)] = key  # the match id the matcher gives

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
        limit, mentions = body_end(tokens.text), self.find(doc)
        if limit < len(tokens.text):  # else every mention ends before it
            mentions = [mention for mention in mentions if _end_char(tokens, mention) <= limit]
        spans = [Span(doc, m.start, m.end, label=m.label_, kb_id=m.kb_id_, span_id=m.id_) for m in _dedupe(mentions)]
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=spans)
        return doc

    def find(self, doc: Doc) -> list[Mention]:
        """Every mention the grammars find, overlapping ones and repeats included.

        Each token's role is looked up once (one C-level ``map``); the grammars that start
        from a head, a quote mark or a verb visit only the few tokens that have that role."""
        tokens = token_table(doc)
        roles = list(map(ROLES.__getitem__, tokens.words))
        marked = [(i, roles[i]) for i in compress(count(), roles)]  # a Role, a 4-tuple, is true
        return [*self._phrase_spans(doc, tokens),
                *self._quoted_spans(tokens, [i for i, role in marked if role.quote_stop]),
                *self._head_spans(tokens, [(i, role.head) for i, role in marked if role.head is not None]),
                *self._program_spans(tokens, roles, [i for i, role in marked if role.trigger or role.listing])]

    # -- gazetteer, aliases, known programs ---------------------------------------------------
    def _phrase_spans(self, doc: Doc, tokens: TokenTable) -> Iterator[Mention]:
        gaz = gazetteer()
        for match_id, start, end in self.phrases(doc):
            key = self.phrase_keys[match_id]
            text = tokens.span_text(start, end)
            if key == "ALIAS":
                label, canonical = self.aliases[text]
                yield Mention(start, end, label, canonical, LEXICON)
            elif key == "PROGRAM":
                yield Mention(start, end, "PROGRAM", text, LEXICON)
            elif self._is_place(tokens, text, start, end):
                if text in self.regions:
                    yield Mention(start, end, "PLACE", text, LEXICON)
                else:
                    division = gaz.resolve(text)
                    origin = LEXICON if text in self.full_names else SHORT
                    yield Mention(start, end, "PLACE", division.code if division else "", origin)

    def _is_place(self, tokens: TokenTable, text: str, start: int, end: int) -> bool:
        """A gazetteer match (``text``, tokens ``start`` to ``end - 1``) that is a place here:
        short forms and two-character names only where jieba tags the word a place name (和平,
        城区 are words too), never a street."""
        following = tokens.words[end] if end < len(tokens.words) else ""
        if following.startswith(self.place_features) and not text.endswith(("省", "市")):
            return False
        if end - start == 1 and (text not in self.full_names or len(text) <= 2):
            return tokens.tags[start] == "ns"
        return True

    # -- 《…》 and “…” ----------------------------------------------------------------------
    def _quoted_spans(self, tokens: TokenTable, stops: list[int]) -> Iterator[Mention]:
        """Quoted names; ``stops``: the indices of the quote marks and line breaks."""
        found: list[tuple[int, int, str, bool]] = []
        text, starts, introduced = tokens.text, tokens.starts, quote_cues().introduced
        for opening, start, end in _quotations(tokens.words, stops):
            if opening == "《":
                found.append((start + 1, end - 1, "POLICY", False))
                continue
            if opening == "‘" and _inside_quotes(tokens, start):
                found.append((start + 1, end - 1, "NESTED", False))
                continue
            opened, closed = starts[start], starts[end - 1]
            before = text[max(0, opened - CONTEXT_CHARS):opened]
            after = text[closed + 1:closed + 1 + CONTEXT_CHARS]
            label = quoted_label(tokens.span_text(start + 1, end - 1), before, after, self.known_programs)
            found.append((start + 1, end - 1, label or "", label is not None and introduced(before)))
        yield from _label_quoted(tokens, found)

    # -- head-final names -----------------------------------------------------------------
    def _head_spans(self, tokens: TokenTable, heads: list[tuple[int, Head]]) -> Iterator[Mention]:
        """Names ending in a head; ``heads``: the tokens that end in one, and their heads."""
        tags = tokens.tags
        for i, head in heads:
            if head.needs == "trigger" or tags[i] == "x":
                continue
            first = _modifiers_start(tokens, i)
            if not _acceptable(head, tokens, first, i) or is_generic(tokens.span_text(first, i + 1)):
                continue
            yield Mention(first, i + 1, head.label, "", HEAD)

    # -- programs introduced by a verb ----------------------------------------------------
    def _program_spans(self, tokens: TokenTable, roles: list[Role | None], verbs: list[int]) -> Iterator[Mention]:
        """Programs after a program verb and honours after a listing verb; ``roles``: each
        token's, ``verbs``: the indices of the tokens that are such verbs."""
        words = tokens.words
        for i in verbs:
            if roles[i].listing:
                yield from _listed_spans(tokens, i)
            if not roles[i].trigger:
                continue
            start = i + 1
            while start < len(words):
                end = _program_end(tokens, roles, start)
                if end is None:
                    break
                yield Mention(start, end, "PROGRAM", "", TRIGGER)
                if end < len(words) and words[end] in LIST_JOINERS:
                    start = end + 1  # 实施甲工程、乙工程和丙行动
                else:
                    break


def _end_char(tokens: TokenTable, mention: Mention) -> int:
    """The mention's ``Span.end_char``, from the token lists."""
    if mention.end > mention.start:
        return tokens.end(mention.end - 1)
    return tokens.starts[mention.start] if mention.start < len(tokens) else len(tokens.text)


def _quotations(words: Sequence[str], stops: Iterable[int] | None = None) -> Iterator[tuple[str, int, int]]:
    """``(opening mark, start, end)`` of every quoted phrase: tokens ``start`` and ``end - 1``
    are an opening mark and its closing mark with at least one token between them and none
    of the two marks nor a line break token (``\n``) among those. One pass over the marks and
    line breaks (``stops``, their indices in order, found here if not given: every other token
    leaves the state as it is); the latest opening of each kind waits for its closing mark."""
    waiting: dict[str, int] = {}
    if stops is None:
        stops = compress(count(), map(_QUOTE_STOPS.__contains__, words))
    for i in stops:
        word = words[i]
        if word in _OPENING_QUOTES:
            waiting[word] = i
        elif word in _CLOSING_QUOTES:
            opening = _CLOSING_QUOTES[word]
            start = waiting.pop(opening, None)
            if start is not None and i > start + 1:
                yield opening, start, i + 1
        else:
            waiting.clear()


def _inside_quotes(tokens: TokenTable, start: int) -> bool:
    """Whether token ``start`` sits inside “…” (‘带土移植’优秀人才 nests a name in a phrase)."""
    for word in reversed(tokens.words[max(0, start - MAX_QUOTED_CHARS):start]):
        if word == "”":
            return False
        if word == "“":
            return True
    return False


def _label_quoted(tokens: TokenTable, found: list[tuple[int, int, str, bool]]) -> Iterator[Mention]:
    """Mentions of labelled quoted phrases, from ``(start, end, label or "", introduced by a
    verb)`` of each. A phrase nested in quotes (‘…’ inside “…”, label NESTED) is the name,
    not the phrase around it; unlabelled phrases listed next to a program are programs too
    (“锦州工匠”“锦州名医”评选), and likewise organisations (“海城正发布”“海城组工”等公众号), as
    long as they could be names at all."""
    nested = [(s, e) for s, e, label, _ in found if label == "NESTED"]
    if nested:
        found = [item for item in found if item[2] != "NESTED"
                 and not any(item[0] <= ns and ne <= item[1] for ns, ne in nested)]
        found += [(s, e, "PROGRAM", False) for s, e in nested]
    groups: list[list[tuple[int, int, str, bool]]] = []
    for item in sorted(found):
        if groups and _adjacent(tokens, groups[-1][-1][1], item[0]):
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        labels = {label for _, _, label, _ in group if label in ("PROGRAM", "ORG")}
        for start, end, label, introduced in group:
            if not label and len(labels) == 1 and usable_quoted(tokens.span_text(start, end)):
                label = next(iter(labels))
            if label:
                yield Mention(start, end, label, "", INTRODUCED if introduced else QUOTED)


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


def _program_end(tokens: TokenTable, roles: list[Role | None], start: int) -> int | None:
    """End of a program name starting at ``start`` (干部能力素质大提升三年行动): the first
    token ending in a program head, within reach, with no punctuation, other program verb or
    number before it (a count may stand just before the head: 三年行动). ``roles``: each
    token's."""
    chars = 0
    words, tags = tokens.words, tokens.tags
    for j in range(start, len(words)):
        word, tag, role = words[j], tags[j], roles[j]
        if tag == "x" or word.isspace() or word in ("的", "和", "及") or (role is not None and role.trigger):
            return None
        chars += len(word)
        if chars > MAX_PROGRAM_CHARS:
            return None
        head = role.head if role is not None else None
        if head is not None and head.needs == "trigger" and j > start:
            following = _head_at(roles, j + 1)
            if following is not None and following.needs == "trigger":
                continue  # 计划项目: the name goes on
            name = tokens.span_text(start, j + 1)
            return None if is_generic(name) else j + 1
        if tag == "m" and _head_at(roles, j + 1) is None:
            return None
    return None


def _head_at(roles: list[Role | None], i: int) -> Head | None:
    """The head token ``i`` ends with (None past the last token)."""
    role = roles[i] if i < len(roles) else None
    return role.head if role is not None else None


def _listed_spans(tokens: TokenTable, verb: int) -> Iterator[Mention]:
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
            yield Mention(start, end, "PROGRAM", "", LISTED)
        if end >= len(words) or words[end] not in LIST_JOINERS:
            return
        start = end + 1


LIST_END = frozenset({"、", "和", "及", "以及", "等", "各", "，", ",", "。", "；"})


def _dedupe(spans: Sequence[SpanLike]) -> list[SpanLike]:
    """One span per (start, end, label), and nested names resolved:

    * inside a title (《…》) only places and programs a verb introduces are mentions of their
      own (《关于实施雄关人才扶持计划的意见》 names the program; 《海城市人才工作领导小组工作
      规则》 does not mention the group), and names found by heads inside a quoted program
      are part of it (“中国高新区人力资本创新示范区”);
    * among agencies and organisations, and among programs, the longest wins (沈阳农业大学
      inside 沈阳农业大学海城基地 is part of the name, not a mention of its own);
    * a place stays a place inside any name (a short form of another province's place
      inside a name is dropped later, when the province is known: policy_miner/extract/names.py).

    Most spans lie inside no other: taken by start, longest first, a span that ends after
    every span before it has no span around it but itself, and is kept without a look-up.
    """
    unique = list({(s.start, s.end, s.label_): s for s in spans}.values())
    enclosing = Enclosing(unique)

    def dropped(span: SpanLike) -> bool:
        # Same length: the span itself, or another grammar's span over the same tokens.
        return any(other.end - other.start != span.end - span.start and swallows(other, span)
                   for other in enclosing.around(span))

    kept: list[SpanLike] = []
    reached = -1
    for span in sorted(unique, key=_outermost_first):
        if span.end > reached:
            kept.append(span)
            reached = span.end
        elif not dropped(span):
            kept.append(span)
    return sorted(kept, key=_POSITION)


_POSITION = attrgetter("start", "end", "label_")


def _outermost_first(span: Mention | Span) -> tuple[int, int]:
    return span.start, -span.end


def swallows(other: Mention | Span, span: Mention | Span) -> bool:
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

    def __init__(self, spans: Iterable[Mention | Span]):
        self.spans = sorted(spans, key=_START)
        self.starts = list(map(_START, self.spans))
        self.reach = max((s.end - s.start for s in self.spans), default=0)

    def around(self, span: Mention | Span) -> list[Mention | Span]:
        """The spans that start at or before ``span`` and end at or after it (itself included)."""
        lo = bisect.bisect_left(self.starts, span.end - self.reach)
        hi = bisect.bisect_right(self.starts, span.start)
        return [other for other in self.spans[lo:hi] if other.end >= span.end]


_START = attrgetter("start")


@Language.factory(COMPONENT)
def make_entity_finder(nlp: Language, name: str) -> EntityFinder:
    """Registered so pipelines can ``nlp.add_pipe("policy_entities")``."""
    return EntityFinder(nlp)
