"""The clause tree: Akoma-Ntoso-style ids exactly as docs/architecture.md defines them."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.loaders import load_file
from corpus.parse import build_clauses, parse_path
from corpus.normalize import clean_lines

REGULATION = """\
某省废弃矿山生态修复条例

为规范废弃矿山生态修复，制定本条例。

第一章 总则
第一条 本条例适用于本省行政区域内的废弃矿山生态修复。
第二条 矿山生态修复坚持谁破坏、谁治理的原则。
历史遗留矿山由县级人民政府负责组织修复。
第二章 修复与利用
第三条 【土石料】修复中产生的土石料可以依法销售：
（一）用于本工程的，无偿使用；
（二）对外销售的，收益用于修复。
第十条 违反本条例的，依法处理。
"""

PLAN = """\
某市矿山生态修复规划

目 录
第一章 形势.....1
一、现状.....1

第一章 形势
一、现状
全市共有废弃矿山120处，面积300公顷。
治理工作取得了明显成效。
二、任务
（一）历史遗留矿山修复
自然恢复类主要包括深山区的矿山。
人工修复类主要包括城市周边的矿山。
1. 编制修复方案；
2. 实施修复工程。
表1 修复类别统计
类别\t数量
自然恢复\t40
人工修复\t80
"""


def _clauses(text: str, doc_id: str = "t"):
    """Clauses of a text body (no title block: every line is body)."""
    return {c.path: c for c in build_clauses(doc_id, clean_lines(text))}


def test_articles_are_numbered_through_the_document_not_nested_under_chapters():
    clauses = _clauses(REGULATION)
    assert "art_1" in clauses and "art_3" in clauses and "art_10" in clauses
    assert clauses["art_3"].heading_path == ["第二章 修复与利用", "第三条 土石料"]
    assert clauses["art_3"].parent == "t~chap_2"


def test_the_paragraphs_of_an_article_stay_in_the_article():
    clauses = _clauses(REGULATION)
    assert clauses["art_2"].text == "矿山生态修复坚持谁破坏、谁治理的原则。\n历史遗留矿山由县级人民政府负责组织修复。"


def test_items_of_an_article_nest_under_it():
    clauses = _clauses(REGULATION)
    assert clauses["art_3__item_1"].text == "用于本工程的，无偿使用；"
    assert clauses["art_3__item_2"].parent == "t~art_3"


def test_text_before_the_first_heading_is_the_preamble_and_the_title_line_is_metadata(tmp_path):
    path = tmp_path / "regulation.txt"
    path.write_text(REGULATION, encoding="utf-8")
    document = parse_path(path)
    clauses = {c.path: c for c in document.clauses}
    assert document.title == "某省废弃矿山生态修复条例"
    assert clauses["preamble__para_1"].text == "为规范废弃矿山生态修复，制定本条例。"


def test_plan_numbering_gives_sections_items_points_paragraphs_and_tables():
    clauses = _clauses(PLAN)
    assert clauses["chap_1__sec_1__para_1"].text == "全市共有废弃矿山120处，面积300公顷。"
    assert clauses["chap_1__sec_1__para_2"].text == "治理工作取得了明显成效。"
    assert clauses["chap_1__sec_2__item_1__para_2"].text == "人工修复类主要包括城市周边的矿山。"
    assert clauses["chap_1__sec_2__item_1__point_2"].text == "实施修复工程。"
    assert clauses["chap_1__sec_2__item_1__table_1"].heading == "表1 修复类别统计"
    assert clauses["chap_1__sec_2__item_1__table_1__para_3"].text == "人工修复 | 80"
    assert clauses["chap_1__sec_2__item_1__para_1"].heading_path == \
        ["第一章 形势", "二、任务", "（一）历史遗留矿山修复", "¶1"]


def test_table_of_contents_entries_do_not_become_clauses():
    clauses = _clauses(PLAN)
    assert [p for p in clauses if p.startswith("chap_1__sec_1") and p.count("__") == 1] == ["chap_1__sec_1"]
    assert not any(p.endswith("_v2") for p in clauses)


def test_paper_numbering_nests_decimal_sections():
    text = "1 引言\n研究背景。\n1.1 问题\n(1) 第一点。\n(2) 第二点。\n2 结论\n结论段落。\n"
    clauses = _clauses(text)
    assert clauses["point_1__point_1_1__point_2"].text == "第二点。"
    assert clauses["point_2__para_1"].text == "结论段落。"


def test_a_year_at_the_start_of_a_wrapped_line_is_not_a_heading():
    text = "1 引言\n近年来各地积极推进废弃矿山生态修复工作，我国于\n2019 年发布了相关意见，要求各地推进修复工作并取得成\n效。\n"
    clauses = _clauses(text)
    assert list(clauses) == ["point_1", "point_1__para_1"]
    assert clauses["point_1__para_1"].text == \
        "近年来各地积极推进废弃矿山生态修复工作，我国于2019年发布了相关意见，要求各地推进修复工作并取得成效。"


def test_reparsing_an_unchanged_file_yields_the_same_ids(seeds_dir: Path):
    path = seeds_dir / "003_3b518e528dbd91ac.txt"
    first = parse_path(path)
    second = parse_path(path)
    assert first.id == second.id
    assert [c.id for c in first.clauses] == [c.id for c in second.clauses]
    assert len({c.id for c in first.clauses}) == len(first.clauses)


def test_the_beijing_plan_table_of_contents_is_not_duplicated(seeds_dir: Path):
    document = parse_path(seeds_dir / "003_3b518e528dbd91ac.txt")
    chapters = [c for c in document.clauses if c.path.startswith("chap_") and "__" not in c.path]
    assert [c.heading for c in chapters] == [
        "第一章 基础分析与形势研判", "第二章 指导思想、原则及范畴", "第三章 规划目标与修复任务",
        "第四章 矿山生态修复规划部署", "第五章 规划实施保障措施"]
    assert not any(c.text.rstrip().endswith(("....", "\t1")) for c in document.clauses)


def test_a_sentence_split_by_a_page_break_is_joined(seeds_dir: Path):
    document = parse_path(seeds_dir / "003_3b518e528dbd91ac.txt")
    text = next(c.text for c in document.clauses if "优先对生态保护红线内废弃矿山进行修复" in c.text)
    assert "提高生态系统的完整性和连续性。" in text


def test_paper_furniture_and_references_are_not_clauses(seeds_dir: Path):
    document = parse_path(seeds_dir / "000_e906bc84023ff491.txt")
    texts = " ".join(c.text for c in document.clauses)
    assert "收稿日期" not in texts and "[1] 张进德" not in texts
    assert any(c.heading == "4.5 政策创新" for c in document.clauses)


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_markdown_heading_marks_and_tables_are_understood(tmp_path, suffix):
    path = tmp_path / f"doc{suffix}"
    path.write_text("# 某省矿山修复办法\n\n## 第一章 总则\n\n第一条 鼓励修复。\n\n表1 指标\n\n| 指标 | 值 |\n|---|---|\n| 复垦率 | 20% |\n",
                    encoding="utf-8")
    document = parse_path(path)
    if suffix == ".md":
        by_path = {c.path: c for c in document.clauses}
        assert document.title == "某省矿山修复办法"
        assert by_path["art_1__table_1__para_2"].text == "复垦率 | 20%"
    else:
        assert load_file(path).fmt == "txt"


def test_long_prose_after_a_table_without_tab_rows_leaves_the_table():
    prose = "我国在矿山废弃地治理和土地复垦方面的法规体系日趋完善，技术标准不断提高，绿色矿山的理念和目标得到重视，" \
            "各级法规与制度下皆明确了自然资源、水利和林业等政府部门的监管责任，采用政府和民间资本相结合的方式，" \
            "建立各部门协调机制，统筹推进矿山生态修复与利用工作。"
    text = f"1 法规\n表 3 我国相关法规\n时间 名称\n1988年 《土地复垦规定》\n\n{prose}\n"
    clauses = _clauses(text)
    assert clauses["point_1__table_3__para_2"].text == "1988年《土地复垦规定》"
    assert clauses["point_1__para_1"].text == prose


DIGEST = """\
要点1 【原则】矿山生态修复按谁破坏、谁治理推进。
历史遗留矿山由政府组织修复。
要点2 【土石料】剩余土石料可以对外销售：
（一）收益用于生态修复。
要点3 修复后的土地按国土空间规划利用。
"""


def test_a_digest_numbers_its_points_as_points_not_articles():
    clauses = _clauses(DIGEST)
    assert [p for p in clauses if "__" not in p] == ["pt_1", "pt_2", "pt_3"]
    assert clauses["pt_1"].heading == "要点1 原则"
    assert clauses["pt_1"].text == "矿山生态修复按谁破坏、谁治理推进。\n历史遗留矿山由政府组织修复。"
    assert clauses["pt_2__item_1"].parent == "t~pt_2"
    assert clauses["pt_3"].heading == "要点3" and clauses["pt_3"].text.startswith("修复后的土地")
