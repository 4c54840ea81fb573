"""Full-text search over the clauses of the knowledge base (stage ``search``).

    build_index(gen_dir, documents, progress)   # writes gen_dir/index/ (called after every ingest)
    Searcher(kb).search("光伏 激励", limit=10, filters={"level": "provincial"})

The engine (Whoosh) is confined to ``search.index`` and ``search.searcher``;
query understanding (``search.query``), highlighting, spelling and facets work
on plain data, so another engine can replace Whoosh behind the same interface
(docs/search.md).
"""
from __future__ import annotations

from search.index import build_index
from search.query import QueryError
from search.searcher import Searcher

__all__ = ["Searcher", "QueryError", "build_index"]
