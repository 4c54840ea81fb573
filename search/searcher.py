"""``Searcher``: clause search over one generation's index, in the contract's search-hit shape.

One Whoosh searcher stays open for the life of the object (opening one per
request costs more than most queries); a lock serializes its use, which costs
nothing real since Whoosh is pure Python under the GIL, and makes the object
safe to share across the threads of a WSGI server.

Ranking is BM25F over the text fields with the boosts in ``search.index``,
then two multipliers applied to every match (Whoosh's ``final`` hook, so they
act on all matches, not only a re-ranked head):

* status: a clause of a repealed document keeps half its score — still found,
  but after clauses in force with comparable evidence;
* intent: clauses of a type the query asks for (激励 → incentive) get ×1.6 —
  enough to lead among comparably relevant clauses, not enough to lift a clause
  that merely is an incentive above one that answers the query.
"""
from __future__ import annotations

import json
import threading
import warnings
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from whoosh import index as windex
    from whoosh.collectors import FilterCollector, TopCollector
    from whoosh.scoring import BM25F

from search.analysis import Analysis
from search.facets import FacetTable
from search.highlight import highlight
from search.index import META_FILE, TERMS_FILE, index_dir, user_words
from search.query import QueryBuilder, QueryError, Understood, Vocabulary
from search.spelling import Speller

MAX_LIMIT = 100
MAX_OFFSET = 10_000
STATUS_FACTORS = {"in_force": 1.0, "unknown": 0.9, "amended": 0.8, "draft": 0.7,
                  "superseded": 0.5, "expired": 0.5, "repealed": 0.5}
INTENT_FACTOR = 1.6


class RankedBM25F(BM25F):
    """BM25F with per-clause multipliers for status and for the clause types a query implies."""

    use_final = True

    def __init__(self, status_factor: list[float], favoured: frozenset[int] | set[int] = frozenset()) -> None:
        super().__init__(B=0.75, K1=1.2)
        self.status_factor = status_factor
        self.favoured = favoured

    def final(self, searcher, docnum, score):
        score *= self.status_factor[docnum]
        if docnum in self.favoured:
            score *= INTENT_FACTOR
        return score


class _RecordingTop(TopCollector):
    """Keeps the top hits, and the number of every match (for the total and the facets)."""

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.matched: list[int] = []

    def collect(self, sub_docnum):
        self.matched.append(self.offset + sub_docnum)
        return super().collect(sub_docnum)


class Searcher:
    """Search the clauses of one knowledge-base generation (``kb.gen_dir / "index"``)."""

    def __init__(self, kb: Any) -> None:
        path = index_dir(kb.gen_dir) if hasattr(kb, "gen_dir") else Path(kb)
        if not windex.exists_in(str(path)):
            raise FileNotFoundError(
                f"no search index in {path}; rebuild the knowledge base (minekb ingest or a fresh MINEKB_HOME)")
        self.path = path
        terms = json.loads((path / TERMS_FILE).read_text(encoding="utf-8")) if (path / TERMS_FILE).exists() else []
        self.meta = json.loads((path / META_FILE).read_text(encoding="utf-8")) if (path / META_FILE).exists() else {}
        self.vocabulary = Vocabulary(terms)
        self.analysis = Analysis(user_words(terms))
        self.builder = QueryBuilder(self.analysis, self.vocabulary)
        self._index = windex.open_dir(str(path))
        self._searcher = self._index.searcher()
        self._lock = threading.RLock()
        self.facets = FacetTable.load(self._searcher.reader())
        size = self._searcher.reader().doc_count_all()
        self.status_factor = [1.0] * size
        for status, docs in self.facets.values["status"].items():
            factor = STATUS_FACTORS.get(status, 0.9)
            for d in docs:
                self.status_factor[d] = factor
        self._speller: Speller | None = None

    @property
    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def close(self) -> None:
        with self._lock:
            self._searcher.close()
            self._index.close()

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
            allowed = self.facets.filter_set(filters)
            if understood.query is None or (allowed is not None and not allowed):
                if facets:
                    result["facets"] = self.facets.counts(set())
                return result
            matched, hits = self._run(understood, understood.query, allowed, limit, offset)
            if not matched and understood.relaxed is not None:
                matched, hits = self._run(understood, understood.relaxed, allowed, limit, offset)
                result["relaxed"] = bool(matched)
            result["total"] = len(matched)
            result["hits"] = hits
            if facets:
                result["facets"] = self.facets.counts(set(matched))
            if not matched:
                suggestion = self.did_you_mean(query, understood, filters)
                if suggestion:
                    result["did_you_mean"] = suggestion
        return result

    def _run(self, u: Understood, q, allowed: set[int] | None, limit: int, offset: int
             ) -> tuple[list[int], list[dict[str, Any]]]:
        favoured: set[int] = set()
        for t in u.implied_types:
            favoured |= self.facets.docs("clause_type", t)
        self._searcher.weighting = RankedBM25F(self.status_factor, favoured)
        top = _RecordingTop(limit=offset + limit)
        collector = FilterCollector(top, allow=allowed) if allowed is not None else top
        self._searcher.search_with_collector(q, collector)
        results = collector.results()
        hits = [self._hit(hit.fields(), hit.score, u) for hit in results[offset:offset + limit]]
        return top.matched, hits

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
            "concepts": [c for c in (fields.get("concepts") or "").split(",") if c],
        }

    # ------------------------------------------------------------ did you mean
    def speller(self) -> Speller:
        with self._lock:
            if self._speller is None:
                extra = [label for label in self.vocabulary.by_label]
                self._speller = Speller.from_reader(self._searcher.reader(), "text", extra)
            return self._speller

    def did_you_mean(self, query: str, u: Understood, filters: dict[str, Any] | None) -> str | None:
        """A corrected query that has hits, built by replacing unknown words with near index words."""
        speller = self.speller()
        from search.analysis import fold

        corrected = fold(query)
        changed = False
        for word in u.words:
            for wrong, right in speller.correct_run(word):
                corrected = corrected.replace(wrong, right)
                changed = True
        if not changed or corrected == fold(query):
            return None
        try:
            check = self.builder.understand(corrected)
        except QueryError:
            return None
        if check.query is None:
            return None
        matched, _ = self._run(check, check.query, self.facets.filter_set(filters), 1, 0)
        return corrected if matched else None
