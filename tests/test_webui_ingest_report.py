"""The upload page and API say how each file was read: its outcome, the document it became, its reading
warnings, and never the server's path."""
from __future__ import annotations

import io
import re

import pytest


@pytest.fixture()
def guarded(tmp_path):
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import KnowledgeBase, build
    from webui import create_app

    home = KnowledgeBaseHome(tmp_path / "home")
    build(home)
    return create_app(KnowledgeBase.open(home), {"MINEKB_ADMIN_TOKEN": "s3cret"}).test_client()


# a copy of a notice saved from a web page under a numeric name: no 文号, no issuer line, a clear title
NOTICE = ("关于开展废弃矿山生态修复试点的通知\n\n"
          "一、试点范围\n选择历史遗留废弃矿山集中的县开展试点。\n\n"
          "二、工作要求\n（一）摸清底数。\n（二）分类施策。\n").encode("utf-8")


def test_the_upload_page_lists_each_file_with_its_reading_warnings(guarded):
    page = guarded.get("/ingest").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = guarded.post("/ingest", data={"csrf_token": token, "token": "s3cret",
                                             "file": (io.BytesIO(NOTICE), "content_5345294.txt")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert "content_5345294.txt" in html and "关于开展废弃矿山生态修复试点的通知" in html
    assert re.search(r'<ul class="warnings"><li>[^<]*(文号|发文机关|issuer)', html), html[-3000:]
    assert "/uploads/" not in html and "home/" not in html      # the server's folders are nobody's business


def test_the_upload_api_carries_the_warnings_per_file(guarded):
    response = guarded.post("/api/ingest", headers={"Authorization": "Bearer s3cret"},
                            data={"file": (io.BytesIO(NOTICE), "notice.txt")})
    data = response.get_json()
    assert response.status_code == 200, data
    [entry] = data["files"]
    assert entry["file"] == "notice.txt" and entry["status"] == "added" and entry["doc_id"]
    assert entry["warnings"] and data["warnings"] == len(entry["warnings"])
    assert "/" not in entry["file"] and "uploads" not in (entry["message"] or "")
