"""The JSON API keeps to the contract: advice, search, documents, clauses, concepts, rules, OpenAPI."""
from __future__ import annotations

import json

from rules.schema import PROFILE_FIELDS
from webui_helpers import XUNWU_CASE, a_clause, app, assert_error_shape, client  # noqa: F401  (fixtures)

ADVICE_KEYS = {"mine_id", "restoration_category", "priority", "utilization_models", "excluded_models", "incentives",
               "constraints", "measures", "responsibility", "precedents", "unknowns"}


def _reasons(advice):
    for key in ("utilization_models", "excluded_models", "incentives", "constraints", "measures"):
        for item in advice[key]:
            yield item["reasons"]
    for key in ("restoration_category", "priority", "responsibility"):
        if advice.get(key):
            yield advice[key]["reasons"]


def test_advise_one_profile_returns_one_cited_advice_object(client, kb):
    response = client.post("/api/advise", json=XUNWU_CASE)
    advice = response.get_json()
    assert response.status_code == 200
    assert ADVICE_KEYS <= set(advice) and advice["mine_id"] == XUNWU_CASE["id"]
    for reasons in _reasons(advice):
        assert reasons
        for reason in reasons:
            assert reason["sources"]
            for source in reason["sources"]:
                assert kb.clause(source["clause_id"]) is not None


def test_advise_a_batch_answers_in_input_order_with_bad_records_as_errors(client):
    batch = [dict(XUNWU_CASE, id="A"), {"id": "B", "area_ha": -1}, dict(XUNWU_CASE, id="C", province="Beijing")]
    result = client.post("/api/advise", json=batch).get_json()
    assert [r.get("mine_id") for r in result] == ["A", "B", "C"]
    assert "error" in result[1] and result[1]["details"][0]["field"] == "area_ha"
    assert "error" not in result[0] and "error" not in result[2]


def test_advise_rejects_a_bad_profile_with_every_error_named(client):
    response = client.post("/api/advise", json={"id": "X", "area_ha": "large", "minral": "coal"})
    body = assert_error_shape(response, 400)
    assert {d["field"] for d in body["details"]} >= {"area_ha", "minral"}


def test_advise_rejects_bodies_that_are_not_json_or_not_profiles(client):
    assert_error_shape(client.post("/api/advise", data="id=1", content_type="application/x-www-form-urlencoded"), 400)
    assert_error_shape(client.post("/api/advise", data="{oops", content_type="application/json"), 400)
    assert_error_shape(client.post("/api/advise", json="a string"), 400)
    assert_error_shape(client.post("/api/advise", json=[]), 400)


def test_advise_refuses_a_batch_over_the_limit_with_413(app):
    app.config["MAX_BATCH_RECORDS"] = 3
    try:
        response = app.test_client().post("/api/advise", json=[{"id": str(i)} for i in range(4)])
        assert_error_shape(response, 413)
    finally:
        app.config["MAX_BATCH_RECORDS"] = 20_000


def test_advise_refuses_a_body_over_the_size_limit_with_413(app):
    big = json.dumps([{"id": "x" * 1000}] * 9000)
    response = app.test_client().post("/api/advise", data=big, content_type="application/json")
    assert_error_shape(response, 413)


def test_what_if_and_compare_endpoints_answer_with_the_advisor_results(client):
    changed = client.post("/api/what-if", json={"profile": XUNWU_CASE, "changes": {"control_zones": ["ecological_redline"]}})
    assert changed.status_code == 200 and {"before", "after", "diff"} <= set(changed.get_json())
    compared = client.post("/api/compare", json={"profile": XUNWU_CASE, "provinces": ["江西", "北京"]})
    assert compared.status_code == 200 and compared.get_json()["provinces"] == ["江西", "北京"]
    assert_error_shape(client.post("/api/what-if", json={"profile": XUNWU_CASE}), 400)


def test_search_api_returns_the_contract_hit_shape(client, kb):
    result = client.get("/api/search?q=光伏&limit=3").get_json()
    assert {"query", "total", "hits"} <= set(result) and 0 < len(result["hits"]) <= 3
    for hit in result["hits"]:
        assert {"doc_id", "doc_title", "doc_number", "issuer", "clause_id", "clause_type", "text", "highlight",
                "score"} <= set(hit)
        assert kb.clause(hit["clause_id"]) is not None


def test_search_api_checks_its_parameters(client):
    assert_error_shape(client.get("/api/search"), 400)
    assert_error_shape(client.get("/api/search?q=光伏&limit=0"), 400)
    assert_error_shape(client.get("/api/search?q=光伏&limit=abc"), 400)
    assert_error_shape(client.get("/api/search?q=" + "矿" * 600), 400)
    assert_error_shape(client.get("/api/search?q=光伏&year_from=last"), 400)


def test_document_and_clause_endpoints_return_what_the_corpus_holds(client, kb):
    doc, clause = a_clause(kb)
    listing = client.get("/api/documents").get_json()
    assert {d["id"] for d in listing} == set(kb.documents)
    detail = client.get(f"/api/documents/{doc.id}").get_json()
    assert detail["title"] == doc.title and len(detail["clauses"]) == len(doc.clauses)
    one = client.get(f"/api/clauses/{clause.id}").get_json()
    assert one["text"] == clause.text and one["document"]["id"] == doc.id
    assert_error_shape(client.get("/api/documents/no-such-doc"), 404)
    assert_error_shape(client.get(f"/api/clauses/{doc.id}~art_99999"), 404)
    assert_error_shape(client.get("/api/clauses/not-a-clause-id"), 404)


def test_concept_and_rule_endpoints(client, kb):
    concepts = client.get("/api/concepts").get_json()
    assert concepts["count"] > 0
    one = client.get("/api/concepts/ecological_redline").get_json()
    assert one["label_zh"] == "生态保护红线"
    rule = kb.ruleset.rules[0]
    data = client.get(f"/api/rules/{rule.id}").get_json()
    assert data["id"] == rule.id and [s["clause_id"] for s in data["sources"]] == list(rule.sources)
    assert client.get("/api/rules").get_json()["count"] == len(kb.ruleset.rules)
    assert_error_shape(client.get("/api/concepts/no_such_concept"), 404)
    assert_error_shape(client.get("/api/rules/no.such.rule"), 404)


def test_openapi_documents_every_api_route_and_every_profile_field(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        path = rule.rule.replace("<path:", "{").replace("<", "{").replace(">", "}")
        if path.startswith("/api/") and path not in ("/api/openapi.json",):
            assert path in documented, path
    assert set(spec["components"]["schemas"]["Profile"]["properties"]) == set(PROFILE_FIELDS)
