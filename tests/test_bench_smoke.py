"""Smoke tests of the bench/ scripts: each runs end to end and prints what it should.

Only that it works is checked, never how fast: timings vary by machine, and a speed
assertion would make the suite flaky. One short document keeps it quick.
"""
from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from .conftest import REPO

SCRIPT = REPO / "bench" / "bench_extract.py"
ROWS = ("jieba.lcut", "jieba.posseg.lcut", "Extractor.extract", "run_corpus")


def test_bench_prints_four_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # bench/ is not a package, so the script is loaded from its path, as `python bench/...` would.
    main = runpy.run_path(str(SCRIPT), run_name="bench_extract")["main"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.txt").write_text("对博士研究生每人每月给予2000元安家补贴，期限最长不超过3年。", encoding="utf-8")

    assert main(["--corpus", str(corpus), "--repeat", "1"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert "documents: 1," in lines[0]
    assert [line.split()[0] for line in lines[2:]] == list(ROWS)


def test_stage_bench_prints_every_stage(capsys: pytest.CaptureFixture[str]) -> None:
    main = runpy.run_path(str(REPO / "bench" / "bench_stages.py"), run_name="bench_stages")["main"]

    assert main(["--docs", "3"]) == 0

    stages = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert stages == ["(segmenter)", "tokenizer", "policy_sentencizer", "policy_entities", "metadata",
                      "entity_records", "quantities", "clauses", "json", "total"]


def test_scale_bench_takes_medians_over_rounds(capsys: pytest.CaptureFixture[str]) -> None:
    """bench_scale.py end to end on a tiny corpus: real CLI runs, two rounds, medians reported."""
    main = runpy.run_path(str(REPO / "bench" / "bench_scale.py"), run_name="bench_scale")["main"]

    assert main(["--docs", "3", "--jobs", "1", "--repeat", "2", "--json"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == 3 and result["repeat"] == 2 and len(result["lcut_rounds"]) == 2
    (row,) = result["runs"]
    walls = sorted(r["seconds"] for r in row["rounds"])
    assert len(walls) == 2 and row["seconds"] == pytest.approx(sum(walls) / 2)  # the median of two
    assert row["speedup"] == 1.0 and row["peak_mb"] > 0
