"""Loading rule files: every mistake is reported together, each with file, line, rule and key."""
from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from rules import RuleLoadError, load_ruleset

GOOD_RULE = """
  - id: ok.rule
    title: {zh: 一条正确的规则, en: A correct rule}
    when: "status == 'historical_abandoned'"
    then: {responsibility: government_restores_historical}
    sources: [doc-a~art_1]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Problems name files relative to the working folder."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    (tmp_path / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path, text: str, kb=None) -> list[str]:
    write(tmp_path, text)
    with pytest.raises(RuleLoadError) as info:
        load_ruleset(tmp_path, kb=kb)
    return info.value.problems


def test_every_problem_is_reported_at_once_with_file_line_rule_and_field(tmp_path):
    found = problems(tmp_path, """
        rules:
          - id: bad.one
            title: {zh: 字段拼错, en: Misspelt field}
            when:
              all:
                - "status == 'historical_abandoned'"
                - "contol_zones has_any ['ecological_redline']"
            then: {restoration_category: natural_recovery}
            sources: [doc-a~art_1]
          - id: bad.two
            title: {zh: 枚举值错误, en: Wrong enum value}
            when: "mineral == 'rare_earths'"
            then: {restoration_category: natural_recovery}
            sources: []
    """)
    assert len(found) == 3
    assert found[0].startswith("rules.yaml:7: rule bad.one: field when: unknown attribute 'contol_zones'")
    assert "did you mean control_zones" in found[0]
    assert found[1].startswith("rules.yaml:12: rule bad.two: field when: 'rare_earths' is not a mineral value")
    assert found[2].startswith("rules.yaml:14: rule bad.two: field sources: every rule cites at least one clause")


@pytest.mark.parametrize("rule, message", [
    ("when: \"mineral == 'coal'\"\n    then: {restoration_category: natural_recovery}\n    sources: [d~a]\n    valid_until: 2019-13-01",
     "field valid_until: valid_until must be a date"),
    ("when: \"mineral == 'coal'\"\n    then: {recomend: wetland_park}\n    sources: [d~a]", "unknown conclusion 'recomend'"),
    ("when: \"mineral == 'coal'\"\n    then: {recommend: {wetland_park: 1.5}}\n    sources: [d~a]", "0 < weight <= 1"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: [priority_first, priority_key]}\n    sources: [d~a]",
     "priority takes exactly one value"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: priority_first}\n    sources: [d~a]\n    region: [Atlantis]",
     "'Atlantis' is not a province"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: priority_first}\n    sources: [d~a]\n    overrides: [no.such.rule]",
     "field overrides: no rule 'no.such.rule'"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: priority_first}\n    sources: [not-a-clause-id]",
     "'not-a-clause-id' is not a clause id"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: priority_first}\n    sources: [d~a]\n    explain_zh: \"矿种{minerals}\"",
     "placeholder {minerals} is not a profile field"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: priority_first}\n    sources: [d~a]\n    valid_form: 2020-01-01",
     "field valid_form: unknown key"),
    ("when: \"fact.missing_fact\"\n    then: {priority: priority_first}\n    sources: [d~a]", "no rule concludes the fact"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: priority_first}\n    sources: [d~a]\n    tests:\n"
     "      - name: 错误的测试字段\n        profile: {minerl: coal}\n        expect: {priority: priority_first}",
     "profile field 'minerl' is not in the contract"),
    ("when: \"mineral == 'coal'\"\n    then: {priority: priority_first}\n    sources: [d~a]\n    tests:\n"
     "      - name: 错误的期望键\n        profile: {mineral: coal}\n        expect: {priorty: priority_first}",
     "expect key 'priorty' unknown"),
])
def test_each_kind_of_mistake_names_what_to_fix(tmp_path, rule, message):
    found = problems(tmp_path, f"rules:\n  - id: r.one\n    title: {{zh: 规则, en: Rule}}\n    {rule}\n")
    assert any(message in p for p in found), found


def test_duplicate_rule_ids_point_to_the_first_definition(tmp_path):
    write(tmp_path, "rules:" + GOOD_RULE, "a.yaml")
    found = problems(tmp_path, "rules:" + GOOD_RULE)
    assert found == ["rules.yaml:2: rule ok.rule: field id: duplicate rule id (first defined at a.yaml:2); "
                     "give each rule its own id"]


def test_cycles_between_derived_facts_are_rejected(tmp_path):
    found = problems(tmp_path, """
        rules:
          - id: f.a
            title: {zh: 事实甲, en: Fact a}
            when: "fact.b"
            then: {fact: a}
            sources: [d~a]
          - id: f.b
            title: {zh: 事实乙, en: Fact b}
            when: "fact.a"
            then: {fact: b}
            sources: [d~a]
    """)
    assert any("cycle" in p for p in found)


def test_invalid_yaml_is_reported_with_its_line(tmp_path):
    found = problems(tmp_path, "rules:\n  - id: x\n    title: [unclosed\n")
    assert len(found) == 1 and found[0].startswith("rules.yaml:") and "not valid YAML" in found[0]


def test_with_a_knowledge_base_unresolved_sources_are_errors(tmp_path):
    fake_kb = SimpleNamespace(clauses={"doc-a~art_1": object()}, documents={"doc-a": object()})
    found = problems(tmp_path, "rules:" + GOOD_RULE.replace("doc-a~art_1", "doc-a~art_9"), kb=fake_kb)
    assert any("unresolved source 'doc-a~art_9'" in p and "the document exists" in p for p in found)
    write(tmp_path, "rules:" + GOOD_RULE)
    assert len(load_ruleset(tmp_path, kb=fake_kb)) == 1


def test_with_a_knowledge_base_concepts_must_exist_in_the_right_scheme(tmp_path):
    pytest.importorskip("ontology.labels")
    fake_kb = SimpleNamespace(clauses={"doc-a~art_1": object()}, documents={"doc-a": object()})
    found = problems(tmp_path, "rules:" + GOOD_RULE.replace("government_restores_historical", "wetland_park")
                     .replace("responsibility:", "measure:") + GOOD_RULE.replace("ok.rule", "ok.two")
                     .replace("government_restores_historical", "no_such_concept"), kb=fake_kb)
    assert any("measure 'wetland_park' belongs to UtilizationModels" in p for p in found)
    assert any("'no_such_concept' is not a concept of the ontology" in p for p in found)


def test_a_missing_rules_folder_is_a_load_error(tmp_path):
    with pytest.raises(RuleLoadError, match="no such rules folder"):
        load_ruleset(tmp_path / "nowhere")


def test_zone_rules_are_hard_constraints_without_saying_so(tmp_path):
    write(tmp_path, """
        rules:
          - id: z.one
            title: {zh: 红线, en: Red line}
            when: {all: ["'ecological_redline' in control_zones", "mineral == 'coal'"]}
            then: {restoration_category: natural_recovery}
            sources: [d~a]
          - id: z.two
            title: {zh: 不在红线, en: Not in the red line}
            when: "not ('ecological_redline' in control_zones)"
            then: {restoration_category: artificial_restoration}
            sources: [d~a]
    """)
    ruleset = load_ruleset(tmp_path)
    assert ruleset.get("z.one").hard is True
    assert ruleset.get("z.two").hard is False
