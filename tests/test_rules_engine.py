"""Evaluating rules on one mine: facts, three-valued pending rules, region, dates, precedence, explanations.

Runs on the small fixture rule set of ``tests/fixtures/rules/engine`` (loaded
without a knowledge base, so its illustrative clause ids need not resolve).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rules import Evaluation, load_ruleset

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
ON = date(2024, 6, 1)


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(FIXTURES / "engine")


def run(ruleset, explain=False, as_of=ON, **profile) -> Evaluation:
    return ruleset.evaluate({"id": "m", **profile}, as_of=as_of, explain=explain)


def test_core_zone_mine_gets_natural_recovery_and_its_constraint(ruleset):
    ev = run(ruleset, control_zones=["nature_reserve_core"])
    assert ev.single("restoration_category") == "natural_recovery"
    assert "closure_no_development" in ev.values("constraint")
    (category,) = ev.of("restoration_category")
    assert category.rule_id == "t.zone.core_closure"
    assert category.sources == ["bj-mine-plan-2021~chap_4__sec_2__para_3"]
    assert category.facts == {"control_zones": ["nature_reserve_core"]}


def test_explanation_fills_the_template_with_this_mines_values_in_chinese(ruleset):
    ev = run(ruleset, control_zones=["nature_reserve_core", "scenic_area"])
    (category,) = ev.of("restoration_category")
    assert category.explanation_zh == "矿山位于自然保护区核心保护区、风景名胜区，核心保护区内封禁、自然恢复"


def test_explanation_without_template_names_the_facts_that_made_the_rule_fire(ruleset):
    ev = run(ruleset, province="北京", had_mining_license=False, status="historical_abandoned")
    (resp,) = ev.of("responsibility")
    assert resp.explanation_zh == "本矿山曾有采矿许可证：否；矿山状态为历史遗留废弃，适用「无证矿山由区财政出资」"


def test_a_derived_fact_is_chained_into_the_rules_that_use_it(ruleset):
    ev = run(ruleset, distance_to_city_km=4, planned_land_use="construction", hazards=[])
    assert ev.facts["near_city"] is True
    assert ev.single("restoration_category") == "comprehensive_utilization"
    (category,) = ev.of("restoration_category")
    assert category.facts == {"planned_land_use": "construction", "fact.near_city": True}


def test_missing_fields_leave_a_rule_pending_with_the_fields_that_decide_it(ruleset):
    ev = run(ruleset, planned_land_use="construction")
    pending = {p.rule_id: p for p in ev.pending}
    # near_city is unknown because location and distance are unknown: the pending rule names those fields
    assert pending["t.category.city_construction"].unknown_fields == ["location_zone", "distance_to_city_km"]
    assert [t.value for t in pending["t.category.city_construction"].would_conclude][:1] == ["comprehensive_utilization"]
    assert "near_city" not in ev.facts  # neither true nor false


def test_a_false_part_decides_a_rule_even_when_other_fields_are_unknown(ruleset):
    ev = run(ruleset, planned_land_use="agricultural")
    assert "t.category.city_construction" not in {p.rule_id for p in ev.pending}
    assert ev.single("restoration_category") is None


def test_regional_rule_fires_only_in_its_province(ruleset):
    mine = {"had_mining_license": False, "status": "historical_abandoned"}
    assert run(ruleset, province="北京", **mine).values("responsibility") == ["district_finance_unlicensed"]
    jiangxi = run(ruleset, province="江西", explain=True, **mine)
    assert jiangxi.values("responsibility") == []
    assert dict(jiangxi.not_fired)["t.bj.unlicensed_pays"] == "该规则仅适用于北京，本矿山位于江西"


def test_regional_rule_is_pending_on_province_when_the_province_is_unknown(ruleset):
    ev = run(ruleset, had_mining_license=False, status="historical_abandoned")
    (pending,) = [p for p in ev.pending if p.rule_id == "t.bj.unlicensed_pays"]
    assert pending.unknown_fields == ["province"]


def test_as_of_applies_only_rules_in_force_on_that_date(ruleset):
    assert "tax_preference" in run(ruleset, as_of=date(2018, 6, 1), status="historical_abandoned").values("incentive")
    later = run(ruleset, as_of=date(2020, 1, 1), explain=True, status="historical_abandoned")
    assert "tax_preference" not in later.values("incentive")
    assert dict(later.not_fired)["t.old.tax"] == "该规则已于2020-01-01失效，评估日期为2020-01-01"


def test_exclusion_by_a_control_zone_removes_the_recommendation_and_records_why(ruleset):
    ev = run(ruleset, control_zones=["nature_reserve_core"], distance_to_city_km=2, planned_land_use="construction",
             hazards=[])
    assert "construction_use" not in ev.values("recommend")
    removed = {(c.kind, c.value): (by, why) for c, by, why in ev.removed}
    by, why = removed[("recommend", "construction_use")]
    assert by == "t.zone.core_closure"
    assert why.startswith("规则t.zone.core_closure排除了")


def test_excluding_a_model_also_excludes_its_narrower_models(ruleset):
    # wetland_park is narrower than ecological_landscape in the ontology
    ev = run(ruleset, control_zones=["nature_reserve_core"], water_accumulated=True)
    assert "wetland_park" not in ev.values("recommend")
    assert any(c.value == "wetland_park" and by == "t.zone.core_closure" for c, by, _ in ev.removed)


def test_hard_zone_rule_wins_the_restoration_category_over_a_utilization_rule(ruleset):
    ev = run(ruleset, control_zones=["nature_reserve_core"], distance_to_city_km=2, planned_land_use="construction",
             hazards=[])
    assert ev.single("restoration_category") == "natural_recovery"
    (lost,) = [(c, by, why) for c, by, why in ev.removed if c.kind == "restoration_category"]
    assert lost[0].value == "comprehensive_utilization"
    assert "管控区硬约束" in lost[2]


def test_overrides_removes_all_conclusions_of_the_overridden_rule(ruleset):
    ev = run(ruleset, hazards=["collapse"], hazard_threatens_people=True, distance_to_city_km=2,
             planned_land_use="construction")
    assert ev.single("restoration_category") == "artificial_restoration"
    assert ev.values("incentive") == []  # the city-construction rule is set aside entirely
    assert {by for c, by, _ in ev.removed} == {"t.category.hazard_artificial"}


def test_exception_of_replaces_only_the_kinds_the_exception_concludes(ruleset):
    ev = run(ruleset, water_accumulated=True, control_zones=[], reclaimable_to_cultivated=True,
             current_land_use="mining_land")
    assert ev.values("recommend") == ["cultivated_land"]
    assert [(c.value, by) for c, by, _ in ev.removed] == [("wetland_park", "t.farmland.first")]


def test_why_not_is_given_only_when_asked(ruleset):
    assert run(ruleset, control_zones=[]).not_fired == []
    why = dict(run(ruleset, explain=True, control_zones=["scenic_area"]).not_fired)
    assert why["t.zone.redline"] == "不满足「所在管控区包含生态保护红线」：本矿山所在管控区为风景名胜区"


def test_evaluation_does_not_change_the_profile(ruleset):
    profile = {"id": "m", "control_zones": ["nature_reserve_core"], "water_accumulated": True}
    before = repr(profile)
    ruleset.evaluate(profile, as_of=ON, explain=True)
    assert repr(profile) == before


def test_as_of_may_be_a_datetime(ruleset):
    from datetime import datetime

    ev = ruleset.evaluate({"id": "m", "status": "historical_abandoned"}, as_of=datetime(2018, 6, 1, 12, 0))
    assert "tax_preference" in ev.values("incentive")
    assert ev.as_of == date(2018, 6, 1)


def test_fact_labels_come_from_the_facts_declaration(ruleset):
    assert ruleset.fact_labels == {"near_city": "城区或城郊十公里内"}  # not the rule title 临近城区
