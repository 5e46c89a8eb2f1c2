"""End-to-end: the CLI on the sample corpus and on a folder of awkward files."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from policy_miner.cli import main

from policy_miner.evaluate import score

from .conftest import CORPUS, GOLD

LONG_TEXT = ("锦州市实施“兴锦人才计划”，今年引进高层次人才团队35个，每个团队奖励30万元。"
             "对博士研究生每人每月给予2000元安家补贴，期限最长不超过3年。") * 4


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_extract_sample_corpus(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(CORPUS), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    found = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    assert {Path(f["path"]).relative_to(CORPUS).as_posix() for f in report["files"]} == found
    processed = [f for f in report["files"] if f["status"] == "processed"]
    assert len(processed) == len(list(CORPUS.glob("*.txt")))
    texts = {p.stem: p.read_text(encoding="utf-8-sig") for p in CORPUS.glob("*.txt")}
    records = _jsonl(tmp_path / "quantities.jsonl")
    assert records and report["summary"]["quantities"] == len(records)
    entities = _jsonl(tmp_path / "entities.jsonl")
    assert entities and report["summary"]["entities"] == len(entities)
    for record in records + entities:
        text = texts[record["doc"]]
        assert text[record["start"]:record["end"]] == record["text"]
        sentence_start = record["sentence_start"]
        assert text[sentence_start:sentence_start + len(record["sentence"])] == record["sentence"]
        assert sentence_start <= record["start"] < sentence_start + len(record["sentence"])
    documents = _jsonl(tmp_path / "documents.jsonl")
    assert sorted(d["doc"] for d in documents) == sorted(texts)
    assert "5 processed" in result.output


def test_extract_awkward_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gbk.txt").write_bytes(LONG_TEXT.encode("gbk"))
    (corpus / "utf16.txt").write_bytes(LONG_TEXT.encode("utf-16"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "page.html").write_text(
        f"<html><head><style>p{{color:red}}</style><script>var x = '99个';</script></head>"
        f"<body><p>{LONG_TEXT}</p></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(corpus), "-o", str(out)])
    assert result.exit_code == 1  # the binary file failed
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    status = {f["doc"]: f["status"] for f in report["files"]}
    assert status == {"gbk": "processed", "utf16": "processed", "empty": "skipped",
                      "binary": "failed", "page": "processed"}
    assert "binary" in result.output
    records = _jsonl(out / "quantities.jsonl")
    by_doc = {doc: [r["text"] for r in records if r["doc"] == doc] for doc in ("gbk", "utf16", "page")}
    assert by_doc["gbk"] == by_doc["utf16"] and "35个" in by_doc["gbk"] and "30万元" in by_doc["gbk"]
    assert "35个" in by_doc["page"] and "99个" not in by_doc["page"]
    assert not list(out.glob("*.tmp*")) and not list(out.glob(".*"))


def test_pkuseg_without_model_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(CORPUS), "-o", str(tmp_path), "--segmenter", "pkuseg"])
    assert result.exit_code == 2
    assert "pkuseg-model" in result.output


def test_extract_with_a_pkuseg_model(tmp_path: Path, pkuseg_model: Path) -> None:
    """The pkuseg path end to end: a model trained by the test, the whole corpus, gold scores."""
    result = CliRunner().invoke(main, ["extract", str(CORPUS), "-o", str(tmp_path), "--segmenter", "pkuseg",
                                       "--pkuseg-model", str(pkuseg_model)])
    assert result.exit_code == 0, result.output
    assert score(GOLD, tmp_path)["quantity"]["f1"] >= 0.90
