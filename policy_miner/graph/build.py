"""The policy graph: documents, places, programs, policies, agencies, organisations and the
commitments stated for programs, linked by typed edges that keep their evidence.

Built from the records of an output folder (never the raw text). Nodes are merged across
documents by canonical name (锦州 and 锦州市 are one node, because entity records already carry
the canonical name); a place is keyed by its division code, so two districts that share a name
stay apart. Every edge has a ``relation`` (also its key in the multigraph), counts
(``mentions``, ``documents``) and ``evidence``: the sentences that state it, with document and
offsets, at most ``max_evidence`` of them (the counts are always complete).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from ..extract.entities import head_of
from ..extract.gazetteer import Division, gazetteer
from ..io.read import Outputs
from ..records import DocumentMeta, Entity, Quantity
from .relations import sentence_relations

KINDS = {"PROGRAM": "program", "POLICY": "policy", "AGENCY": "agency", "ORG": "org", "PLACE": "place"}
"""Node kind of each entity label."""
NODE_KINDS = ("document", "place", "program", "policy", "agency", "org", "commitment")
COMMITMENT_MODALITIES = frozenset({"target", "incentive"})
"""A quantity is a commitment when it promises (a target or an incentive) or is stated for a
program; dates are never commitments."""
MAX_EVIDENCE = 10
ACTIVE_LABELS = frozenset({"PROGRAM", "POLICY"})
"""Programs and policies are ``active_in`` the city (else province) of each document naming
them: that is how a corpus says which cities have which programs."""
MIN_PROGRAM_NAME = 4
"""Shortest program name looked for inside policy titles (2-3 characters match by chance)."""
TITLE_CUE = "《》"


def build_graph(outputs: Outputs, max_evidence: int = MAX_EVIDENCE) -> nx.MultiDiGraph:
    """The policy graph of one output folder's records."""
    builder = _Builder(max_evidence)
    documents = {meta.doc: meta for meta in outputs.documents}
    for meta in outputs.documents:
        builder.add_document(meta)
    for entity in outputs.entities:
        builder.add_mention(entity, documents.get(entity.doc))
    for meta in outputs.documents:
        builder.add_issuer(meta)
    programs = {e.name for e in outputs.entities if e.label == "PROGRAM"}
    for entity in outputs.entities:
        if entity.label == "POLICY":
            for program in programs_named_in(entity.name, programs):
                builder.edge(builder.entity_node(entity, documents.get(entity.doc)), f"program:{program}",
                             "establishes", entity.doc, _evidence(entity.doc, [entity], cue=TITLE_CUE))
    for relation in sentence_relations(outputs.entities):
        meta = documents.get(relation.source.doc)
        source = builder.entity_node(relation.source, meta)
        target = builder.entity_node(relation.target, meta)
        builder.edge(source, target, relation.relation, relation.source.doc,
                     _evidence(relation.source.doc, (relation.source, relation.target), cue=relation.cue))
    for quantity in outputs.quantities:
        if is_commitment(quantity):
            builder.add_commitment(quantity, documents.get(quantity.doc))
    return builder.finish()


def is_commitment(quantity: Quantity) -> bool:
    """Whether a quantity record becomes a commitment node."""
    return quantity.kind != "date" and (quantity.program is not None
                                        or quantity.modality in COMMITMENT_MODALITIES)


def programs_named_in(title: str, programs: set[str]) -> list[str]:
    """Programs whose name appears in a policy's title: 《沧浪英才计划实施细则》 and
    《关于实施雄关人才扶持计划的意见》 set up the programs they name. Looks up every substring
    of the title, so the cost grows with title length, not with the number of programs."""
    found = {title[i:j] for i in range(len(title))
             for j in range(i + MIN_PROGRAM_NAME, len(title) + 1) if title[i:j] in programs}
    return sorted(name for name in found if not any(name != other and name in other for other in found))


def document_id(doc: str) -> str:
    return f"document:{doc}"


def _evidence(doc: str, mentions: Iterable[Entity | Quantity], **extra: str) -> dict[str, Any]:
    """Where a node or edge is stated: document, the span covering the mentions, the sentence."""
    mentions = list(mentions)
    return {"doc": doc, "start": min(m.start for m in mentions), "end": max(m.end for m in mentions),
            "sentence": mentions[0].sentence, **extra}


