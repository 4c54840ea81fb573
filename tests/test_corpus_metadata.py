"""Document metadata: inferred from the seeds' title blocks, validated when given explicitly."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.metadata import MetadataError, id_from_number, make_doc_id, normalize_number, validate_explicit
from corpus.model import DOC_ID_RE
from corpus.parse import parse_path


def test_the_beijing_plan_title_issuer_date_and_region_are_inferred(seeds_dir: Path):
    document = parse_path(seeds_dir / "003_3b518e528dbd91ac.txt")
    assert document.title == "北京市矿山生态修复“十四五”规划(2021年-2025年)"
    assert document.issuer == "北京市规划和自然资源委员会"
    assert document.issued == "2021-04"
    assert document.region == "北京"
    assert document.level == "provincial"
    assert document.metadata_origin["title"] == "inferred:title_block"
    # the title block is metadata, not the first clauses
    assert not any(c.text.startswith("北京市规划和自然资源委员会") for c in document.clauses)


def test_papers_are_research_and_english_papers_are_english(seeds_dir: Path):
    paper = parse_path(seeds_dir / "000_e906bc84023ff491.txt")
    assert paper.title == "废弃矿山综合利用的系统认知与路径优化——基于要素禀赋差异的理论视角"
    assert paper.level == "research"
    english = parse_path(seeds_dir / "004_694b4d5a9ee01e09.txt")
    assert english.language == "en"
    assert english.title.startswith("Research on Mine Ecological Restoration")


def test_a_text_without_a_title_line_is_named_after_its_file(seeds_dir: Path):
    document = parse_path(seeds_dir / "002_f25bba03683a39c5.txt")
    assert document.id == "002-f25bba03683a39c5"
    assert document.metadata_origin["title"] == "file_name"


def test_every_seed_gets_a_valid_deterministic_document_id(seeds_dir: Path):
    for path in sorted(seeds_dir.glob("*.txt")):
        first, second = parse_path(path).id, parse_path(path).id
        assert first == second
        assert DOC_ID_RE.match(first), first


def test_a_document_number_line_in_the_title_block_gives_number_and_id(tmp_path):
    path = tmp_path / "opinion.txt"
    path.write_text("自然资规〔2019〕6号\n关于探索利用市场化方式推进矿山生态修复的意见\n自然资源部\n2019年12月17日\n"
                    "一、总体要求\n鼓励社会资本参与。\n", encoding="utf-8")
    document = parse_path(path)
    assert (document.number, document.id, document.issuer, document.issued) == \
        ("自然资规〔2019〕6号", "cn-mnr-2019-6", "自然资源部", "2019-12-17")
    assert document.level == "ministry"


@pytest.mark.parametrize("number, expected", [
    ("自然资规〔2019〕6号", "cn-mnr-2019-6"),
    ("国务院令第592号", "cn-sc-order-592"),
    ("GB/T 43933-2024", "gb-t-43933-2024"),
    ("鲁自然资规〔2021〕2号", "sd-" ),
])
def test_ids_from_document_numbers(number, expected):
    assert id_from_number(normalize_number(number)).startswith(expected)


def test_document_numbers_are_normalized():
    assert normalize_number("自然资规[2019] 6 号") == "自然资规〔2019〕6号"
    assert normalize_number("国务院令 第 592 号") == "国务院令第592号"


def test_a_chinese_title_without_number_gives_a_region_year_hash_id():
    doc_id = make_doc_id({"title": "某省矿山修复规划", "region": "江西", "issued": "2021-04"}, Path("x.txt"))
    assert doc_id.startswith("jx-2021-") and DOC_ID_RE.match(doc_id)


@pytest.mark.parametrize("meta, field", [
    ({"level": "national"}, "level"),
    ({"status": "valid"}, "status"),
    ({"issued": "April 2021"}, "issued"),
    ({"id": "Bad Id"}, "id"),
    ({"relations": [{"type": "mentions", "target": "x"}]}, "relations"),
    ({"verified": "yes"}, "verified"),
    ({"tittle": "x"}, "tittle"),
])
def test_bad_explicit_metadata_is_an_error_naming_file_and_field(meta, field):
    with pytest.raises(MetadataError, match=rf"doc\.md: .*{field}"):
        validate_explicit(meta, Path("doc.md"))


def test_a_regulation_states_its_own_in_force_dates_and_drafts_are_drafts(tmp_path):
    path = tmp_path / "measures.txt"
    path.write_text("某省矿山生态修复管理办法（征求意见稿）\n第一条 鼓励修复。\n"
                    "第二条 本办法自2022年12月1日起施行，有效期至2027年11月30日。\n", encoding="utf-8")
    document = parse_path(path)
    assert (document.in_force_from, document.in_force_until, document.status) == \
        ("2022-12-01", "2027-11-30", "draft")
    assert document.metadata_origin["in_force_from"] == "inferred:text"


def test_a_paper_quoting_another_law_s_dates_gets_none(seeds_dir: Path):
    document = parse_path(seeds_dir / "002_f25bba03683a39c5.txt")
    assert document.in_force_from is None


def _read(tmp_path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_path(path)


@pytest.mark.parametrize("line, number", [
    ("自然资发[2023]15号", "自然资发〔2023〕15号"),
    ("晋自然资发【2022】8号", "晋自然资发〔2022〕8号"),
    ("晋市政发（2022）5号", "晋市政发〔2022〕5号"),
    ("国办发〔2018〕128号", "国办发〔2018〕128号"),
])
def test_a_document_number_in_any_bracket_style_under_the_title(tmp_path, line, number):
    document = _read(tmp_path, f"某省关于矿山修复的通知\n{line}\n一、总体要求\n鼓励修复。\n")
    assert document.number == number
    assert document.metadata_origin["number"] == "inferred:title_block"
    assert not any(line in c.text for c in document.clauses)


def test_a_promulgation_line_gives_order_number_issuer_dates_and_in_force(tmp_path):
    document = _read(tmp_path, "某某保护条例\n（2010年3月1日国务院第100次常务会议通过 2010年3月20日中华人民共和国"
                               "国务院令第五百七十号公布 自公布之日起施行）\n第一条 为了保护，制定本条例。\n"
                               "第二条 本条例自公布之日起施行。1990年发布的《某某保护办法》同时废止。\n")
    assert (document.number, document.issuer, document.issued, document.in_force_from, document.level) == \
        ("国务院令第570号", "国务院", "2010-03-20", "2010-03-20", "state_council")
    assert document.id == "cn-sc-order-570"


def test_closing_signature_in_chinese_numerals_and_joint_issuers(tmp_path):
    document = _read(tmp_path, "自然资源部 财政部关于矿山修复资金的通知\n自然资发〔2020〕9号\n各省自然资源厅：\n"
                               "一、资金用途\n用于修复。\n自然资源部\n财政部\n二〇二〇年十二月三十一日\n")
    assert document.issuer == "自然资源部、财政部"
    assert document.issued == "2020-12-31"
    assert document.level == "ministry" and document.region == "CN"
    assert document.metadata_origin["issuer"] == "inferred:closing_block"
    assert [c.text for c in document.clauses] == ["资金用途", "用于修复。"]


@pytest.mark.parametrize("title, issuer, level, region", [
    ("新乡市北部矿山生态保护与修复条例", "", "municipal", "河南"),     # 北部 is not a ministry
    ("生态保护补偿条例", "", "state_council", "CN"),
    ("中华人民共和国矿产资源法", "", "national_law", "CN"),
    ("国务院关于加快推进某项工作的通知", "", "state_council", "CN"),
    ("江西省矿山生态修复条例", "", "provincial", "江西"),
    ("某项工作的通知", "晋城市人民政府", "municipal", "山西"),
    ("某项工作的意见", "北京市人民政府", "provincial", "北京"),
])
def test_level_and_region_from_issuer_and_document_kind(title, issuer, level, region):
    from corpus.metadata import level_of, region_of

    assert level_of(issuer, title) == level
    assert region_of(issuer, title) == region


def test_an_amended_law_s_first_in_force_date_is_not_the_current_version_s(tmp_path):
    document = _read(tmp_path, "中华人民共和国某法\n2000年1月1日 第九届全国人民代表大会常务委员会第一次会议通过\n"
                               "2018年1月1日 第十三届全国人民代表大会常务委员会第二次会议第一次修正\n"
                               "第一条 为了某事，制定本法。\n第二条 本法自2000年6月1日起施行。\n", "law.md")
    assert document.issued == "2018-01-01" and document.in_force_from is None
    assert document.issuer == "全国人民代表大会常务委员会"


def test_a_numeric_file_name_never_becomes_the_title_when_the_text_has_one(tmp_path):
    document = _read(tmp_path, "\n\n关于做好矿山复绿工作的通知\n\n各县人民政府：\n\n一、工作要求\n\n按期完成。\n",
                     "content_5345294.txt")
    assert document.title == "关于做好矿山复绿工作的通知"


def test_a_title_s_period_or_draft_note_on_the_next_line_belongs_to_the_title(tmp_path):
    plan = _read(tmp_path, "山东省矿山生态修复规划\n（2021—2025年）\n山东省自然资源厅\n2021年12月\n一、现状\n良好。\n")
    assert (plan.title, plan.issuer, plan.issued, plan.level, plan.region) == \
        ("山东省矿山生态修复规划（2021—2025年）", "山东省自然资源厅", "2021-12", "provincial", "山东")
    draft = _read(tmp_path, "某省矿山管理办法\n（征求意见稿）\n第一条 鼓励。\n", "draft.txt")
    assert (draft.title, draft.status) == ("某省矿山管理办法（征求意见稿）", "draft")


def test_a_first_body_line_ending_in_a_colon_is_not_taken_for_a_salutation(tmp_path):
    document = _read(tmp_path, "关于矿山修复的通知\n根据自然资源部办公厅的要求，现通知如下：\n一、要求\n按期完成。\n")
    assert document.clauses[0].text.startswith("根据自然资源部办公厅的要求")


def test_a_red_header_spaced_out_by_a_pdf_still_names_the_issuer(tmp_path):
    document = _read(tmp_path, "国 务 院 文 件\n国发〔2020〕3号\n国务院关于矿山复绿的通知\n各省人民政府：\n一、目标\n复绿。\n")
    assert (document.issuer, document.number, document.title) == ("国务院", "国发〔2020〕3号", "国务院关于矿山复绿的通知")
    assert document.level == "state_council"


def test_a_signature_spaced_out_by_pdf_extraction_is_read(tmp_path):
    document = _read(tmp_path, " 国 务 院 关 于 矿 山 复 绿 的 通 知\n 国 发 〔 2 0 2 0 〕 3 号\n 一 、 目 标\n 复 绿 。\n"
                               " 国 务 院\n 2 0 2 0 年 1 月 6 日\n")
    assert (document.title, document.number, document.issuer, document.issued) == \
        ("国务院关于矿山复绿的通知", "国发〔2020〕3号", "国务院", "2020-01-06")
    assert [c.text for c in document.clauses] == ["目标", "复绿。"]
