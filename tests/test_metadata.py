"""Document metadata from invented documents: title, issuer, city and province."""
from __future__ import annotations

import sys

import pytest

from policy_miner.extract.metadata import find_issuer, find_title
from policy_miner.pipeline import Extractor

from .conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from build_gazetteer import short_forms  # noqa: E402


@pytest.mark.parametrize("text, title", [
    ("# 筑巢引凤 聚才兴业\n\n## ——宜宾市推进“宜聚英才”工程纪实\n\n正文。", "筑巢引凤 聚才兴业——宜宾市推进“宜聚英才”工程纪实"),
    ("才聚江城\n\n——芜湖市人才工作综述\n本报记者 王五\n", "才聚江城——芜湖市人才工作综述"),
    ("# 中共台州市委文件\n\n台委发〔2023〕5号\n\n## 中共台州市委关于印发《台州市人才发展规划》的通知\n",
     "台州市人才发展规划"),
    ("关于做好2024年高校毕业生就业工作的通知\n各县区：\n", "关于做好2024年高校毕业生就业工作的通知"),
])
def test_title(text: str, title: str) -> None:
    assert find_title(text) == title


@pytest.mark.parametrize("text, issuer", [
    ("# 中共台州市委文件\n\n台委发〔2023〕5号\n", "中共台州市委"),
    ("株洲晚报 2021年6月3日\n\n本报讯\n", "株洲晚报"),
    ("标题\n来源：赣州市人民政府网\n", "赣州市人民政府网"),
    ("标题\n\n本报记者 张三\n", None),
])
def test_issuer(text: str, issuer: str | None) -> None:
    assert find_issuer(text) == issuer


@pytest.mark.parametrize("text, city, province", [
    # the city named in the title wins over the one named most often
    ("芜湖市引才工作综述\n\n合肥、合肥、合肥的专家来到芜湖。", "芜湖市", "安徽省"),
    # a 我市 text: the city its own policies and bodies name most often
    ("人才工作综述\n——我市人才工作综述\n\n我市出台《绵阳市人才安居办法》《绵阳市英才计划实施细则》，"
     "邀请成都专家。", "绵阳市", "四川省"),
    # a county-level city is a city; a county counts for its prefecture
    ("# 中共瑞金市委文件\n\n瑞金市人才工作要点", "瑞金市", "江西省"),
    ("宁都县人才工作要点\n\n宁都县引进人才。", "赣州市", "江西省"),
    # no place at all: unknown, not guessed
    ("人才工作要点\n\n引进人才。", None, None),
])
def test_jurisdiction(extractor: Extractor, text: str, city: str | None, province: str | None) -> None:
    meta = extractor.extract(text, "t").meta
    assert (meta.city, meta.province) == (city, province)


def test_relative_years_resolve_against_the_document_date(extractor: Extractor) -> None:
    text = "株洲晚报 2021年6月3日\n\n今年引进博士50名。"
    result = extractor.extract(text, "t")
    assert result.meta.date == "2021-06-03"
    (people,) = [q for q in result.quantities if q.kind == "people"]
    assert people.when is not None and people.when.value == "2021"


@pytest.mark.parametrize("name, level, forms", [
    ("锦州市", "prefecture", ["锦州"]),
    ("广西壮族自治区", "province", ["广西"]),
    ("恩施土家族苗族自治州", "prefecture", ["恩施"]),
    ("长阳土家族自治县", "county", ["长阳"]),
    ("义县", "county", []),  # a one-character short form would be a common word
    ("朝阳区", "county", []),  # districts keep their suffix
    ("济南高新技术产业开发区", "county", ["济南高新区"]),
])
def test_gazetteer_short_forms(name: str, level: str, forms: list[str]) -> None:
    assert short_forms(name, level) == forms
