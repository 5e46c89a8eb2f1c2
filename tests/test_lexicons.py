"""The data files are consistent: every lexicon has a header, every row its columns and a known
value, and no cue word means two opposite things (after dateparser's data-integrity tests)."""
from __future__ import annotations

import re
from collections import defaultdict

import pytest

from policy_miner.lexicons import lexicon_dir, read_rows
from policy_miner.records import BOUNDS, ENTITY_LABELS, MODALITIES, QUANTITY_KINDS, WHEN_ROLES

PER_VALUES = {"person", "month", "year", "project", "team", "enterprise", "household", "item", "time"}
UNIT_KINDS = set(QUANTITY_KINDS) | {"time"}


@pytest.mark.parametrize("path", sorted(p.name for p in lexicon_dir().iterdir() if p.is_file()))
def test_every_lexicon_starts_with_a_header(path: str) -> None:
    first = (lexicon_dir() / path).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#"), f"{path} needs a header saying what it is and where it came from"


@pytest.mark.parametrize("name, column, allowed", [
    ("units.tsv", 1, UNIT_KINDS),
    ("bound_cues.tsv", 1, set(BOUNDS)),
    ("per_cues.tsv", 1, PER_VALUES),
    ("modality_cues.tsv", 1, set(MODALITIES)),
    ("section_cues.tsv", 1, set(MODALITIES)),
    ("when_cues.tsv", 1, set(WHEN_ROLES)),
])
def test_values_are_known(name: str, column: int, allowed: set[str]) -> None:
    bad = [row for row in read_rows(name) if len(row) <= column or row[column] not in allowed]
    assert not bad, f"{name}: rows with an unknown value in column {column + 1}: {bad}"


@pytest.mark.parametrize("name", ["bound_cues.tsv", "per_cues.tsv", "modality_cues.tsv", "when_cues.tsv",
                                  "units.tsv"])
def test_no_cue_has_two_meanings(name: str) -> None:
    meanings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in read_rows(name):
        position = row[2] if name == "bound_cues.tsv" else ""
        meanings[(row[0], position)].add(row[1])
    clashes = {cue: values for cue, values in meanings.items() if len(values) > 1}
    assert not clashes, f"{name}: cue words listed with opposite meanings: {clashes}"


def test_non_mention_patterns_compile() -> None:
    for name, pattern in read_rows("non_mentions.tsv"):
        re.compile(pattern)


HEAD_NEEDS = {"proper", "jurisdiction", "alone", "org", "trigger"}
CUE_PLACES = {"before", "after", "end", "list"}
CUE_EFFECTS = {"program", "not", "org", "qualifier"}


@pytest.mark.parametrize("name, column, allowed", [
    ("entity_heads.tsv", 1, set(ENTITY_LABELS)),
    ("entity_heads.tsv", 2, HEAD_NEEDS),
    ("entity_aliases.tsv", 1, set(ENTITY_LABELS)),
    ("program_cues.tsv", 1, CUE_PLACES),
    ("program_cues.tsv", 2, CUE_EFFECTS),
])
def test_entity_lexicon_values_are_known(name: str, column: int, allowed: set[str]) -> None:
    bad = [row for row in read_rows(name) if len(row) <= column or row[column] not in allowed]
    assert not bad, f"{name}: rows with an unknown value in column {column + 1}: {bad}"


def test_no_program_cue_is_both_for_and_against() -> None:
    meanings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cue, where, effect in read_rows("program_cues.tsv"):
        meanings[(cue, where)].add(effect)
    assert not {key: value for key, value in meanings.items() if len(value) > 1}


def test_division_table_is_a_tree() -> None:
    """Every division has a known level and a parent in the table (provinces have none), and
    codes are unique six-digit GB/T 2260 codes."""
    rows = read_rows("admin_divisions.tsv")
    codes = [row[0] for row in rows]
    assert len(codes) == len(set(codes)) and all(re.fullmatch(r"[0-9]{6}", code) for code in codes)
    levels = {row[0]: row[2] for row in rows}
    assert set(levels.values()) == {"province", "prefecture", "county"}
    assert sum(level == "province" for level in levels.values()) == 34
    for code, name, level, parent, *_ in rows:
        assert (parent == "") == (level == "province"), name
        assert level == "province" or parent in levels, f"{name}: parent {parent} missing"


def test_relation_cues_name_known_labels_once() -> None:
    seen: dict[tuple[str, str, str], str] = {}
    for cue, sources, targets, relation in read_rows("relation_cues.tsv"):
        assert set(sources.split("|")) <= set(ENTITY_LABELS) and set(targets.split("|")) <= set(ENTITY_LABELS)
        assert re.fullmatch(r"[a-z_]+", relation), f"relation {relation!r} must be one lower-case word"
        for source in sources.split("|"):
            for target in targets.split("|"):
                key = (cue, source, target)
                assert seen.setdefault(key, relation) == relation, f"{key} has two relations"
