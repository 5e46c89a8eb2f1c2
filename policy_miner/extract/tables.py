"""Tables in plain text: rows of tab- (or multi-space-) separated cells.

Plans report their indicators in tables whose units sit in the headers: ``人才资源总量（万人）``
in the row label, or ``发行总额（亿）`` in a column header. Each number in a cell is a mention; it
takes its unit and scale from its column header, else its row label, else the nearest row above
that named one (statistical tables leave "same as above" units unwritten), and its subject from
the row label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CELL_SPLIT = re.compile(r"\t| {2,}|\u3000{2,}")
HEADER_UNIT = re.compile(r"[（(]\s*([^（()）]{1,8}?)\s*[）)]\s*$")
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|[*#]+")
YEAR_HEADER = re.compile(r"((?:19|20)[0-9]{2})\s*年?")
NUMERIC_CELL = re.compile(r"^[\s+-]*[0-9０-９][0-9０-９,.．]*\s*[%％]?\s*$")


@dataclass
class Cell:
    """One cell: its text and its offsets in the document."""

    start: int
    end: int
    text: str


@dataclass
class Row:
    """One table row: the label cell (first) and the value cells."""

    start: int
    end: int
    cells: list[Cell]

    @property
    def label(self) -> str:
        return MARKUP.sub("", self.cells[0].text).strip() if self.cells else ""


@dataclass
class Table:
    """A header row (column names) and body rows, with the caption line above, if any."""

    header: Row | None
    rows: list[Row] = field(default_factory=list)
    caption: str = ""

    @property
    def span(self) -> tuple[int, int]:
        first = self.header or self.rows[0]
        last = self.rows[-1] if self.rows else first
        return first.start, last.end


def split_cells(text: str, line_start: int, line: str) -> list[Cell]:
    """Cells of one line with their document offsets (empty cells kept, so columns line up)."""
    cells, pos = [], 0
    for match in CELL_SPLIT.finditer(line):
        cells.append(Cell(line_start + pos, line_start + match.start(), line[pos:match.start()]))
        pos = match.end()
    cells.append(Cell(line_start + pos, line_start + len(line), line[pos:]))
    return cells


def _is_row(cells: list[Cell]) -> bool:
    """Three cells or more, or a label and a number, or a label and a column header with a unit."""
    if len(cells) >= 3:
        return True
    return len(cells) == 2 and bool(NUMERIC_CELL.match(cells[1].text) or header_unit(cells[1].text))


def _is_header(row: Row) -> bool:
    """A header names columns: none of its value cells is a bare number."""
    values = [c.text for c in row.cells[1:] if c.text.strip()]
    return bool(values) and not any(NUMERIC_CELL.match(v) for v in values)


def find_tables(text: str) -> list[Table]:
    """Tables of the text: runs of cell rows (blank lines between rows allowed)."""
    if "\t" not in text and "  " not in text:
        return []  # no line has a cell break, so no line is a row
    tables: list[Table] = []
    current: Table | None = None
    previous_line = ""
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        cells = split_cells(text, offset, line) if ("\t" in line or "  " in line) else []
        if cells and _is_row(cells):
            row = Row(offset, offset + len(line), cells)
            if current is None:
                current = Table(header=None, caption=previous_line)
                tables.append(current)
                if _is_header(row):
                    current.header = row
                    row = None
            if row is not None:
                current.rows.append(row)
        elif line.strip():
            current = None
            previous_line = line.strip()
        offset += len(raw)
    return [t for t in tables if t.rows]


def header_unit(label: str) -> str | None:
    """The unit written in parentheses at the end of a header (``（万人）`` -> ``万人``)."""
    match = HEADER_UNIT.search(MARKUP.sub("", label).strip())
    return match.group(1).strip() if match else None


def strip_unit(label: str) -> str:
    """A row label without markup and its unit parenthesis: the cells' subject."""
    clean = MARKUP.sub("", label).strip()
    return HEADER_UNIT.sub("", clean).strip()


def column_year(header: Row | None, index: int) -> tuple[str, str] | None:
    """(header text, year) when column ``index`` is headed by a year (``2025 年``)."""
    if header is None or index >= len(header.cells):
        return None
    cell = header.cells[index].text.strip()
    match = YEAR_HEADER.fullmatch(cell)
    return (cell, match.group(1)) if match else None
