"""The questions a researcher asks a policy graph first: which programs recur across cities,
and what one node is linked to, with the sentences that say so."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..extract.gazetteer import gazetteer

TOP_KINDS = {"programs": "program", "policies": "policy", "agencies": "agency", "orgs": "org",
             "places": "place"}


@dataclass
class Ranked:
    """One row of a ``--top`` table."""

    node: str
    name: str
    cities: list[str]
    documents: int
    mentions: int


def top(graph: nx.MultiDiGraph, what: str = "programs", limit: int = 10) -> list[Ranked]:
    """Nodes of one kind by the number of cities they are active in, then documents, then
    mentions (ties by name, so the order is stable)."""
    kind = TOP_KINDS[what]
    rows = []
    for node, data in graph.nodes(data=True):
        if data.get("kind") != kind:
            continue
        cities = sorted({graph.nodes[target]["name"] for _, target, key in graph.out_edges(node, keys=True)
                         if key == "active_in"})
        rows.append(Ranked(node, data["name"], cities, data.get("documents", 0), data.get("mentions", 0)))
    rows.sort(key=lambda r: (-len(r.cities), -r.documents, -r.mentions, r.name))
    return rows[:limit]


@dataclass
class Link:
    """One edge at a node: its direction seen from the node, and its evidence."""

    direction: str  # "out" (node -> other) or "in" (other -> node)
    relation: str
    other: str
    other_kind: str
    other_name: str
    mentions: int
    documents: int
    evidence: list[dict[str, Any]] = field(default_factory=list)


class NodeNotFound(KeyError):
    """No node matches a name; ``suggestions`` lists names that contain it."""

    def __init__(self, name: str, suggestions: list[str]):
        super().__init__(name)
        self.name, self.suggestions = name, suggestions

    def __str__(self) -> str:
        hint = f"; did you mean: {', '.join(self.suggestions)}" if self.suggestions else ""
        return f"no node named {self.name!r}{hint}"


def find_nodes(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes a researcher means by ``name``: a node id, a canonical name, or a short place
    name (锦州 -> 锦州市). Raises :class:`NodeNotFound` with suggestions."""
    if name in graph:
        return [name]
    by_name = sorted(node for node, data in graph.nodes(data=True) if data.get("name") == name)
    if by_name:
        return by_name
    division = gazetteer().resolve(name)
    if division is not None and f"place:{division.code}" in graph:
        return [f"place:{division.code}"]
    suggestions = sorted({data["name"] for _, data in graph.nodes(data=True) if name in data.get("name", "")})
    raise NodeNotFound(name, suggestions[:10])


def neighbours(graph: nx.MultiDiGraph, node: str) -> list[Link]:
    """Every edge at ``node``, strongest (most documents, then mentions) first."""
    links = []
    for direction, edges in (("out", graph.out_edges(node, keys=True, data=True)),
                             ("in", graph.in_edges(node, keys=True, data=True))):
        for source, target, key, data in edges:
            other = target if direction == "out" else source
            other_data = graph.nodes[other]
            links.append(Link(direction, key, other, other_data["kind"], other_data["name"],
                              data.get("mentions", 0), data.get("documents", 0), list(data.get("evidence", []))))
    links.sort(key=lambda l: (-l.documents, -l.mentions, l.relation, l.other))
    return links
