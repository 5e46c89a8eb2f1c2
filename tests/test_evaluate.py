"""Evaluation: known figures on hand-made folders, and parity with the reference scorer."""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policy_miner.evaluate import format_report, match_quantities, same_value, score

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "corpora" / "gold"
REFERENCE_SCORER = REPO.parent / "shared" / "tools" / "score.py"


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def quantity(doc: str, start: int, end: int, kind: str, value: Any, **fields: Any) -> dict[str, Any]:
    record = {"type": "quantity", "doc": doc, "start": start, "end": end, "text": "x" * (end - start),
              "kind": kind, "value": value, "value_max": None, "unit": None, "bound": "exact", "per": [],
              "modality": "other"}
    return {**record, **fields}


def entity(doc: str, label: str, name: str | None, text: str = "") -> dict[str, Any]:
    return {"type": "entity", "doc": doc, "start": 0, "end": len(text), "text": text or name, "label": label,
            "name": name}


def document(doc: str, **fields: Any) -> dict[str, Any]:
    return {"type": "document", "doc": doc, **fields}


# --- (a) known figures --------------------------------------------------------------------

@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    gold, out = tmp_path / "gold", tmp_path / "out"
    write_jsonl(gold / "d1.jsonl", [
        document("d1", city="锦州市", date="2021-01-01", doc_type="news_report"),
        quantity("d1", 0, 4, "money", 300000, unit="CNY", modality="incentive"),
        quantity("d1", 10, 13, "people", 20, unit="person", bound="min", per=["year"]),
        quantity("d1", 20, 23, "percent", 18.7, unit="%"),
        entity("d1", "PLACE", "锦州市"),
        entity("d1", "PROGRAM", "兴锦人才计划"),
        entity("d1", "PROGRAM", "兴锦人才计划"),  # a name mentioned twice counts once
        entity("d1", "AGENCY", "锦州市委组织部"),
    ])
    write_jsonl(gold / "d2.jsonl", [
        document("d2", city="海城市"),
        quantity("d2", 5, 7, "count", 5, unit="个"),
    ])
    write_jsonl(out / "quantities.jsonl", [
        quantity("d1", 0, 4, "money", 300001, unit="CNY", modality="incentive"),  # value within 0.5%
        quantity("d1", 11, 14, "people", 25, unit="person", bound="min", modality="target"),  # value, per, modality
        quantity("d1", 20, 23, "count", 18.7, unit="%"),  # wrong kind: spurious, and gold missed
        quantity("d1", 30, 33, "date", "2025"),  # spurious
        {"doc": "d1", "kind": "money", "value": 1},  # no span: ignored
        quantity("elsewhere", 0, 4, "money", 1),  # not a gold document: ignored
    ])
    write_jsonl(out / "entities.jsonl", [
        entity("d1", "PLACE", "“锦州市”"),  # quotes are not part of the name
        entity("d1", "PROGRAM", None, text="兴锦人才计划"),  # the name falls back to the text
        entity("d1", "ORG", "渤海大学"),
    ])
    write_jsonl(out / "documents.jsonl", [document("d1", city="锦州市", date="2021-02-01", doc_type="news_report")])
    return gold, out


def test_known_figures(folders: tuple[Path, Path]) -> None:
    result = score(*folders)
    assert result["docs"] == 2
    q = result["quantity"]
    assert (q["tp"], q["fp"], q["fn"]) == (2, 2, 2)
    assert (q["p"], q["r"], q["f1"]) == (0.5, 0.5, 0.5)
    assert (q["value_acc"], q["unit_acc"], q["bound_acc"], q["per_acc"], q["modality_acc"]) == (0.5, 1.0, 1.0, 0.5, 0.5)
    assert result["quantity_by_kind"] == {
        "count": {"p": 0.0, "r": 0.0, "f1": 0.0},  # one spurious (d1) and one missed (d2)
        "date": {"p": 0.0, "r": 0.0, "f1": 0.0},
        "money": {"p": 1.0, "r": 1.0, "f1": 1.0},
        "people": {"p": 1.0, "r": 1.0, "f1": 1.0},
        "percent": {"p": 0.0, "r": 0.0, "f1": 0.0},
    }
    e = result["entity"]
    assert (e["tp"], e["fp"], e["fn"]) == (2, 1, 1)
    assert e["p"] == e["r"] == e["f1"] == pytest.approx(2 / 3)
    assert list(result["entity_by_label"]) == ["AGENCY", "ORG", "PLACE", "PROGRAM"]
    assert result["entity_by_label"]["PLACE"] == {"p": 1.0, "r": 1.0, "f1": 1.0}
    assert result["entity_by_label"]["AGENCY"] == {"p": 0.0, "r": 0.0, "f1": 0.0}
    assert result["metadata"] == {"city": 0.5, "date": 0.0, "doc_type": 1.0}


