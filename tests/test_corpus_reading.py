"""Reading real files: encodings, docx, pdf, bad input, and the repair of extraction damage."""
from __future__ import annotations

import pytest

from corpus import loaders
from corpus.loaders import LoadError, load_file
from corpus.normalize import clean_lines, fold_width, match_key, repair_paragraph
from corpus.parse import parse_document, parse_path
from tests.corpus_helpers import make_docx, make_pdf

POLICY = "第一条 矿山生态修复坚持谁破坏、谁治理的原则。\n第二条 禁止在生态保护红线内新建矿山。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_files_decode_in_every_common_chinese_encoding(tmp_path, encoding):
    path = tmp_path / f"policy-{encoding}.txt"
    path.write_bytes(POLICY.encode(encoding))
    loaded = load_file(path)
    assert loaded.text.replace("\ufeff", "") == POLICY


def test_an_empty_file_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    with pytest.raises(LoadError, match=r"empty\.txt: empty file"):
        load_file(path)


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(LoadError, match="binary file"):
        load_file(path)


def test_an_undecodable_text_is_refused(tmp_path):
    path = tmp_path / "mojibake.txt"
    path.write_bytes(b"\x80\xff\x81\xfe" * 300)
    with pytest.raises(LoadError, match="undecodable"):
        load_file(path)


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "big.txt"
    path.write_text("矿山" * 2000, encoding="utf-8")
    with pytest.raises(LoadError, match="too large"):
        load_file(path)


def test_an_unsupported_suffix_is_refused(tmp_path):
    path = tmp_path / "policy.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(LoadError, match="unsupported file type"):
        load_file(path)


