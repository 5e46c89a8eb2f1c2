"""Plain-text answers to graph queries, for the terminal."""
from __future__ import annotations

from collections import Counter

import networkx as nx

from .build import NODE_KINDS
from .query import Ranked, neighbours

ARROWS = {"out": "->", "in": "<-"}
SENTENCE_WIDTH = 80


def summary(graph: nx.MultiDiGraph) -> str:
    """``374 nodes (5 document, ...), 532 edges (199 mentioned_in, ...)``."""
    kinds = Counter(data["kind"] for _, data in graph.nodes(data=True))
    relations = Counter(key for _, _, key in graph.edges(keys=True))
    nodes = ", ".join(f"{kinds[k]} {k}" for k in NODE_KINDS if kinds[k])
    edges = ", ".join(f"{n} {r}" for r, n in relations.most_common())
    return f"{graph.number_of_nodes()} nodes ({nodes}), {graph.number_of_edges()} edges ({edges})"


def format_top(rows: list[Ranked]) -> str:
    """One line per node: name, cities, documents, mentions."""
    lines = ["cities  docs  mentions  name  [cities]"]
    for row in rows:
        lines.append(f"{len(row.cities):>6}  {row.documents:>4}  {row.mentions:>8}  {row.name}  "
                     f"[{', '.join(row.cities)}]")
    return "\n".join(lines)


def describe(graph: nx.MultiDiGraph, node: str) -> str:
    """A node as one phrase; a commitment with its normalised value: ``30万元 (commitment:
    300000 CNY per person, max, incentive)``."""
    data = graph.nodes[node]
    if data["kind"] != "commitment":
        return f"{data['name']} ({data['kind']})"
    value = data.get("value", data.get("value_text"))
    amount = f"{value:g}" if isinstance(value, float) else str(value)
    if "value_max" in data:
        amount += f"-{data['value_max']:g}"
    parts = [" ".join(filter(None, [amount, data.get("unit")]))]
    if data.get("per"):
        parts[0] += f" per {data['per']}"
    parts += [data[key] for key in ("bound", "modality") if data.get(key) and data[key] != "exact"]
    return f"{data['name']} (commitment: {', '.join(parts)})"


def _clip(sentence: str) -> str:
    return sentence if len(sentence) <= SENTENCE_WIDTH else sentence[:SENTENCE_WIDTH - 1] + "…"


def format_neighbours(graph: nx.MultiDiGraph, nodes: list[str], limit: int, evidence: int) -> str:
    """Each node's links, strongest first, each with up to ``evidence`` source sentences."""
    lines = []
    for node in nodes:
        data = graph.nodes[node]
        lines.append(f"{data['name']} ({data['kind']}, {node}): {data.get('mentions', 0)} mentions "
                     f"in {data.get('documents', 0)} documents")
        links = neighbours(graph, node)
        for link in links[:limit]:
            lines.append(f"  {ARROWS[link.direction]} {link.relation} {describe(graph, link.other)}: "
                         f"{link.documents} documents, {link.mentions} mentions")
            for item in link.evidence[:evidence]:
                where = f"{item['doc']}:{item['start']}-{item['end']}" if "start" in item else item["doc"]
                quote = f" {_clip(item['sentence'])}" if item.get("sentence") else ""
                lines.append(f"      {where}{quote}")
        if len(links) > limit:
            lines.append(f"  … {len(links) - limit} more links (--limit)")
    return "\n".join(lines)
