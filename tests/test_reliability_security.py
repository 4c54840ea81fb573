"""The probes of issue 17, kept: a public endpoint that never reaches the network, parsers that never
answer 500, spreadsheets that never run formulas, a synchronous batch of bounded size."""
from __future__ import annotations

import http.server
import threading

import pytest

from minekb.cli import main
from ontology.sparqlguard import federation_problem
from webui_helpers import app, assert_error_shape, client, running_server  # noqa: F401  (fixtures)

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


# --- every parser path: 400/413 in the one error shape, naming the limit; never a 500 ---------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def _names(body: dict, limit: str) -> bool:
    return any(limit in d["message"] for d in body["details"])


@pytest.mark.parametrize("path", ["/api/advise", "/api/what-if", "/api/compare"])
def test_json_nested_100000_levels_is_a_400_naming_the_depth_limit(client, path):
    body = assert_error_shape(client.post(path, data=DEEP, content_type="application/json"), 400)
    assert _names(body, "MAX_JSON_DEPTH") and "nested" in body["error"]
    shallow_but_too_deep = {"id": "x", "province": "江西", "hazards": [[[[[[[[[[[[[[[[["landslide"]]]]]]]]]]]]]]]]]}
    body = assert_error_shape(client.post(path, json=shallow_but_too_deep), 400)
    assert _names(body, "MAX_JSON_DEPTH")


def test_a_json_field_over_the_length_limit_is_named_with_its_record(client):
    body = assert_error_shape(client.post("/api/advise", json=[{"id": "a"}, {"id": "b", "name": "矿" * 3000}]), 400)
    assert body["details"][0]["field"] == "name" and body["details"][0]["record"] == 1
    assert _names(body, "MAX_FIELD_LENGTH")


