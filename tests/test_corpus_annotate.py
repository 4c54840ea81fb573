"""The NLP pass: marked mentions, concept mentions from ontology terms, clause types with their cues."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from corpus.annotate import Annotator, get_nlp
from corpus.classify import classify
from corpus.lexicon import ConceptIndex, add_user_words, segmenter
from corpus.mentions import find_mentions
from corpus.model import Clause
from corpus.normalize import match_key


@dataclass
class Term:
    text: str
    concept: str
    kind: str


TERMS = [Term("生态修复", "eco_restoration", "measure"), Term("矿山生态修复", "mine_eco_restoration", "measure"),
         Term("生态保护红线", "ecological_redline", "control_zone"), Term("光伏", "photovoltaic", "utilization_model"),
         Term("ecological redline", "ecological_redline", "control_zone")]


def _mentions(text, kind):
    return [(m.text, m.value) for m in find_mentions(text) if m.kind == kind]


def test_citations_by_title_and_by_document_number_are_marked():
    text = "根据《关于探索利用市场化方式推进矿山生态修复的意见》（自然资规[2019] 6 号）和国务院令第592号，"
    assert _mentions(text, "citation") == [("《关于探索利用市场化方式推进矿山生态修复的意见》",
                                            "关于探索利用市场化方式推进矿山生态修复的意见")]
    assert [v for _, v in _mentions(text, "doc_number")] == ["自然资规〔2019〕6号", "国务院令第592号"]


def test_dates_years_and_quantities_get_normalized_values():
    text = "2019年12月17日印发，到2025年修复699公顷，约占78%，需资金19亿元，全国约9.9万座。"
    assert [v for _, v in _mentions(text, "date")] == ["2019-12-17", "2025"]
    assert [v for _, v in _mentions(text, "quantity")] == ["699公顷", "78%", "19亿元", "9.9万座"]


def test_regions_and_issuers_are_marked():
    text = "江西省自然资源厅会同自然资源部，在赣州市和全国推广。"
    assert [v for _, v in _mentions(text, "issuer")] == ["江西省自然资源厅", "自然资源部"]
    assert ("江西省", "江西") in _mentions(text, "region") and ("全国", "CN") in _mentions(text, "region")


def test_concept_terms_are_found_even_when_nested_in_longer_terms():
    key = match_key("推进矿山生态修复，建设光伏电站")
    hits = [(key[s:e], term.concept) for s, e, term in ConceptIndex(TERMS).find(key)]
    assert hits == [("矿山生态修复", "mine_eco_restoration"), ("生态修复", "eco_restoration"), ("光伏", "photovoltaic")]


def test_concept_mentions_fill_clause_concepts_and_match_traditional_characters():
    clause = Clause(id="d~art_1", doc_id="d", path="art_1", heading="第一条", heading_path=["第一条"],
                    text="禁止在生態保護紅線內開展礦山生態修復以外的活動。")
    Annotator(TERMS).annotate_clause(clause)
    assert clause.concepts == ["eco_restoration", "ecological_redline", "mine_eco_restoration"]
    redline = next(m for m in clause.mentions if m.value == "ecological_redline")
    assert clause.text[redline.start:redline.end] == "生態保護紅線"       # offsets point into the display text
    assert clause.type == "constraint" and "禁止" in clause.type_cues


def test_english_terms_match_whole_words_only():
    index = ConceptIndex(TERMS)
    assert [t.concept for _, _, t in index.find(match_key("inside the Ecological Redline zone"))] == \
        ["ecological_redline"]
    assert index.find(match_key("nonecological redlines")) == []


def test_domain_words_are_single_tokens_for_both_segmenters():
    add_user_words(["增减挂钩"])
    _, cut = segmenter()
    words = cut("严守生态保护红线和永久基本农田，推进增减挂钩")
    for word in ("生态保护红线", "永久基本农田", "增减挂钩"):
        assert word in words


def test_the_spacy_pipeline_is_blank_chinese_with_jieba_and_rule_components():
    nlp = get_nlp()
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["sentencizer", "minekb_mentions", "minekb_concepts"]
    doc = nlp("鼓励社会资本参与修复。禁止新建矿山！")
    assert [s.text for s in doc.sents] == ["鼓励社会资本参与修复。", "禁止新建矿山！"]
    assert [(m.kind, m.value) for m in nlp("到2025年完成。")._.minekb_mentions] == [("date", "2025")]


def test_annotator_sentences_match_the_sentencizer():
    annotator = Annotator()
    text = "坚持自然恢复为主。鼓励社会资本参与；禁止新建矿山！"
    fast = [(s.start_char, s.end_char) for s in annotator.process(text).sents]
    assert fast == [(s.start_char, s.end_char) for s in get_nlp()(text).sents]
    assert len(fast) == 3


@pytest.mark.parametrize("text, expected, cue", [
    ("按照“谁破坏、谁治理”的原则开展修复。", "principle", "谁破坏、谁治理"),
    ("禁止在生态保护红线内新建矿山。", "constraint", "禁止"),
    ("到2025年，历史遗留矿山治理率达到60%。", "target", "到2025年"),
    ("鼓励社会资本参与废弃矿山生态修复。", "incentive", "鼓励"),
    ("修复产生的土石料可以对外销售。", "incentive", "可以"),
    ("市级财政资金作为主导，区级财政做好配套。", "funding", "资金"),
    ("历史遗留矿山由区政府负责开展生态修复工作。", "responsibility", "负责"),
    ("矿山企业应当编制修复方案。", "obligation", "应当"),
    ("人工修复类主要包括自然恢复能力差的矿山。", "definition", "人工修复类主要包括"),
    ("加强部门协作。建立联合工作机制。", "measure", "加强部门"),
    ("截至2020年底，全市已关停矿山842个，取得了显著成效。", "background", "截至"),
])
def test_clause_types_come_from_modality_and_pattern_cues(text, expected, cue):
    annotator = Annotator()
    doc = annotator.process(text)
    type_, cues = classify(doc.user_data["key"], doc.user_data["words"], [],
                           [s.text for s in doc.sents])
    assert type_ == expected
    assert any(cue in c for c in cues), cues


def test_sustainable_is_not_a_permission():
    assert classify("推动矿区可持续发展和生态文明建设。", ["推动", "矿区", "可持续", "发展"])[0] != "incentive"


def test_a_paragraph_under_a_basic_principles_heading_is_a_principle():
    assert classify("尊重自然、顺应自然、保护自然。", [], ["第二章 总体要求", "二、基本原则"])[0] == "principle"


def test_english_quantities_are_marked_too():
    text = "China restored 30,300 hectares and 4.8 million mu at a cost of 229.6 million yuan."
    assert [v for _, v in _mentions(text, "quantity")] == ["30300 hectares", "4.8 million mu", "229.6 million yuan"]
