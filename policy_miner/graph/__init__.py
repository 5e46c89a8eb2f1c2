"""The policy graph: build it from an output folder, write it for Gephi, ask it questions."""

from .build import NODE_KINDS, build_graph
from .formats import FORMATS, read_graph, write_graph
from .query import TOP_KINDS, NodeNotFound, find_nodes, neighbours, top

__all__ = ["FORMATS", "NODE_KINDS", "NodeNotFound", "TOP_KINDS", "build_graph", "find_nodes", "neighbours",
           "read_graph", "top", "write_graph"]
