"""The probes of issue 17, kept: a public endpoint that never reaches the network, parsers that never
answer 500, spreadsheets that never run formulas, a synchronous batch of bounded size."""
from __future__ import annotations

import http.server
import threading

import pytest

from minekb.cli import main
from ontology.sparqlguard import federation_problem
from webui_helpers import app, assert_error_shape, client  # noqa: F401  (fixtures)

RESULTS_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture()
def listener():
    """A local HTTP server that records every request reaching it (the 'internal service')."""
    hits: list[tuple[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _hit(self):
            hits.append((self.command, self.path))
            self.send_response(404)
            self.end_headers()

        do_GET = do_POST = _hit

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


FEDERATED = [
    "SELECT * WHERE {{ SERVICE <{url}/internal-secret> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent<{url}/silent>{{ ?s ?p ?o }} }}",
    "PREFIX x: <{url}/> SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE x:opt {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}/escaped> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}/var> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", FEDERATED)
def test_sparql_service_is_refused_with_a_400_naming_it_and_no_connection_is_made(client, listener, template):
    url, hits = listener
    query = template.format(url=url)
    for response in (client.get("/sparql", query_string={"query": query}, headers=RESULTS_JSON),
                     client.post("/sparql", data=query, content_type="application/sparql-query",
                                 headers=RESULTS_JSON),
                     client.get("/sparql", query_string={"query": query, "format": "html"})):
        assert response.status_code == 400
        assert "SERVICE" in response.get_data(as_text=True)
    assert_error_shape(client.get("/sparql", query_string={"query": query}, headers=RESULTS_JSON), 400)
    assert hits == []


def test_from_and_load_never_dereference_a_url(client, listener):
    url, hits = listener
    ok = client.get("/sparql", query_string={"query": f"SELECT * FROM <{url}/from> FROM NAMED <{url}/named> "
                                                       "WHERE { ?s ?p ?o } LIMIT 1"}, headers=RESULTS_JSON)
    assert ok.status_code == 200  # FROM only names graphs of the store
    described = client.get("/sparql", query_string={"query": f"DESCRIBE <{url}/describe>"}, headers=RESULTS_JSON)
    assert described.status_code == 200
    assert_error_shape(client.post("/sparql", data={"query": f"LOAD <{url}/load>"}, headers=RESULTS_JSON), 400)
    assert hits == []


def test_the_guard_ignores_the_word_in_strings_iris_comments_and_names():
    for query in ['SELECT ?service WHERE { ?service ?p "SERVICE" } # SERVICE <http://x>',
                  "PREFIX s: <http://example.org/SERVICE> SELECT * WHERE { ?s s:SERVICE ?o }",
                  'SELECT * WHERE { ?s ?p """a " SERVICE <http://x> { }""" }',
                  "SELECT * WHERE { ?s ?p ?o FILTER(?o<5) }"]:
        assert federation_problem(query) is None, query


def test_the_cli_refuses_service_too(kb_home, capsys, listener):
    url, hits = listener
    code = main(["--home", str(kb_home.path), "sparql", f"SELECT * WHERE {{ SERVICE <{url}/cli> {{ ?s ?p ?o }} }}"])
    assert code != 0 and "SERVICE" in capsys.readouterr().err
    assert hits == []
