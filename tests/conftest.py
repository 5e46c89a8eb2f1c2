"""Shared fixtures: the repository root, the sample corpus, and one extraction run of it."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy_pkuseg

from policy_miner.pipeline import Extractor
from policy_miner.run import run_corpus

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpora"
GOLD = CORPUS / "gold"
SHARED = REPO.parent / "shared"
PKUSEG_TRAIN = REPO / "tests" / "data" / "pkuseg_train.txt"


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


@pytest.fixture(scope="session")
def pkuseg_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny pkuseg model trained on tests/data/pkuseg_train.txt (a second or two)."""
    model_dir = tmp_path_factory.mktemp("pkuseg_model")
    spacy_pkuseg.train(str(PKUSEG_TRAIN), str(PKUSEG_TRAIN), str(model_dir), train_iter=3)
    return model_dir
