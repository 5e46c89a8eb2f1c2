"""The plain versions the quantity context's fast cue lookups are checked against.

``reference_find_cues`` is cue finding as it first was (``re.finditer`` per cue, one-character
cues kept only where they are words of their own); ``WordBoundaries`` says which offsets are
token boundaries. Production code reads cues through ``context.CueIndex`` and
``quantities.TokenIndex``; these stay here, as the tests' yardstick.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from policy_miner.extract.context import Cue


class WordBoundaries:
    """Offsets where the segmenter's tokens start and end."""

    def __init__(self, spans: Sequence[tuple[int, int]]):
        self.starts = {start for start, _ in spans}
        self.ends = {end for _, end in spans}

    def is_word(self, start: int, end: int) -> bool:
        return start in self.starts and end in self.ends


def reference_find_cues(window: str, cues: tuple[Cue, ...], words: WordBoundaries | None = None,
                        offset: int = 0) -> list[tuple[int, Cue]]:
    """Non-overlapping cue occurrences in ``window``, longest cue first at each position; with
    ``words`` (``offset`` = where the window starts in the document) a one-character cue counts
    only as a word of its own."""
    hits: list[tuple[int, Cue]] = []
    taken = bytearray(len(window))
    for cue in cues:
        for match in re.finditer(re.escape(cue.word), window):
            if any(taken[match.start():match.end()]):
                continue
            if words is not None and len(cue.word) == 1 and not words.is_word(
                    offset + match.start(), offset + match.end()):
                continue
            taken[match.start():match.end()] = b"\x01" * len(cue.word)
            hits.append((match.start(), cue))
    return sorted(hits, key=lambda hit: hit[0])
