"""``minekb rules check``: conflicting rules are found with an example mine; rule tests run and fail clearly."""
from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path

from rules import load_ruleset
from rules.check import check

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def test_the_engine_fixture_is_clean_and_its_tests_pass():
    report = check(FIXTURES / "engine")
    assert report.ok, report.lines()
    assert report.tests_run == 1


def test_a_pair_that_can_fire_together_with_no_precedence_is_reported_with_a_witness():
    report = check(FIXTURES / "conflict")
    assert [(c.a.id, c.b.id) for c in report.conflicts] == [("c.flooded_pit_natural", "c.near_city_comprehensive")]
    conflict = report.conflicts[0]
    assert conflict.exhaustive
    # the witness really fires both rules
    ev = load_ruleset(FIXTURES / "conflict").evaluate({"id": "w", **conflict.witness}, as_of=date(2024, 1, 1))
    fired = {c.rule_id for c in ev.conclusions} | {c.rule_id for c, _, _ in ev.removed}
    assert {"c.flooded_pit_natural", "c.near_city_comprehensive"} <= fired
    line = conflict.describe()
    assert "conflict/pair.yaml:7: rule c.flooded_pit_natural: field then: restoration_category natural_recovery " \
           "contradicts rule c.near_city_comprehensive" in line
    assert "add overrides: [c.near_city_comprehensive]" in line


def test_rules_of_different_provinces_and_rules_separated_by_the_documented_order_are_not_conflicts():
    ids = {frozenset((c.a.id, c.b.id)) for c in check(FIXTURES / "conflict").conflicts}
    assert frozenset(("c.beijing_only", "c.jiangxi_only")) not in ids           # never in the same province
    assert frozenset(("c.beijing_only", "c.near_city_comprehensive")) not in ids  # regional beats national


def test_an_override_resolves_the_conflict(tmp_path):
    shutil.copy(FIXTURES / "conflict" / "pair.yaml", tmp_path / "pair.yaml")
    text = (tmp_path / "pair.yaml").read_text(encoding="utf-8")
    text = text.replace("then: {restoration_category: natural_recovery}",
                        "then: {restoration_category: natural_recovery}\n    overrides: [c.near_city_comprehensive]")
    (tmp_path / "pair.yaml").write_text(text, encoding="utf-8")
    assert check(tmp_path).conflicts == []


def test_rules_that_cannot_fire_together_are_not_conflicts(tmp_path):
    (tmp_path / "r.yaml").write_text(textwrap.dedent("""
        rules:
          - id: x.far
            title: {zh: 远离城区, en: Far}
            when: "distance_to_city_km > 20"
            then: {restoration_category: natural_recovery}
            sources: [d~a]
          - id: x.near
            title: {zh: 靠近城区, en: Near}
            when: "distance_to_city_km <= 20 and known(distance_to_city_km)"
            then: {restoration_category: comprehensive_utilization}
            sources: [d~a]
    """), encoding="utf-8")
    assert check(tmp_path).conflicts == []


def test_a_failing_rule_test_names_the_rule_the_case_and_what_differed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.yaml").write_text(textwrap.dedent("""
        rules:
          - id: y.redline
            title: {zh: 红线内自然恢复, en: Red line}
            when: "'ecological_redline' in control_zones"
            then: {restoration_category: natural_recovery}
            sources: [d~a]
            tests:
              - name: 红线内的矿山人工修复
                profile: {control_zones: [ecological_redline]}
                expect: {restoration_category: artificial_restoration, recommend: [wetland_park]}
    """), encoding="utf-8")
    report = check(tmp_path)
    assert not report.ok
    assert report.test_failures == [
        "r.yaml:9: rule y.redline: test '红线内的矿山人工修复': restoration_category: expected artificial_restoration, "
        "got natural_recovery",
        "r.yaml:9: rule y.redline: test '红线内的矿山人工修复': recommend: expected wetland_park, not concluded "
        "(concluded: nothing)",
    ]


def test_a_case_of_a_repealed_rule_runs_on_a_date_the_rule_was_in_force(tmp_path):
    (tmp_path / "r.yaml").write_text(textwrap.dedent("""
        rules:
          - id: z.old
            title: {zh: 已废止的激励, en: A repealed incentive}
            when: "status == 'historical_abandoned'"
            then: {incentive: tax_preference}
            valid_from: 2015-01-01
            valid_until: 2020-01-01
            sources: [d~a]
            tests:
              - name: 废止前历史遗留矿山享受税收优惠
                profile: {status: historical_abandoned}
                expect: {incentive: tax_preference}
              - name: 废止后不再享受
                profile: {status: historical_abandoned}
                as_of: 2021-01-01
                expect: {not_incentive: tax_preference}
    """), encoding="utf-8")
    report = check(tmp_path)
    assert report.ok, report.lines()
    assert report.tests_run == 2


def test_a_condition_no_mine_can_satisfy_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.yaml").write_text(textwrap.dedent("""
        rules:
          - id: w.never
            title: {zh: 自相矛盾的条件, en: A contradiction}
            when: "distance_to_city_km < 5 and distance_to_city_km > 10"
            then: {priority: priority_first}
            sources: [d~a]
    """), encoding="utf-8")
    report = check(tmp_path)
    assert not report.ok
    assert report.never_fire == ["r.yaml:5: rule w.never: field when: no mine can satisfy this condition "
                                 "(距城区距离(km)小于5且距城区距离(km)大于10); the rule can never fire: fix the condition"]


def test_rules_that_none_of_their_cases_fire_are_listed(tmp_path):
    (tmp_path / "r.yaml").write_text(textwrap.dedent("""
        rules:
          - id: v.coal
            title: {zh: 煤矿, en: Coal}
            when: "mineral == 'coal'"
            then: {measure: monitoring}
            sources: [d~a]
            tests:
              - name: 金矿不需要监测
                profile: {mineral: gold}
                expect: {not_measure: monitoring}
    """), encoding="utf-8")
    report = check(tmp_path)
    assert report.ok
    assert report.unexercised == ["v.coal"]
    assert "1 rules are fired by none of their test cases (v.coal)" in report.summary()