def test_errors_are_listed(folders: tuple[Path, Path]) -> None:
    errors = score(*folders)["errors"]
    assert [(r["doc"], r["start"], r["kind"]) for r in errors["missed"]] == [("d1", 20, "percent"), ("d2", 5, "count")]
    assert [(r["doc"], r["start"]) for r in errors["spurious"]] == [("d1", 20), ("d1", 30)]
    assert [(pair["gold"]["value"], pair["pred"]["value"]) for pair in errors["wrong_values"]] == [(20, 25)]


def test_docs_restricts_the_scored_documents(folders: tuple[Path, Path]) -> None:
    result = score(*folders, docs=["d2"])
    assert result["docs"] == 1
    assert (result["quantity"]["tp"], result["quantity"]["fn"]) == (0, 1)
    assert result["metadata"] == {"city": 0.0}


def test_report_lists_kinds_labels_and_errors(folders: tuple[Path, Path]) -> None:
    report = format_report(score(*folders), errors=1)
    lines = report.splitlines()
    assert lines[0] == "documents scored: 2"
    assert "quantities  P 0.500  R 0.500  F1 0.500  (tp 2 fp 2 fn 2)" in lines
    assert "  money     P 1.000 R 1.000 F1 1.000" in lines
    assert "  PLACE     P 1.000 R 1.000 F1 1.000" in lines
    assert "  d2:5 count 'xx'" not in lines  # only the first missed mention is listed
    assert "  d1:20 percent 'xxx'" in lines
    assert lines[-1] == "summary quantity_f1=0.500 value_acc=0.500 entity_f1=0.667"


def test_matching_is_greedy_best_overlap_first() -> None:
    gold = [quantity("d", 0, 10, "money", 1), quantity("d", 12, 14, "money", 2)]
    pred = [quantity("d", 8, 13, "money", 1), quantity("d", 2, 9, "money", 2), quantity("d", 0, 10, "count", 1)]
    matches, missed, spurious = match_quantities(gold, pred)
    assert [(g["start"], p["start"]) for g, p in matches] == [(0, 2), (12, 8)]
    assert missed == [] and [p["kind"] for p in spurious] == ["count"]


