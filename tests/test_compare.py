"""Comparing cities: tool shares and commitments side by side, tables and the HTML report."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from policy_miner.cli import main
from policy_miner.compare import Comparison, compare_outputs
from policy_miner.compare.tables import amount, display
from policy_miner.compare.themes import recipient_of, theme_of
from policy_miner.records import Quantity

CITIES = {"锦州市", "辽阳市", "海城市", "嘉峪关市"}


@pytest.fixture(scope="module")
def by_city(corpus_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    return compare_outputs(corpus_run, tmp_path_factory.mktemp("compare"), "city")


def test_each_city_is_a_column_with_tool_shares(by_city: Comparison) -> None:
    tools = by_city.tools
    assert set(tools["city"]) == CITIES
    for city, rows in tools.groupby("city"):
        assert rows["clauses"].sum() > 0, city
        assert rows["share"].sum() == pytest.approx(1.0, abs=0.01)


def test_the_team_award_is_in_jinzhou_row_with_its_sentence(by_city: Comparison) -> None:
    rows = by_city.commitments[(by_city.commitments["city"] == "锦州市")
                               & (by_city.commitments["theme"] == "talent_award")]
    assert (rows["max"] == 300000).any()
    evidence = "\n".join(rows["evidence"])
    assert "每个人才(团队)奖励30万元" in evidence and "30万元" in "\n".join(rows["texts"])


def test_amounts_are_compared_only_with_the_same_per(by_city: Comparison) -> None:
    keys = by_city.commitments[["city", "theme", "unit", "per"]]
    assert not keys.duplicated().any()


def test_files_are_written_and_reread(by_city: Comparison) -> None:
    names = {p.name for p in by_city.written}
    assert {"tools.csv", "commitments.csv", "compare.xlsx", "report.html"} <= names
    folder = by_city.written[0].parent
    assert len(pd.read_csv(folder / "commitments.csv", encoding="utf-8-sig")) == len(by_city.commitments)
    sheets = pd.read_excel(folder / "compare.xlsx", sheet_name=None)
    assert set(sheets) == {"tools", "tools_wide", "commitments", "commitments_wide"}
    assert set(sheets["tools_wide"]["city"]) == CITIES


def test_html_report_has_tables_charts_and_highlighted_evidence(by_city: Comparison) -> None:
    page = (by_city.written[0].parent / "report.html").read_text(encoding="utf-8")
    assert page.count("<table") == 2 and page.count("plotly-graph-div") == 2
    assert "Plotly.newPlot" in page and "<script src=" not in page  # plotly.js inlined: opens offline
    assert "<mark>30万元</mark>" in page
    assert all(city in page for city in CITIES)


@pytest.mark.parametrize("by,expected", [("province", {"辽宁省", "甘肃省"}), ("doc", None)])
def test_other_groupings(corpus_run: Path, tmp_path: Path, by: str, expected: set[str] | None) -> None:
    result = compare_outputs(corpus_run, tmp_path, by)
    groups = set(result.tools[by])
    assert groups == expected if expected else len(groups) == 5


def test_cli_compare(corpus_run: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(corpus_run), "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "锦州市" in result.output and "talent_award" in result.output
    assert (tmp_path / "report.html").is_file()


def test_cli_compare_reports_a_folder_without_outputs(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(tmp_path)])
    assert result.exit_code != 0 and "not found" in result.output


def _quantity(sentence: str, text: str, kind: str = "money", subject: str = "") -> Quantity:
    start = sentence.index(text)
    return Quantity(doc="d", start=start, end=start + len(text), text=text, kind=kind, value=1,
                    subject=subject, sentence=sentence, sentence_start=0)


@pytest.mark.parametrize("sentence,text,kind,theme,recipient", [
    ("对新引进的博士每人给予5万元安家补贴。", "5万元", "money", "housing_subsidy", "博士"),
    ("博士后每人每月发放3000元生活补贴。", "3000元", "money", "living_allowance", "博士后"),
    ("对入选的创业团队给予最高100万元创业资助。", "100万元", "money", "startup_funding", "团队"),
    ("每年引进硕士以上人才500人。", "500人", "people", "recruitment", "硕士"),
    ("新建省级以上创新平台10个。", "10个", "count", "platform", None),
    ("全市常住人口120万人。", "120万人", "people", None, None),
])
def test_themes_and_recipients(sentence: str, text: str, kind: str, theme: str | None,
                               recipient: str | None) -> None:
    quantity = _quantity(sentence, text, kind)
    assert theme_of(quantity) == theme
    assert recipient_of(quantity) == recipient


def test_display_cells() -> None:
    assert amount(Decimal(300000), "CNY") == "30万元"
    assert amount(Decimal("350000000"), "CNY") == "3.5亿元"
    assert amount(Decimal(100), "person-time") == "100人次"
    assert display(1, Decimal(300000), Decimal(300000), "CNY", "team", {"max"}) == "30万元/团队 (max)"
    assert display(3, Decimal(800), Decimal(2000), "CNY", "person/month", {"exact"}) == "800元-2000元/人/月 n=3"
