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
DOC_NUMBER_ANYWHERE = re.compile(r"[〔\[][0-9]{4}[〕\]][0-9]+号")
DATE_LINE_PUNCT = re.compile(r"[，。；、,:：]")


@functools.lru_cache(maxsize=None)
def _type_cues(where: str) -> tuple[tuple[str, str], ...]:
    """(cue, document type) of the cues read in the title or in the body, in file order."""
    return tuple((row[0], row[1]) for row in read_rows("doc_type_cues.tsv") if row[2] == where)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def find_title(text: str) -> str | None:
    """The document's title: the first heading that is not a letterhead (…文件), else the first
    line; a subtitle line starting with —— is joined to it, and a covering notice
    (关于印发《X》的通知) gives way to the title of the document it issues."""
    return _title(_lines(text))


def _title(lines: list[str]) -> str | None:
    """:func:`find_title` of a text's non-empty lines (``_lines``)."""
    if not lines:
        return None
    index = next((i for i, line in enumerate(lines) if line.startswith("#") and _titleish(line)), None)
    if index is None:
        index = next((i for i, line in enumerate(lines) if _titleish(line)), 0)
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
    """The line without its heading marks (``HEADING`` matches only where a ``#`` follows the
    leading whitespace, so other lines are only stripped)."""
    return HEADING.sub("", line).strip() if line.lstrip().startswith("#") else line.strip()


def find_date(text: str) -> str | None:
    """The byline or signature date: a full date alone on its line, or beside a short name.

    Most texts have no full date at all (a date in a line is one in the text), and then
    where the body ends does not matter."""
    if FULL_DATE.search(text) is None:
        return None
    for line in _lines(text[:body_end(text)]):
        if line.startswith(("-", "*", "•")):
            continue  # a list of links (相关新闻), not the document's own date
        match = FULL_DATE.search(line)
        if not match:
            continue
        rest = (line[:match.start()] + line[match.end():]).strip(" #*-—")
        if len(rest) <= DATE_LINE_REST and not DATE_LINE_PUNCT.search(rest):
            return parse_date(match.group(0))
    return None


def find_doc_type(text: str, title: str | None) -> str:
    """Title cues first (…规划 is a plan), then the furniture of news pages, else a news report."""
    return _doc_type(_lines(text)[:HEAD_LINES], title)


def _doc_type(head_lines: list[str], title: str | None) -> str:
    """:func:`find_doc_type` of a text's first non-empty lines."""
    for cue, doc_type in _type_cues("title") if title else ():
        if cue in title:
            return doc_type
    head = "\n".join(head_lines)
    votes = [doc_type for cue, doc_type in _type_cues("body") if cue in head]
    if DOC_NUMBER_ANYWHERE.search(head):
        votes += ["official_document"] * 2
    return Counter(votes).most_common(1)[0][0] if votes else "news_report"


def find_issuer(text: str) -> str | None:
    """Who issued the document: the letterhead of an official document (中共海城市委文件),
    the newspaper of a news page (辽宁日报 2018年12月19日), or a stated source (来源：…)."""
    return _issuer(_lines(text)[:HEAD_LINES])


def _issuer(head_lines: list[str]) -> str | None:
    """:func:`find_issuer` of a text's first non-empty lines."""
    for line in map(_plain, head_lines):
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
    text = token_table(doc).text  # Span.text would join the span's tokens, building each
    mentions = [(span.start_char, text[span.start_char:span.end_char]) for span in doc.spans.get(SPANS_KEY, [])
                if span.label_ == "PLACE" and span.kb_id_ in gaz.by_code]
    votes = Counter(province for _, name in mentions if (province := gaz.sole_province(name)) is not None)
    home = votes.most_common(1)[0][0] if votes else None
    places = [(start, division) for start, name in mentions
              if (division := gaz.resolve(name, home)) is not None]
    cities = [(start, city) for start, city in ((s, gaz.city_of(p)) for s, p in places) if city]
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
    """What the document says about itself; the jurisdiction needs the processed ``doc``.
    The text is cut into lines once, for the title, the issuer and the type."""
    lines = _lines(text)
    title, issuer = _title(lines), _issuer(lines[:HEAD_LINES])
    where = find_jurisdiction(doc, title, issuer) if doc is not None else Jurisdiction()
    meta = DocumentMeta(doc=doc_id, title=title, doc_type=_doc_type(lines[:HEAD_LINES], title),
                        date=find_date(text), issuer=issuer,
                        province=where.province.name if where.province else None,
                        city=where.city.name if where.city else None, chars=len(text))
    return meta, where


def reference_year(meta: DocumentMeta) -> int | None:
    """The year relative dates resolve against (the document's own date)."""
    return int(meta.date[:4]) if meta.date and meta.date[:4].isdigit() else None
