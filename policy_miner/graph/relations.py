"""Relations stated inside one sentence: who leads a program, which policy sets one up.

Two entities are related when a cue word from ``lexicons/relation_cues.tsv`` links them in
the sentence that names both: standing between them (市委组织部牵头实施“兴锦人才计划”), or, when
the target comes first and 由 introduces the actor, right after the actor (“兴锦人才计划”由市委
组织部牵头). A program named inside a policy's title (《关于实施雄关人才扶持计划的意见》) is
established by that policy without any cue.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from ..lexicons import read_rows, read_words
from ..records import Entity

MAX_GAP = 40
"""Most characters between two names for a cue to link them; further apart, the sentence
has usually moved on to another subject."""
AFTER_ACTOR = 8
"""How far after the actor a cue may stand in the 由…牵头 order."""
PASSIVE = "由"
COORDINATORS = frozenset({"、", "和", "及", "与", "以及", "会同", "联合"})
"""What joins actors that act together (市委组织部会同市财政局实施…)."""
MARKER_WINDOW = 4


@dataclass(frozen=True)
class Cue:
    word: str
    sources: frozenset[str]
    targets: frozenset[str]
    relation: str


@dataclass(frozen=True)
class Relation:
    """One stated relation and the sentence that states it."""

    source: Entity
    target: Entity
    relation: str
    cue: str


@functools.lru_cache(maxsize=None)
def relation_cues() -> tuple[Cue, ...]:
    """The cue lexicon, longest cue first (组织实施 before 组织)."""
    cues = [Cue(word, frozenset(sources.split("|")), frozenset(targets.split("|")), relation)
            for word, sources, targets, relation in read_rows("relation_cues.tsv")]
    return tuple(sorted(cues, key=lambda c: -len(c.word)))


@functools.lru_cache(maxsize=None)
def object_markers() -> tuple[str, ...]:
    """Words that make the name after them an object (面向渤海大学开展…), from the lexicon."""
    return tuple(read_words("object_markers.txt"))


def _is_object(source: Entity, actors: list[Entity]) -> bool:
    """Whether the list of coordinated names ``source`` belongs to follows an object marker."""
    sentence, base, first = source.sentence, source.sentence_start, source.start
    for actor in reversed(actors):
        if actor.end <= first and sentence[actor.end - base:first - base].strip() in COORDINATORS:
            first = actor.start
    before = sentence[max(first - base - MARKER_WINDOW, 0):first - base]
    return before.endswith(object_markers())


def _first_cue(text: str, source: str, target: str) -> Cue | None:
    """The leftmost cue for this pair of labels in ``text`` (the longest one at that place)."""
    best: tuple[int, Cue] | None = None
    for cue in relation_cues():
        if source not in cue.sources or target not in cue.targets:
            continue
        at = text.find(cue.word)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, cue)
    return best[1] if best else None


def _linking_cue(source: Entity, target: Entity, actors: list[Entity]) -> Cue | None:
    """The cue that links ``source`` (the actor) to ``target`` in their shared sentence.

    ``actors`` are the sentence's other possible actors, in text order. When the actor comes
    first, the cue must stand before the next actor, so in 由市委组织部牵头，市财政局配合，实施…
    only the first leads; actors joined by 、和 (市委组织部、市人社局牵头) share the cue after
    the last of them.
    """
    sentence, base = source.sentence, source.sentence_start
    if _is_object(source, actors):
        return None
    if source.end <= target.start:
        end = source.end
        for actor in actors:
            if actor.start < end or actor.start >= target.start:
                continue
            if sentence[end - base:actor.start - base].strip() in COORDINATORS:
                end = actor.end  # coordinated: read the cue after the last of them
                continue
            return _cue_in(sentence[end - base:actor.start - base], source, target, end)
        return _cue_in(sentence[end - base:target.start - base], source, target, end)
    if target.end <= source.start:
        gap = sentence[target.end - base:source.start - base]
        if len(gap) > MAX_GAP or PASSIVE not in gap:
            return None
        after = sentence[source.end - base:source.end - base + AFTER_ACTOR]
        return _first_cue(after, source.label, target.label)
    return None


def _cue_in(gap: str, source: Entity, target: Entity, gap_start: int) -> Cue | None:
    """The first cue in ``gap`` unless the names are too far apart to be linked."""
    if target.start - gap_start > MAX_GAP:
        return None
    return _first_cue(gap, source.label, target.label)


def _sources_and_targets() -> tuple[frozenset[str], frozenset[str]]:
    cues = relation_cues()
    return (frozenset().union(*(c.sources for c in cues)), frozenset().union(*(c.targets for c in cues)))


def sentence_relations(entities: Iterable[Entity]) -> Iterator[Relation]:
    """Every cue-stated relation among entity mentions, sentence by sentence.

    ``entities`` may come from many documents; mentions are grouped by document and
    sentence, so only names in one sentence are ever linked.
    """
    sources, targets = _sources_and_targets()
    ordered = sorted(entities, key=lambda e: (e.doc, e.sentence_start, e.start))
    for _, group in groupby(ordered, key=lambda e: (e.doc, e.sentence_start)):
        mentions = list(group)
        actors = [m for m in mentions if m.label in sources]
        for target in mentions:
            if target.label not in targets:
                continue
            for source in mentions:
                if source is target or source.label not in sources:
                    continue
                cue = _linking_cue(source, target, actors)
                if cue is not None:
                    yield Relation(source, target, cue.relation, cue.word)
