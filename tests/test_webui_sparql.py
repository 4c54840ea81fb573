"""The read-only SPARQL 1.1 Protocol endpoint: results, formats, limits, refused updates."""
from __future__ import annotations

import pytest

from webui.sparql import example_queries, is_update
from webui_helpers import app, assert_error_shape, client  # noqa: F401  (fixtures)

RESULTS_JSON = {"Accept": "application/sparql-results+json"}
LABELS = "SELECT ?c ?label WHERE { ?c skos:prefLabel ?label . FILTER(lang(?label) = 'zh') } LIMIT 5"


def test_select_answers_sparql_results_json_with_typed_terms(client):
    response = client.get("/sparql", query_string={"query": LABELS}, headers=RESULTS_JSON)
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
    data = response.get_json()
    assert data["head"]["vars"] == ["c", "label"]
    row = data["results"]["bindings"][0]
    assert row["c"]["type"] == "uri" and row["label"] == {**row["label"], "type": "literal", "xml:lang": "zh"}


def test_query_may_be_posted_form_encoded_or_as_a_sparql_query_body(client):
    form = client.post("/sparql", data={"query": LABELS}, headers=RESULTS_JSON)
    body = client.post("/sparql", data=LABELS, content_type="application/sparql-query", headers=RESULTS_JSON)
    assert form.status_code == body.status_code == 200
    assert form.get_json() == body.get_json()


def test_ask_and_csv_results(client):
    ask = client.get("/sparql", query_string={"query": "ASK { ?s a skos:Concept }"}, headers=RESULTS_JSON)
    assert ask.get_json()["boolean"] is True
    as_csv = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "text/csv"})
    assert as_csv.mimetype == "text/csv" and as_csv.get_data(as_text=True).splitlines()[0] == "c,label"


@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX x: <urn:x#>\nDELETE WHERE { ?s ?p ?o }",
    "# comment\nCLEAR ALL",
    "DROP GRAPH <urn:g>",
    "LOAD <http://example.org/x.ttl>",
])
def test_updates_are_refused(client, update):
    assert_error_shape(client.post("/sparql", data={"query": update}, headers=RESULTS_JSON), 400)
    assert is_update(update)


def test_the_update_parameter_and_media_type_are_refused(client):
    assert_error_shape(client.post("/sparql", data={"update": "CLEAR ALL"}, headers=RESULTS_JSON), 400)
    assert_error_shape(client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update",
                                   headers=RESULTS_JSON), 400)


def test_a_select_mentioning_insert_in_a_literal_is_not_an_update():
    assert not is_update("SELECT ?s WHERE { ?s ?p \"INSERT DATA\" }")


def test_syntax_errors_are_400(client):
    assert_error_shape(client.get("/sparql", query_string={"query": "SELEC nothing"}, headers=RESULTS_JSON), 400)


def test_results_are_cut_at_the_row_limit_and_flagged(app):
    app.config["SPARQL_MAX_ROWS"] = 3
    try:
        response = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                                         headers=RESULTS_JSON)
    finally:
        app.config["SPARQL_MAX_ROWS"] = 1000
    assert len(response.get_json()["results"]["bindings"]) == 3
    assert response.headers["X-MineKB-Truncated"] == "true"


def test_a_query_over_the_time_limit_is_stopped_with_422(app):
    app.config["SPARQL_TIMEOUT"] = 0.5
    try:
        response = app.test_client().get(
            "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"},
            headers=RESULTS_JSON)
    finally:
        app.config["SPARQL_TIMEOUT"] = 5.0
    body = assert_error_shape(response, 422)
    assert "limit" in body["error"]


def test_the_sparql_page_offers_the_example_queries_and_runs_them(client):
    examples = example_queries()
    assert examples, "the ontology ships example queries"
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    for e in examples:
        assert e["title"] in page
    run = client.get("/sparql", query_string={"query": examples[0]["query"], "format": "html"})
    assert run.status_code == 200 and 'class="sparql-result"' in run.get_data(as_text=True)


def test_every_example_query_runs(client):
    for e in example_queries():
        response = client.get("/sparql", query_string={"query": e["query"]}, headers=RESULTS_JSON)
        assert response.status_code == 200, (e["name"], response.get_data(as_text=True)[:300])
