"""policy-miner: Chinese policy texts -> structured, source-linked records.

Library entry point for notebooks::

    from policy_miner import extract_text
    records = extract_text(text, doc_id="my-doc")   # list of policy_miner.records.Quantity

The names below are imported on first use (PEP 562), not with the package: the pipeline pulls
in spaCy and scikit-learn, which a corpus run's parent process, handing documents to workers,
never needs.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"Extractor": "pipeline", "extract_text": "pipeline", "run_corpus": "run"}

__all__ = ["Extractor", "extract_text", "run_corpus"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