@pytest.mark.parametrize("content, reason", [
    (b"this is not a pdf at all", "does not start with a %PDF header"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref", "corrupt PDF|no text layer"),
])
def test_a_corrupt_pdf_is_an_error_not_a_crash(tmp_path, content, reason):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_file(path)


def test_docx_paragraphs_and_tables_become_clauses(tmp_path):
    path = make_docx(tmp_path / "opinion.docx",
                     ["关于推进废弃矿山生态修复的意见", "第一条 鼓励社会资本参与废弃矿山生态修复。",
                      "第二条 禁止在自然保护区核心保护区内开展修复以外的建设。", "表1 修复类别"],
                     table=[["类别", "面积"], ["自然恢复", "9%"], ["人工修复", "78%"]])
    document = parse_document(load_file(path))
    by_path = {c.path: c for c in document.clauses}
    assert document.title == "关于推进废弃矿山生态修复的意见"
    assert by_path["art_1"].text == "鼓励社会资本参与废弃矿山生态修复。"
    assert by_path["art_2"].text.startswith("禁止在自然保护区")
    assert [by_path[f"art_2__table_1__para_{i}"].text for i in (1, 2, 3)] == \
        ["类别 | 面积", "自然恢复 | 9%", "人工修复 | 78%"]


def test_pdf_text_is_extracted_and_repaired_across_pages(tmp_path):
    path = make_pdf(tmp_path / "plan.pdf", [
        ["某市矿山生态修复规划", "第一章 总则", "第一条 本规划适用于全市废弃矿山的生态修复和综合", "- 1 -"],
        ["利用。", "第二条 严禁在生态保护红线内新建矿山。", "- 2 -"],
    ])
    loaded = load_file(path)
    assert loaded.fmt == "pdf" and loaded.pages == 2
    document = parse_document(loaded)
    by_path = {c.path: c for c in document.clauses}
    assert document.title == "某市矿山生态修复规划"
    # the sentence broken by the page break is whole again, the page numbers are gone
    assert by_path["art_1"].text == "本规划适用于全市废弃矿山的生态修复和综合利用。"
    assert by_path["art_2"].text == "严禁在生态保护红线内新建矿山。"
    assert by_path["art_1"].heading_path == ["第一章 总则", "第一条"]


def test_front_matter_metadata_wins_over_inference(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("---\nid: cn-test-2020-1\ntitle: 测试意见\nlevel: ministry\nissued: 2020-05-01\n---\n"
                    "某某标题行\n第一条 鼓励修复。\n", encoding="utf-8")
    document = parse_path(path)
    assert (document.id, document.title, document.level, document.issued) == \
        ("cn-test-2020-1", "测试意见", "ministry", "2020-05-01")
    assert document.metadata_origin["title"] == "front_matter"


def test_a_sidecar_supplies_metadata_for_any_file(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于某事的通知\n第一条 鼓励修复。\n", encoding="utf-8")
    (tmp_path / "notice.txt.meta.yaml").write_text("id: xx-notice\nissuer: 某省自然资源厅\nstatus: in_force\n",
                                                   encoding="utf-8")
    document = parse_path(path)
    assert (document.id, document.issuer, document.status) == ("xx-notice", "某省自然资源厅", "in_force")
    assert document.metadata_origin["issuer"] == "sidecar"


def test_spaces_inside_chinese_runs_are_removed_but_not_between_latin_words():
    assert repair_paragraph("截至 2020 年 底 ，全市 共 有 12 个 矿山") == "截至2020年底，全市共有12个矿山"
    assert repair_paragraph("green mine policy") == "green mine policy"


def test_width_folding_keeps_chinese_punctuation():
    assert fold_width("２０２５年达到１００％，ＧＢ／Ｔ") == "2025年达到100％，GB／T"


def test_match_keys_fold_traditional_and_full_width_characters_one_to_one():
    text = "礦山生態修復（２０２５）"
    key = match_key(text)
    assert key == "矿山生态修复(2025)"
    assert len(key) == len(text)


def test_table_of_contents_page_numbers_and_running_heads_are_dropped():
    text = "\n".join(["目 录", "第一章 总则\t1", "一、指导思想.....\t2", "某省矿山修复规划", "第一章 总则",
                      "正文第一段。", "- 3 -", "某省矿山修复规划", "正文第二段。", "某省矿山修复规划", "第 4 页"])
    lines = [line for line in clean_lines(text) if line]
    assert lines == ["第一章 总则", "正文第一段。", "正文第二段。"]


def test_nul_characters_of_some_pdf_extractions_are_removed():
    assert clean_lines("第\x00一\x00条\x00 鼓\x00励") == ["第一条 鼓励"]


def test_word_numbering_formats_levels_restart_and_style_numbering(tmp_path):
    """numbering.xml rendered as Word shows it: %1、 in Chinese, legal %1.%2 restarting under each %1, a style's list."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from corpus.docxnumbering import format_number, int_to_cn
    from corpus.loaders import load_file

    assert [int_to_cn(n) for n in (1, 10, 12, 20, 21, 100, 105, 110, 119)] == \
        ["一", "十", "十二", "二十", "二十一", "一百", "一百零五", "一百一十", "一百一十九"]
    assert (format_number(3, "upperLetter"), format_number(4, "lowerRoman"), format_number(2, "decimalEnclosedCircle"),
            format_number(5, "bullet")) == ("C", "iv", "②", "")
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:isLgl/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="78"><w:abstractNumId w:val="77"/>'
                               '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="9"/></w:lvlOverride></w:num>'))
    style = document.styles.add_style("条款列表", 1)
    style.element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr>'))

    def numbered(text, level, num_id="77"):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))

    numbered("总体要求", 0)
    numbered("指导思想", 1)
    numbered("基本原则", 1)
    document.add_paragraph("重点任务", style="条款列表")        # numbered by its style
    numbered("修复工程", 1)
    numbered("另一份清单", 0, "78")
    document.save(tmp_path / "numbered.docx")
    loaded = load_file(tmp_path / "numbered.docx")
    lines = [line for line in loaded.text.split("\n") if line]
    assert lines == ["一、 总体要求", "1.1 指导思想", "1.2 基本原则", "二、 重点任务", "2.1 修复工程", "九、 另一份清单"]
    assert "automatic numbering met in 6 paragraph(s)" in loaded.notes[0]
