"""Canonical entity names (SPEC.md section 2), given the document's jurisdiction.

A text says 市委组织部 and means its own city's; it says 高新区 and means its city's zone.
So names are made after the document's city and province are known
(:func:`policy_miner.extract.metadata.find_jurisdiction`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from ..nlp import SentenceIndex
from ..nlp.tokenizer import token_table
from ..records import Entity
from .entities import SHORT, SPANS_KEY, VERSION, Enclosing, Mention, head_of
from .gazetteer import Division, gazetteer

QUOTES = re.compile(r"[《》〈〉“”‘’「」\"'\s]")
LOCAL_PREFIXES = ("全市", "全省", "全县")


@dataclass(frozen=True)
class Jurisdiction:
    """The city and province a document is about (either may be unknown)."""

    city: Division | None = None
    province: Division | None = None


def canonical_name(text: str, label: str, kb_id: str, where: Jurisdiction) -> str:
    """The full name of a mention (``text``, with its label and canonical form): quotes and
    spaces dropped, places with their level, local bodies qualified by the document's city or
    province."""
    text = QUOTES.sub("", text)
    if label == "PLACE":
        return _place_name(text, kb_id, where)
    if label in ("AGENCY", "ORG") and kb_id:
        return kb_id
    if label == "PROGRAM":
        return VERSION.sub("", text) or text
    if label in ("AGENCY", "ORG"):
        return _qualified(text, where, bare=label == "AGENCY")
    return text


def _place_name(text: str, kb_id: str, where: Jurisdiction) -> str:
    gaz = gazetteer()
    if kb_id and kb_id in gaz.by_code:
        province = where.province.code if where.province else None
        division = gaz.resolve(text, province) or gaz.by_code[kb_id]
        return division.name
    if kb_id:  # a named region
        return kb_id
    text = text.removesuffix("地区") if len(text) > 4 else text
    head = head_of(text)
    if where.city is None or head is None or head.text != text:
        return text
    return gaz.short_name(where.city) + text  # 高新区 alone in a Jinzhou text: 锦州高新区


def _starts_with_place(text: str) -> bool:
    gaz = gazetteer()
    return any(text[:n] in gaz.full or text[:n] in gaz.short for n in range(2, min(len(text), 8) + 1))


def _qualified(text: str, where: Jurisdiction, bare: bool) -> str:
    """市委组织部 -> 锦州市委组织部; 省委 -> 辽宁省委; an agency with no place at all
    (南山派出所) -> 锦州市南山派出所. Names that start with a place or 中共 stay."""
    for prefix in LOCAL_PREFIXES:
        if text.startswith(prefix):
            text = text[1:]
    if text.startswith(("中共", "中国", "国家")) or _starts_with_place(text):
        return text
    if text.startswith("市") and where.city is not None:
        return where.city.name + text[1:]
    if text.startswith("省") and where.province is not None:
        return where.province.name + text[1:]
    if bare and where.city is not None and not text.startswith(("县", "区")):
        return where.city.name + text
    return text


def entity_records(doc: Doc, doc_id: str, where: Jurisdiction) -> list[Entity]:
    """Entity records of a processed document, in text order, each with its sentence.

    Each span is read once into a :class:`Mention`, its text sliced from the document's text:
    ``Span.text`` joins the span's tokens, building a ``Token`` for each, and ``label_``,
    ``kb_id_`` and ``id_`` are string-store look-ups on every read."""
    text = token_table(doc).text
    spans = [(span.start_char, span.end_char, Mention(span.start, span.end, span.label_, span.kb_id_, span.id_))
             for span in doc.spans.get(SPANS_KEY, [])]
    sentences = SentenceIndex.of(doc)
    names = Enclosing(mention for _, _, mention in spans if mention.label_ != "PLACE")
    records = []
    for start, end, mention in spans:
        mentioned = text[start:end]
        if mention.id_ == SHORT and _foreign_short_form(mention, mentioned, names, where):
            continue
        sentence_start, sentence = sentences.sentence(start)
        records.append(Entity(doc=doc_id, start=start, end=end, text=mentioned, label=mention.label_,
                              name=canonical_name(mentioned, mention.label_, mention.kb_id_, where),
                              sentence=sentence, sentence_start=sentence_start))
    return records


def _foreign_short_form(mention: Mention, text: str, names: Enclosing, where: Jurisdiction) -> bool:
    """A short place name (``text``, a mention found by its short form) inside another name
    (``names``: the mentions that are not places) that, read in the document's province, is a
    place elsewhere: 三江 in “三江英才” of a Sichuan text is not 三江侗族自治县 (Guangxi)."""
    if where.province is None:
        return False
    if not names.around(mention):
        return False
    division = gazetteer().resolve(text, where.province.code)
    return division is None or division.province_code != where.province.code
