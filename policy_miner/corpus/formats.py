"""Document formats -> plain text: which suffix is which format, and how each is read.

Plain text and Markdown come back exactly as decoded, because offsets downstream index into
them. HTML, .docx and .pdf have no such original text, so their rendering here *is* the
document text: it keeps what a reader sees, one block per line, and table rows as cells
joined by TAB, because the extractor reads tab-separated table rows.

``decode_document`` applies the per-document ``Limits`` and the hostile-input guards of
``guards`` (zip bombs, XML entity declarations) before any parser sees the data. Rendered
HTML never contains ``<script>``, ``<style>``, ``<noscript>``, ``<template>`` or ``<head>``
content, comments, or attribute values (so no event handlers): only visible text nodes.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator

import docx
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString, Tag
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from .decode import Decoded, check_length, decode_text
from .errors import FAILED, SKIPPED, ReadError
from .guards import check_docx_archive, check_no_entities
from .limits import Limits

# pypdf logs each repair of a damaged file ("EOF marker not found") to stderr; what matters about
# a file reaches the run report as its status and reason instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


def format_of(suffix: str) -> str:
    """Format name for a file suffix (case-insensitive); ReadError "skipped" if unsupported."""
    fmt = FORMATS.get(suffix.lower())
    if fmt is None:
        raise ReadError(f"unsupported format {suffix.lower() or '(no extension)'}", SKIPPED)
    return fmt


def to_text(data: bytes, fmt: str, limits: Limits = Limits()) -> tuple[str, str | None]:
    """Return ``(text, encoding)`` for a file's bytes in format ``fmt``; raise ReadError.

    The two-value form of ``decode_document``, for callers that ignore warnings.
    """
    text, encoding, _ = decode_document(data, fmt, limits)
    return text, encoding


def decode_document(data: bytes, fmt: str, limits: Limits = Limits()) -> Decoded:
    """Turn a file's bytes in format ``fmt`` into ``Decoded(text, encoding, warning)``.

    Raises ReadError: "skipped" for nothing to read (empty file, no visible text), "failed"
    for undecodable, corrupt or refused data and for text longer than ``limits.max_chars``.
    ``encoding`` is None for .docx and .pdf, whose text does not come from decoding the file
    as a whole. Empty files are skipped whatever their format. Pure function of its
    arguments (no file system access), so it can run in a worker process.
    """
    if not data:
        raise ReadError("empty file", SKIPPED)
    if fmt in ("text", "markdown"):
        # Every encoding we accept spends at most 4 bytes per character, so a file of more
        # than 4 * max_chars bytes is too long without decoding it.
        check_length(len(data) // 4, limits.max_chars, at_least=True)
        return decode_text(data, max_chars=limits.max_chars)
    if fmt == "html":
        decoded = _html(data)
    elif fmt == "docx":
        check_docx_archive(data, limits)
        decoded = Decoded(_nonempty(_docx(data), "docx"), None)
    elif fmt == "pdf":
        decoded = Decoded(_pdf(data, limits.max_chars), None)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    check_length(len(decoded.text), limits.max_chars)
    return decoded


def _nonempty(text: str, fmt: str) -> str:
    """A rendered document with no visible text is skipped: there is nothing to extract."""
    if not text.strip():
        raise ReadError(f"{fmt} has no text", SKIPPED)
    return text


_MAX_MESSAGE = 200  # library messages can embed whole byte strings; a reason stays one line


def _summary(exc: Exception) -> str:
    """One line naming a library's error, for a reason string."""
    message = " ".join(str(exc).split())[:_MAX_MESSAGE]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- layout helpers shared by HTML and .docx -------------------------------------------------

_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")


def _tidy(lines: list[str]) -> str:
    """Join lines, trimming spaces at line ends and collapsing blank-line runs to one."""
    text = "\n".join(line.strip(" ") for line in lines)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def _row(cells: list[str]) -> str:
    """One table row: cells on one line each, joined by TAB; a row of empty cells is blank."""
    flat = [" ".join(cell.split()) for cell in cells]
    return "\t".join(flat) if any(flat) else ""


# --- HTML ------------------------------------------------------------------------------------

_INVISIBLE = ("script", "style", "noscript", "template", "head")
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main nav ol p pre section summary table tbody tfoot thead ul".split()
)
_CELLS = ("td", "th")
_DECLARED_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset|<\?xml[^>]+encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I
)


