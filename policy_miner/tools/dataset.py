"""The labelled clause set the tool classifier learns from and is scored on
(``datasets/policy_tools/clauses.jsonl``; its README gives the coding rules and sources)."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from sklearn.model_selection import GroupKFold, train_test_split

from ..lexicons import data_dir
from .scheme import subcategories

DATASET = "datasets/policy_tools"
FILE = "clauses.jsonl"
HELD_OUT = 0.25
SEED = 13
"""The held-out split is fixed (stratified by sub-category, this seed), so a score is
reproducible and the regression floor means something."""
FOLDS = 5
"""Folds of the document-grouped cross-validation (``grouped_folds``)."""
WRITTEN = "written"
"""``source`` of the clauses written for the project (each is its own document)."""


@dataclass(frozen=True)
class LabelledClause:
    id: str
    text: str
    category: str
    subcategory: str
    source: str

    @property
    def document(self) -> str:
        """The document the clause comes from, the unit of the grouped cross-validation: the
        part of ``id`` before its last ``:`` (``003_a2b5c4f7dc370355``, ``ext_cq_gjnrc``). A
        written clause stands alone (it was written as one sentence, not as part of a text), so
        it is its own document."""
        return self.id if self.source == WRITTEN else self.id.rsplit(":", 1)[0]


@functools.lru_cache(maxsize=None)
def labelled_clauses() -> tuple[LabelledClause, ...]:
    """Every labelled clause; a label outside the scheme is an error, not a silent class."""
    path = data_dir(DATASET) / FILE
    scheme = subcategories()
    clauses = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        clause = LabelledClause(row["id"], row["text"], row["category"], row["subcategory"], row["source"])
        if scheme.get(clause.subcategory) != clause.category:
            raise ValueError(f"{path}:{number}: {clause.category}/{clause.subcategory} is not in the scheme")
        clauses.append(clause)
    return tuple(clauses)


def split() -> tuple[list[LabelledClause], list[LabelledClause]]:
    """``(train, held_out)``: the fixed stratified split used by ``evaluate-tools``."""
    clauses = list(labelled_clauses())
    train, held_out = train_test_split(clauses, test_size=HELD_OUT, random_state=SEED,
                                       stratify=[c.subcategory for c in clauses])
    return train, held_out


def grouped_folds(n_splits: int = FOLDS) -> list[tuple[list[LabelledClause], list[LabelledClause]]]:
    """``[(train, test), ...]``: cross-validation folds in which every document's clauses are on
    one side only (scikit-learn's ``GroupKFold``, groups = ``LabelledClause.document``). The
    folds are fixed: ``GroupKFold`` without shuffling puts the largest documents first, each
    into the fold with the fewest clauses so far, so the same data always gives the same folds."""
    clauses = list(labelled_clauses())
    groups = [c.document for c in clauses]
    folds = []
    for train_index, test_index in GroupKFold(n_splits=n_splits).split(clauses, groups=groups):
        folds.append(([clauses[i] for i in train_index], [clauses[i] for i in test_index]))
    return folds
