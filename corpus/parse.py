"""One loaded file -> one ``Document``: clean, infer metadata, build the clause tree.

The NLP annotations (mentions, concepts, clause types) are added afterwards by
``corpus.annotate`` so that one pipeline object serves a whole batch.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from corpus.loaders import LoadedText
from corpus.metadata import infer_metadata, make_doc_id, validate_explicit
from corpus.model import Clause, Document, clause_id
from corpus.normalize import clean_lines
from corpus.structure import parse_structure

DEFAULTS: dict[str, Any] = {
    "number": None, "issuer": "", "level": "research", "region": "CN", "issued": None,
    "in_force_from": None, "in_force_until": None, "status": "unknown", "relations": [],
    "verified": False, "language": "zh", "summary": "", "tier": "", "content": "",
}


def parse_document(loaded: LoadedText) -> Document:
    """Build the document record and its clauses (not yet annotated)."""
    return parse_with_warnings(loaded)[0]


def parse_with_warnings(loaded: LoadedText) -> tuple[Document, list[str]]:
    """The document record and its clauses, with the reading warnings (``corpus.diagnostics``)."""
    from corpus.diagnostics import reading_warnings

    origin = loaded.path
    explicit = validate_explicit(loaded.metadata, origin) if loaded.metadata else {}
    lines = clean_lines(markdown_to_text(loaded.text) if loaded.fmt == "md" else loaded.text)
    inferred = infer_metadata(lines, loaded.path)
    # the title block is metadata, not clauses; explicit metadata does not stop that
    body = ["" if i in inferred.consumed else line for i, line in enumerate(lines)]
    meta: dict[str, Any] = {}
    origin_of: dict[str, str] = {}
    source_kind = loaded.metadata_source or "front_matter"
    for key, value in explicit.items():
        meta[key] = value
        origin_of[key] = source_kind
    for key, value in inferred.values.items():
        if key not in meta and value not in (None, ""):
            meta[key] = value
            where = inferred.origin.get(key)
            origin_of[key] = f"inferred:{where}" if where else "inferred"
    if "title" not in meta and loaded.properties.get("title"):
        meta["title"] = loaded.properties["title"]     # the file's title property: often a template's or stale
        origin_of["title"] = "file_properties"
    if "title" not in meta:
        meta["title"] = loaded.path.stem
        origin_of["title"] = "file_name"
    meta.setdefault("source", f"file:{loaded.path.name}")
    origin_of.setdefault("source", "file_name")
    doc_id = make_doc_id(meta, loaded.path)
    origin_of.setdefault("id", "inferred")
    values = {**DEFAULTS, **{k: v for k, v in meta.items() if k != "id"}}
    document = Document(id=doc_id, metadata_origin=origin_of, **values)
    nodes = parse_structure(body, inferred.annex_starts)
    document.clauses = build_clauses(doc_id, body, nodes)
    return document, reading_warnings(document, loaded, nodes)


_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")
_MD_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


def markdown_to_text(text: str) -> str:
    """Markdown bodies: drop heading hashes and emphasis; table rows become tab-separated like PDF tables."""
    lines = []
    for line in _MD_HEADING_RE.sub("", _MD_COMMENT_RE.sub("", text)).split("\n"):
        if _MD_TABLE_RULE_RE.match(line):
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            line = "\t".join(cell.strip() for cell in stripped.strip("|").split("|"))
        lines.append(_MD_EMPHASIS_RE.sub(r"\2", line))
    return "\n".join(lines)


def build_clauses(doc_id: str, lines: list[str], nodes=None) -> list[Clause]:
    nodes = parse_structure(lines) if nodes is None else nodes
    ids = {id(node): clause_id(doc_id, node.path) for node in nodes}
    clauses = []
    for order, node in enumerate(nodes):
        clauses.append(Clause(
            id=ids[id(node)], doc_id=doc_id, path=node.path, heading=node.heading,
            heading_path=node.heading_path(), text=node.text,
            parent=ids.get(id(node.parent)) if node.parent is not None else None, order=order,
        ))
    return clauses


def describe(document: Document) -> str:
    """One line for progress and reports."""
    number = f" {document.number}" if document.number else ""
    return f"{document.id} 《{document.title}》{number} ({len(document.clauses)} clauses)"


def parse_path(path: Path | str) -> Document:
    """Convenience for tests and the bench: load and parse one file."""
    from corpus.loaders import load_file

    return parse_document(load_file(path))