@pytest.mark.parametrize("a, b, equal", [
    (300000, 301000, True), (300000, 302000, False), (0, 0.0, True), (None, None, True), (None, 0, False),
    ("P3Y", " P3Y ", True), ("2025", 2025, True), (True, 1, False),
])
def test_same_value(a: Any, b: Any, equal: bool) -> None:
    assert same_value(a, b) is equal


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "d.jsonl").write_text('{"type": "document", "doc": "d"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"d\.jsonl:2"):
        score(tmp_path / "gold", tmp_path)


# --- (b) parity with the reference scorer -------------------------------------------------

def perturb(gold_dir: Path, out_dir: Path) -> None:
    """Write an output folder that gets some of everything wrong, deterministically."""
    quantities, entities, documents = [], [], []
    for path in sorted(gold_dir.glob("*.jsonl")):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        quantities += perturb_quantities([r for r in records if r["type"] == "quantity"])
        entities += perturb_entities([r for r in records if r["type"] == "entity"])
        documents += perturb_documents([r for r in records if r["type"] == "document"])
    quantities.append({"doc": "000_00f9fc98e431301e", "kind": "money", "value": 1})  # no span
    quantities.append(quantity("not_in_gold", 0, 3, "money", 1))
    write_jsonl(out_dir / "quantities.jsonl", quantities)
    write_jsonl(out_dir / "entities.jsonl", entities)
    write_jsonl(out_dir / "documents.jsonl", documents)


def perturb_quantities(gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, original in enumerate(gold):
        r = copy.deepcopy(original)
        change = i % 13
        if change == 0:
            continue  # dropped: a missed mention
        if change == 1:
            r["start"] += 1  # still overlapping
        elif change == 2:
            r["end"] = r["start"] + 1
            r["start"] -= 2
        elif change == 3 and isinstance(r["value"], (int, float)):
            r["value"] = r["value"] * 1.004  # within tolerance
        elif change == 4:
            r["value"] = r["value"] * 2 if isinstance(r["value"], (int, float)) else f"{r['value']}-X"
        elif change == 5:
            r["unit"] = "USD" if r.get("unit") else "个"
        elif change == 6:
            r["bound"] = "approx" if r.get("bound") != "approx" else "exact"
        elif change == 7:
            r["per"] = list(r.get("per") or []) + ["month"]
        elif change == 8:
            r["modality"] = "other" if r.get("modality") != "other" else "target"
        elif change == 9:
            r["kind"] = "count" if r["kind"] != "count" else "measure"  # a spurious and a missed
        elif change == 10:
            out.append({**r, "start": r["end"] + 50, "end": r["end"] + 53, "text": "多余的"})  # spurious
        elif change == 11:
            out.append({**r, "value_max": 99})  # two predictions for one gold mention
            r["value_max"] = None
            r["start"] += 1
        out.append(r)
    return out


def perturb_entities(gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, original in enumerate(gold):
        r = dict(original)
        if i % 5 == 0:
            continue
        if i % 5 == 1:
            r["name"] = f"“{r['name']}”"  # normalised away
        elif i % 5 == 2:
            r["label"] = "ORG" if r["label"] != "ORG" else "PLACE"
        elif i % 5 == 3:
            out.append({**r, "name": r["name"] + "分部"})
        out.append(r)
    return out


def perturb_documents(gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in gold:
        r = dict(r)
        number = int(r["doc"][:3])
        if number == 1:
            continue  # no metadata predicted
        if number == 2:
            r["city"] = "锦州市"
        if number == 3:
            r["date"] = None
        out.append(r)
    return out


def reference(args: list[str]) -> str:
    run = subprocess.run([sys.executable, str(REFERENCE_SCORER), *args], capture_output=True, text=True,
                         encoding="utf-8", check=True)
    return run.stdout


@pytest.fixture
def perturbed(tmp_path: Path) -> tuple[Path, Path]:
    if not REFERENCE_SCORER.is_file():
        pytest.skip(f"reference scorer not found at {REFERENCE_SCORER}")
    gold = tmp_path / "gold"
    shutil.copytree(GOLD, gold)
    perturb(gold, tmp_path / "out")
    return gold, tmp_path / "out"


@pytest.mark.parametrize("docs", [None, ["001_06ff118a8f78d1f6", "003_a2b5c4f7dc370355"]])
def test_figures_equal_the_reference_scorer(perturbed: tuple[Path, Path], docs: list[str] | None) -> None:
    gold, out = perturbed
    args = [str(gold), str(out), "--json"] + (["--docs", ",".join(docs)] if docs else [])
    expected, _ = json.JSONDecoder().raw_decode(reference(args))  # a summary line follows the JSON
    result = score(gold, out, docs=docs)
    assert {key: value for key, value in result.items() if key != "errors"} == expected
    assert 0 < expected["quantity"]["value_acc"] < 1 and 0 < expected["entity"]["f1"] < 1


def test_report_equals_the_reference_table(perturbed: tuple[Path, Path]) -> None:
    gold, out = perturbed
    assert format_report(score(gold, out), errors=4) == reference([str(gold), str(out), "--errors", "4"]).rstrip("\n")


def test_entity_errors_are_listed_on_request(folders: tuple[Path, Path]) -> None:
    result = score(*folders)
    assert "-- missed entities (first 5)" not in format_report(result)
    lines = format_report(result, entity_errors=5).splitlines()
    assert "-- missed entities (first 5)" in lines and "-- spurious entities (first 5)" in lines
    listed = result["errors"]["missed_entities"] + result["errors"]["spurious_entities"]
    assert all(f"  {e['doc']} {e['label']} {e['name']}" in lines for e in listed)
