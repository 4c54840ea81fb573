"""A read-only SPARQL 1.1 Protocol endpoint at ``/sparql``, and its HTML page.

``GET /sparql?query=…`` or ``POST`` (form-encoded ``query=`` or a body of type
``application/sparql-query``) runs a query over the knowledge graph and answers
``application/sparql-results+json`` (or ``text/csv``; N-Triples for CONSTRUCT /
DESCRIBE). Updates are refused (``update=`` parameter, the
``application/sparql-update`` type, or update operations in the text) with 400,
and so is federation (``SERVICE``): the endpoint never calls another server.
A query runs in a child process killed at the time limit (422 when exceeded) and at
most ``SPARQL_MAX_ROWS`` rows are returned (``X-MineKB-Truncated: true`` says
more existed). A browser gets an HTML page with a form and example queries.
"""
from __future__ import annotations

import concurrent.futures
import csv
import io
import multiprocessing
import re
import threading
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from minekb.spreadsheet import safe_cell
from webui.errors import APIError, detail, html_asked_for
from webui.state import current_kb

bp = Blueprint("sparql", __name__)
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_PROLOGUE = re.compile(r"^\s*(PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)", re.I)
_COMMENT = re.compile(r"(?m)#[^\n<>]*$")
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="sparql")
_BUSY = threading.BoundedSemaphore(2)   # queries running at once (one per core); more get 503


def is_update(text: str) -> bool:
    """True when the operation after the prologue is a SPARQL Update (INSERT, DELETE, LOAD, …)."""
    body = _COMMENT.sub("", text)
    while True:
        m = _PROLOGUE.match(body)
        if not m:
            break
        body = body[m.end():]
    return bool(_UPDATE.match(body))  # the engine's query() refuses update syntax too: this is the clear message


def refuse_federation(text: str) -> None:
    """400 for a query that would make the server call a URL (``SERVICE``, ``LOAD``): no SSRF, whatever the store."""
    from ontology.sparqlguard import federation_problem

    problem = federation_problem(text)
    if problem:
        raise APIError(400, problem, [detail(problem, "query")])


def example_queries() -> list[dict[str, str]]:
    """The ontology's documented example queries (``ontology/queries/*.rq``): name, title (zh), question (en)."""
    from ontology.examples import example_queries as examples

    return [{"name": e.name, "title": e.title, "question": e.question, "notes": e.notes, "query": e.sparql}
            for e in examples().values()]


def _query_text() -> str | None:
    if "update" in request.values or request.mimetype == "application/sparql-update":
        raise APIError(400, "this endpoint is read-only: SPARQL Update is not accepted",
                       [detail("updates are refused", "update")])
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    values = request.form.getlist("query") if request.method == "POST" else request.args.getlist("query")
    if len(values) > 1:
        raise APIError(400, "send exactly one query parameter", [detail("query given more than once", "query")])
    return values[0] if values else None


def _wants_html() -> bool:
    return request.args.get("format") not in ("csv", "json") and html_asked_for()


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    text = _query_text()
    if text is None or not text.strip():
        if request.method == "GET" and (_wants_html() or not request.args):
            return render_template("sparql.html", query=None, result=None, examples=example_queries())
        raise APIError(400, "the parameter query is required", [detail("missing or empty", "query")])
    try:
        limit = current_app.config["SPARQL_MAX_QUERY_LENGTH"]
        if len(text) > limit:
            raise APIError(413, f"the query is longer than {limit} characters",
                           [detail(f"{len(text)} characters", "query")])
        if is_update(text):
            raise APIError(400, "this endpoint is read-only: SPARQL Update is not accepted",
                           [detail("the text is an update operation", "query")])
        refuse_federation(text)
        result = run_query(text)
    except APIError as exc:
        if not _wants_html():
            raise
        # the page keeps the user's query, with the error above it
        return render_template("sparql.html", query=text, result=None, error=exc.message,
                               examples=example_queries()), exc.status
    if _wants_html():
        page = current_app.make_response(render_template("sparql.html", query=text, result=result,
                                                         examples=example_queries()))
        if result.get("truncated"):
            page.headers["X-MineKB-Truncated"] = "true"
        return page
    return _serialize(result)


_POSITION = re.compile(r"\b(at|line) (\d+)(:\d+)?")


