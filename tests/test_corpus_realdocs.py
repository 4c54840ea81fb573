"""Reading real files right: every metadata field and structure count of an expected file.

Two sets: the real texts of the shared folder's ``realdocs/`` (found through
minekb/shared.py; skipped with the reason when absent) and the project's own
invented set in ``tests/fixtures/reading`` (laws with revisions, a municipal
办法 signed in Chinese numerals, a joint 通知, a notice with two attachments, a
gov.cn copy under a numeric file name, a PDF with running heads and a wrapped
title, a .docx with Word's automatic numbering — the last two built from
their specs by ``corpus.readingset``; the PDF test skips when fontconfig knows
no CJK font).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.readingeval import check, counts, evaluate_folder, read_document
from corpus.readingset import prepare

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reading"


def _realdocs() -> Path:
    from minekb.shared import shared_dir

    shared = shared_dir()
    folder = shared / "realdocs" if shared else None
    if folder is None or not (folder / "expected.json").is_file():
        pytest.skip("the shared folder's realdocs/ (real policy texts with expected.json) is not found: "
                    "set MINEKB_SHARED or put the shared folder beside the checkout")
    return folder


@pytest.fixture(scope="module")
def own_set(tmp_path_factory) -> Path:
    """The invented set in a temporary folder, with its PDF and .docx built."""
    folder = tmp_path_factory.mktemp("reading")
    MISSING.update(prepare(FIXTURES, folder))
    return folder


MISSING: dict[str, str] = {}     # specs this machine cannot build (no CJK font): file -> why


@pytest.fixture(scope="module")
def annotator():
    from corpus.annotate import Annotator

    return Annotator()


def _entries(folder: Path) -> list[dict]:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def _assert_read_right(folder: Path, annotator) -> None:
    problems = []
    for entry in _entries(folder):
        if entry["file"] in MISSING:
            continue                  # its own test skips with the reason
        document, warnings = read_document(folder / entry["file"], annotator)
        result = check(document, entry, warnings)
        for name, (expected, found) in result.wrong.items():
            problems.append(f"{entry['file']}: {name} expected {expected!r}, found {found!r}")
    assert not problems, "\n".join(problems)


def test_every_field_and_count_of_the_real_texts(annotator):
    _assert_read_right(_realdocs(), annotator)


def test_every_field_and_count_of_the_invented_set(own_set, annotator):
    _assert_read_right(own_set, annotator)


def test_the_evaluation_scores_a_folder_and_names_what_is_wrong(own_set, annotator, tmp_path):
    if MISSING:
        pytest.skip("; ".join(MISSING.values()))
    score = evaluate_folder(own_set, annotator=annotator)
    assert score.overall == 1.0 and len(score.checks) == 11
    wrong = [dict(entry, number="国发〔2000〕1号") for entry in _entries(own_set)]
    (tmp_path / "expected.json").write_text(json.dumps(wrong, ensure_ascii=False), encoding="utf-8")
    score = evaluate_folder(own_set, tmp_path / "expected.json", annotator=annotator)
    assert score.accuracy("number") == 0.0 and score.accuracy("title") == 1.0
    assert "number" in score.as_json()["wrong"]["joint_notice.txt"]


def test_origins_say_where_each_field_was_read():
    folder = _realdocs()
    document, _ = read_document(folder / "土地复垦条例(2011-03-05).md")
    origin = document.metadata_origin
    assert origin["number"] == "inferred:promulgation" and origin["issuer"] == "inferred:promulgation"
    assert origin["title"] == "inferred:title_block" and origin["in_force_from"] == "inferred:text"
    notice, _ = read_document(folder / "国务院办公厅关于印发无废城市建设试点工作方案的通知.txt")
    assert notice.metadata_origin["number"] == "inferred:gov_table"


def test_a_law_s_own_promulgation_number_is_not_a_citation_and_its_repeal_is_a_relation():
    document, _ = read_document(_realdocs() / "土地复垦条例(2011-03-05).md")
    assert [(r.type, r.target) for r in document.relations] == [("repeals", "土地复垦规定")]
    assert not any(c.text.startswith(("2011年", "国务院令")) for c in document.clauses)


def test_paragraphs_after_an_article_s_items_stay_at_article_level(own_set):
    document, _ = read_document(own_set / "law_revised.md")
    by_path = {c.path: c for c in document.clauses}
    assert [p for p in by_path if p.startswith("art_3")] == \
        ["art_3", "art_3__item_1", "art_3__item_2", "art_3__item_3", "art_3__para_2", "art_3__para_3"]
    assert by_path["art_3__para_2"].text.startswith("历史遗留矿区")
    assert by_path["art_3__para_2"].parent == by_path["art_3"].id
    assert by_path["art_3__item_3"].text == "因地制宜，宜林则林、宜草则草。"


def test_items_numbered_across_sections_and_notes_in_parentheses(own_set):
    document, _ = read_document(own_set / "joint_notice.txt")
    by_path = {c.path: c for c in document.clauses}
    assert "sec_2__item_3" in by_path and "sec_3__item_5" in by_path
    assert by_path["sec_1__item_1"].text.endswith("（自然资源部、财政部负责）")
    # the salutation, the signature and the page furniture are not clauses
    texts = " ".join(c.text for c in document.clauses)
    for furniture in ("各省、自治区", "扫一扫", "我要纠错", "此件主动公开", "2023年3月1日"):
        assert furniture not in texts


def test_two_attachments_are_their_own_subtrees(own_set):
    document, _ = read_document(own_set / "notice_two_attachments.txt")
    annexes = [c for c in document.clauses if "__" not in c.path and c.path.startswith("annex_")]
    assert [(c.path, c.heading) for c in annexes] == [("annex_1", "附件1 矿山生态修复验收办法"),
                                                      ("annex_2", "附件2 矿山生态修复技术要点")]
    paths = [c.path for c in document.clauses]
    assert "annex_1__art_3__item_3" in paths and "annex_2__sec_2__item_2" in paths
    assert not any("山西省自然资源厅" == c.text for c in document.clauses)


def test_a_document_attached_after_the_signature_opens_an_attachment():
    document, _ = read_document(_realdocs() / "国务院办公厅关于印发无废城市建设试点工作方案的通知.txt")
    annex = document.clauses[[c.path for c in document.clauses].index("annex_1")]
    assert annex.heading == "“无废城市”建设试点工作方案"
    assert counts(document)["sections"] == 4


def test_the_pdf_s_running_heads_and_page_numbers_are_dropped_and_the_page_break_is_joined(own_set):
    if "pdf_regulation.pdf" in MISSING:
        pytest.skip(MISSING["pdf_regulation.pdf"])
    document, warnings = read_document(own_set / "pdf_regulation.pdf")
    texts = [c.text for c in document.clauses]
    assert not any("规范性文件" in t or "—" in t for t in texts)
    art3 = next(c for c in document.clauses if c.path == "art_3")
    assert art3.text.endswith("承担修复责任；责任主体灭失的，由所在地县级人民政府组织修复。")
    assert warnings == []


def test_word_automatic_numbering_is_rendered_and_warned_about(own_set):
    document, warnings = read_document(own_set / "docx_numbered.docx")
    headings = [c.heading for c in document.clauses]
    assert headings[:5] == ["第一条", "第二条", "第三条", "（一）", "（二）"]
    assert any("automatic numbering" in w for w in warnings)
    assert next(c for c in document.clauses if c.path == "art_3__para_2").text.startswith("采矿权人未履行")


def test_a_text_run_together_on_one_line_is_split_at_its_own_numbering(tmp_path):
    import re

    source = (_realdocs() / "地质灾害防治条例(2003-11-24).md").read_text(encoding="utf-8")
    body = re.sub(r"\s+", " ", source.split("<!-- INFO END -->", 1)[1].replace("#", ""))
    path = tmp_path / "one_line.txt"
    path.write_text("地质灾害防治条例 " + body, encoding="utf-8")
    document, warnings = read_document(path)
    assert (counts(document)["chapters"], counts(document)["articles"]) == (7, 49)
    assert max(len(c.text) for c in document.clauses) < 600
    assert document.title == "地质灾害防治条例" and document.level == "state_council"
    assert not any("characters" in w for w in warnings)
    # an article cited inside a sentence stays text
    art = next(c for c in document.clauses if c.path == "art_47")
    assert "《地质资料管理条例》" in art.text


def test_a_long_clause_and_a_text_without_structure_are_warned_about(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("某市矿山修复工作情况的通知\n\n" + "今年各地推进矿山修复工作，取得了积极进展，" * 160 + "。\n",
                    encoding="utf-8")
    _, warnings = read_document(path)
    assert any("characters: its structure was probably not recognized" in w for w in warnings)
    assert any(w.startswith("no structure found") for w in warnings)
    assert any(w.startswith("no 文号 found") for w in warnings)


def test_the_set_written_after_the_reader_is_read_right_but_for_the_known_gap(annotator):
    folder = FIXTURES.parent / "reading_heldout"
    score = evaluate_folder(folder, annotator=annotator)
    wrong = {(c.file, name) for c in score.checks for name in c.wrong}
    # a county's province is not known to the reader: there is no county table (docs/corpus.md)
    assert wrong == {("county_notice.txt", "region")}
    order, _ = read_document(folder / "ministry_order.txt", annotator)
    assert order.metadata_origin["number"] == "inferred:order_cover"
    assert [c.path for c in order.clauses] == ["art_1", "art_2", "art_3", "art_4"]


def test_hard_wrapped_lines_are_rejoined_and_a_comma_ended_line_is_no_title():
    document, _ = read_document(FIXTURES.parent / "reading_heldout" / "wrapped_plan.txt")
    by_path = {c.path: c for c in document.clauses}
    assert by_path["sec_3__item_3"].text == "实施伊河流域废弃矿山集中治理工程，消除地质灾害隐患，恢复河岸植被，打造生态廊道。"
    assert by_path["sec_2__item_1"].text.endswith("两千公顷。（市自然资源和规划局负责）")
    assert "sec_3__item_3__para_1" not in by_path


def test_the_red_header_and_the_foot_of_an_official_document_are_not_clauses(own_set):
    document, warnings = read_document(own_set / "red_header_notice.txt")
    assert [c.text for c in document.clauses] == ["为加快修复进度，现就有关事项通知如下。", "明确任务", "各市于年底前完成排查。"]
    assert warnings == []


def test_a_file_title_property_is_only_a_fallback(tmp_path):
    from tests.corpus_helpers import make_docx

    path = make_docx(tmp_path / "a.docx", ["某市矿山复绿办法", "第一条 鼓励复绿。"], title="Normal template")
    document, _ = read_document(path)
    assert document.title == "某市矿山复绿办法" and document.metadata_origin["title"] == "inferred:title_block"
    path = make_docx(tmp_path / "b.docx", ["第一条 鼓励复绿。"], title="某市矿山复绿办法")
    document, warnings = read_document(path)
    assert document.metadata_origin["title"] == "file_properties"
    assert any("title property" in w for w in warnings)


def test_a_table_of_contents_without_page_numbers_is_not_the_structure(own_set):
    document, _ = read_document(own_set / "law_with_toc.txt")
    assert [c.path for c in document.clauses] == ["chap_1", "art_1", "chap_2", "art_2", "chap_3", "art_3"]
    assert document.clauses[0].heading == "第一章 总则"


def test_attachments_headed_with_their_titles_after_the_signature(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("某省自然资源厅关于印发两项制度的通知\n某自然资发〔2022〕3号\n各市自然资源局：\n现将两项制度印发给你们。\n"
                    "附件1：矿山修复验收办法\n附件2：矿山修复技术要点\n某省自然资源厅\n2022年4月15日\n"
                    "附件1：矿山修复验收办法\n第一条 为规范验收，制定本办法。\n第二条 验收由县级组织。\n"
                    "附件2：矿山修复技术要点\n一、地形整治\n（一）削坡降级。\n", encoding="utf-8")
    document, _ = read_document(path)
    by_path = {c.path: c for c in document.clauses}
    # the listing in the body stays text; the attachments after the signature are subtrees
    assert by_path["preamble__para_2"].text == "附件1：矿山修复验收办法"
    assert by_path["annex_1"].heading == "附件1 矿山修复验收办法" and "annex_1__art_2" in by_path
    assert by_path["annex_2"].heading == "附件2 矿山修复技术要点" and "annex_2__sec_1__item_1" in by_path
