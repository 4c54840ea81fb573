"""The security review of issue 17, one test a point: the admin token, uploads, CSRF, cookies, error pages,
and the SPARQL limits on every query form and on the HTML page."""
from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from webui_helpers import app, assert_error_shape, client, csrf_from  # noqa: F401  (fixtures)

SECRET = "s3cr3t-admin-token-value"
RESULTS_JSON = {"Accept": "application/sparql-results+json"}
TEMPLATES = Path(__file__).resolve().parent.parent / "webui" / "templates"


@pytest.fixture()
def guarded(kb):
    from webui import create_app

    return create_app(kb, {"MINEKB_ADMIN_TOKEN": SECRET, "SECRET_KEY": "t", "PROPAGATE_EXCEPTIONS": False})


def test_the_admin_token_is_compared_in_constant_time(guarded, monkeypatch):
    import hmac

    from webui import security

    calls = []
    original = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    response = guarded.test_client().post("/api/ingest", data={"file": (io.BytesIO(b"t"), "a.txt")},
                                          headers={"Authorization": "Bearer wrong-guess"})
    assert_error_shape(response, 401)
    assert (b"wrong-guess", SECRET.encode()) in calls


def test_the_admin_token_is_never_logged_nor_echoed(guarded, caplog):
    c = guarded.test_client()
    with caplog.at_level(logging.DEBUG):
        wrong = c.post("/api/ingest", data={"file": (io.BytesIO(b"t"), "a.txt")},
                       headers={"Authorization": f"Bearer {SECRET}-x"})
        page = c.get("/ingest").get_data(as_text=True)
        form = c.post("/ingest", data={"csrf_token": csrf_from(page), "token": f"{SECRET}-y",
                                       "file": (io.BytesIO(b"x"), "a.exe")}, headers={"Accept": "application/json"})
    assert wrong.status_code == 401 and form.status_code in (400, 401)
    for response in (wrong, form):
        assert SECRET not in response.get_data(as_text=True)
    assert SECRET not in caplog.text
    assert SECRET not in page  # the form never pre-fills the token


def test_uploads_stay_confined_and_size_limited():
    """Kept from the first review (tests/test_webui_security.py): names cannot leave the upload folder,
    other file types are refused, and a body over MAX_CONTENT_LENGTH is a 413."""
    import test_webui_security as kept

    for name in ("test_uploaded_names_cannot_leave_the_upload_folder", "test_uploads_of_other_file_types_are_refused",
                 "test_request_bodies_over_the_limit_get_413"):
        assert callable(getattr(kept, name)), name


def test_every_state_changing_form_route_refuses_a_post_without_the_csrf_token(app):
    """Every POST route outside the JSON API (whose requests must be application/json, which a cross-site form
    cannot send) and the read-only SPARQL endpoint checks the CSRF token."""
    exempt = {"/sparql"}
    routes = [r.rule for r in app.url_map.iter_rules()
              if "POST" in r.methods and not r.rule.startswith("/api/") and r.rule not in exempt]
    assert routes, "no form routes found"
    c = app.test_client()
    for rule in routes:
        response = c.post(rule, data={"file": (io.BytesIO(b"id\nx\n"), "a.csv")}, headers={"Accept": "application/json"})
        body = assert_error_shape(response, 400)
        assert body["details"][0]["field"] == "csrf_token", rule
    for rule in (r.rule for r in app.url_map.iter_rules() if "POST" in r.methods and r.rule.startswith("/api/")):
        sent_as_form = c.post(rule, data={"x": "1"}, headers={"Accept": "application/json"})
        assert sent_as_form.status_code in (400, 401, 403, 415), rule  # a cross-site form gets nothing done


def test_every_template_form_that_posts_carries_the_csrf_token():
    for template in TEMPLATES.glob("*.html"):
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", template.read_text(), re.S | re.I):
            assert "csrf_token" in form, template.name


def test_cookies_are_httponly_and_samesite(client):
    session = client.get("/advice/batch")  # the CSRF token is made: the session cookie is set
    language = client.get("/lang/en?next=/")
    cookies = session.headers.getlist("Set-Cookie") + language.headers.getlist("Set-Cookie")
    assert len(cookies) >= 2
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_error_pages_never_echo_a_stack_trace(kb):
    from webui import create_app

    app = create_app(kb, {"SECRET_KEY": "t", "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("internal-detail-marker in /work/secret/path.py")

    c = app.test_client()
    for headers in ({"Accept": "text/html"}, {"Accept": "application/json"}):
        response = c.get("/boom-for-test", headers=headers)
        text = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Traceback" not in text and "internal-detail-marker" not in text and ".py" not in text
    assert_error_shape(c.get("/boom-for-test", headers={"Accept": "application/json"}), 500)
    for path in ("/no/such/page", "/sparql?query=SELEC%20x", "/api/documents/nope"):
        text = c.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "Traceback" not in text and 'File "' not in text, path


@pytest.mark.parametrize("query", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                   "DESCRIBE ?s WHERE { ?s a ?type }"])
def test_the_row_limit_also_cuts_construct_describe_and_the_html_page(app, query):
    app.config["SPARQL_MAX_ROWS"] = 3
    try:
        c = app.test_client()
        triples = c.get("/sparql", query_string={"query": query}, headers=RESULTS_JSON)
        page = c.get("/sparql", query_string={"query": query, "format": "html"})
        select = c.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "html"})
    finally:
        app.config["SPARQL_MAX_ROWS"] = 1000
    assert triples.status_code == 200 and triples.mimetype == "application/n-triples"
    assert len(triples.get_data(as_text=True).strip().splitlines()) == 3
    assert triples.headers["X-MineKB-Truncated"] == "true"
    for html in (page, select):
        assert html.status_code == 200 and html.mimetype == "text/html"
        assert html.headers["X-MineKB-Truncated"] == "true"
        assert len(re.findall(r"<tr>", html.get_data(as_text=True).split('class="sparql-result"')[1]
                              .split("</section>")[0])) <= 4  # three rows (and a header row for SELECT)


HEAVY = "{ ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


@pytest.mark.parametrize("query", [f"CONSTRUCT {{ ?a ?p ?f }} WHERE {HEAVY} ORDER BY ?f ?d ?b",  # no first row early
                                   f"DESCRIBE ?a WHERE {HEAVY}",
                                   f"SELECT (COUNT(*) AS ?n) WHERE {HEAVY}"])
def test_the_time_limit_also_stops_construct_describe_and_the_html_page(app, query):
    app.config["SPARQL_TIMEOUT"] = 0.5
    try:
        c = app.test_client()
        data = c.get("/sparql", query_string={"query": query}, headers=RESULTS_JSON)
        page = c.get("/sparql", query_string={"query": query, "format": "html"})
    finally:
        app.config["SPARQL_TIMEOUT"] = 5.0
    assert "limit" in assert_error_shape(data, 422)["error"]
    assert page.status_code == 422 and page.mimetype == "text/html"
