"""Search over the real knowledge base (bundled corpus), through the facade and the CLI."""
from __future__ import annotations

import json
import threading

import pytest

from minekb.cli import main


def test_every_clause_of_the_knowledge_base_is_indexed(kb):
    searcher = kb.searcher
    indexed = sum(1 for _, c in kb.clauses.values() if c.text.strip())
    assert searcher.doc_count == indexed


def test_document_number_finds_the_bundled_document(kb):
    doc = next(d for d in kb.documents.values() if d.number and "〔" in d.number and d.clauses)
    typed = doc.number.replace("〔", "(").replace("〕", ") ")
    r = kb.searcher.search(typed)
    assert r["hits"] and r["hits"][0]["doc_id"] == doc.id
    assert r["hits"][0]["doc_number"] == doc.number


def test_searcher_is_reused_and_safe_across_threads(kb):
    searcher = kb.searcher
    assert kb.searcher is searcher
    expected = searcher.search("矿山 生态修复", limit=5)
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(searcher.search("矿山 生态修复", limit=5))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r["hits"] == expected["hits"] for r in results)


def test_cli_search_prints_contract_json(kb_home, monkeypatch, capsys):
    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))
    assert main(["search", "矿山", "--json", "--limit", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "矿山" and len(out["hits"]) == 3
    assert out["total"] >= 3


def test_cli_search_text_output_names_clause_ids(kb_home, monkeypatch, capsys):
    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))
    assert main(["search", "矿山", "--limit", "2", "--filter", "status=in_force"]) == 0
    out = capsys.readouterr().out
    assert "clauses match" in out and "~" in out and "<mark>" not in out


@pytest.mark.parametrize("argv,message", [
    (["search", '"矿山'], "unbalanced quotes"),
    (["search", "矿山", "--filter", "colour=red"], "unknown filter"),
    (["search", "矿山", "--filter", "level"], "KEY=VALUE"),
    (["search", "矿山", "--limit", "0"], "limit"),
])
def test_cli_search_reports_bad_input_as_a_clean_error(kb_home, monkeypatch, capsys, argv, message):
    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_ingested_document_is_searchable_in_the_new_generation_only(tmp_path):
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import KnowledgeBase, build, ingest

    home = KnowledgeBaseHome(tmp_path / "home")
    build(home)
    before = KnowledgeBase.open(home)

    def exact(kb):
        result = kb.searcher.search("石墨烯尾矿")
        return [] if result.get("relaxed") else result["hits"]

    assert exact(before) == []
    policy = tmp_path / "graphene-tailings.txt"
    policy.write_text("关于石墨烯尾矿库修复的通知\n\n第一条 石墨烯尾矿库闭库后应当开展生态修复。\n", encoding="utf-8")
    ingest([policy], home)
    after = KnowledgeBase.open(home)
    hits = exact(after)
    assert hits and "石墨烯尾矿" in hits[0]["text"]
    assert exact(before) == []   # a searcher already open keeps its generation


def test_generation_without_an_index_gets_one_on_first_search(kb, tmp_path):
    import shutil

    from search import Searcher

    gen = tmp_path / "gen"
    shutil.copytree(kb.gen_dir, gen, ignore=shutil.ignore_patterns("index"))

    class OldGeneration:  # a knowledge base built before the search stage existed
        gen_dir = gen
        documents = kb.documents

    searcher = Searcher(OldGeneration())
    assert searcher.doc_count == kb.searcher.doc_count
    assert (gen / "index").is_dir()