class _Lines:
    """Accumulates rendered text as lines, with HTML whitespace collapsing inside a line."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]

    def text(self, s: str, pre: bool) -> None:
        if pre:
            first, *rest = s.split("\n")
            self.lines[-1] += first
            self.lines.extend(rest)
        else:
            self.lines[-1] += _SPACES.sub(" ", s)

    def line(self, s: str) -> None:
        """Add ``s`` as a whole line of its own, verbatim (a table row keeps its TABs)."""
        self.block()
        self.lines[-1] = s
        self.newline()

    def newline(self) -> None:
        self.lines.append("")

    def block(self) -> None:
        """Start a new line unless already at the start of one."""
        if self.lines[-1].strip(" "):
            self.lines.append("")


def _html(data: bytes) -> Decoded:
    match = _DECLARED_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii") if match else None
    markup, encoding, warning = decode_text(data, declared)
    check_no_entities(markup)
    with warnings.catch_warnings():
        # .xhtml is read with the HTML parser on purpose (forgiving, same rendering).
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    out = _Lines()
    _render(soup, out, pre=False)
    return Decoded(_nonempty(_tidy(out.lines), "html"), encoding, warning)


def _render(node: Tag, out: _Lines, pre: bool) -> None:
    """Render a subtree's visible text into ``out``, blocks on their own lines."""
    for child in node.children:
        if isinstance(child, NavigableString):
            # Subclasses are comments, doctypes, processing instructions: not visible.
            if type(child) in (NavigableString, CData):
                out.text(str(child), pre)
            continue
        name = child.name
        if name == "br":
            out.newline()
        elif name == "tr":
            out.line(_row([_cell_text(cell) for cell in child.find_all(_CELLS, recursive=False)]))
        elif name in _BLOCKS:
            out.block()
            _render(child, out, pre or name == "pre")
            out.block()
        else:
            _render(child, out, pre)


def _cell_text(cell: Tag) -> str:
    """A table cell's text on one line (its inner blocks joined by spaces)."""
    inner = _Lines()
    _render(cell, inner, pre=False)
    return " ".join(line.strip() for line in inner.lines if line.strip())


# --- .docx -----------------------------------------------------------------------------------


def _docx(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_docx_rows(block))
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx and zipfile/lxml raise many types for bad files
        raise ReadError(f"corrupt docx ({_summary(exc)})", FAILED) from exc
    return _tidy(lines)


def _docx_rows(table: Table) -> Iterator[str]:
    """Rows of a .docx table, a merged cell counted once (python-docx repeats it per column)."""
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is not previous:
                cells.append(cell.text)
            previous = cell._tc
        yield _row(cells)


# --- .pdf ------------------------------------------------------------------------------------


def _pdf(data: bytes, max_chars: int) -> str:
    """The text layer, pages joined by newlines.

    pypdf (>= 6) bounds decompression itself: a /FlateDecode stream inflating past
    ``pypdf.Configuration.zlib_maximum_output_length`` (75 MB) raises LimitReachedError,
    reported here as refused (measured: a 100 MiB bomb in 0.3-0.8 s, peak ~145 MB; bigger
    ones cost the same, as pypdf stops inflating at the limit). The text
    is checked against ``max_chars`` after every page, so a huge document stops early.
    Not bounded: pypdf's content-stream interpretation is slow (about 14 s per MB of dense
    text operators), so a run needs a per-file time limit as well.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
    except LimitReachedError as exc:
        raise ReadError(f"refused: pdf exceeds a pypdf safety limit ({_summary(exc)})", FAILED) from exc
    except Exception as exc:  # pypdf raises many types (PdfReadError, ValueError, KeyError...)
        raise ReadError(f"corrupt pdf ({_summary(exc)})", FAILED) from exc
    if reader.is_encrypted:
        _decrypt(reader)
    pages: list[str] = []
    chars = 0
    try:
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1]) + 1
            check_length(chars - 1, max_chars, at_least=True)
    except ReadError:
        raise
    except LimitReachedError as exc:
        raise ReadError(f"refused: pdf exceeds a pypdf safety limit ({_summary(exc)})", FAILED) from exc
    except Exception as exc:  # as above: broken page trees, streams, fonts
        raise ReadError(f"corrupt pdf ({_summary(exc)})", FAILED) from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError("pdf has no text layer", FAILED)
    return text


def _decrypt(reader: PdfReader) -> None:
    """Open a PDF encrypted with an empty user password, as many published PDFs are.

    Kept apart from "corrupt pdf" so a report says the file is locked, not broken, also when
    pypdf lacks the optional cryptography package that AES needs.
    """
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # pypdf's DependencyError, NotImplementedError for odd handlers
        raise ReadError(f"pdf is encrypted ({_summary(exc)})", FAILED) from exc
    if not opened:
        raise ReadError("pdf is encrypted (password required)", FAILED)