class _Builder:
    """Adds nodes and edges, counting mentions and distinct documents as it goes."""

    def __init__(self, max_evidence: int):
        self.graph = nx.MultiDiGraph()
        self.max_evidence = max_evidence
        self.node_docs: dict[str, set[str]] = defaultdict(set)
        self.edge_docs: dict[tuple[str, str, str], set[str]] = defaultdict(set)

    # --- nodes ----------------------------------------------------------------------------

    def node(self, node_id: str, kind: str, name: str, **attrs: Any) -> str:
        if node_id not in self.graph:
            self.graph.add_node(node_id, kind=kind, name=name, label=name,
                                **{k: v for k, v in attrs.items() if v is not None})
        return node_id

    def place_node(self, name: str, meta: DocumentMeta | None) -> str:
        """A place by division code when the gazetteer knows it (read in the document's
        province), else by name (a named region such as 辽西)."""
        gaz = gazetteer()
        province = gaz.resolve(meta.province) if meta is not None and meta.province else None
        division = gaz.resolve(name, province.code if province else None)
        if division is None or division.name != name:
            return self.node(f"place:{name}", "place", name, level="region")
        return self._division_node(division)

    def _division_node(self, division: Division) -> str:
        """A division's node, and ``part_of`` edges up to its province."""
        node_id = f"place:{division.code}"
        if node_id in self.graph:
            return node_id
        self.node(node_id, "place", division.name, level=division.level, code=division.code)
        gaz = gazetteer()
        parent = gaz.by_code.get(division.parent) if division.level != "province" else None
        if parent is not None:
            self.graph.add_edge(node_id, self._division_node(parent), key="part_of",
                                relation="part_of", mentions=0, documents=0, evidence=[])
        return node_id

    def entity_node(self, entity: Entity, meta: DocumentMeta | None) -> str:
        kind = KINDS[entity.label]
        if kind == "place":
            return self.place_node(entity.name, meta)
        return self.node(f"{kind}:{entity.name}", kind, entity.name)

    # --- edges ----------------------------------------------------------------------------

    def edge(self, source: str, target: str, relation: str, doc: str,
             evidence: dict[str, Any] | None = None) -> None:
        """Add one statement of ``source -relation-> target``; repeats add up."""
        data = self.graph.get_edge_data(source, target, key=relation)
        if data is None:
            self.graph.add_edge(source, target, key=relation, relation=relation, mentions=0,
                                documents=0, evidence=[])
            data = self.graph.edges[source, target, relation]
        data["mentions"] += 1
        self.edge_docs[(source, target, relation)].add(doc)
        if evidence is not None and len(data["evidence"]) < self.max_evidence:
            data["evidence"].append(evidence)

    # --- records --------------------------------------------------------------------------

    def add_document(self, meta: DocumentMeta) -> None:
        node_id = self.node(document_id(meta.doc), "document", meta.title or meta.doc, doc=meta.doc,
                            title=meta.title, doc_type=meta.doc_type, date=meta.date,
                            issuer=meta.issuer, city=meta.city, province=meta.province)
        self.node_docs[node_id].add(meta.doc)
        about = meta.city or meta.province
        if about:
            self.edge(node_id, self.place_node(about, meta), "about", meta.doc, {"doc": meta.doc})

    def add_mention(self, entity: Entity, meta: DocumentMeta | None) -> None:
        node_id = self.entity_node(entity, meta)
        self.node_docs[node_id].add(entity.doc)
        self.graph.nodes[node_id]["mentions"] = self.graph.nodes[node_id].get("mentions", 0) + 1
        evidence = _evidence(entity.doc, [entity])
        self.edge(node_id, document_id(entity.doc), "mentioned_in", entity.doc, evidence)
        where = meta.city or meta.province if meta is not None else None
        if entity.label in ACTIVE_LABELS and where:
            self.edge(node_id, self.place_node(where, meta), "active_in", entity.doc, evidence)

    def add_issuer(self, meta: DocumentMeta) -> None:
        """``document -issued_by-> issuer``: the agency or organisation of that name if the
        text mentions it, else a new node whose kind the name's head gives."""
        if not meta.issuer:
            return
        issuer = next((f"{kind}:{meta.issuer}" for kind in ("agency", "org")
                       if f"{kind}:{meta.issuer}" in self.graph), None)
        if issuer is None:
            head = head_of(meta.issuer)
            kind = "agency" if head is not None and head.label == "AGENCY" else "org"
            issuer = self.node(f"{kind}:{meta.issuer}", kind, meta.issuer)
        self.edge(document_id(meta.doc), issuer, "issued_by", meta.doc, {"doc": meta.doc})

    def add_commitment(self, quantity: Quantity, meta: DocumentMeta | None) -> None:
        numeric = isinstance(quantity.value, (int, float))
        node_id = self.node(
            f"commitment:{quantity.doc}:{quantity.start}", "commitment", quantity.text,
            doc=quantity.doc, quantity_kind=quantity.kind,
            value=float(quantity.value) if numeric else None,
            value_text=None if numeric or quantity.value is None else str(quantity.value),
            value_max=float(quantity.value_max) if isinstance(quantity.value_max, (int, float)) else None,
            unit=quantity.unit, bound=quantity.bound, per="/".join(quantity.per) or None,
            modality=quantity.modality, subject=quantity.subject or None, program=quantity.program,
            sentence=quantity.sentence)
        self.node_docs[node_id].add(quantity.doc)
        evidence = _evidence(quantity.doc, [quantity])
        self.edge(document_id(quantity.doc), node_id, "states", quantity.doc, evidence)
        if quantity.program:
            program = self.node(f"program:{quantity.program}", "program", quantity.program)
            self.edge(program, node_id, "commits", quantity.doc, evidence)

    def finish(self) -> nx.MultiDiGraph:
        """Fill in the document counts; every entity node has ``mentions``."""
        for node_id, data in self.graph.nodes(data=True):
            data["documents"] = len(self.node_docs.get(node_id, ()))
            if data["kind"] not in ("document", "commitment"):
                data.setdefault("mentions", 0)
        for (source, target, relation), docs in self.edge_docs.items():
            self.graph.edges[source, target, relation]["documents"] = len(docs)
        return self.graph
