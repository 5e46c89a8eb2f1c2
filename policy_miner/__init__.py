"""policy-miner: Chinese policy texts -> structured, source-linked records.

Library entry point for notebooks::

    from policy_miner import extract_text
    records = extract_text(text, doc_id="my-doc")   # list of policy_miner.records.Quantity
"""
from .pipeline import Extractor, extract_text
from .run import run_corpus

__all__ = ["Extractor", "extract_text", "run_corpus"]
__version__ = "0.1.0"
