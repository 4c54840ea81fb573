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
  that merely is an incentive above one that answers the query much better;
* tier: binding sources before research for the same match, in the law's order
  (``TIER_FACTORS``).

A query naming a document (its 文号 or title) also gets the document as a card
(``documents``), and one asking for an article (土地复垦条例第三条) gets that
article first (``search.documents``). Without a query, filters browse: every
clause they allow, in reading order or the order asked for.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np

from corpus.model import TIER_RANK
from search.analysis import Analysis, fold
from search.documents import DOCUMENTS_FILE, DocumentTable
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
# Binding force first (law > regulation > ministry > local > plan > standard), then what never binds:
# for the same match a ministry document comes before a research paper. Small steps among the binding
# tiers (a tie-breaker, not a verdict on relevance); research, Party guidance and foreign law lower.
TIER_FACTORS = {"law": 1.0, "regulation": 0.98, "ministry": 0.96, "local": 0.94, "plan": 0.92, "standard": 0.9,
                "party": 0.75, "research": 0.7, "foreign": 0.65}
# A chapter or section heading indexed as a clause (its text is its title) names a topic; the provisions
# under it are the evidence: it keeps this share of its score, so 第四章 土地复垦验收 no longer leads the
# articles of that chapter for 土地复垦 (it is still found, and first when nothing else matches).
HEADING_ONLY_FACTOR = 0.5
SORTS = ("relevance", "date", "level")


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
        self.clause_factor = np.full(self.engine.n, TIER_FACTORS["research"], np.float32)
        self.tier_rank = np.full(self.engine.n, len(TIER_RANK), np.int16)
        for tier, docs in self.facets.values.get("tier", {}).items():
            self.clause_factor[docs] = TIER_FACTORS.get(tier, TIER_FACTORS["research"])
            self.tier_rank[docs] = TIER_RANK.get(tier, len(TIER_RANK))
        headings = self.engine.postings("shape", "heading")[0] if hasattr(self.engine, "postings") else []
        self.clause_factor[headings] *= HEADING_ONLY_FACTOR      # folded into the per-clause factor
        table = path / DOCUMENTS_FILE
        self.documents = DocumentTable(json.loads(table.read_text(encoding="utf-8")) if table.exists() else [])
        self.date_key = np.zeros(self.engine.n, np.int32)   # YYYYMMDD of issue (or entry into force); 0 unknown
        for e in self.documents.entries:
            if e.first is not None:
                self.date_key[e.first:e.first + e.indexed] = _date_key(e.issued or e.in_force_from)
        self._speller: Speller | None = None

    @property
    def doc_count(self) -> int:
        return self.engine.n

    def close(self) -> None:
        with self._lock:
            self.index.close()

    # ------------------------------------------------------------------ search
    def search(self, query: str, *, limit: int = 10, offset: int = 0,
               filters: dict[str, Any] | None = None, facets: bool = True, sort: str = "relevance") -> dict[str, Any]:
        """Clauses matching ``query`` best first (or newest, or strongest tier first), in the search-hit shape.

        An empty query with filters browses every clause the filters allow.
        Raises :class:`QueryError` for a query, limit, offset, filter or sort that cannot be searched.
        """
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
            raise QueryError(f"offset must be a whole number from 0 to {MAX_OFFSET}, not {offset!r}")
        if filters is not None and not isinstance(filters, dict):
            raise QueryError("filters must be a mapping of filter name to value")
        understood = self.builder.understand(query)
        understood_text = query
        result: dict[str, Any] = {"query": query, "total": 0, "hits": [],
                                  "expanded_terms": understood.expanded_terms}
        with self._lock:
            allowed = self.facets.filter_mask(filters)
            named = [(e, c) for e, c in self.documents.named(query)
                     if allowed is None or (e.first is not None and allowed[e.first:e.first + e.indexed].any())]
            result["documents"] = [e.card() for e, _ in named]
            pinned = None
            asked = self.documents.asked_article(query) if named else None
            if asked:
                # 土地复垦条例第三条: that article first, then what the rest of the query finds
                pinned = next((e.articles[asked] for e, _ in named if asked in e.articles), None)
                result["article"] = {"asked": asked, "found": pinned is not None}
                understood_text = self.documents.without_article(query)
                understood = self.builder.understand(understood_text)
                result["expanded_terms"] = understood.expanded_terms
            elif named and named[0][1] == 0:
                # the 文号 or the exact title: the document's first provision first
                pinned = named[0][0].lead if named[0][0].lead is not None else named[0][0].first
            if pinned is not None and allowed is not None and not allowed[pinned]:
                pinned = None
            browse = understood.query is None and allowed is not None and not query.strip()
            if (understood.query is None and not browse) or (allowed is not None and not allowed.any()):
                if facets:
                    result["facets"] = self.facets.counts(np.empty(0, np.int64))
                return result
            if browse:
                result["browse"] = True
            matched, total, hits = self._run(understood, understood.query, allowed, limit, offset, sort, pinned)
            if not total and understood.query is not None:
                # nothing for the words themselves: a word heading a label finds its concept (太阳能, solar)
                widened = self.builder.understand(understood_text, heads=True)
                if widened.heads_used:
                    matched, total, hits = self._run(widened, widened.query, allowed, limit, offset, sort, pinned)
                    if total or widened.relaxed is not None:
                        understood = widened      # its relaxed form (below) keeps the widening too
                        result["expanded_terms"] = widened.expanded_terms
            if not total and understood.relaxed is not None:
                matched, total, hits = self._run(understood, understood.relaxed, allowed, limit, offset, sort, pinned)
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

    def _run(self, u: Understood, q, allowed: np.ndarray | None, limit: int, offset: int,
             sort: str = "relevance", pinned: int | None = None) -> tuple[np.ndarray, int, list[dict[str, Any]]]:
        """(matched doc numbers, total, hits of the page): score everything, rank only the page's head.

        ``q`` None browses: every allowed clause, score 0. ``pinned`` (an article asked for) comes first.
        """
        if q is None:
            ids = np.flatnonzero(allowed) if allowed is not None else np.arange(self.engine.n)
            scores = np.zeros(len(ids), np.float32)
        else:
            found = self.engine.evaluate(q).to_sparse()
            ids, scores = found.ids, found.scores
            if allowed is not None:
                keep = allowed[ids]
                ids, scores = ids[keep], scores[keep]
        if pinned is not None and not np.isin(pinned, ids):
            at = int(np.searchsorted(ids, pinned))
            ids, scores = np.insert(ids, at, pinned), np.insert(scores, at, 0.0)
        final = scores * self.status_factor[ids] * self.clause_factor[ids]
        if u.implied_types and len(ids):
            favoured = self.facets.mask_of("clause_type", sorted(u.implied_types))[ids]
            final = np.where(favoured, final * INTENT_FACTOR, final)
        lead = (ids == pinned) if pinned is not None else np.zeros(len(ids), bool)
        total = int(len(ids))
        k = offset + limit
        pos = np.arange(total)
        if sort == "date":      # newest first, then relevance, then reading order
            pos = pos[np.lexsort((ids, -final, -self.date_key[ids], ~lead))][offset:k]
        elif sort == "level":   # strongest tier first (law > regulation > … > research), then relevance
            pos = pos[np.lexsort((ids, -final, self.tier_rank[ids], ~lead))][offset:k]
        elif q is None:         # browsing has no relevance: strongest tier first, newest first within it
            pos = pos[np.lexsort((ids, -self.date_key[ids], self.tier_rank[ids]))][offset:k]
        else:
            if total > k and not lead.any():
                # the k best, and every clause tied with the k-th: ties are then broken by reading order,
                # so consecutive pages neither repeat nor skip a clause
                kth = -np.partition(-final, k - 1)[k - 1]
                pos = np.flatnonzero(final >= kth)
            pos = pos[np.lexsort((ids[pos], -final[pos], ~lead[pos]))][offset:k]   # best first, ties in reading order
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
            "tier": fields.get("tier") or "",
            "content": fields.get("content") or "",
            "label": fields.get("label") or "",
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
            if word in self.vocabulary.by_label or word in self.builder.heads:
                continue     # a label (or a label's head) is a known word: never "corrected" into another
            options = speller.correct_run(word)
            for wrong, right in options:
                candidate = corrected.replace(wrong, right)
                if self._has_hits(candidate, filters):
                    corrected = candidate
                    break
        return corrected if corrected != fold(query) else None

    def _has_hits(self, query: str, filters: dict[str, Any] | None) -> bool:
        for heads in (False, True):
            try:
                check = self.builder.understand(query, heads=heads)
            except QueryError:
                return False
            if check.query is None:
                return False
            _, total, _ = self._run(check, check.query, self.facets.filter_mask(filters), 1, 0)
            if total:
                return True
        return False


def _date_key(date: str | None) -> int:
    """2019-12-17 → 20191217, 2019-12 → 20191200, 2019 → 20190000; 0 when unknown."""
    digits = "".join(ch for ch in str(date or "")[:10] if ch.isdigit())
    if len(digits) < 4:
        return 0
    return int(digits[:8].ljust(8, "0"))
