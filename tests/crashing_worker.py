"""A stand-in for the per-document function whose worker process dies on one document."""
from __future__ import annotations

import os

from policy_miner.run.worker import PROCESSED, Outcome, Settings, Task


def die_on_crash(task: Task, settings: Settings) -> Outcome:
    """Kill this worker process outright (as a segfault or the OOM killer would) on "crash"."""
    if task.doc_id == "crash":
        os._exit(1)
    return Outcome(task.index, task.doc_id, task.path, PROCESSED)


def no_warm_up(segmenter: str, pkuseg_model: str | None) -> None:
    """Pool initializer that loads nothing: the stand-in needs no pipeline."""


def die_on_start(segmenter: str, pkuseg_model: str | None) -> None:
    """Pool initializer of a worker that cannot start at all."""
    os._exit(1)


def raise_on_crash(task: Task, settings: Settings) -> Outcome:
    """Fail the task with an exception on "crash" (as a Dask worker lost under it would)."""
    if task.doc_id == "crash":
        raise RuntimeError("worker lost")
    return Outcome(task.index, task.doc_id, task.path, PROCESSED)
