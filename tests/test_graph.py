"""The policy graph: built from a run over corpora/, written and re-read, queried from the CLI."""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from policy_miner.cli import main
from policy_miner.graph import NODE_KINDS, build_graph, find_nodes, neighbours, read_graph, top, write_graph
from policy_miner.graph.formats import portable
from policy_miner.graph.relations import sentence_relations
from policy_miner.io import read_outputs
from policy_miner.pipeline import Extractor
from policy_miner.run import run_corpus

# An invented policy text (not from the sample corpus), naming who leads and who implements.
LEAD_TEXT = """关于实施“沧浪英才计划”的通知
各区人民政府，市直各部门：
“沧浪英才计划”由市委组织部牵头，市财政局配合，每年遴选高层次人才50名，每人给予30万元资助。
市人社局负责“青苗工程”的组织实施。
市委组织部印发《沧浪英才计划实施细则》。
"""


@pytest.fixture(scope="module")
def corpus_graph(corpus_run: Path) -> nx.MultiDiGraph:
    return build_graph(read_outputs(corpus_run))


@pytest.fixture(scope="module")
def lead_graph(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> nx.MultiDiGraph:
    corpus = tmp_path_factory.mktemp("lead_corpus")
    (corpus / "泰州市人才计划.txt").write_text(LEAD_TEXT.replace("市委", "泰州市委", 1), encoding="utf-8")
    out = tmp_path_factory.mktemp("lead_out")
    run_corpus([corpus], out, extractor)
    return build_graph(read_outputs(out))


def _edges(graph: nx.MultiDiGraph, relation: str) -> list[tuple[str, str, dict]]:
    return [(graph.nodes[u]["name"], graph.nodes[v]["name"], d)
            for u, v, k, d in graph.edges(keys=True, data=True) if k == relation]


def test_every_node_kind_is_present(corpus_graph: nx.MultiDiGraph) -> None:
    kinds = {data["kind"] for _, data in corpus_graph.nodes(data=True)}
    assert kinds == set(NODE_KINDS)


def test_places_merge_by_canonical_name(corpus_graph: nx.MultiDiGraph) -> None:
    jinzhou = find_nodes(corpus_graph, "锦州市")
    assert jinzhou == find_nodes(corpus_graph, "锦州") == ["place:210700"]
    assert not [n for n, d in corpus_graph.nodes(data=True) if d["name"] == "锦州"]
    provinces = [corpus_graph.nodes[v]["name"] for _, v, k in corpus_graph.out_edges(jinzhou[0], keys=True)
                 if k == "part_of"]
    assert provinces == ["辽宁省"]


@pytest.mark.parametrize("program", ["兴锦人才计划", "带土移植"])
def test_jinzhou_programs_link_to_jinzhou(corpus_graph: nx.MultiDiGraph, program: str) -> None:
    node = find_nodes(corpus_graph, program)[0]
    cities = {link.other_name: link for link in neighbours(corpus_graph, node) if link.relation == "active_in"}
    assert "锦州市" in cities
    evidence = cities["锦州市"].evidence
    assert evidence and all(program in item["sentence"] for item in evidence)


def test_program_commitment_keeps_value_unit_and_per(corpus_graph: nx.MultiDiGraph) -> None:
    node = find_nodes(corpus_graph, "带土移植")[0]
    commitments = [corpus_graph.nodes[v] for _, v, k in corpus_graph.out_edges(node, keys=True) if k == "commits"]
    award = [c for c in commitments if c["label"] == "30万元"]
    assert award and award[0]["value"] == 300000.0 and award[0]["unit"] == "CNY"
    assert award[0]["per"] and "30万元" in award[0]["sentence"]


def test_documents_link_to_their_city_and_issuer(corpus_graph: nx.MultiDiGraph) -> None:
    about = {(u, v) for u, v, _ in _edges(corpus_graph, "about")}
    assert ("海城市十四五人才发展规划", "海城市") in {(u.removeprefix("中共海城市委关于印发"), v) for u, v in about} \
        or any(v == "海城市" for _, v in about)
    assert {v for _, v in about} == {"锦州市", "辽阳市", "海城市", "嘉峪关市"}
    issuers = {v for _, v, _ in _edges(corpus_graph, "issued_by")}
    assert "中共海城市委" in issuers


def test_counts_add_up(corpus_graph: nx.MultiDiGraph) -> None:
    for node, data in corpus_graph.nodes(data=True):
        if data["kind"] in ("program", "policy", "agency", "org", "place") and data["mentions"]:
            mentioned = [d for _, _, k, d in corpus_graph.out_edges(node, keys=True, data=True) if k == "mentioned_in"]
            assert sum(d["mentions"] for d in mentioned) == data["mentions"]
            assert len(mentioned) == data["documents"]


def test_agency_leads_program_stated_in_a_sentence(lead_graph: nx.MultiDiGraph) -> None:
    leads = _edges(lead_graph, "leads")
    assert [(u, v) for u, v, _ in leads] == [("泰州市委组织部", "沧浪英才计划")]
    assert "牵头" in leads[0][2]["evidence"][0]["sentence"]
    assert leads[0][2]["evidence"][0]["cue"] == "牵头"
    relations = {(u, k, v) for u, v, k in ((a, b, k) for k in ("supports", "responsible_for", "issues",
                                                                 "establishes") for a, b, _ in _edges(lead_graph, k))}
    assert ("泰州市财政局", "supports", "沧浪英才计划") in relations
    assert ("泰州市人社局", "responsible_for", "青苗工程") in relations
    assert ("泰州市委组织部", "issues", "沧浪英才计划实施细则") in relations
    assert ("沧浪英才计划实施细则", "establishes", "沧浪英才计划") in relations


def test_no_relation_without_a_cue(extractor: Extractor) -> None:
    result = extractor.extract("市委组织部召开会议，部署“青苗工程”。市人社局和“青苗工程”学员座谈。", "d")
    assert list(sentence_relations(result.entities)) == []


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_graph_round_trips(corpus_graph: nx.MultiDiGraph, tmp_path: Path, fmt: str) -> None:
    path = write_graph(corpus_graph, tmp_path / f"graph.{fmt}", fmt)
    again = read_graph(path)
    assert dict(again.nodes(data=True)) == dict(corpus_graph.nodes(data=True))
    assert sorted(again.edges(keys=True, data=True), key=str) == sorted(corpus_graph.edges(keys=True, data=True), key=str)
    assert [p.name for p in tmp_path.iterdir()] == [f"graph.{fmt}"]  # no temporary file left


@pytest.mark.parametrize("reader,fmt", [(lambda p: nx.read_graphml(p, force_multigraph=True), "graphml"),
                                        (nx.read_gexf, "gexf")])
def test_plain_networkx_reads_the_files(corpus_graph: nx.MultiDiGraph, tmp_path: Path, reader, fmt: str) -> None:
    again = reader(write_graph(corpus_graph, tmp_path / f"graph.{fmt}", fmt))
    assert dict(again.nodes(data=True)) == dict(portable(corpus_graph).nodes(data=True))
    assert again.number_of_edges() == corpus_graph.number_of_edges()


def test_top_programs_rank_by_cities_then_documents(corpus_graph: nx.MultiDiGraph) -> None:
    rows = top(corpus_graph, "programs", limit=50)
    keys = [(-len(r.cities), -r.documents, -r.mentions) for r in rows]
    assert keys == sorted(keys)
    assert "带土移植" in [r.name for r in rows if len(r.cities) >= 2]


def test_cli_graph_writes_and_answers(corpus_run: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "policy.gexf"
    result = runner.invoke(main, ["graph", str(corpus_run), "--format", "gexf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and "nodes" in result.output
    result = runner.invoke(main, ["graph", str(corpus_run), "--top", "programs"])
    assert result.exit_code == 0 and "兴锦人才计划" in result.output
    result = runner.invoke(main, ["graph", str(corpus_run), "--neighbours", "带土移植", "--evidence", "1"])
    assert result.exit_code == 0 and "active_in 锦州市" in result.output and "30万元" in result.output
    result = runner.invoke(main, ["graph", str(corpus_run), "--neighbours", "英才计划"])
    assert result.exit_code != 0 and "did you mean" in result.output


def test_cli_graph_reports_a_folder_without_outputs(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["graph", str(tmp_path)])
    assert result.exit_code != 0 and "not found" in result.output


@pytest.mark.parametrize("text,expected", [
    ("市委组织部会同市财政局组织实施“青苗工程”。",
     {("市委组织部", "implements", "青苗工程"), ("市财政局", "implements", "青苗工程")}),
    ("面向渤海大学、辽宁工业大学开展“青苗工程”。", set()),
    ("“青苗工程”由市人社局牵头推进。", {("市人社局", "leads", "青苗工程")}),
    ("由市委组织部牵头，市人社局配合，实施“青苗工程”。",
     {("市委组织部", "leads", "青苗工程"), ("市人社局", "supports", "青苗工程")}),
])
def test_sentence_relations(extractor: Extractor, text: str, expected: set) -> None:
    result = extractor.extract(text, "d")
    found = {(r.source.text, r.relation, r.target.text.strip("“”")) for r in sentence_relations(result.entities)}
    assert found == expected
