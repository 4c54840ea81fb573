"""Build the full-text index of every clause inside a knowledge-base generation.

``minekb.kb.rebuild_derived`` calls :func:`build_index` inside the new
generation folder after every ingest, so the index is always atomic with the
corpus it was built from. The index holds everything a hit shows (text and
document metadata are stored), so a searcher needs nothing but the folder.
This module builds engine-neutral records; ``search.whoosh_backend`` writes them.

Besides the engine's files the folder holds ``terms.json``: the ontology labels
(the jieba user dictionary and the synonym table) the index was cut with.
Queries load that same snapshot, so query and index segmentation always agree
even if the ontology changes later.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

from corpus.model import Clause, Document
from minekb.progress import Progress, null_progress
from search import whoosh_backend as backend
from search.analysis import Analysis, doc_number_key
from search.documents import DOCUMENTS_FILE, clause_label, document_entries, is_heading_only
from search.engine import PHRASES_FILE, phrase_line

INDEX_DIRNAME = "index"
TERMS_FILE = "terms.json"
META_FILE = "minekb-index.json"
FORMAT_VERSION = 2   # 2: tier, content and label per clause; documents.json
ENDED_STATUSES = ("repealed", "superseded", "expired")

# BM25F field boosts (query-time multipliers of each field's BM25 score). Why:
#   text 1.0      the clause itself is the evidence; everything is relative to it
#   heading 1.5   a heading names the clause's topic in few words, so a match there is strong
#   concepts 2.0  the corpus tagger decided the clause is about that concept (synonyms land here)
#   title 0.5     shared by every clause of a document: says the document fits, not this clause
#   issuer 0.5    same, and issuer names are mostly asked as filters
#   number 8.0    a 文号 is an identifier: its document must come before any clause citing it
#   cited 1.0     a clause that cites the 文号 is relevant, after the document itself
FIELD_BOOSTS: dict[str, float] = {
    "text": 1.0, "heading": 1.5, "concepts": 2.0, "title": 0.5, "issuer_text": 0.5,
    "number_key": 8.0, "cited": 1.0,
}


def index_dir(gen_dir: Path) -> Path:
    return Path(gen_dir) / INDEX_DIRNAME


def bare_concept(cid: str) -> str:
    return cid.split(":", 1)[1] if cid.startswith("mk:") else cid


def split_issuers(issuer: str) -> list[str]:
    for sep in "、，,;；/":
        issuer = issuer.replace(sep, ",")
    return [p.strip() for p in issuer.split(",") if p.strip()]


def effective_status(doc: Document, clause: Clause) -> str:
    """A clause is no more in force than its document; a repealed document repeals all its clauses."""
    if doc.status in ENDED_STATUSES:
        return doc.status
    if clause.status and clause.status != "in_force":
        return clause.status
    return doc.status or "unknown"


def year_of(doc: Document) -> int | None:
    for value in (doc.issued, doc.in_force_from):
        if value and str(value)[:4].isdigit():
            return int(str(value)[:4])
    return None


def clause_record(doc: Document, clause: Clause) -> dict[str, Any]:
    """The index fields of one clause (document metadata copied onto it)."""
    cited = sorted({k for m in clause.mentions if m.kind in ("doc_number", "citation")
                    for k in [doc_number_key(m.value or m.text)] if k})
    year = year_of(doc)
    record: dict[str, Any] = {
        "clause_id": clause.id,
        "doc_id": doc.id,
        "text": clause.text,
        "heading": " / ".join(h for h in clause.heading_path if h),
        "title": doc.title,
        "issuer_text": doc.issuer or "",
        "concepts": ",".join(sorted({bare_concept(c) for c in clause.concepts})),
        "number": doc.number,
        "cited": ",".join(cited),
        "issuer": ",".join(split_issuers(doc.issuer or "")),
        "level": doc.level or "unknown",
        "region": doc.region or "CN",
        "status": effective_status(doc, clause),
        "tier": doc.binding_tier,
        "content": doc.content or "",
        "label": clause_label(clause),
        "shape": "heading" if is_heading_only(clause) else "provision",
        "ctype": clause.type or "background",
        "order": clause.order,
        "dates": {"issued": doc.issued, "in_force_from": doc.in_force_from, "in_force_until": doc.in_force_until},
    }
    key = doc_number_key(doc.number)
    if key:
        record["number_key"] = key
    if year is not None:
        record["year"] = year
        record["year_s"] = str(year)
    return record


def iter_records(documents: dict[str, Document]) -> Iterator[dict[str, Any]]:
    for doc_id in sorted(documents):
        doc = documents[doc_id]
        for clause in doc.clauses:
            if clause.text.strip():
                yield clause_record(doc, clause)


def document_table(documents: dict[str, Document]) -> list[dict[str, Any]]:
    """``documents.json``: each document's metadata and where its clauses and articles are in the index."""
    return document_entries(documents, lambda d: d.status or "unknown", lambda d: d.binding_tier)


def term_snapshot(terms: Iterable[Any]) -> list[dict[str, str]]:
    """Ontology ``Term`` objects (text, concept, kind, lang) as plain dicts."""
    out = []
    for t in terms:
        get = (lambda k: t.get(k)) if isinstance(t, dict) else (lambda k: getattr(t, k, None))
        text, concept = get("text"), get("concept")
        if text and concept:
            out.append({"text": str(text), "concept": bare_concept(str(concept)),
                        "kind": str(get("kind") or ""), "lang": str(get("lang") or "")})
    return out


def user_words(terms: list[dict[str, str]]) -> list[str]:
    return [t["text"] for t in terms]


def write_index(target: Path, records: Iterable[dict[str, Any]], terms: list[dict[str, str]],
                progress: Progress = null_progress, total: int | None = None,
                documents: list[dict[str, Any]] | None = None) -> int:
    """Write a fresh index of ``records`` into ``target`` (replaced as a whole). Returns the count."""
    started = time.perf_counter()
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{time.monotonic_ns()}")
    tmp.mkdir(parents=True)
    analysis = Analysis(user_words(terms))
    count = 0
    progress("search index", 0, total, "")

    def counted(lines):
        """Pass records to the engine, writing each clause's phrase line in the same order."""
        nonlocal count
        for record in records:
            lines.write(phrase_line(record["title"], record["heading"], record["text"]) + "\n")
            count += 1
            if count % 500 == 0 and count != total:
                progress("search index", count, total, record["clause_id"])
            yield record

    try:
        with open(tmp / PHRASES_FILE, "w", encoding="utf-8") as lines:
            backend.write(tmp, counted(lines), analysis)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (tmp / TERMS_FILE).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
    if documents is not None:
        (tmp / DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    (tmp / META_FILE).write_text(json.dumps({
        "format": FORMAT_VERSION, "clauses": count,
        "build_seconds": round(time.perf_counter() - started, 3),
    }), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    try:
        os.replace(tmp, target)
    except OSError:  # another process finished the same index first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
    progress("search index", count, count, "done")
    return count


def build_index(gen_dir: Path, documents: dict[str, Document], progress: Progress | None = None) -> Path:
    """Index every clause of ``documents`` under ``gen_dir/index/`` (called by ``rebuild_derived``)."""
    from minekb.kb import concept_terms

    progress = progress or null_progress
    total = sum(len(d.clauses) for d in documents.values())
    target = index_dir(gen_dir)
    write_index(target, iter_records(documents), term_snapshot(concept_terms()), progress, total,
                document_table(documents))
    return target
