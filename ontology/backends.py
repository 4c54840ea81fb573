"""Where the graph of a generation is queried: in process (pyoxigraph) or in an Oxigraph server.

Both backends answer the same SPARQL 1.1 with the same engine (Oxigraph), so an
example query behaves identically embedded and scaled out. The in-process store
is the default: a generation's N-Triples load into memory in tens of
milliseconds. Setting ``MINEKB_GRAPH_STORE`` to the base URL of an
``oxigraph serve`` instance (e.g. ``http://127.0.0.1:7878``) sends the graph
there through rdflib's ``SPARQLUpdateStore`` instead; the server's default graph
then belongs to minekb and is replaced whenever another generation is loaded.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from ontology.namespaces import MK, XSD, sparql_prologue

ENV_STORE = "MINEKB_GRAPH_STORE"
GRAPH_FILES = ("model.nt", "instances.nt")
_MARKER = "urn:minekb:graph"

Row = dict[str, Any]


class GraphQueryError(ValueError):
    """A SPARQL query that does not parse or cannot run; the message says where."""


class Backend(Protocol):
    def select(self, sparql: str) -> list[Row] | bool: ...
    def triple_count(self) -> int: ...


_INT = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_FLOAT = {XSD + t for t in ("decimal", "double", "float")}


def _value_ox(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    dt = term.datatype.value if term.datatype else ""
    if dt in _INT:
        return int(term.value)
    if dt in _FLOAT:
        return float(term.value)
    if dt == XSD + "boolean":
        return term.value == "true"
    return term.value


class LocalBackend:
    """An in-memory pyoxigraph store loaded from the generation's N-Triples."""

    def __init__(self, files: list[Path]) -> None:
        self.store = ox.Store()
        for path in files:
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)

    def select(self, sparql: str) -> list[Row] | bool:
        try:
            result = self.store.query(sparql_prologue(sparql) + sparql)
        except SyntaxError as exc:
            raise GraphQueryError(f"SPARQL syntax error: {exc}") from None
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QueryTriples):
            raise GraphQueryError("CONSTRUCT/DESCRIBE return triples; use export for graphs, SELECT or ASK for queries")
        names = [v.value for v in result.variables]
        return [{n: _value_ox(sol[n]) for n in names} for sol in result]

    def triple_count(self) -> int:
        return len(self.store)


class RemoteBackend:
    """An Oxigraph (or any SPARQL 1.1) server reached through rdflib's SPARQLUpdateStore."""

    def __init__(self, url: str, files: list[Path], generation: str, chunk: int = 4000) -> None:
        from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

        base = url.rstrip("/")
        self.url = base
        self.store = SPARQLUpdateStore(query_endpoint=base + "/query", update_endpoint=base + "/update",
                                       autocommit=True, returnFormat="json")
        self._ensure_loaded(files, generation, chunk)

    def _ensure_loaded(self, files: list[Path], generation: str, chunk: int) -> None:
        ask = f'ASK {{ <{_MARKER}> <{MK}generation> "{generation}" }}'
        if self._raw(ask):
            return
        self.store.update("CLEAR DEFAULT")
        for path in files:
            lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
            for i in range(0, len(lines), chunk):
                self.store.update("INSERT DATA {\n" + "\n".join(lines[i:i + chunk]) + "\n}")
        self.store.update(f'INSERT DATA {{ <{_MARKER}> <{MK}generation> "{generation}" }}')

    def _raw(self, sparql: str):
        try:
            result = self.store.query(sparql)
        except Exception as exc:  # rdflib raises urllib/HTTP errors and parse errors alike
            raise GraphQueryError(f"query failed on {self.url}: {exc}") from None
        if result.type == "ASK":
            return bool(result.askAnswer)
        return result

    def select(self, sparql: str) -> list[Row] | bool:
        result = self._raw(sparql_prologue(sparql) + sparql)
        if isinstance(result, bool):
            return result
        if result.type != "SELECT":
            raise GraphQueryError("CONSTRUCT/DESCRIBE return triples; use export for graphs, SELECT or ASK for queries")
        names = [str(v) for v in result.vars]
        return [{n: _value_rdflib(row[n] if n in row.labels else None) for n in names} for row in result]

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"]) - 1 if isinstance(rows, list) else 0


def _value_rdflib(term: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, Literal):
        dt = str(term.datatype or "")
        if dt in _INT:
            return int(term)
        if dt in _FLOAT:
            return float(term)
        if dt == XSD + "boolean":
            return str(term) == "true"
        return str(term)
    return str(term)


def open_backend(gen_dir: Path, store_url: str | None = None) -> Backend:
    """The configured backend for ``gen_dir`` (``store_url`` or ``$MINEKB_GRAPH_STORE``, else in process)."""
    folder = Path(gen_dir) / "ontology"
    files = [folder / name for name in GRAPH_FILES]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise FileNotFoundError(f"the ontology graph of {gen_dir} is not built (missing {', '.join(missing)}); "
                                "rebuild the knowledge base")
    url = store_url if store_url is not None else os.environ.get(ENV_STORE, "")
    if url:
        return RemoteBackend(url, files, generation=Path(gen_dir).name)
    return LocalBackend(files)
