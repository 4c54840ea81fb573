"""Security: headers, escaping, CSRF, the admin token, upload confinement, limits, secrets from the environment."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from webui.errors import APIError
from webui.ingest import safe_target
from webui_helpers import XUNWU_CASE, app, assert_error_shape, client, csrf_from  # noqa: F401  (fixtures)

CSV = ("id,name,province,mineral,mining_method,status,pollution,hazards\n"
       "JX-1,寻乌稀土矿,江西,rare_earth,in_situ_leaching,historical_abandoned,soil_acidification,landslide\n"
       "JX-2,坏记录,江西,unobtainium,,,,\n").encode("utf-8")


@pytest.mark.parametrize("path", ["/", "/search?q=光伏", "/api/documents", "/sparql", "/nope"])
def test_every_response_carries_a_strict_content_security_policy_and_the_usual_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style_that_the_policy_would_block(client):
    for path in ("/", "/advice", "/advice/result?id=X1&province=江西", "/search?q=光伏", "/sparql", "/advice/batch"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and "<style" not in html, path
        assert "javascript:" not in html, path


def test_batch_upload_without_the_csrf_token_is_refused(client):
    response = client.post("/advice/batch", data={"file": (io.BytesIO(CSV), "mines.csv")},
                           headers={"Accept": "application/json"})
    body = assert_error_shape(response, 400)
    assert body["details"][0]["field"] == "csrf_token"


def test_batch_upload_with_the_token_advises_each_record_and_reports_the_bad_one(client):
    token = csrf_from(client.get("/advice/batch").get_data(as_text=True))
    response = client.post("/advice/batch", data={"csrf_token": token, "file": (io.BytesIO(CSV), "mines.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "JX-1" in html and 'class="row-error"' in html and "unobtainium" in html
    assert 'href="data:application/json' in html and 'href="data:text/csv' in html


def test_batch_upload_downloads_results_as_csv_or_json_in_input_order(client):
    token = csrf_from(client.get("/advice/batch").get_data(as_text=True))
    as_json = client.post("/advice/batch", data={"csrf_token": token, "format": "json",
                                                 "file": (io.BytesIO(CSV), "mines.csv")})
    rows = as_json.get_json()
    assert as_json.headers["Content-Disposition"].startswith("attachment")
    assert rows[0]["mine_id"] == "JX-1" and "error" in rows[1]
    as_csv = client.post("/advice/batch", data={"csrf_token": token, "format": "csv",
                                                "file": (io.BytesIO(CSV), "mines.csv")})
    lines = as_csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("record,id,") and "JX-1" in lines[1] and "mineral" in lines[2]


def test_batch_upload_rejects_a_file_that_is_not_profiles(client):
    token = csrf_from(client.get("/advice/batch").get_data(as_text=True))
    response = client.post("/advice/batch", data={"csrf_token": token, "file": (io.BytesIO(b""), "empty.csv")},
                           headers={"Accept": "application/json"})
    assert_error_shape(response, 400)


def test_ingest_is_closed_without_a_configured_admin_token(client):
    assert_error_shape(client.post("/api/ingest", headers={"Authorization": "Bearer guess"}), 403)
    assert "MINEKB_ADMIN_TOKEN" in client.get("/ingest").get_data(as_text=True)


def test_ingest_refuses_a_wrong_token(kb):
    from webui import create_app

    guarded = create_app(kb, {"MINEKB_ADMIN_TOKEN": "right-token"}).test_client()
    files = {"file": (io.BytesIO(b"text"), "a.txt")}
    assert_error_shape(guarded.post("/api/ingest", data=files), 401)
    assert_error_shape(guarded.post("/api/ingest", data={"file": (io.BytesIO(b"t"), "a.txt")},
                                    headers={"Authorization": "Bearer wrong"}), 401)


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "..\\..\\boot.ini.txt", "/abs/path/x.md", "a/../../b.txt"])
def test_uploaded_names_cannot_leave_the_upload_folder(tmp_path, name):
    target = safe_target(tmp_path, name, (".txt", ".md"))
    assert target.parent == tmp_path.resolve()


@pytest.mark.parametrize("name", ["run.sh", "x.py", "noext", "...", ""])
def test_uploads_of_other_file_types_are_refused(tmp_path, name):
    with pytest.raises(APIError) as exc:
        safe_target(tmp_path, name, (".txt", ".md"))
    assert exc.value.status == 400


@pytest.mark.slow
def test_admin_ingest_adds_a_seed_document_and_the_server_serves_the_new_generation(tmp_path, seeds_dir):
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import KnowledgeBase, build
    from webui import create_app

    home = KnowledgeBaseHome(tmp_path / "home")
    build(home)
    kb = KnowledgeBase.open(home)
    before = set(kb.documents)
    app = create_app(kb, {"MINEKB_ADMIN_TOKEN": "s3cret"})
    client = app.test_client()
    seed = seeds_dir / "002_f25bba03683a39c5.txt"
    response = client.post("/api/ingest", headers={"Authorization": "Bearer s3cret"},
                           data={"file": (io.BytesIO(seed.read_bytes()), "../../ganzhou.txt")})
    assert response.status_code == 200, response.get_data(as_text=True)
    saved = list((home.path / "uploads").rglob("*.txt"))
    assert [p.name for p in saved] == ["ganzhou.txt"]
    assert all(Path(p).resolve().is_relative_to(home.path.resolve()) for p in saved)
    after = {d["id"] for d in client.get("/api/documents").get_json()}
    assert after > before


def test_request_bodies_over_the_limit_get_413(kb):
    from webui import create_app

    small = create_app(kb, {"MAX_CONTENT_LENGTH": 1024}).test_client()
    assert_error_shape(small.post("/api/advise", data="[" + "1," * 2000 + "1]", content_type="application/json"), 413)


def test_no_secret_has_a_default(kb, monkeypatch):
    from webui import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MINEKB_ADMIN_TOKEN", raising=False)
    one, two = create_app(kb), create_app(kb)
    assert one.config["SECRET_KEY"] != two.config["SECRET_KEY"]
    assert one.config["MINEKB_ADMIN_TOKEN"] is None
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app(kb).config["SECRET_KEY"] == "from-the-environment"


def test_advice_pages_are_get_links_that_change_nothing(client):
    """The advice form needs no CSRF token because it only reads: it is a GET, bookmarkable link."""
    html = client.get("/advice").get_data(as_text=True)
    assert re.search(r'<form class="profile" action="/advice/result" method="get">', html)
    for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, re.S):
        assert 'name="csrf_token"' in form


def test_admin_upload_form_needs_both_the_csrf_token_and_the_admin_token(kb):
    from webui import create_app

    guarded = create_app(kb, {"MINEKB_ADMIN_TOKEN": "right-token"}).test_client()
    page = guarded.get("/ingest").get_data(as_text=True)
    token = csrf_from(page)
    json_errors = {"Accept": "application/json"}
    no_csrf = guarded.post("/ingest", data={"token": "right-token", "file": (io.BytesIO(b"x"), "a.txt")},
                           headers=json_errors)
    assert assert_error_shape(no_csrf, 400)["details"][0]["field"] == "csrf_token"
    wrong = guarded.post("/ingest", data={"csrf_token": token, "token": "wrong", "file": (io.BytesIO(b"x"), "a.txt")},
                         headers=json_errors)
    assert_error_shape(wrong, 401)
