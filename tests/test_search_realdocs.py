"""Search over real texts (realdocs/ of the shared reference folder, read at test time): a 文号 or a title answers with the document
and its first clause, 《title》 + 第三条 finds that article of the official text, ahead of its own items."""
from __future__ import annotations

import json

import pytest

from minekb.home import KnowledgeBaseHome
from minekb.kb import KnowledgeBase, build, ingest
from minekb.shared import shared_dir

REALDOCS = (shared_dir() / "realdocs") if shared_dir() else None
pytestmark = pytest.mark.skipif(REALDOCS is None or not (REALDOCS / "expected.json").is_file(),
                                reason="the shared reference folder (realdocs/) is not beside the checkout; set MINEKB_SHARED")


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory):
    home = KnowledgeBaseHome(tmp_path_factory.mktemp("realdocs-home"))
    build(home)
    files = sorted(p for p in REALDOCS.iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    ingest(files, home=home, replace=True)
    return KnowledgeBase.open(home)


@pytest.fixture(scope="module")
def expected():
    return json.loads((REALDOCS / "expected.json").read_text(encoding="utf-8"))


def _doc_of(kb, entry):
    """The knowledge base's document for an expected.json entry (by its source file, else by title)."""
    for doc in kb.documents.values():
        if entry["file"] in (doc.source or "") or doc.title in entry["title"]:
            if doc.content != "digest":
                return doc
    pytest.fail(f"{entry['file']} was not ingested")


def test_a_document_number_answers_with_the_official_document_first(real_kb, expected):
    for entry in expected:
        if not entry.get("number"):
            continue
        doc = _doc_of(real_kb, entry)
        r = real_kb.searcher.search(entry["number"])
        assert r["documents"][0]["id"] == doc.id, entry["number"]
        assert r["hits"][0]["doc_id"] == doc.id and r["hits"][0]["content"] != "digest", entry["number"]


def test_a_title_answers_with_its_document_card(real_kb, expected):
    for entry in expected:
        doc = _doc_of(real_kb, entry)
        r = real_kb.searcher.search(doc.title)
        assert doc.id in [d["id"] for d in r["documents"]][:2], doc.title
        assert r["hits"][0]["doc_id"] in [d["id"] for d in r["documents"]], doc.title


def test_title_and_article_three_finds_that_article_of_the_official_text(real_kb, expected):
    checked = 0
    for entry in expected:
        if not entry.get("articles") or entry["articles"] < 3:
            continue
        doc = _doc_of(real_kb, entry)
        third = next(c for c in doc.clauses if c.heading.startswith("第三条"))
        for q in (f"{doc.title}第三条", f"《{doc.title}》第3条"):
            r = real_kb.searcher.search(q)
            hit = r["hits"][0]
            assert hit["clause_id"] == third.id and hit["label"].startswith("第三条"), q
            items = [h["clause_id"] for h in r["hits"] if h["clause_id"].startswith(third.id + "__")]
            assert all(r["hits"].index(h) > 0 for h in r["hits"] if h["clause_id"] in items)
        checked += 1
    assert checked >= 6
