"""Plain data for pages and the API: documents, clauses, marked mentions.

These functions turn corpus objects into JSON-ready dicts; the HTML templates
and the JSON API both render them, so the two never disagree.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from corpus.model import Clause, Document, split_clause_id

DOC_FIELDS = ("id", "title", "number", "issuer", "level", "region", "issued", "in_force_from", "in_force_until",
              "status", "source", "verified", "language", "summary")


def document_summary(doc: Document) -> dict[str, Any]:
    data = {name: getattr(doc, name) for name in DOC_FIELDS}
    data["clause_count"] = len(doc.clauses)
    return data


def document_detail(doc: Document, documents: dict[str, Document]) -> dict[str, Any]:
    """Metadata, relations both ways (with titles when the target is in the corpus) and the clause list."""
    data = document_summary(doc)
    data["metadata_origin"] = dict(doc.metadata_origin)
    declared = {r.target for r in doc.relations if r.type != "cites"}
    data["relations"] = [_relation(r.type, r.target, r.note, documents) for r in doc.relations
                         if r.type != "cites" or r.target not in declared]  # a cite of a declared basis adds nothing
    data["cited_by"] = [
        {"type": r.type, "doc_id": other.id, "title": other.title, "number": other.number, "note": r.note}
        for other in documents.values() if other.id != doc.id
        for r in other.relations if r.target == doc.id
    ]
    data["clauses"] = [clause_dict(c) for c in doc.clauses]
    return data


def _relation(kind: str, target: str, note: str, documents: dict[str, Document]) -> dict[str, Any]:
    other = documents.get(target)
    return {"type": kind, "target": target, "note": note, "resolved": other is not None,
            "title": other.title if other else None, "number": other.number if other else None}


def clause_dict(clause: Clause, doc: Document | None = None) -> dict[str, Any]:
    data = asdict(clause)
    if doc is not None:
        data["document"] = {"id": doc.id, "title": doc.title, "number": doc.number, "issuer": doc.issuer,
                            "status": doc.status, "verified": doc.verified}
    return data


def segments(text: str, mentions: list[Any]) -> list[dict[str, Any]]:
    """Split ``text`` into plain and marked pieces; overlapping mentions keep the earlier, longer one."""
    spans = sorted(
        (m for m in mentions if 0 <= _get(m, "start") < _get(m, "end") <= len(text)),
        key=lambda m: (_get(m, "start"), -(_get(m, "end") - _get(m, "start"))),
    )
    pieces: list[dict[str, Any]] = []
    pos = 0
    for m in spans:
        start, end = _get(m, "start"), _get(m, "end")
        if start < pos:
            continue
        if start > pos:
            pieces.append({"text": text[pos:start]})
        pieces.append({"text": text[start:end], "kind": _get(m, "kind"), "value": _get(m, "value") or ""})
        pos = end
    if pos < len(text):
        pieces.append({"text": text[pos:]})
    return pieces


def _get(m: Any, key: str) -> Any:
    return m[key] if isinstance(m, dict) else getattr(m, key)


def clause_url(clause_id: str) -> str:
    """The permanent link of a clause: its document page, anchored at the clause path."""
    doc_id, path = split_clause_id(clause_id)
    return f"/documents/{doc_id}#{path}"


def year_of(date: str | None) -> str:
    return (date or "")[:4]


def cited_documents(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The documents an advice item's reasons cite, each once, with its cited clauses' labels in order
    (the short "based on" line under a direct answer; the full texts stay in the reasons)."""
    docs: dict[str, dict[str, Any]] = {}
    for reason in item.get("reasons") or []:
        for s in reason.get("sources") or []:
            doc = docs.setdefault(s.get("doc_id") or s.get("doc_title", ""), {
                "doc_id": s.get("doc_id"), "title": s.get("doc_title"), "number": s.get("doc_number"),
                "tier": s.get("tier"), "status": s.get("doc_status"), "clauses": []})
            label = (s.get("clause_label") or "").split(" ")[0]
            if all(c["clause_id"] != s.get("clause_id") and (not label or c["label"] != label)
                   for c in doc["clauses"]):
                doc["clauses"].append({"clause_id": s.get("clause_id"), "label": label})
    return list(docs.values())
