"""The search stage's public surface and its one engine module."""
from __future__ import annotations

import ast
from pathlib import Path

import search

SEARCH_DIR = Path(search.__file__).parent


def test_public_api_is_what_all_says():
    assert set(search.__all__) == {"Searcher", "QueryError", "build_index"}
    for name in search.__all__:
        assert getattr(search, name)


def test_only_the_backend_module_talks_to_whoosh():
    """Swapping the engine (docs/search.md) must touch one module."""
    importers = set()
    for path in SEARCH_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n == "whoosh" or n.startswith("whoosh.") for n in names):
                importers.add(path.name)
    # analysis.py uses only Whoosh's Porter stemmer, a pure function
    assert importers <= {"whoosh_backend.py", "analysis.py"}
    analysis = (SEARCH_DIR / "analysis.py").read_text(encoding="utf-8")
    assert "from whoosh.lang.porter import stem" in analysis and analysis.count("whoosh") == 1
