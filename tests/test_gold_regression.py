"""The sample gold must not get worse, checked with evaluate.

Quantity floors are the scores before entities were added (issue 4: "no lower than before"),
less rounding; entity and metadata floors are issue 4's.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from policy_miner.evaluate import score
from policy_miner.records import ENTITY_LABELS

from .conftest import GOLD

QUANTITY_FLOORS = {"f1": 0.997, "value_acc": 0.999, "unit_acc": 0.999, "bound_acc": 0.999,
                   "per_acc": 0.997, "modality_acc": 0.915}
ENTITY_FLOOR = 0.80
LABEL_FLOOR = 0.70


@pytest.fixture(scope="module")
def scores(corpus_run: Path) -> dict:
    return score(GOLD, corpus_run)


def test_quantity_scores_hold_their_floors(scores: dict) -> None:
    quantities = scores["quantity"]
    below = {name: round(quantities[name], 3) for name, floor in QUANTITY_FLOORS.items()
             if quantities[name] < floor}
    assert not below, f"below the floor: {below}"


def test_entity_f1_holds_its_floor(scores: dict) -> None:
    assert scores["entity"]["f1"] >= ENTITY_FLOOR, scores["entity"]


@pytest.mark.parametrize("label", ENTITY_LABELS)
def test_each_label_holds_its_floor(scores: dict, label: str) -> None:
    assert scores["entity_by_label"][label]["f1"] >= LABEL_FLOOR, scores["entity_by_label"][label]


def test_metadata_is_all_correct(scores: dict) -> None:
    assert scores["metadata"] == {"city": 1.0, "date": 1.0, "doc_type": 1.0}
