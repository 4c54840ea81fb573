"""One error shape everywhere, and never a 500 for anything a client sent (Datasette's test_error_shape)."""
from __future__ import annotations

import pytest

from webui_helpers import app, assert_error_shape, client  # noqa: F401  (fixtures)

JSON = {"Accept": "application/json"}

# (method, path, keyword arguments of the test client, expected status)
CLIENT_MISTAKES = [
    ("GET", "/api/nothing-here", {}, 404),
    ("GET", "/no/such/page", {"headers": JSON}, 404),
    ("GET", "/documents/no-such-doc", {"headers": JSON}, 404),
    ("GET", "/clauses/no~such", {"headers": JSON}, 404),
    ("GET", "/concepts/not_a_concept", {"headers": JSON}, 404),
    ("GET", "/rules/no.such.rule", {"headers": JSON}, 404),
    ("GET", "/lang/fr", {"headers": JSON}, 404),
    ("GET", "/advice/report.docx?id=X", {"headers": JSON}, 404),
    ("GET", "/api/advise", {}, 405),
    ("DELETE", "/api/documents", {}, 405),
    ("POST", "/api/advise", {"data": b"\xff\xfe", "content_type": "application/json"}, 400),
    ("POST", "/api/advise", {"json": {"id": 7}}, 400),
    ("POST", "/api/advise", {"json": {"id": "x", "province": "Atlantis"}}, 400),
    ("POST", "/api/advise", {"json": {"id": "x", "vegetation_cover_pct": 250}}, 400),
    ("POST", "/api/advise", {"json": [1, 2]}, 200),   # a batch: each bad record is an error item, not a failure
    ("POST", "/api/advise?as_of=yesterday", {"json": {"id": "x"}}, 400),
    ("GET", "/api/search?q=((((", {}, None),          # None: an empty result or a clear 400, never a crash
    ("GET", "/api/search?q=AND OR NOT", {}, None),
    ("GET", "/api/search?q=\"unbalanced", {}, None),
    ("GET", "/api/search?q=<b>x</b>", {}, None),
    ("GET", "/api/search?q=光伏&offset=-1", {}, 400),
    ("GET", "/search?q=光伏&page=0", {"headers": JSON}, 400),
    ("GET", "/search?q=光伏&page=x", {"headers": JSON}, 400),
    ("GET", "/advice/result?id=x&area_ha=abc&format=json", {}, 400),
    ("GET", "/advice/result?id=x&unknown_field=1&format=json", {}, 400),
    ("GET", "/advice/what-if?id=x&vary=nonsense", {"headers": JSON}, 400),
    ("GET", "/advice/what-if?id=x&vary=id=y", {"headers": JSON}, 400),
    ("GET", "/advice/compare?id=x&provinces=Atlantis", {"headers": JSON}, 400),
    ("GET", "/advice/result?as_of=2020-13-40&id=x&format=json", {}, 400),
    ("GET", "/rules?region=Atlantis", {"headers": JSON}, 400),
    ("POST", "/advice/batch", {"data": {}, "headers": JSON}, 400),
    ("POST", "/api/ingest", {}, 403),
    ("GET", "/sparql?query=", {"headers": JSON}, 400),
]


@pytest.mark.parametrize("method,path,kwargs,status", CLIENT_MISTAKES,
                         ids=[f"{m} {p[:40]}" for m, p, _k, _s in CLIENT_MISTAKES])
def test_client_mistakes_get_a_client_status_and_the_one_error_shape(client, method, path, kwargs, status):
    response = client.open(path, method=method, **kwargs)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if status == 200 or (status is None and response.status_code == 200):
        assert response.status_code == 200 and response.is_json
        return
    assert_error_shape(response, status or 400)


def test_a_browser_gets_an_html_error_page_with_the_same_message(client):
    response = client.get("/documents/no-such-doc", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "no-such-doc" in html and 'role="alert"' in html


def test_method_not_allowed_names_the_allowed_methods(client):
    response = client.get("/api/advise")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_an_internal_error_still_has_the_error_shape_and_hides_the_trace(kb):
    from webui import create_app

    fresh = create_app(kb)

    @fresh.get("/api/_boom_for_test")
    def _boom():
        raise RuntimeError("secret internals")

    response = fresh.test_client().get("/api/_boom_for_test")
    body = assert_error_shape(response, 500)
    assert "secret internals" not in body["error"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rules.schema import PROFILE_FIELDS  # noqa: E402

_values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=20), st.lists(st.text(max_size=12), max_size=3),
                    st.sampled_from([v for spec in PROFILE_FIELDS.values() for v in spec.values]))
_profiles = st.dictionaries(st.sampled_from([*PROFILE_FIELDS, "bogus", ""]), _values, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(_profiles, st.lists(_profiles, max_size=3), _values))
def test_any_json_body_to_advise_gets_advice_or_a_shaped_400(app, body):
    response = app.test_client().post("/api/advise", json=body)
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if response.status_code == 400:
        assert_error_shape(response, 400)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=st.text(min_size=1, max_size=80))
def test_any_search_text_gets_results_or_a_shaped_400(app, query):
    response = app.test_client().get("/api/search", query_string={"q": query})
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if response.status_code == 400:
        assert_error_shape(response, 400)
