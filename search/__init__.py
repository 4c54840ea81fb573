"""Full-text search over the clauses of the knowledge base (stage ``search``).

    build_index(gen_dir, documents, progress)   # writes gen_dir/index/ (called after every ingest)
    Searcher(kb).search("光伏 激励", limit=10, filters={"level": "provincial"})

The engine (Whoosh) is confined to ``search.index`` and ``search.searcher``;
query understanding (``search.query``), highlighting, spelling and facets work
on plain data, so another engine can replace Whoosh behind the same interface
(docs/search.md).
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Searcher", "QueryError", "build_index"]

# Imported on first use (PEP 562): `minekb <any command>` imports search.cli,
# and must not pay for jieba, Whoosh and numpy unless it searches.
_LAZY = {"Searcher": "search.searcher", "QueryError": "search.query", "build_index": "search.index"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'search' has no attribute {name!r}")