def _upload(client, name: str, text: str):
    import io
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/advice/batch").get_data(as_text=True))[1]
    return client.post("/advice/batch", data={"csrf_token": token, "format": "json",
                                              "file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})


@pytest.mark.parametrize("name, text, limit", [
    ("deep.json", DEEP, "nested"),
    ("deep.jsonl", '{"id": "ok"}\n' + DEEP + "\n", "MAX_JSON_DEPTH"),
    ("nested.jsonl", '{"id": "a", "hazards": ' + "[" * 20 + "]" * 20 + "}\n", "MAX_JSON_DEPTH"),
    ("long.jsonl", '{"id": "a", "name": "' + "x" * 3000 + '"}\n', "MAX_FIELD_LENGTH"),
    ("long.csv", "id,name\na," + "x" * 3000 + "\n", "MAX_FIELD_LENGTH"),
    ("huge.csv", "id,hazards\na,\"" + "[" * 200_000 + "\"\n", "field limit"),
])
def test_uploaded_json_jsonl_and_csv_over_a_limit_are_a_400_naming_it(client, name, text, limit):
    body = assert_error_shape(_upload(client, name, text), 400)
    assert limit in body["error"] + " ".join(d["message"] for d in body["details"])


def test_query_strings_over_a_limit_are_refused_naming_it(client):
    headers = {"Accept": "application/json"}
    body = assert_error_shape(client.get("/advice/result", query_string={"id": "a", "name": "x" * 3000},
                                         headers=headers), 400)
    assert body["details"][0]["field"] == "name" and _names(body, "MAX_FIELD_LENGTH")
    many = "&".join(f"f{i}=1" for i in range(1000))
    assert _names(assert_error_shape(client.get("/advice?" + many, headers=headers), 413), "MAX_PARAMS")
    long = "name=" + "x" * 200_000
    assert _names(assert_error_shape(client.get("/search?" + long, headers=headers), 413), "MAX_QUERY_STRING")
    html = client.get("/advice?" + many)  # a browser gets the error page, same status
    assert html.status_code == 413 and html.mimetype == "text/html"


def test_forms_over_a_limit_are_refused_naming_it(app):
    c = app.test_client()
    headers = {"Accept": "application/json"}
    fields = {f"f{i}": "1" for i in range(1000)}
    assert _names(assert_error_shape(c.post("/advice/batch", data=fields, headers=headers), 413), "MAX_PARAMS")
    big = c.post("/advice/batch", data={"csrf_token": "x", "note": "y" * 600_000}, headers=headers,
                 content_type="multipart/form-data")
    assert _names(assert_error_shape(big, 413), "MAX_FORM_MEMORY_SIZE")
    long = c.post("/sparql", data={"query": "ASK {}", "other": "z" * 3000}, headers=headers)
    assert _names(assert_error_shape(long, 400), "MAX_FIELD_LENGTH")


def test_a_body_over_the_total_size_limit_is_a_413_naming_it(kb):
    from webui import create_app

    small = create_app(kb, {"MAX_CONTENT_LENGTH": 1024, "SECRET_KEY": "t"}).test_client()
    body = assert_error_shape(small.post("/api/advise", data="[" + "1," * 2000 + "1]",
                                         content_type="application/json"), 413)
    assert _names(body, "MAX_CONTENT_LENGTH")


def test_the_cli_reports_a_deeply_nested_file_cleanly(kb_home, capsys, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"id": "JX-1", "province": "江西"}\n' + DEEP + "\n")
    assert main(["--home", str(kb_home.path), "advise", str(deep)]) != 0
    assert "nested too deeply" in capsys.readouterr().err
    main(["--home", str(kb_home.path), "advise", "--jsonl", str(lines)])
    out = capsys.readouterr()
    assert "nested too deeply" in out.err and "JX-1" in out.out


# --- spreadsheets: no exported cell runs as a formula (OWASP CSV injection) ---------------------------------------

EVIL_IDS = ['=HYPERLINK("http://evil","x")', "+1+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _evil_csv() -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "province", "mineral", "status"])
    for mine_id in EVIL_IDS:
        writer.writerow([mine_id, "江西", "rare_earth", "historical_abandoned"])
    return buf.getvalue()


def _cells(text: str) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_safe_cell_neutralizes_text_formulas_and_keeps_numbers():
    from minekb.spreadsheet import safe_cell

    for text in EVIL_IDS:
        assert safe_cell(text) == "'" + text
    assert safe_cell(-5) == -5 and safe_cell(-2.5) == -2.5 and safe_cell(0) == 0
    assert safe_cell("JX-XW-001") == "JX-XW-001" and safe_cell("寻乌") == "寻乌" and safe_cell("") == ""


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_minekb_advise_csv_writes_no_formula_cell(kb_home, capsys, tmp_path, kind):
    src = tmp_path / f"evil.{kind}"
    if kind == "csv":
        src.write_text(_evil_csv(), encoding="utf-8")
    else:  # JSON keeps a leading tab or CR in the id
        import json

        src.write_text("".join(json.dumps({"id": i, "province": "江西", "mineral": "rare_earth"}) + "\n"
                               for i in EVIL_IDS), encoding="utf-8")
    main(["--home", str(kb_home.path), "advise", "--csv", str(src)])
    rows = _cells(capsys.readouterr().out)
    assert [r["mine_id"].lstrip("'").strip() for r in rows] == [i.strip() for i in EVIL_IDS]
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
        if row["potential"]:
            float(row["potential"])  # the number column stays a number


def test_the_batch_page_csv_download_writes_no_formula_cell(client):
    response = _upload_csv(client, _evil_csv())
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _cells(response.get_data(as_text=True))
    assert [r["id"].lstrip("'").strip() for r in rows] == [i.strip() for i in EVIL_IDS]
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values()), row


def _upload_csv(client, text: str):
    import io
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/advice/batch").get_data(as_text=True))[1]
    return client.post("/advice/batch", data={"csrf_token": token, "format": "csv",
                                              "file": (io.BytesIO(text.encode()), "evil.csv")},
                       content_type="multipart/form-data")


def test_the_sparql_csv_neutralizes_text_but_keeps_numbers(client):
    query = 'SELECT ?n ?d ?s ?f WHERE { BIND(-5 AS ?n) BIND(-2.5 AS ?d) BIND("-5" AS ?s) BIND("=1+1" AS ?f) }'
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert _cells(response.get_data(as_text=True)) == [{"n": "-5", "d": "-2.5", "s": "'-5", "f": "'=1+1"}]


# --- the synchronous batch is capped ------------------------------------------------------------------------------

def test_a_synchronous_batch_over_the_cap_is_a_413_naming_the_limit_and_the_alternatives(app):
    assert app.config["API_MAX_BATCH"] == 500
    c = app.test_client()
    body = assert_error_shape(c.post("/api/advise", json=[{"id": str(i)} for i in range(501)]), 413)
    assert "500" in body["error"] and "/advice/batch" in body["error"] and "minekb advise" in body["error"]
    assert any("API_MAX_BATCH" in d["message"] for d in body["details"])
    app.config["API_MAX_BATCH"] = 2  # configurable
    try:
        assert_error_shape(c.post("/api/advise", json=[{"id": "a"}, {"id": "b"}, {"id": "c"}]), 413)
        assert c.post("/api/advise", json=[{"id": "a", "province": "江西"}, {"id": "b"}]).status_code == 200
    finally:
        app.config["API_MAX_BATCH"] = 500


# --- the same probes against a real `minekb serve` (waitress, forked workers), as issue 17 ran them --------------

@pytest.fixture()
def served(kb_home):
    with running_server(kb_home.path, drop_env=("MINEKB_ADMIN_TOKEN",)) as (base, _proc):
        yield base


def _call(url: str, data: bytes | None = None, content_type: str = "application/json") -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type,
                                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_issue_17_probes_against_a_live_server(served, listener):
    import json
    from urllib.parse import quote

    url, hits = listener
    status, body = _call(served + "/sparql?query=" + quote(f"SELECT * WHERE {{ SERVICE <{url}/internal-secret> "
                                                            "{ ?s ?p ?o } }"))
    assert status == 400 and "SERVICE" in body["error"] and set(body) == {"error", "details"}
    assert hits == []
    status, body = _call(served + "/api/advise", DEEP.encode())
    assert status == 400 and "MAX_JSON_DEPTH" in body["details"][0]["message"]
    status, body = _call(served + "/api/advise", json.dumps([{"id": str(i)} for i in range(5000)]).encode())
    assert status == 413 and "/advice/batch" in body["error"]


def test_service_is_refused_before_any_store_is_asked_whatever_backs_the_graph(client, monkeypatch):
    from webui import sparql

    def never(text):  # an Oxigraph server behind MINEKB_GRAPH_STORE would call out just the same
        raise AssertionError("the query reached the store")

    monkeypatch.setattr(sparql, "run_query", never)
    body = assert_error_shape(client.get("/sparql", query_string={
        "query": "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }"},
        headers=RESULTS_JSON), 400)
    assert "SERVICE" in body["error"] and body["details"][0]["field"] == "query"
