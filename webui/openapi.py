"""The OpenAPI 3.1 document of the JSON API, built from the contract's field table.

The profile schema is generated from ``rules.schema.PROFILE_FIELDS`` so the
documented API cannot drift from what the advisor validates.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from corpus.model import TIERS
from rules.schema import PROFILE_FIELDS

ERROR = {"$ref": "#/components/schemas/Error"}
_KIND = {"str": {"type": "string"}, "bool": {"type": "boolean"}, "number": {"type": "number"}}



# POST /api/ingest: each file's outcome, the document it became and its reading warnings
INGEST_REPORT = {"type": "object", "required": ["files", "warnings"], "properties": {
    "files": {"type": "array", "items": {"type": "object", "properties": {
        "file": {"type": "string", "description": "the name the file was uploaded under"},
        "status": {"type": "string", "enum": ["added", "unchanged", "replaced", "skipped", "error"]},
        "doc_id": {"type": ["string", "null"]}, "title": {"type": "string"}, "clauses": {"type": "integer"},
        "message": {"type": "string"},
        "warnings": {"type": "array", "items": {"type": "string"},
                     "description": "reading warnings: title from the file name, no 文号 or issuer found, …"}}}},
    "uploaded": {"type": "array", "items": {"type": "string"}},
    "relinked": {"type": "array", "items": {"type": "string"}},
    "warnings": {"type": "integer", "description": "reading warnings over all files"}}}

def profile_schema() -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, spec in PROFILE_FIELDS.items():
        if spec.kind == "enum":
            schema: dict[str, Any] = {"type": "string", "enum": list(spec.values)}
        elif spec.kind == "list":
            schema = {"type": "array", "items": {"type": "string", "enum": list(spec.values)}, "uniqueItems": True}
        else:
            schema = dict(_KIND[spec.kind])
        if spec.minimum is not None:
            schema["exclusiveMinimum" if spec.exclusive_minimum else "minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
        schema["description"] = f"{spec.label_zh} / {spec.label_en}"
        props[name] = schema
    props["province"]["description"] += " (江西, 江西省 and Jiangxi are accepted alike)"
    return {"type": "object", "required": [n for n, s in PROFILE_FIELDS.items() if s.required],
            "properties": props, "additionalProperties": False}


def _item(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props = {"id": {"type": "string"}, "label_zh": {"type": "string"}, "label_en": {"type": "string"},
             "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}}}
    props.update(extra or {})
    return {"type": "object", "required": ["id", "label_zh", "reasons"], "properties": props}


def _schemas() -> dict[str, Any]:
    nullable_item = {"oneOf": [_item(), {"type": "null"}]}
    return {
        "Profile": profile_schema(),
        "Error": {"type": "object", "required": ["error", "details"], "properties": {
            "error": {"type": "string"},
            "details": {"type": "array", "items": {"type": "object", "required": ["record", "field", "message"],
                                                   "properties": {"record": {}, "field": {"type": ["string", "null"]},
                                                                  "message": {"type": "string"}}}}}},
        "Source": {"type": "object", "required": ["doc_id", "doc_title", "clause_id", "clause_text"], "properties": {
            "doc_id": {"type": "string"}, "doc_title": {"type": "string"}, "doc_number": {"type": ["string", "null"]},
            "issuer": {"type": "string"}, "clause_id": {"type": "string"}, "clause_text": {"type": "string"},
            "tier": {"type": "string", "enum": list(TIERS)}, "binding": {"type": "boolean"},
            "doc_status": {"type": "string"}, "clause_label": {"type": ["string", "null"]},
            "official_text": {"type": "boolean"}, "content": {"type": "string", "enum": ["official", "digest", "title_only"]},
            "official_source": {"type": "string"}, "text_label_zh": {"type": "string"}, "text_label_en": {"type": "string"},
            "text_note_zh": {"type": "string"}, "text_note_en": {"type": "string"}}},
        "Reason": {"type": "object", "required": ["rule", "explanation_zh", "sources"], "properties": {
            "rule": {"type": "string"}, "explanation_zh": {"type": "string"},
            "sources": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Source"}}}},
        "Advice": {"type": "object", "required": ["mine_id", "utilization_models", "excluded_models", "incentives",
                                                  "constraints", "measures", "precedents", "unknowns"],
                   "properties": {
                       "mine_id": {"type": "string"},
                       "restoration_category": nullable_item, "priority": nullable_item,
                       "utilization_models": {"type": "array", "items": _item({"score": {"type": "number"}})},
                       "excluded_models": {"type": "array", "items": _item()},
                       "incentives": {"type": "array", "items": _item()},
                       "constraints": {"type": "array", "items": _item()},
                       "measures": {"type": "array", "items": _item()},
                       "responsibility": {"type": ["object", "null"]},
                       "precedents": {"type": "array", "items": {"type": "object", "properties": {
                           "name": {"type": "string"}, "similarity": {"type": "number"},
                           "utilization_zh": {"type": "string"}}}},
                       "unknowns": {"type": "array", "items": {"type": "object", "properties": {
                           "field": {"type": "string"}, "effect_zh": {"type": "string"}}}},
                       "potential": {"type": "object", "description": "the factor fingerprint and potential score"},
                       "intended_use": {"type": "array", "items": _item({
                           "verdict": {"type": "string", "enum": ["permitted", "conditional", "forbidden", "undecidable"]},
                           "conditions_zh": {"type": "array", "items": {"type": "string"}},
                           "missing_fields": {"type": "array", "items": {"type": "string"}},
                           "recommended": {"type": "boolean"}})},
                       "research_suggestions": {"type": "array", "items": _item({
                           "kind": {"type": "string"}, "basis": {"type": "string", "enum": ["research"]}})},
                       "warnings": {"type": "array", "items": {"type": "object", "required": ["code", "message_zh"],
                                                               "properties": {"code": {"type": "string"},
                                                                              "message_zh": {"type": "string"},
                                                                              "doc_id": {"type": "string"}}}}}},
        "SearchResult": {"type": "object", "required": ["query", "total", "hits"], "properties": {
            "query": {"type": "string"}, "total": {"type": "integer"},
            "hits": {"type": "array", "items": {"type": "object", "required": ["doc_id", "clause_id", "text"],
                                                "properties": {k: {"type": t} for k, t in (
                                                    ("doc_id", "string"), ("doc_title", "string"),
                                                    ("doc_number", ["string", "null"]), ("issuer", "string"),
                                                    ("clause_id", "string"), ("clause_type", "string"),
                                                    ("text", "string"), ("highlight", "string"),
                                                    ("score", "number"))}}},
            "facets": {"type": "object"}, "did_you_mean": {"type": ["string", "null"]}}},
    }


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "bad input", 401: "missing or wrong admin token", 403: "uploads disabled", 404: "not found",
            409: "another writer is busy", 413: "too large", 422: "well-formed but not answerable within the limits"}
    return {str(c): {"description": text[c], "content": {"application/json": {"schema": ERROR}}} for c in codes}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}


def _get(summary: str, schema: dict[str, Any], params: list[dict[str, Any]] | None = None, errors=(400, 404)):
    return {"get": {"summary": summary, "parameters": params or [], "responses": {**_json(schema), **_errors(*errors)}}}


def _param(name: str, where: str = "query", kind: str = "string", required: bool = False, text: str = ""):
    return {"name": name, "in": where, "required": required or where == "path", "schema": {"type": kind},
            "description": text}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    obj = {"type": "object"}
    search_params = [_param("q", required=True, text="query: words, a phrase in quotes, a 文号"),
                     _param("limit", kind="integer", text="hits to return (1-100, default 10)"),
                     _param("offset", kind="integer", text="hits to skip")] + [
        _param(f, text="filter (repeatable)") for f in ("level", "region", "issuer", "status", "clause_type", "concept", "year")
    ] + [_param("year_from", kind="integer"), _param("year_to", kind="integer")]
    paths = {
        "/api/advise": {"post": {
            "summary": "Advice for one mine (object) or a batch (array, answered in input order)",
            "parameters": [_param("as_of", text="evaluate the rules in force on this date (YYYY-MM-DD)")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [ref("Profile"), {"type": "array", "items": ref("Profile")}]}}}},
            "responses": {**_json({"oneOf": [ref("Advice"), {"type": "array", "items": {
                "oneOf": [ref("Advice"), ref("Error")]}}]}), **_errors(400, 413)}}},
        "/api/what-if": {"post": {
            "summary": "What changes in the advice when fields change",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["profile", "changes"],
                "properties": {"profile": ref("Profile"), "changes": obj, "as_of": {"type": "string"}}}}}},
            "responses": {**_json(obj), **_errors(400, 413)}}},
        "/api/compare": {"post": {
            "summary": "The same mine under each province's rules",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["profile", "provinces"],
                "properties": {"profile": ref("Profile"), "provinces": {"type": "array", "items": {"type": "string"}},
                               "as_of": {"type": "string"}}}}}},
            "responses": {**_json(obj), **_errors(400, 413)}}},
        "/api/search": _get("Search the policy clauses", ref("SearchResult"), search_params, errors=(400,)),
        "/api/documents": _get("All documents (metadata)", {"type": "array", "items": obj}, errors=()),
        "/api/documents/{doc_id}": _get("One document with relations and clauses", obj, [_param("doc_id", "path")]),
        "/api/clauses/{clause_id}": _get("One clause with its document", obj, [_param("clause_id", "path")]),
        "/api/concepts": _get("Concept schemes and their concepts", obj, errors=()),
        "/api/concepts/{concept_id}": _get("One concept: labels, definition, hierarchy, clauses, rules", obj,
                                           [_param("concept_id", "path")]),
        "/api/rules": _get("All rules", obj, [_param("region", text="only rules applying in this province")], errors=()),
        "/api/rules/{rule_id}": _get("One rule with conditions, sources, validity and tests", obj,
                                     [_param("rule_id", "path")]),
        "/api/ingest": {"post": {
            "summary": "Add policy files (admin; Authorization: Bearer $MINEKB_ADMIN_TOKEN)",
            "security": [{"adminToken": []}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "array", "items": {"type": "string",
                                                                                   "format": "binary"}}}}}}},
            "responses": {**_json(INGEST_REPORT), **_errors(400, 401, 403, 409, 413, 422)}}},
        "/sparql": {"get": {
            "summary": "SPARQL 1.1 Protocol query (read-only; updates are refused)",
            "parameters": [_param("query", required=True)],
            "responses": {"200": {"description": "results", "content": {
                "application/sparql-results+json": {"schema": obj}, "text/csv": {"schema": {"type": "string"}},
                "application/n-triples": {"schema": {"type": "string"}}}}, **_errors(400, 413, 422)}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "minekb API", "version": "1.0",
                 "description": "Cited advice for abandoned-mine restoration and search over policy clauses. "
                                "Every error: {\"error\": ..., \"details\": [{\"record\", \"field\", \"message\"}]}."},
        "paths": paths,
        "components": {"schemas": _schemas(),
                       "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}}},
    }
