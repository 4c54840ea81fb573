"""The corpus commands: minekb ingest / docs / show / bench ingest / bench classify."""
from __future__ import annotations

import json
import shutil

import pytest

from minekb.cli import main


@pytest.fixture
def writable_home(kb_home, tmp_path):
    """A copy of the session's bundled KB that a test may ingest into."""
    target = tmp_path / "home"
    shutil.copytree(kb_home.path, target, ignore=shutil.ignore_patterns(".lock"))
    return target


@pytest.mark.parametrize("argv", [["ingest"], ["docs"], ["show"], ["bench", "ingest"], ["bench", "classify"]])
def test_every_corpus_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    assert "--json" in capsys.readouterr().out


def test_docs_lists_every_document_with_its_metadata(kb, kb_home, capsys):
    assert main(["--home", str(kb_home.path), "docs"]) == 0
    out = capsys.readouterr().out
    for doc in kb.documents.values():
        assert doc.id in out and doc.title in out
    assert main(["--home", str(kb_home.path), "docs", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in records} == set(kb.documents)
    assert all("clauses" not in r and r["clause_count"] >= 0 for r in records)


def test_show_prints_the_clause_tree_with_types_and_mentions(kb, kb_home, capsys):
    doc = max(kb.documents.values(), key=lambda d: len(d.clauses))
    assert main(["--home", str(kb_home.path), "show", doc.id]) == 0
    out = capsys.readouterr().out
    for clause in doc.clauses:
        assert f"{clause.path}  {clause.heading}  <{clause.type}" in out
    marked = next(c for c in doc.clauses if c.mentions)
    first = min(marked.mentions, key=lambda m: m.start)
    assert f"⟦{marked.text[first.start:first.end]}" in out


def test_show_json_is_the_full_document_record(kb, kb_home, capsys):
    doc = next(iter(kb.documents.values()))
    assert main(["--home", str(kb_home.path), "show", doc.id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == doc.id and len(data["clauses"]) == len(doc.clauses)


def test_show_of_an_unknown_document_is_a_clean_error(kb_home, capsys):
    assert main(["--home", str(kb_home.path), "show", "no-such-doc"]) == 2
    assert "no document 'no-such-doc'" in capsys.readouterr().err


def test_ingest_reports_each_file_and_succeeds_when_some_files_are_good(writable_home, tmp_path, capsys):
    good = tmp_path / "notice.txt"
    good.write_text("关于废弃矿山修复的通知\n第一条 鼓励社会资本参与修复。\n", encoding="utf-8")
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    assert main(["--home", str(writable_home), "ingest", str(good), str(bad)]) == 0
    out = capsys.readouterr().out
    assert f"added      {good}:" in out and "1 clauses" in out
    assert f"{bad}: empty file" in out
    assert main(["--home", str(writable_home), "docs"]) == 0
    assert "关于废弃矿山修复的通知" in capsys.readouterr().out
    assert main(["--home", str(writable_home), "ingest", str(good)]) == 0
    assert "(knowledge base unchanged)" in capsys.readouterr().out


def test_ingest_fails_when_every_file_fails(writable_home, tmp_path, capsys):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    assert main(["--home", str(writable_home), "ingest", str(bad)]) == 1
    assert "broken.pdf" in capsys.readouterr().out


def test_ingest_prints_reading_warnings_and_strict_refuses_the_whole_batch(writable_home, tmp_path, capsys):
    folder = tmp_path / "batch"
    folder.mkdir()
    clean = folder / "measures.txt"
    clean.write_text("赣州市矿山复绿管理办法\n\n第一条 鼓励复绿。\n\n第二条 本办法自2021年5月1日起施行。\n\n"
                     "赣州市人民政府\n\n二〇二一年三月十日\n", encoding="utf-8")
    warned = folder / "content_123456.txt"
    warned.write_text("为加强管理，现通知如下：各地要做好矿山复绿工作，按期报送进展，"
                      "确保资金用于复绿。\n", encoding="utf-8")
    home = ["--home", str(writable_home)]
    assert main([*home, "ingest", "--strict", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "--strict" in captured.err and "title taken from the file name" in captured.out
    assert "not ingested: --strict" in captured.out
    assert main([*home, "docs"]) == 0
    assert "赣州市矿山复绿管理办法" not in capsys.readouterr().out      # nothing of the batch was written
    assert main([*home, "ingest", "--json", str(folder)]) == 0
    report = json.loads(capsys.readouterr().out)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert by_name["measures.txt"]["warnings"] == [] and by_name["measures.txt"]["status"] == "added"
    assert any("file name" in w for w in by_name["content_123456.txt"]["warnings"])
    assert main([*home, "docs", "--json"]) == 0
    record = next(r for r in json.loads(capsys.readouterr().out) if r["title"] == "赣州市矿山复绿管理办法")
    assert (record["issuer"], record["issued"], record["level"], record["region"]) == \
        ("赣州市人民政府", "2021-03-10", "municipal", "江西")
