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
