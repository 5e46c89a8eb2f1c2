"""Document metadata (SPEC.md section 3) as far as this release reads it: title, type and date.

The date matters to quantities too: year-less dates and 今年 resolve against it.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from ..lexicons import read_rows
from ..normalize.dates import parse_date
from ..records import DocumentMeta
from .filters import body_end

HEADING = re.compile(r"^\s*#+\s*")
FULL_DATE = re.compile(r"((?:19|20)[0-9]{2})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
DATE_LINE_REST = 16
HEAD_LINES = 12


@functools.lru_cache(maxsize=None)
def _type_cues() -> tuple[tuple[str, str, str], ...]:
    return tuple((row[0], row[1], row[2]) for row in read_rows("doc_type_cues.tsv"))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def find_title(text: str) -> str | None:
    """The first heading that is not a letterhead (…文件), else the first line."""
    lines = _lines(text)
    headings = [HEADING.sub("", l) for l in lines if l.startswith("#")]
    for heading in headings:
        if not heading.endswith("文件"):
            return heading
    return lines[0] if lines else None


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


def read_metadata(text: str, doc_id: str) -> DocumentMeta:
    """What the document says about itself."""
    title = find_title(text)
    return DocumentMeta(doc=doc_id, title=title, doc_type=find_doc_type(text, title),
                        date=find_date(text), chars=len(text))


def reference_year(meta: DocumentMeta) -> int | None:
    """The year relative dates resolve against (the document's own date)."""
    return int(meta.date[:4]) if meta.date and meta.date[:4].isdigit() else None
