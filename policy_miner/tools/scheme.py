"""The policy-tool scheme (``lexicons/policy_tool_scheme.tsv``) and its cue words
(``lexicons/policy_tool_cues.tsv``)."""
from __future__ import annotations

import functools

from ..lexicons import read_rows
from ..records import TOOL_CATEGORIES

NONE = "none"


@functools.lru_cache(maxsize=None)
def subcategories() -> dict[str, str]:
    """Sub-category -> its category, in the scheme's order (``none`` -> ``none``)."""
    table = {sub: category for category, sub, _ in read_rows("policy_tool_scheme.tsv")}
    unknown = set(table.values()) - set(TOOL_CATEGORIES)
    if unknown:
        raise ValueError(f"policy_tool_scheme.tsv: unknown categories {sorted(unknown)}")
    return table


@functools.lru_cache(maxsize=None)
def chinese_names() -> dict[str, str]:
    """Sub-category -> its Chinese name (人才培养...), for reports."""
    return {sub: name for _, sub, name in read_rows("policy_tool_scheme.tsv")}


@functools.lru_cache(maxsize=None)
def cue_words() -> dict[str, str]:
    """Cue word -> the sub-category it points to."""
    return {cue: sub for cue, _, sub in read_rows("policy_tool_cues.tsv")}
