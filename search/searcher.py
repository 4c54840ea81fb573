"""``Searcher``: clause search over one generation's index, in the contract's search-hit shape.

The Whoosh index stays open for the life of the object (opening it per request
costs more than most queries); queries are evaluated by ``search.engine``
over its postings. A lock serializes use of the shared index files, which
costs little (the work is numpy and the GIL) and makes one Searcher safe to
share across the threads of a WSGI server.

Ranking is BM25F over the fields with the boosts in ``search.index``, then two
multipliers on every match:

* status: a clause of a repealed document keeps half its score — still found,
  but after clauses in force with comparable evidence (unknown status, as for
  ingested papers, 0.9: not known to be in force, not known to be ended);
* intent: clauses of a type the query asks for (激励 → incentive) get ×1.6 —
  enough to lead among comparably relevant clauses, not enough to lift a clause
  that merely is an incentive above one that answers the query much better.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np

from search.analysis import Analysis, fold
from search import whoosh_backend as backend
from search.engine import VectorEngine
from search.facets import FacetTable
from search.highlight import highlight
from search.index import META_FILE, TERMS_FILE, build_index, index_dir, user_words
from search.query import QueryBuilder, QueryError, Understood, Vocabulary
from search.spelling import Speller

MAX_LIMIT = 100
MAX_OFFSET = 10_000
STATUS_FACTORS = {"in_force": 1.0, "unknown": 0.9, "amended": 0.8, "draft": 0.7,
                  "superseded": 0.5, "expired": 0.5, "repealed": 0.5}
INTENT_FACTOR = 1.6


class Searcher:
    """Search the clauses of one knowledge-base generation (``kb.gen_dir / "index"``)."""

    def __init__(self, kb: Any) -> None:
        path = index_dir(kb.gen_dir) if hasattr(kb, "gen_dir") else Path(kb)
        if not backend.exists(path) and hasattr(kb, "documents"):
            # a generation built before the search stage existed: index it now (written
            # aside and renamed into place, so a concurrent reader never sees half an index)
            build_index(kb.gen_dir, kb.documents)
        if not backend.exists(path):
            raise FileNotFoundError(
                f"no search index in {path}; rebuild the knowledge base (minekb ingest or a fresh MINEKB_HOME)")
        self.path = path
        terms = json.loads((path / TERMS_FILE).read_text(encoding="utf-8")) if (path / TERMS_FILE).exists() else []
        self.meta = json.loads((path / META_FILE).read_text(encoding="utf-8")) if (path / META_FILE).exists() else {}
        self.vocabulary = Vocabulary(terms)
        self.analysis = Analysis(user_words(terms))
        self.builder = QueryBuilder(self.analysis, self.vocabulary)
        self.index = backend.WhooshIndex(path)
        self._lock = threading.RLock()
        self.engine = VectorEngine(self.index, path, backend.SCORED_FIELDS)
        self.facets = FacetTable.load(self.index.terms, self.engine.postings, self.engine.n)
        self.status_factor = np.full(self.engine.n, STATUS_FACTORS["unknown"], np.float32)
        for status, docs in self.facets.values["status"].items():
            self.status_factor[docs] = STATUS_FACTORS.get(status, STATUS_FACTORS["unknown"])
        self._speller: Speller | None = None

    @property
    def doc_count(self) -> int:
        return self.engine.n

    def close(self) -> None:
        with self._lock:
            self.index.close()

    # ------------------------------------------------------------------ search
    def search(self, query: str, *, limit: int = 10, offset: int = 0,
               filters: dict[str, Any] | None = None, facets: bool = True) -> dict[str, Any]:
        """Clauses matching ``query`` best first, in the contract's search-hit shape.

        Raises :class:`QueryError` for a query, limit, offset or filter that cannot be searched.
        """
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
            raise QueryError(f"offset must be a whole number from 0 to {MAX_OFFSET}, not {offset!r}")
        if filters is not None and not isinstance(filters, dict):
            raise QueryError("filters must be a mapping of filter name to value")
        understood = self.builder.understand(query)
        result: dict[str, Any] = {"query": query, "total": 0, "hits": [],
                                  "expanded_terms": understood.expanded_terms}
        with self._lock:
            allowed = self.facets.filter_mask(filters)
            if understood.query is None or (allowed is not None and not allowed.any()):
                if facets:
                    result["facets"] = self.facets.counts(np.empty(0, np.int64))
                return result
            matched, total, hits = self._run(understood, understood.query, allowed, limit, offset)
            if not total and understood.relaxed is not None:
                matched, total, hits = self._run(understood, understood.relaxed, allowed, limit, offset)
                result["relaxed"] = bool(total)
            result["total"] = total
            result["hits"] = hits
            if facets:
                result["facets"] = self.facets.counts(matched)
            if not total:
                suggestion = self.did_you_mean(query, understood, filters)
                if suggestion:
                    result["did_you_mean"] = suggestion
        return result

    def _run(self, u: Understood, q, allowed: np.ndarray | None, limit: int, offset: int
             ) -> tuple[np.ndarray, int, list[dict[str, Any]]]:
        """(matched doc numbers, total, hits of the page): score everything, rank only the page's head."""
        found = self.engine.evaluate(q).to_sparse()
        ids, scores = found.ids, found.scores
        if allowed is not None:
            keep = allowed[ids]
            ids, scores = ids[keep], scores[keep]
        final = scores * self.status_factor[ids]
        if u.implied_types and len(ids):
            favoured = self.facets.mask_of("clause_type", sorted(u.implied_types))[ids]
            final = np.where(favoured, final * INTENT_FACTOR, final)
        total = int(len(ids))
        k = offset + limit
        pos = np.arange(total)
        if total > k:
            pos = np.argpartition(-final, k - 1)[:k]
        pos = pos[np.lexsort((ids[pos], -final[pos]))][offset:k]   # best first, ties in reading order
        hits = [self._hit(self.index.stored(int(ids[p])), float(final[p]), u) for p in pos]
        return ids, total, hits

    def _hit(self, fields: dict[str, Any], score: float, u: Understood) -> dict[str, Any]:
        title = fields.get("title") or ""
        if title and not title.startswith("《"):
            title = f"《{title}》"
        text = fields.get("text") or ""
        return {
            "doc_id": fields["doc_id"],
            "doc_title": title,
            "doc_number": fields.get("number") or None,
            "issuer": (fields.get("issuer") or "").replace(",", "、"),
            "clause_id": fields["clause_id"],
            "clause_type": fields.get("ctype") or "background",
            "text": text,
            "highlight": highlight(text, u.marks),
            "score": round(float(score), 4),
            "heading": fields.get("heading") or "",
            "status": fields.get("status") or "unknown",
            "level": fields.get("level") or "",
            "region": fields.get("region") or "",
            "year": fields.get("year"),
            **(fields.get("dates") or {}),
            "concepts": [c for c in (fields.get("concepts") or "").split(",") if c],
        }

    # ------------------------------------------------------------ did you mean
    def speller(self) -> Speller:
        with self._lock:
            if self._speller is None:
                extra = [w for label in self.vocabulary.by_label for w in {label, *label.split()}]
                self._speller = Speller.from_frequencies(self.index.doc_frequencies("text"), extra)
            return self._speller

    def did_you_mean(self, query: str, u: Understood, filters: dict[str, Any] | None) -> str | None:
        """A corrected query that has hits, built by replacing unknown words with near index words."""
        speller = self.speller()
        corrected = fold(query)
        for word in u.words:
            options = speller.correct_run(word)
            for wrong, right in options:
                candidate = corrected.replace(wrong, right)
                if self._has_hits(candidate, filters):
                    corrected = candidate
                    break
        return corrected if corrected != fold(query) else None

    def _has_hits(self, query: str, filters: dict[str, Any] | None) -> bool:
        try:
            check = self.builder.understand(query)
        except QueryError:
            return False
        if check.query is None:
            return False
        _, total, _ = self._run(check, check.query, self.facets.filter_mask(filters), 1, 0)
        return total > 0
