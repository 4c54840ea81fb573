"""The JSON API: the contract's advice and search, plus documents, clauses, concepts, rules, ingest.

Every answer is JSON; every error the one body of ``webui.errors``. The API
page (``/api``) lists the endpoints and points to ``/api/openapi.json``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request

from corpus.model import split_clause_id
from webui import browse_data, ingest
from webui.errors import APIError, detail
from webui.limits import parse_json
from webui.openapi import openapi_document
from webui.pages_search import int_param, run_search, search_filters
from webui.present import clause_dict, document_detail, document_summary
from webui.security import bearer_token, check_admin_token
from webui.state import current_kb

bp = Blueprint("api", __name__, url_prefix="/api")


def json_body() -> Any:
    """The request's JSON, or a 400 naming what is wrong with it (syntax, nesting depth, field length)."""
    if not request.is_json:
        raise APIError(400, "send the body as JSON with Content-Type: application/json",
                       [detail(f"Content-Type is {request.mimetype or 'missing'}", "Content-Type")])
    return parse_json(request.get_data(cache=True))


@bp.get("")
def index():
    return render_template("api.html", paths=openapi_document()["paths"])


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.post("/advise")
def advise():
    """One profile object -> one advice object; an array -> an array in input order (bad records as errors)."""
    data = json_body()
    advisor = current_kb().advisor
    as_of = request.args.get("as_of") or None
    if isinstance(data, dict):
        # orjson with the cited clauses pre-serialized: measured 3x cheaper than jsonify for an advice
        advice = advisor.advise(data, as_of=as_of, explain=request.args.get("explain") == "true", for_json=True)
        return current_app.response_class(advisor.dumps(advice), mimetype="application/json")
    if isinstance(data, list):
        limit = min(current_app.config["API_MAX_BATCH"], current_app.config["MAX_BATCH_RECORDS"])
        if len(data) > limit:  # ~20 kB of advice a mine: 5,000 mines made one 98.6 MB answer (issue 17)
            raise APIError(413, f"more than {limit} mine profiles in one POST /api/advise; split the batch, or "
                                "upload the file on the batch page (/advice/batch) or run minekb advise FILE",
                           [detail(f"{len(data)} records, limit {limit} (API_MAX_BATCH)", None)])
        if not data:
            raise APIError(400, "the array is empty; send at least one mine profile", [detail("empty array", None, None)])
        return jsonify(list(advisor.advise_many(data, as_of=as_of)))
    raise APIError(400, "send one mine profile (a JSON object) or an array of them",
                   [detail(f"got a JSON {type(data).__name__}", None)])


@bp.post("/what-if")
def what_if():
    data = _object_with({"profile": dict, "changes": dict})
    return jsonify(current_kb().advisor.what_if(data["profile"], data["changes"], as_of=data.get("as_of")))


@bp.post("/compare")
def compare():
    data = _object_with({"profile": dict, "provinces": list})
    return jsonify(current_kb().advisor.compare_provinces(data["profile"], data["provinces"], as_of=data.get("as_of")))


def _object_with(fields: dict[str, type]) -> dict[str, Any]:
    data = json_body()
    if not isinstance(data, dict):
        raise APIError(400, f"send a JSON object with {', '.join(fields)}", [detail("not an object", None)])
    problems = [detail(f"required, a JSON {kind.__name__ if kind is not dict else 'object'}", name)
                for name, kind in fields.items() if not isinstance(data.get(name), kind)]
    if problems:
        raise APIError(400, "missing or malformed fields", problems)
    return data


@bp.get("/search")
def search():
    query = request.args.get("q", "").strip()
    filters = search_filters(request.args)
    if not query and not filters:   # a filter alone browses (every clause it allows)
        raise APIError(400, "the parameter q (the query) or a filter is required", [detail("missing or empty", "q")])
    limit = int_param("limit", 10, 1, current_app.config["SEARCH_MAX_LIMIT"])
    offset = int_param("offset", 0, 0, 10_000)
    return jsonify(run_search(query, limit, offset, filters))


@bp.get("/documents")
def documents():
    return jsonify([document_summary(d) for d in current_kb().documents.values()])


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    kb = current_kb()
    doc = kb.documents.get(doc_id)
    if doc is None:
        raise APIError(404, f"no document {doc_id!r}", [detail("unknown document id", "doc_id")])
    return jsonify(document_detail(doc, kb.documents))


@bp.get("/clauses/<path:clause_id>")
def clause(clause_id: str):
    try:
        split_clause_id(clause_id)
    except ValueError as exc:
        raise APIError(404, str(exc), [detail("malformed clause id", "clause_id")]) from None
    found = current_kb().clause(clause_id)
    if found is None:
        raise APIError(404, f"no clause {clause_id!r}", [detail("unknown clause id", "clause_id")])
    doc, c = found
    return jsonify(clause_dict(c, doc))


@bp.get("/concepts")
def concepts():
    return jsonify(browse_data.concept_index())


@bp.get("/concepts/<concept_id>")
def concept(concept_id: str):
    return jsonify(browse_data.concept_page(concept_id))


@bp.get("/rules")
def rules():
    return jsonify(browse_data.rule_index(request.args.get("region") or None))


@bp.get("/rules/<rule_id>")
def rule(rule_id: str):
    return jsonify(browse_data.rule_page(rule_id))


@bp.post("/ingest")
def ingest_files():
    """Admin only (``Authorization: Bearer $MINEKB_ADMIN_TOKEN``): add policy files to the knowledge base."""
    check_admin_token(bearer_token())
    return jsonify(ingest.ingest_uploads(request.files.getlist("file")))
