"""Exports: each format reads back to the JSONL's rows, Chinese intact, nested fields flattened."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from policy_miner.cli import export as export_command
from policy_miner.cli import main
from policy_miner.export import FORMATS, export_outputs, table, write_tables
from policy_miner.export.tables import TABLE_NAMES, columns
from policy_miner.io import record_rows
from policy_miner.records import OUTPUT_FILES, Quantity, When


def _read(path: Path, fmt: str) -> dict[str, pd.DataFrame]:
    """The tables of one export folder, read back by pandas as a user would."""
    if fmt == "xlsx":
        return pd.read_excel(path / "records.xlsx", sheet_name=None, engine="openpyxl")
    readers = {"csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"), "parquet": pd.read_parquet,
               "json": pd.read_json}
    return {name: readers[fmt](path / f"{name}.{fmt}") for name in TABLE_NAMES.values()}


@pytest.fixture(scope="module")
def exported(corpus_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus run exported in every format."""
    to_dir = tmp_path_factory.mktemp("export")
    export_outputs(corpus_run, to_dir, FORMATS)
    return to_dir


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_reads_back_every_row_flat_and_chinese_intact(corpus_run: Path, exported: Path, fmt: str) -> None:
    tables = _read(exported, fmt)
    for record_type, name in TABLE_NAMES.items():
        assert len(tables[name]) == len(record_rows(corpus_run, record_type)), name
        assert list(tables[name].columns) == [column for column, _, _ in columns(record_type)]
    quantities, entities = tables["quantities"], tables["entities"]
    assert list(quantities.columns[:4]) == ["doc", "start", "end", "text"]
    assert {"when_text", "when_value", "when_role", "per", "value_text", "sentence", "sentence_start"} \
        <= set(quantities.columns)
    assert "兴锦人才计划" in set(entities["name"])
    assert "person/month" in set(quantities["per"])
    assert 300000 in set(quantities["value"]) and "P3Y" in set(quantities["value_text"])
    assert "deadline" in set(quantities["when_role"])


def test_export_files_and_no_temp_files(exported: Path) -> None:
    names = sorted(p.name for p in exported.iterdir())
    assert names == sorted([f"{n}.{fmt}" for n in TABLE_NAMES.values() for fmt in ("csv", "parquet", "json")]
                           + ["records.xlsx"])
    assert (exported / "quantities.csv").read_bytes().startswith(b"\xef\xbb\xbfdoc,start,end,text,")


def test_flattening_keeps_every_value() -> None:
    record = Quantity("d", 0, 5, "2000元", "money", 2000, value_max="X", unit="CNY", per=["person", "month"],
                      when=When("到2025年", "2025", "deadline"))
    row = table("quantity", [record]).iloc[0]
    assert (row["value"], row["value_max_text"], row["per"]) == (2000.0, "X", "person/month")
    assert (row["when_text"], row["when_value"], row["when_role"]) == ("到2025年", "2025", "deadline")
    assert pd.isna(row["value_text"]) and pd.isna(row["value_max"])
    with pytest.raises(ValueError, match="per word"):
        table("quantity", [Quantity("d", 0, 1, "1", "count", 1, per=["a/b"])])


def test_csv_writes_whole_numbers_without_a_decimal_point(tmp_path: Path) -> None:
    records = [Quantity("d", 0, 3, "20人", "people", 20), Quantity("d", 4, 8, "0.3%", "percent", 0.3),
               Quantity("d", 9, 12, "若干", "count", "若干")]
    write_tables({"quantities": table("quantity", records)}, tmp_path / "export", ["csv"])
    lines = (tmp_path / "export" / "quantities.csv").read_text(encoding="utf-8-sig").splitlines()
    values = [line.split(",")[5] for line in lines[1:]]
    assert values == ["20", "0.3", ""]


def test_empty_outputs_export_with_headers(tmp_path: Path) -> None:
    for name in OUTPUT_FILES.values():
        (tmp_path / name).write_text("", encoding="utf-8")
    export_outputs(tmp_path, tmp_path / "export", FORMATS)
    for fmt in FORMATS:
        tables = _read(tmp_path / "export", fmt)
        for record_type, name in TABLE_NAMES.items():
            assert tables[name].empty
            if fmt != "json":  # an empty JSON array has no keys to name the columns
                assert list(tables[name].columns) == [column for column, _, _ in columns(record_type)]
    assert pd.read_parquet(tmp_path / "export" / "quantities.parquet")["value"].dtype == "float64"


def test_xlsx_escapes_control_characters(tmp_path: Path) -> None:
    record = Quantity("d", 0, 3, "35个", "count", 35, sentence="第一页\x0c35个")
    write_tables({"quantities": table("quantity", [record])}, tmp_path, ["xlsx"])
    sheet = pd.read_excel(tmp_path / "records.xlsx", sheet_name="quantities")
    assert sheet["sentence"][0] == "第一页_x000C_35个"


def test_unknown_format_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'tsv'"):
        write_tables({}, tmp_path / "export", ["csv", "tsv"])
    assert not (tmp_path / "export").exists()


def test_cli_export(corpus_run: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(corpus_run), "--to", str(tmp_path), "--format", "csv",
                                       "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {tmp_path / name}" for name in
                                          ["quantities.csv", "entities.csv", "documents.csv", "clauses.csv",
                                           "records.xlsx"]]


def test_cli_export_defaults_to_out_dir_export(corpus_run: Path, tmp_path: Path) -> None:
    for name in OUTPUT_FILES.values():
        shutil.copy(corpus_run / name, tmp_path / name)
    result = CliRunner().invoke(main, ["export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == ["clauses.csv", "documents.csv",
                                                                       "entities.csv", "quantities.csv"]


def test_cli_export_bad_out_dir(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(tmp_path / "missing")])
    assert result.exit_code != 0 and "does not exist" in result.output
    result = CliRunner().invoke(main, ["export", str(tmp_path)])  # a folder without outputs
    assert result.exit_code == 1
    assert "jsonl not found: run `policy-miner extract" in result.output
    assert not (tmp_path / "export").exists()


def test_cli_formats_are_the_library_formats() -> None:
    option = next(param for param in export_command.params if param.name == "formats")
    assert tuple(option.type.choices) == FORMATS
