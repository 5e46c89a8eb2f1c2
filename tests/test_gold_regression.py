"""The sample gold must not get worse: floors from issue 3 (quantities), checked with evaluate."""
from __future__ import annotations

from pathlib import Path

from policy_miner.evaluate import score

from .conftest import GOLD

FLOORS = {"f1": 0.90, "value_acc": 0.95, "unit_acc": 0.95, "bound_acc": 0.90, "per_acc": 0.90,
          "modality_acc": 0.75}


def test_quantity_scores_hold_their_floors(corpus_run: Path) -> None:
    quantities = score(GOLD, corpus_run)["quantity"]
    below = {name: round(quantities[name], 3) for name, floor in FLOORS.items() if quantities[name] < floor}
    assert not below, f"below the floor: {below}"
