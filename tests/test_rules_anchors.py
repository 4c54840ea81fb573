"""Source anchors: a cited clause must still say what the rule encodes (rules/anchors.py, docs/rules.md)."""
from __future__ import annotations

import textwrap

from corpus.model import Clause, Document
from minekb.kb import BUNDLED_RULES
from rules.anchors import holds, normalize, parse_source, source_ids
from rules.check import check
from rules.loader import load_rules_and_problems


class _KB:
    """A knowledge base of a few clauses, with the look-ups rules check uses."""

    def __init__(self, texts: dict[str, str], content: str = "digest") -> None:
        self.documents: dict[str, Document] = {}
        for cid, text in texts.items():
            doc_id, path = cid.split("~")
            doc = self.documents.setdefault(doc_id, Document(id=doc_id, title=doc_id, content=content))
            doc.clauses.append(Clause(id=cid, doc_id=doc_id, path=path, heading="", heading_path=[""], text=text))
        self.clauses = {c.id: (d, c) for d in self.documents.values() for c in d.clauses}

    def clause(self, cid: str):
        return self.clauses.get(cid)


RULES = """
rules:
  - id: t.owner_restores
    title: {zh: 谁损毁谁复垦, en: Whoever damages restores}
    when: "had_mining_license == true"
    then: {responsibility: enterprise_restores}
    sources: [d~art_3: 谁损毁谁复垦, "d~art_4: 优先…农业"]
  - id: t.block_form
    title: {zh: 块写法, en: Block form}
    when: "had_mining_license == false"
    then: {responsibility: government_restores_historical}
    sources:
      - {clause: d~art_3, anchor: 县级以上人民政府}
      - d~art_4
"""


def _write(tmp_path, text: str = RULES):
    (tmp_path / "r.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_a_source_is_written_bare_with_its_anchor_or_as_a_mapping():
    assert parse_source("d~art_3") == ("d~art_3", None)
    assert parse_source({"d~art_3": "谁损毁谁复垦"}) == ("d~art_3", "谁损毁谁复垦")
    assert parse_source({"clause": "d~art_3", "anchor": "谁损毁"}) == ("d~art_3", "谁损毁")
    assert parse_source({"a~b": "x", "c~d": "y"}) is None
    assert source_ids(["a~b", {"c~d": "x"}, {"clause": "e~f", "anchor": "y"}]) == ["a~b", "c~d", "e~f"]


def test_matching_ignores_punctuation_width_and_spacing_and_needs_every_key_word():
    assert normalize("“谁损毁，谁复垦”　ＡＢ 1") == "谁损毁谁复垦ab1"
    assert holds("谁损毁谁复垦", "按照“谁损毁，谁复垦”的原则")
    assert holds("历史遗留…县级以上", "历史遗留损毁土地，由县级以上人民政府负责组织复垦")
    assert not holds("历史遗留…省级", "历史遗留损毁土地，由县级以上人民政府负责组织复垦")


def test_the_rule_keeps_its_clause_ids_and_carries_the_anchors_beside_them(tmp_path):
    rules, problems = load_rules_and_problems(_write(tmp_path))
    assert problems == []
    by_id = {r.id: r for r in rules}
    assert by_id["t.owner_restores"].sources == ("d~art_3", "d~art_4")
    assert by_id["t.owner_restores"].anchors == {"d~art_3": "谁损毁谁复垦", "d~art_4": "优先…农业"}
    assert by_id["t.block_form"].sources == ("d~art_3", "d~art_4")
    assert by_id["t.block_form"].anchors == {"d~art_3": "县级以上人民政府"}


def test_check_passes_while_the_cited_clauses_say_it_and_warns_of_a_source_without_anchor(tmp_path):
    kb = _KB({"d~art_3": "生产建设活动损毁的土地，按谁损毁、谁复垦；历史遗留的由县级以上人民政府组织复垦。",
              "d~art_4": "复垦后的土地优先用于农业。"})
    report = check(_write(tmp_path), kb=kb)
    assert report.anchor_problems == [] and report.repoint == []
    assert len(report.unanchored) == 1 and "t.block_form" in report.unanchored[0] and "d~art_4" in report.unanchored[0]


def test_check_fails_when_a_cited_clause_no_longer_holds_its_anchor_and_names_the_rules_to_repoint(tmp_path):
    # the text behind d~art_3 changed (an official text renumbered): art_3 is now another provision
    kb = _KB({"d~art_3": "国务院国土资源主管部门负责全国土地复垦的监督管理工作。",
              "d~art_4": "复垦后的土地优先用于农业。"}, content="official")
    report = check(_write(tmp_path), kb=kb)
    assert not report.ok
    assert report.repoint == ["t.owner_restores", "t.block_form"]
    assert any("d~art_3 no longer contains its anchor '谁损毁谁复垦'" in line and "the official text" in line
               for line in report.anchor_problems)
    assert "rules to re-point" in "\n".join(report.lines())


def test_an_empty_or_overlong_anchor_is_a_load_problem(tmp_path):
    text = RULES.replace("d~art_3: 谁损毁谁复垦", "d~art_3: ''").replace("d~art_4: 优先…农业", "d~art_4: " + "长" * 61)
    _, problems = load_rules_and_problems(_write(tmp_path, text))
    assert any("anchor of d~art_3" in p for p in problems)
    assert any("anchor of d~art_4" in p and "at most" in p for p in problems)


def test_every_bundled_rule_and_gate_source_has_an_anchor_the_cited_clause_contains(kb):
    report = check(BUNDLED_RULES, kb=kb)
    assert report.anchor_problems == [], report.anchor_problems
    assert report.unanchored == [], report.unanchored[:5]
