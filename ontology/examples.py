"""The documented example queries (``ontology/queries/*.rq``), as data.

Each file starts with ``# title:`` (Chinese) and ``# question:`` (English)
comment lines; the rest of the comment explains how to read the answer. The
same files feed ``minekb sparql --example NAME``, ``minekb bench kb``, the
tests and docs/ontology.md, so a query documented is a query tested.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    title: str
    question: str
    notes: str
    sparql: str
    path: Path


def example_queries(folder: Path = QUERY_DIR) -> dict[str, ExampleQuery]:
    out: dict[str, ExampleQuery] = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        notes: list[str] = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            body = line.lstrip("#").strip()
            key, sep, value = body.partition(":")
            if sep and key in ("title", "question"):
                meta[key] = value.strip()
            else:
                notes.append(body)
        if "title" not in meta or "question" not in meta:
            raise ValueError(f"{path}: an example query starts with '# title:' and '# question:' lines")
        out[path.stem] = ExampleQuery(path.stem, meta["title"], meta["question"], " ".join(notes), text, path)
    return out


def example(name: str) -> ExampleQuery:
    queries = example_queries()
    if name not in queries:
        raise KeyError(f"no example query {name!r}; examples: {', '.join(queries)}")
    return queries[name]
