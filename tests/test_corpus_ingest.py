"""Ingest: the five seeds end to end, idempotent re-ingest, --replace, bad files, atomicity under SIGKILL."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from corpus import store
from corpus.ingest import ingest_paths
from corpus.store import StoreError, load_documents
from tests.corpus_helpers import make_pdf

REPO = Path(__file__).resolve().parent.parent
BEIJING = "003_3b518e528dbd91ac.txt"


@pytest.fixture(scope="module")
def seeds_gen(tmp_path_factory, seeds_dir):
    """A generation folder holding the five seeds, ingested once for this module."""
    gen = tmp_path_factory.mktemp("seeds-gen")
    report = ingest_paths(gen, [seeds_dir])        # the folder: its README.md is not a document
    assert [f.status for f in report.files] == ["added"] * 5, [f.line() for f in report.files]
    return gen


@pytest.fixture(scope="module")
def seed_docs(seeds_gen):
    return load_documents(seeds_gen)


def _doc_from(docs, source_name):
    return next(d for d in docs.values() if d.source == f"file:{source_name}")


def test_the_beijing_plan_has_its_three_restoration_categories_as_clauses(seed_docs):
    plan = _doc_from(seed_docs, BEIJING)
    category = {c.path: c for c in plan.clauses if c.path.startswith("chap_3__sec_3__item_1__para_")}
    starts = {path: c.text[:5] for path, c in category.items()}
    assert starts["chap_3__sec_3__item_1__para_2"] == "自然恢复类"
    assert starts["chap_3__sec_3__item_1__para_3"] == "人工修复类"
    assert starts["chap_3__sec_3__item_1__para_4"] == "综合利用类"
    assert category["chap_3__sec_3__item_1__para_2"].heading_path[:3] == \
        ["第三章 规划目标与修复任务", "三、修复任务", "（一）历史遗留废弃矿山修复"]
    assert all(category[f"chap_3__sec_3__item_1__para_{n}"].type == "definition" for n in (2, 3, 4))
    shares = {m.value for m in category["chap_3__sec_3__item_1__para_1"].mentions if m.kind == "quantity"}
    assert {"9%", "78%", "13%"} <= shares


def test_the_beijing_plan_has_its_thirteen_legal_bases_under_their_heading(seed_docs):
    plan = _doc_from(seed_docs, BEIJING)
    bases = [c for c in plan.clauses if c.path.startswith("chap_2__sec_3__point_")]
    assert [c.path for c in bases] == [f"chap_2__sec_3__point_{n}" for n in range(1, 14)]
    assert all(c.heading_path[:2] == ["第二章 指导思想、原则及范畴", "三、规划依据"] for c in bases)
    assert bases[0].text == "《中华人民共和国矿产资源法》（2009年修正）"
    assert bases[8].text == "《自然资源部关于探索利用市场化方式推进矿山生态修复的意见》（自然资规〔2019〕6号）"
    numbers = {m.value for c in bases for m in c.mentions if m.kind == "doc_number"}
    assert {"国务院令第592号", "自然资规〔2019〕6号", "国发〔2018〕22号", "自然资办发〔2020〕38号"} <= numbers


def test_the_market_restoration_opinion_is_cited_in_three_seeds(seed_docs):
    citing = {d.source for d in seed_docs.values()
              if any(m.kind == "citation" and m.value == "自然资规〔2019〕6号" for c in d.clauses for m in c.mentions)}
    assert citing == {"file:000_e906bc84023ff491.txt", "file:001_facda00939a5a385.txt", f"file:{BEIJING}"}
    plan = _doc_from(seed_docs, BEIJING)
    assert any(r.type == "cites" and r.target == "自然资规〔2019〕6号" for r in plan.relations)


def test_sources_and_manifest_are_written(seeds_gen, seed_docs, seeds_dir):
    manifest = store.load_manifest(seeds_gen)
    assert set(manifest) == set(seed_docs)
    plan = _doc_from(seed_docs, BEIJING)
    assert (seeds_gen / "sources" / f"{plan.id}.txt").read_bytes() == (seeds_dir / BEIJING).read_bytes()
    assert manifest[plan.id]["clauses"] == len(plan.clauses)


def test_reingesting_unchanged_files_changes_nothing(tmp_path, seeds_dir):
    gen = tmp_path / "gen"
    ingest_paths(gen, [seeds_dir / BEIJING])
    before = {p: p.read_bytes() for p in gen.rglob("*") if p.is_file()}
    report = ingest_paths(gen, [seeds_dir / BEIJING])
    assert [f.status for f in report.files] == ["unchanged"] and not report.changed
    assert {p: p.read_bytes() for p in gen.rglob("*") if p.is_file()} == before


def test_a_changed_file_is_kept_until_replace_is_asked(tmp_path):
    gen, path = tmp_path / "gen", tmp_path / "notice.txt"
    path.write_text("关于修复的通知\n第一条 鼓励社会资本参与修复。\n", encoding="utf-8")
    doc_id = ingest_paths(gen, [path]).files[0].doc_id
    path.write_text("关于修复的通知\n第一条 禁止在红线内采矿。\n", encoding="utf-8")
    skipped = ingest_paths(gen, [path])
    assert skipped.files[0].status == "skipped" and "--replace" in skipped.files[0].message
    assert load_documents(gen)[doc_id].clauses[0].text == "鼓励社会资本参与修复。"
    replaced = ingest_paths(gen, [path], replace=True)
    assert replaced.files[0].status == "replaced" and replaced.changed
    clause = load_documents(gen)[doc_id].clauses[0]
    assert (clause.id, clause.text, clause.type) == (f"{doc_id}~art_1", "禁止在红线内采矿。", "constraint")


def test_bad_files_are_reported_and_the_rest_of_the_batch_is_ingested(tmp_path, monkeypatch):
    from corpus import loaders

    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 4096)
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    (folder / "gbk-broken.txt").write_bytes(b"\x80\xff" * 200)
    (folder / "huge.txt").write_text("矿" * 5000, encoding="utf-8")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\nnot really")
    (folder / "good.txt").write_text("关于修复的意见\n第一条 鼓励修复。\n", encoding="utf-8")
    report = ingest_paths(tmp_path / "gen", [folder, tmp_path / "missing.txt"])
    status = {Path(f.path).name: f for f in report.files}
    assert status["good.txt"].status == "added"
    for name, reason in [("empty.txt", "empty file"), ("binary.txt", "binary"), ("gbk-broken.txt", "undecodable"),
                         ("huge.txt", "too large"), ("corrupt.pdf", "PDF"), ("missing.txt", "no such file")]:
        assert status[name].status == "error", name
        assert name in status[name].message and reason in status[name].message, status[name].message
    assert list(load_documents(tmp_path / "gen")) == [status["good.txt"].doc_id]


def test_two_files_with_the_same_id_are_not_both_stored(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("自然资规〔2019〕6号\n关于某事的意见\n第一条 鼓励。\n" + name, encoding="utf-8")
    report = ingest_paths(tmp_path / "gen", [tmp_path / "a.txt", tmp_path / "b.txt"])
    assert [f.status for f in report.files] == ["added", "error"]
    assert "cn-mnr-2019-6" in report.files[1].message


def test_a_pdf_is_ingested_with_its_original_bytes_kept(tmp_path):
    pdf = make_pdf(tmp_path / "rule.pdf", [["某县废弃矿山管理办法", "第一条 禁止乱采滥挖。"]])
    report = ingest_paths(tmp_path / "gen", [pdf])
    doc_id = report.files[0].doc_id
    assert (tmp_path / "gen" / "sources" / f"{doc_id}.pdf").read_bytes() == pdf.read_bytes()


def test_unreadable_stored_records_are_errors_naming_the_file(tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="bad.json"):
        load_documents(tmp_path)
    assert load_documents(tmp_path / "nothing-here") == {}


KILLED_INGEST = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import ingest

    home = KnowledgeBaseHome(sys.argv[1])
    marker = Path(sys.argv[2])

    def progress(stage, done, total, detail=""):
        if stage == "ingest" and done == 1:
            marker.write_text("mid-ingest")
            time.sleep(60)          # the parent kills us here

    ingest(sys.argv[3:], home, progress=progress)
""")


