"""Properties that must hold for any input: folding keeps offsets, parsing never loses uniqueness."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.annotate import Annotator
from corpus.model import Clause
from corpus.normalize import clean_lines, match_key
from corpus.structure import parse_structure

CHINESE_POLICY_ALPHABET = st.sampled_from(
    list("第一二三四五六七八九十章条节编、（）()。，；：！？《》〔〕号年月日表图1234567890.%公顷亿元 \t\n")
    + ["矿山", "生態", "修復", "禁止", "鼓励", "自然资规", "谁破坏", "谁治理", "到2025年", "达到", "礦", "ＧＢ／Ｔ"])
policy_text = st.lists(CHINESE_POLICY_ALPHABET, max_size=120).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_match_keys_have_the_length_of_their_text(text):
    assert len(match_key(text)) == len(text)


@settings(max_examples=150, deadline=None)
@given(policy_text)
def test_any_text_parses_into_unique_paths_without_losing_characters(text):
    nodes = parse_structure(clean_lines(text))
    paths = [n.path for n in nodes]
    assert len(paths) == len(set(paths))
    for node in nodes:
        assert node.path and "____" not in node.path


_ANNOTATOR = Annotator()


@settings(max_examples=100, deadline=None)
@given(policy_text.filter(str.strip))
def test_mention_offsets_always_index_the_display_text(text):
    clause = Clause(id="d~art_1", doc_id="d", path="art_1", heading="第一条", heading_path=["第一条"], text=text)
    _ANNOTATOR.annotate_clause(clause)
    for mention in clause.mentions:
        assert text[mention.start:mention.end] == mention.text


TITLE_BLOCK_PIECES = st.sampled_from(
    ["国务院", "自然资源部", "新乡市人民政府", "关于", "的通知", "条例", "办法", "文件", "令", "公告", "第12号", "（第十五号）",
     "2011年3月5日", "二〇二一年三月十日", "2020-03-06发布", "2020-10-01实施", "GB/T 12345—2020", "ICS 13.020",
     "自然资发[2023]15号", "晋自然资发【2022】8号", "第十三届全国人民代表大会常务委员会第五次会议通过", "公布", "修正",
     "施行", "各省、自治区：", "（盖章）", "（此件公开发布）", "附件1", "目录", "第一章 总则", "第一条 鼓励。", "（一）",
     "发文机关：", "\t", "\n", "\n\n", " ", "《某规定》同时废止。", "现予公布，自2022年9月1日起施行。", "2020年13月45日"])
title_block_text = st.lists(TITLE_BLOCK_PIECES, max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(title_block_text)
def test_any_title_or_closing_block_reads_without_error_and_dates_are_real(text):
    import datetime

    from corpus.metadata import infer_metadata
    from pathlib import Path

    lines = clean_lines(text)
    inferred = infer_metadata(lines, Path("x.txt"))
    for key in ("issued", "in_force_from", "in_force_until"):
        value = inferred.values.get(key)
        if value and len(value) == 10:
            datetime.date.fromisoformat(value)
    assert all(0 <= i < len(lines) for i in inferred.consumed)
    nodes = parse_structure(["" if i in inferred.consumed else x for i, x in enumerate(lines)], inferred.annex_starts)
    assert len({n.path for n in nodes}) == len(nodes)
