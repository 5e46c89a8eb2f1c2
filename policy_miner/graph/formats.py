"""Writing and reading the policy graph: GraphML and GEXF (Gephi, Cytoscape, igraph) and
networkx node-link JSON (D3, any JSON consumer).

In memory, ``evidence`` is a list of dicts. GraphML and GEXF only hold scalars, so there it is
a JSON string; node-link JSON keeps it a list. :func:`read_graph` undoes the encoding, so
``read_graph(write_graph(g))`` equals ``g`` in every format. Files are written atomically.
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from ..io.atomic import atomic_path

FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json"}
LIST_ATTRIBUTES = ("evidence",)
"""Attributes holding lists, JSON-encoded in GraphML and GEXF."""
GEXF_EDGE_ID = "id"
"""The edge attribute networkx's GEXF reader adds; not part of our graph."""


def portable(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``graph`` whose list attributes are JSON strings (for GraphML and GEXF)."""
    copy = graph.copy()
    for _, data in copy.nodes(data=True):
        _encode(data)
    for _, _, data in copy.edges(data=True):
        _encode(data)
    return copy


def _encode(data: dict) -> None:
    for name in LIST_ATTRIBUTES:
        if name in data:
            data[name] = json.dumps(data[name], ensure_ascii=False)


def _decode(data: dict) -> None:
    for name in LIST_ATTRIBUTES:
        if isinstance(data.get(name), str):
            data[name] = json.loads(data[name])


def write_graph(graph: nx.MultiDiGraph, path: str | Path, fmt: str) -> Path:
    """Write ``graph`` to ``path`` in ``fmt`` (``graphml``, ``gexf`` or ``json``), atomically."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
    target = Path(path)
    with atomic_path(target) as tmp:
        if fmt == "graphml":
            nx.write_graphml(portable(graph), tmp, encoding="utf-8")
        elif fmt == "gexf":
            nx.write_gexf(portable(graph), tmp, encoding="utf-8")
        else:
            data = nx.node_link_data(graph, edges="edges")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def _keyed_by_relation(read: nx.DiGraph) -> nx.MultiDiGraph:
    """GEXF has no edge keys: networkx reads a simple graph when no two edges share ends.
    Our key is the edge's relation, so rebuild the multigraph from it."""
    graph = nx.MultiDiGraph()
    graph.graph.update(read.graph)
    graph.add_nodes_from(read.nodes(data=True))
    for source, target, data in read.edges(data=True):
        data = {k: v for k, v in data.items() if k != GEXF_EDGE_ID}
        graph.add_edge(source, target, key=data["relation"], **data)
    return graph


def read_graph(path: str | Path, fmt: str | None = None) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_graph` (format from ``fmt`` or the file suffix)."""
    path = Path(path)
    fmt = fmt or next((name for name, suffix in FORMATS.items() if path.suffix == suffix), None)
    if fmt == "graphml":
        graph = nx.read_graphml(path, force_multigraph=True)
    elif fmt == "gexf":
        graph = _keyed_by_relation(nx.read_gexf(path))
    elif fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    else:
        raise ValueError(f"cannot tell the graph format of {path}; pass one of {', '.join(FORMATS)}")
    for _, data in graph.nodes(data=True):
        _decode(data)
    for _, _, data in graph.edges(data=True):
        _decode(data)
    return graph