def test_a_process_killed_mid_ingest_leaves_the_previous_knowledge_base_whole(tmp_path, seeds_dir, kb_home):
    import shutil

    from minekb.home import KnowledgeBaseHome

    shutil.copytree(kb_home.path, tmp_path / "home", ignore=shutil.ignore_patterns(".lock"))
    home = KnowledgeBaseHome(tmp_path / "home")          # the previous KB: the bundled build
    live = home.current()
    before = {p.relative_to(live): p.read_bytes() for p in live.rglob("*") if p.is_file()}
    previous_docs = set(load_documents(live))
    marker = tmp_path / "marker"
    others = [str(seeds_dir / n) for n in ("000_e906bc84023ff491.txt", "002_f25bba03683a39c5.txt")]
    proc = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(home.path), str(marker), *others],
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the ingest process ended before it could be killed"
            assert time.monotonic() < deadline, "the ingest process never reached the middle of its batch"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert home.current() == live
    assert {p.relative_to(live): p.read_bytes() for p in live.rglob("*") if p.is_file()} == before
    assert set(load_documents(live)) == previous_docs
    # and the next ingest works (the dead writer's lock went with it)
    from minekb.kb import ingest as kb_ingest

    report = kb_ingest(others[:1], home)
    assert [f.status for f in report.files] == ["added"]
    assert set(load_documents(home.current())) == previous_docs | {report.files[0].doc_id}