def user_positions(message: str, prologue_lines: int) -> str:
    """A parser message's line numbers counted in the user's text, not in the text with the predeclared
    PREFIX lines put before it (``error at 15:2`` for the user's line 3 when 12 prefixes were added)."""
    if not prologue_lines:
        return message

    def shift(m: re.Match) -> str:
        line = int(m.group(2)) - prologue_lines
        return f"{m.group(1)} {line}{m.group(3) or ''}" if line >= 1 else m.group(0)

    return _POSITION.sub(shift, message)


def run_query(text: str) -> dict[str, Any]:
    """Run ``text`` on the knowledge graph within the time and size limits; a plain result dict.

    On the embedded store the query runs in a forked child process that is
    killed at the time limit: pyoxigraph cannot cancel a running query, and a
    thread left running would burn a core for as long as the query lasts.
    """
    timeout = float(current_app.config["SPARQL_TIMEOUT"])
    max_rows = int(current_app.config["SPARQL_MAX_ROWS"])
    graph = current_kb().graph
    store = getattr(getattr(graph, "backend", None), "store", None)
    if not _BUSY.acquire(blocking=False):
        raise APIError(503, "too many SPARQL queries are running; try again in a few seconds")
    try:
        prologue = ""
        if type(store).__name__ == "Store":
            from ontology.namespaces import sparql_prologue

            prologue = sparql_prologue(text)
            outcome = _forked(store, prologue + text, max_rows, timeout)
        else:
            outcome = _threaded(graph, text, max_rows, timeout)
    finally:
        _BUSY.release()
    kind, payload = outcome
    if kind == "ok":
        return payload
    if kind == "timeout":
        raise APIError(422, f"the query ran longer than the limit of {timeout:g} s; narrow it or add a LIMIT",
                       [detail("timeout", "query")])
    message = user_positions(str(payload), prologue.count("\n"))
    raise APIError(400, message, [detail(message, "query")])


def _forked(store: Any, text: str, max_rows: int, timeout: float) -> tuple[str, Any]:
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(store, text, max_rows, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            return ("timeout", None)
        return receive.recv()
    except EOFError:
        return ("error", "the query process ended without an answer")
    finally:
        if child.is_alive():
            child.kill()
        child.join(1)
        receive.close()


def _child(store: Any, text: str, max_rows: int, send: Any) -> None:
    try:
        send.send(("ok", normalize_result(store.query(text), max_rows)))
    except SyntaxError as exc:
        send.send(("error", f"SPARQL syntax error: {exc}"))
    except (ValueError, TypeError, LookupError, OSError, RuntimeError) as exc:
        send.send(("error", f"the query could not be evaluated: {exc}"))
    finally:
        send.close()


def _threaded(graph: Any, text: str, max_rows: int, timeout: float) -> tuple[str, Any]:
    """A graph behind a SPARQL server (which enforces its own limits): plain rows, typed as well as we can."""
    future = _POOL.submit(graph.query, text)
    try:
        result = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        return ("timeout", None)
    except (SyntaxError, ValueError, LookupError, OSError, RuntimeError) as exc:
        return ("error", f"the query could not be evaluated: {exc}")
    if isinstance(result, bool):
        return ("ok", {"kind": "ask", "boolean": result})
    names = list(result[0]) if result else []
    rows = [{k: _plain_term(v) for k, v in row.items() if v is not None} for row in result[:max_rows]]
    return ("ok", {"kind": "select", "vars": names, "bindings": rows, "truncated": len(result) > max_rows})


@bp.app_template_global()
def resource_link(iri: str) -> tuple[str | None, str]:
    """(page on this site or None, short name) of a result IRI: concepts, documents and clauses link to
    their pages; other IRIs are shown compacted (``skos:Concept``)."""
    from ontology.namespaces import DOC, MK, clause_id_of, compact

    clause = clause_id_of(iri)
    if clause:
        return f"/clauses/{clause}", compact(iri)
    if iri.startswith(DOC):
        return f"/documents/{iri[len(DOC):]}", compact(iri)
    if iri.startswith(MK):
        return f"/concepts/{iri[len(MK):]}", compact(iri)
    return None, compact(iri)


def _plain_term(value: Any) -> dict[str, str]:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, str) and re.match(r"^(https?|urn):", value):
        return {"type": "uri", "value": value}
    return {"type": "literal", "value": text}


