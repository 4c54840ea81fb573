"""XSS attempts in every field the pages echo back come out escaped, never as live markup."""
from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

from webui import create_app

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"]
LIVE = ["<script>alert", "<img src=x", "<svg onload", "onerror=alert(1)>", "onload=alert(1)>"]


@pytest.fixture(scope="module")
def client(kb):
    app = create_app(kb, {"TESTING": True, "SECRET_KEY": "test-only"})
    return app.test_client()


def _assert_inert(resp, payload):
    assert resp.status_code < 500, f"{resp.status_code} for {payload!r}"
    body = resp.get_data(as_text=True)
    for marker in LIVE:
        if marker in payload:
            assert marker not in body, f"unescaped {marker!r} echoed at {resp.request.path}"


def _urls(payload: str) -> list[str]:
    q = quote(payload)
    profile = {"id": payload, "name": payload, "city": payload, "county": payload, "province": payload}
    return [
        f"/search?q={q}",
        f"/search?q=%E5%85%89%E4%BC%8F&level={q}&region={q}&type={q}&year_from={q}",
        f"/documents/{q}",
        f"/clauses/{q}",
        f"/concepts/{q}",
        f"/rules/{q}",
        "/advice/result?" + urlencode(profile),
        "/advice/result?" + urlencode({"id": "x1", "mineral": payload}),
        "/advice/what-if?" + urlencode({"id": "x1", "province": "江西", "vary": f"planned_land_use={payload}"}),
        "/advice/compare?" + urlencode({"id": payload, "provinces": payload}),
        f"/sparql?query={q}",
        f"/lang/{q}",
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_echoed_query_and_form_fields_are_escaped(client, payload):
    for url in _urls(payload):
        _assert_inert(client.get(url), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_api_echoes_the_query_as_json_data_and_highlights_only_with_mark(client, payload):
    resp = client.get(f"/api/search?q={quote(payload + ' 光伏')}")
    assert resp.mimetype == "application/json"
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    data = resp.get_json()
    if resp.status_code == 400:  # an unbalanced quote is a clear client error, not a crash
        assert data["error"]
        return
    assert resp.status_code == 200
    assert data["hits"], "the search part of the query still finds clauses"
    for hit in data["hits"]:
        cleaned = hit["highlight"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in cleaned, hit["highlight"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_json_api_errors_never_return_markup_as_html(client, payload):
    resp = client.post("/api/advise", json={"id": payload, payload: 1, "mineral": payload})
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
