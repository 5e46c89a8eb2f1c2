"""Shared fixtures: the repository root, the sample corpus, and one extraction run of it."""
from __future__ import annotations

from pathlib import Path

import pytest

from policy_miner.pipeline import Extractor, run_corpus

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpora"
GOLD = CORPUS / "gold"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """One jieba pipeline for the whole session (building it loads jieba's dictionary)."""
    return Extractor()


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Path:
    """The output folder of one extraction run over the sample corpus."""
    out = tmp_path_factory.mktemp("corpus_run")
    run_corpus([CORPUS], out, extractor)
    return out