def normalize_result(result: Any, max_rows: int) -> dict[str, Any]:
    """pyoxigraph or rdflib results -> ``{"kind": "select"|"ask"|"graph", ...}`` with SPARQL-JSON terms."""
    if isinstance(result, bool):
        return {"kind": "ask", "boolean": result}
    if hasattr(result, "askAnswer") and getattr(result, "type", "") == "ASK":           # rdflib
        return {"kind": "ask", "boolean": bool(result.askAnswer)}
    if type(result).__name__ == "QueryBoolean":                                          # pyoxigraph
        return {"kind": "ask", "boolean": bool(result)}
    if getattr(result, "type", "") in ("CONSTRUCT", "DESCRIBE") or type(result).__name__ == "QueryTriples":
        triples, truncated = [], False
        for i, t in enumerate(result):
            if i >= max_rows:
                truncated = True
                break
            triples.append(tuple(_term(x) for x in (t if isinstance(t, tuple) else (t.subject, t.predicate, t.object))))
        return {"kind": "graph", "triples": triples, "truncated": truncated}
    variables = [str(getattr(v, "value", v)).lstrip("?") for v in (getattr(result, "variables", None) or getattr(result, "vars", None) or [])]
    rows, truncated = [], False
    for i, solution in enumerate(result):
        if i >= max_rows:
            truncated = True
            break
        row = {}
        for j, name in enumerate(variables):
            value = solution[j] if not isinstance(solution, dict) else solution.get(name)
            if value is not None:
                row[name] = _term(value)
        rows.append(row)
    return {"kind": "select", "vars": variables, "bindings": rows, "truncated": truncated}


def _term(value: Any) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results form."""
    kind = type(value).__name__
    if kind in ("NamedNode", "URIRef"):
        return {"type": "uri", "value": str(getattr(value, "value", value))}
    if kind in ("BlankNode", "BNode"):
        return {"type": "bnode", "value": str(getattr(value, "value", value))}
    text = str(getattr(value, "value", value))
    out = {"type": "literal", "value": text}
    lang = getattr(value, "language", None)
    datatype = getattr(value, "datatype", None)
    if lang:
        out["xml:lang"] = lang
    elif datatype is not None:
        dt = str(getattr(datatype, "value", datatype))
        if dt != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = dt
    return out


def _serialize(result: dict[str, Any]) -> Response:
    truncated = result.get("truncated", False)
    best = request.accept_mimetypes.best_match(["application/sparql-results+json", "application/json", "text/csv",
                                                "application/n-triples"]) or "application/sparql-results+json"
    if result["kind"] == "graph":
        body = "".join(" ".join(_nt(t) for t in triple) + " .\n" for triple in result["triples"])
        response = Response(body, mimetype="application/n-triples")
    elif (best == "text/csv" or request.args.get("format") == "csv") and result["kind"] == "select":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(result["vars"])
        for row in result["bindings"]:
            writer.writerow([_csv_cell(row.get(v)) for v in result["vars"]])
        response = Response(buf.getvalue(), mimetype="text/csv")
        if request.args.get("format") == "csv":
            response.headers["Content-Disposition"] = 'attachment; filename="minekb-sparql.csv"'

    else:
        if result["kind"] == "ask":
            payload = {"head": {}, "boolean": result["boolean"]}
        else:
            payload = {"head": {"vars": result["vars"]}, "results": {"bindings": result["bindings"]}}
        response = jsonify(payload)
        response.mimetype = "application/sparql-results+json"
    if truncated:
        response.headers["X-MineKB-Truncated"] = "true"
    return response


_NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}


def _csv_cell(term: dict[str, str] | None) -> str:
    """A term's value as a CSV cell: text that Excel would run as a formula gets a leading ``'``; numbers stay."""
    if not term:
        return ""
    if term.get("datatype") in _NUMERIC:
        return term["value"]
    return safe_cell(term["value"])


def _nt(term: dict[str, str]) -> str:
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    escaped = term["value"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if "xml:lang" in term:
        return f'"{escaped}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{escaped}"^^<{term["datatype"]}>'
    return f'"{escaped}"'