def test_citations_of_stored_documents_are_relinked_when_the_cited_document_arrives(tmp_path):
    gen = tmp_path / "gen"
    citing = tmp_path / "plan.txt"
    citing.write_text("某市规划\n第一条 依据《关于推进某项工作的意见》开展修复。\n", encoding="utf-8")
    ingest_paths(gen, [citing])
    cited = tmp_path / "opinion.md"
    cited.write_text("---\nid: xx-opinion\ntitle: 关于推进某项工作的意见\n---\n第一条 鼓励修复。\n", encoding="utf-8")
    report = ingest_paths(gen, [cited])
    plan_id = next(d for d in load_documents(gen) if d != "xx-opinion")
    assert report.relinked == [plan_id]
    plan = load_documents(gen)[plan_id]
    assert [m.value for m in plan.clauses[0].mentions if m.kind == "citation"] == ["xx-opinion"]
    assert [(r.type, r.target) for r in plan.relations] == [("cites", "xx-opinion")]


def test_the_ingest_report_is_json_serializable(tmp_path, seeds_dir):
    report = ingest_paths(tmp_path / "gen", [seeds_dir / BEIJING])
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["changed"] is True and data["files"][0]["status"] == "added"


def test_stored_records_are_exactly_the_documents_to_dict(seeds_gen, seed_docs):
    for doc_id, document in seed_docs.items():
        stored = json.loads(store.document_path(seeds_gen, doc_id).read_text(encoding="utf-8"))
        assert stored == document.to_dict()
        assert store.document_dict(document) == document.to_dict()


def test_a_file_whose_id_changes_replaces_its_old_document(tmp_path):
    gen, path = tmp_path / "gen", tmp_path / "draft.txt"
    path.write_text("关于修复的意见（征求意见稿）\n第一条 鼓励修复。\n", encoding="utf-8")
    old_id = ingest_paths(gen, [path]).files[0].doc_id
    path.write_text("自然资规〔2019〕6号\n关于修复的意见\n第一条 鼓励修复。\n", encoding="utf-8")
    assert ingest_paths(gen, [path]).files[0].status == "skipped"
    report = ingest_paths(gen, [path], replace=True)
    assert (report.files[0].status, report.files[0].doc_id) == ("replaced", "cn-mnr-2019-6")
    assert list(load_documents(gen)) == ["cn-mnr-2019-6"] and old_id not in store.load_manifest(gen)


def test_every_mention_in_the_seeds_points_at_its_own_text(seed_docs):
    count = 0
    for document in seed_docs.values():
        for clause in document.clauses:
            for mention in clause.mentions:
                assert clause.text[mention.start:mention.end] == mention.text, (clause.id, mention)
                count += 1
    assert count > 300


def test_what_a_regulation_says_about_a_cited_document_becomes_a_typed_relation(tmp_path):
    (tmp_path / "old.md").write_text("---\nid: xx-old-rule\ntitle: 土地复垦规定\n---\n第一条 旧规定。\n", encoding="utf-8")
    (tmp_path / "law.md").write_text("---\nid: xx-law\ntitle: 土地管理法\n---\n第一条 上位法。\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text("某省土地复垦办法\n第一条 根据《土地管理法》，制定本办法。\n"
                                      "第二条 本办法施行后，《土地复垦规定》同时废止。\n", encoding="utf-8")
    ingest_paths(tmp_path / "gen", [tmp_path])
    new = next(d for d in load_documents(tmp_path / "gen").values() if d.id not in ("xx-old-rule", "xx-law"))
    assert sorted((r.type, r.target) for r in new.relations) == [("based_on", "xx-law"), ("repeals", "xx-old-rule")]
