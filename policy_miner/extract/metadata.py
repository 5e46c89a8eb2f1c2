"""Document metadata (SPEC.md section 3): title, type, date, issuer, province and city.

The date matters to quantities (year-less dates and 今年 resolve against it); the city and
province matter to entity names (市委组织部 in a Jinzhou text is 锦州市委组织部).
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from spacy.tokens import Doc

from ..lexicons import read_rows
from ..nlp.tokenizer import token_table
from ..normalize.dates import parse_date
from ..records import DocumentMeta
from .entities import SPANS_KEY
from .filters import body_end
from .gazetteer import gazetteer
from .names import Jurisdiction

HEADING = re.compile(r"^\s*#+\s*")
FULL_DATE = re.compile(r"((?:19|20)[0-9]{2})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
DATE_LINE_REST = 16
HEAD_LINES = 12
SUBTITLE = re.compile(r"^(?:——|--|—)")
ENCLOSED_TITLE = re.compile(r"关于印发\s*《(?P<title>[^》]+)》")
NEWSPAPER = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,12}?(?:日报|晚报|早报|时报|新闻网|报))\s*(?:19|20)[0-9]{2}年")
SOURCE = re.compile(r"^(?:来源|稿件来源|信息来源)[：:]\s*(?P<name>[^\s，,。]{2,20})")
LETTERHEAD = "文件"
DOC_NUMBER = re.compile(r"[〔\[][0-9]{4}[〕\]][0-9]+号\s*$")


@functools.lru_cache(maxsize=None)
def _type_cues() -> tuple[tuple[str, str, str], ...]:
    return tuple((row[0], row[1], row[2]) for row in read_rows("doc_type_cues.tsv"))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def find_title(text: str) -> str | None:
    """The document's title: the first heading that is not a letterhead (…文件), else the first
    line; a subtitle line starting with —— is joined to it, and a covering notice
    (关于印发《X》的通知) gives way to the title of the document it issues."""
    lines = _lines(text)
    if not lines:
        return None
    index = next((i for i, line in enumerate(lines) if line.startswith("#") and _titleish(line)),
                 next((i for i, line in enumerate(lines) if _titleish(line)), 0))
    title = _plain(lines[index])
    if index + 1 < len(lines) and SUBTITLE.match(_plain(lines[index + 1])):
        title += "——" + SUBTITLE.sub("", _plain(lines[index + 1]))
    enclosed = ENCLOSED_TITLE.search(title)
    return enclosed.group("title").strip() if enclosed else title


def _titleish(line: str) -> bool:
    """Not a letterhead (…文件), a document number (…〔2023〕5号) or a newspaper's date line."""
    plain = _plain(line)
    return not (plain.endswith(LETTERHEAD) or DOC_NUMBER.search(plain) or NEWSPAPER.match(plain))


def _plain(line: str) -> str:
    return HEADING.sub("", line).strip()


def find_date(text: str) -> str | None:
    """The byline or signature date: a full date alone on its line, or beside a short name."""
    for line in _lines(text[:body_end(text)]):
        if line.startswith(("-", "*", "•")):
            continue  # a list of links (相关新闻), not the document's own date
        match = FULL_DATE.search(line)
        if not match:
            continue
        rest = (line[:match.start()] + line[match.end():]).strip(" #*-—")
        if len(rest) <= DATE_LINE_REST and not re.search(r"[，。；、,:：]", rest):
            return parse_date(match.group(0))
    return None


def find_doc_type(text: str, title: str | None) -> str:
    """Title cues first (…规划 is a plan), then the furniture of news pages, else a news report."""
    for cue, doc_type, where in _type_cues():
        if where == "title" and title and cue in title:
            return doc_type
    head = "\n".join(_lines(text)[:HEAD_LINES])
    votes = Counter(doc_type for cue, doc_type, where in _type_cues() if where == "body" and cue in head)
    if re.search(r"[〔\[][0-9]{4}[〕\]][0-9]+号", head):
        votes["official_document"] += 2
    return votes.most_common(1)[0][0] if votes else "news_report"


def find_issuer(text: str) -> str | None:
    """Who issued the document: the letterhead of an official document (中共海城市委文件),
    the newspaper of a news page (辽宁日报 2018年12月19日), or a stated source (来源：…)."""
    for line in (_plain(line) for line in _lines(text)[:HEAD_LINES]):
        if line.endswith(LETTERHEAD) and len(line) > len(LETTERHEAD) + 1:
            return line[: -len(LETTERHEAD)].strip()
        match = NEWSPAPER.match(line) or SOURCE.match(line)
        if match:
            return match.group("name")
    return None


def find_jurisdiction(doc: Doc, title: str | None, issuer: str | None) -> Jurisdiction:
    """The city and province a document is about: a city named in the title, else in the
    issuer, else the city the document names most often; the province is the city's, else
    the province named most often. A county or district counts for its city.

    A name several divisions share (鼓楼区 is in Nanjing and in Fuzhou) is read in the province
    the unambiguous names point to."""
    gaz = gazetteer()
    mentions = [(span.start_char, span.text) for span in doc.spans.get(SPANS_KEY, [])
                if span.label_ == "PLACE" and span.kb_id_ in gaz.by_code]
    votes = Counter(gaz.candidates(name)[0].province_code for _, name in mentions
                    if len({d.province_code for d in gaz.candidates(name)}) == 1)
    home = votes.most_common(1)[0][0] if votes else None
    places = [(start, division) for start, name in mentions
              if (division := gaz.resolve(name, home)) is not None]
    cities = [(start, city) for start, city in ((s, gaz.city_of(p)) for s, p in places) if city]
    text = token_table(doc).text
    named = [city for part in _parts(title) + _parts(issuer)
             for lo, hi in [_region(text, part)] if lo >= 0
             for start, city in cities if lo <= start < hi]
    city = named[0] if named else (Counter(c for _, c in cities).most_common(1)[0][0] if cities else None)
    province = gaz.province_of(city) if city is not None else None
    if province is None and places:
        province = Counter(gaz.by_code[p.province_code] for _, p in places
                           if p.province_code in gaz.by_code).most_common(1)[0][0]
    return Jurisdiction(city=city, province=province)


def _parts(text: str | None) -> list[str]:
    return [part for part in (text or "").split("——") if part]


def _region(text: str, part: str) -> tuple[int, int]:
    """Where a title or issuer stands in the text (its first occurrence), or (-1, -1)."""
    at = text.find(part)
    return (at, at + len(part)) if at >= 0 else (-1, -1)


def read_metadata(text: str, doc_id: str, doc: Doc | None = None) -> tuple[DocumentMeta, Jurisdiction]:
    """What the document says about itself; the jurisdiction needs the processed ``doc``."""
    title = find_title(text)
    issuer = find_issuer(text)
    where = find_jurisdiction(doc, title, issuer) if doc is not None else Jurisdiction()
    meta = DocumentMeta(doc=doc_id, title=title, doc_type=find_doc_type(text, title),
                        date=find_date(text), issuer=issuer,
                        province=where.province.name if where.province else None,
                        city=where.city.name if where.city else None, chars=len(text))
    return meta, where


def reference_year(meta: DocumentMeta) -> int | None:
    """The year relative dates resolve against (the document's own date)."""
    return int(meta.date[:4]) if meta.date and meta.date[:4].isdigit() else None
