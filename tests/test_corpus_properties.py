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
