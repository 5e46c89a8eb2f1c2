"""China's administrative divisions: which place a name means, and what it belongs to.

The table (``lexicons/admin_divisions.tsv``) is generated from a public dataset by
``scripts/build_gazetteer.py``. A short form (锦州, 海城) may name several divisions (海城 is
海城市 in Liaoning, and short for nothing else; 朝阳 is a city in Liaoning and a district in
Beijing), so :meth:`Gazetteer.resolve` prefers the document's own province.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from ..lexicons import read_rows

LEVELS = ("province", "prefecture", "county")


@dataclass(frozen=True)
class Division:
    """One administrative division (GB/T 2260 code)."""

    code: str
    name: str
    level: str
    parent: str
    short: tuple[str, ...]

    def __hash__(self) -> int:
        """By code alone (equal divisions have equal codes): the field-tuple hash the dataclass
        would make costs more, and divisions are counted by the dozen per document."""
        return hash(self.code)

    @functools.cached_property
    def province_code(self) -> str:
        """Read for every candidate of every place mention: made once (the instance's
        ``__dict__`` holds it; the dataclass fields, equality and hash are untouched)."""
        return self.code[:2] + "0000"

    @property
    def is_city(self) -> bool:
        """A city a document can be about: a prefecture, or a county-level city (海城市)."""
        return self.level == "prefecture" or (self.level == "county" and self.name.endswith("市"))


class Gazetteer:
    """Look-ups over the division table by full name, short form and code."""

    def __init__(self, divisions: list[Division]):
        self.by_code = {d.code: d for d in divisions}
        self.full: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}
        for division in divisions:
            self.full.setdefault(division.name, []).append(division)
            for form in division.short:
                self.short.setdefault(form, []).append(division)
        self._ranked = {name: _ranked(found) for name, found in (self.short | self.full).items()}
        self._sole = {name: _sole_province(found) for name, found in (self.short | self.full).items()}

    def names(self) -> tuple[set[str], set[str]]:
        """All full names, and all short forms that are not also a full name."""
        return set(self.full), set(self.short) - set(self.full)

    def candidates(self, name: str) -> list[Division]:
        """The divisions a name may mean: by full name, else by short form."""
        return self.full.get(name) or self.short.get(name) or []

    def resolve(self, name: str, province: str | None = None) -> Division | None:
        """The division ``name`` most likely means: a full name before a short form, one in
        ``province`` (a province code) before others, a higher level before a lower one.

        The candidates are ranked by level once, when the table is read, so this is the first
        one in ``province``, else the first one (the minimum of (not in ``province``, level,
        code), with ties in the candidates' order, as the ranking's sort is stable)."""
        ranked = self._ranked.get(name, ())
        if province is not None:
            for division in ranked:
                if division.province_code == province:
                    return division
        return ranked[0] if ranked else None

    def sole_province(self, name: str) -> str | None:
        """The province code every division ``name`` may mean is in; None if it may mean
        divisions in several provinces, or none."""
        return self._sole.get(name)

    def province_of(self, division: Division) -> Division | None:
        return self.by_code.get(division.province_code)

    def city_of(self, division: Division) -> Division | None:
        """The city a division belongs to: itself if it is one, else its prefecture; a
        municipality (重庆市) is its own districts' city."""
        if division.level == "province":
            return division if division.name.endswith("市") else None
        if division.is_city:
            return division
        parent = self.by_code.get(division.parent)
        if parent is not None and (parent.is_city or parent.name.endswith("市")):
            return parent
        return None

    def short_name(self, division: Division) -> str:
        """The form used before a zone name (锦州高新区): the short form, else the full name."""
        return division.short[0] if division.short else division.name


def _ranked(candidates: list[Division]) -> tuple[Division, ...]:
    """The divisions a name may mean, higher levels first, then by code."""
    return tuple(sorted(candidates, key=lambda d: (LEVELS.index(d.level), d.code)))


def _sole_province(candidates: list[Division]) -> str | None:
    provinces = {d.province_code for d in candidates}
    return provinces.pop() if len(provinces) == 1 else None


@functools.lru_cache(maxsize=None)
def gazetteer() -> Gazetteer:
    """The shipped division table, read once."""
    divisions = [Division(code=row[0], name=row[1], level=row[2], parent=row[3],
                          short=tuple(filter(None, row[4].split(","))) if len(row) > 4 else ())
                 for row in read_rows("admin_divisions.tsv")]
    return Gazetteer(divisions)
