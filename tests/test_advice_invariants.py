"""Legal invariants of the advice, over whole random profiles (Hypothesis).

Whatever the mine, the advice must keep the law's own order
(docs/legal-semantics.md): nothing the legal gate forbids is recommended,
nothing recommended is also excluded, no incentive without its precondition,
nothing resting on research alone outside the research section, no built use
or resource extraction under natural recovery, every item cited.

CI runs a modest number of examples (``MINEKB_PROPERTY_EXAMPLES``, default
120); a longer hunt for rare combinations is
``MINEKB_PROPERTY_EXAMPLES=5000 scripts/test tests/test_advice_invariants.py``.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from tests.profile_strategies import profiles

EXAMPLES = int(os.environ.get("MINEKB_PROPERTY_EXAMPLES", "120"))
# incentives and the use each one implies, from the preconditions their texts state
TOURISM = {"cultural_tourism_wellness", "ecological_landscape", "mine_park", "geological_park", "forest_park",
           "outdoor_recreation", "rock_climbing", "red_education_study", "heritage_park", "pit_garden",
           "stone_carving_park", "wetland_park", "urban_lake_park", "botanical_garden", "hotel_homestay"}


@pytest.fixture(scope="module")
def adv(kb):
    return kb.advisor


def _chain(adv, model_id):
    return (model_id, *adv.labels.ancestors(model_id))


def _items(advice):
    for section in ("utilization_models", "excluded_models", "incentives", "constraints", "measures",
                    "research_suggestions", "intended_use"):
        for item in advice.get(section) or []:
            yield section, item
    for section in ("restoration_category", "priority", "responsibility"):
        if advice.get(section):
            yield section, advice[section]


def check_invariants(adv, p, advice):
    gate = adv.gate
    models = [m["id"] for m in advice["utilization_models"]]
    excluded = {m["id"] for m in advice["excluded_models"]}
    # a rule's exclusion covers every narrower model; the gate judges each model by its own most specific cell
    # (it may forbid 农业用地 in a nature reserve and still allow 林草地 restoration there under conditions)
    # (natural recovery's exclusions spare the models the gate table keeps open to it, e.g. 林光互补)
    by_rule = {m["id"] for m in advice["excluded_models"] if not m.get("legal_gate")}
    by_category = {m["id"] for m in advice["excluded_models"] if m.get("natural_recovery")}
    for mid in models:
        assert gate.assess(mid, p).status != "forbidden", f"{mid} recommended although the legal gate forbids it"
        assert mid not in excluded, f"{mid} recommended and excluded"
        spared = by_category if mid in gate.natural_recovery_keeps else set()
        hit = [a for a in _chain(adv, mid) if a in by_rule and a not in spared]
        assert not hit, f"{mid} recommended and excluded by a rule ({hit})"
    # permitted before conditional, binding before reference
    status = [m["legal_status"] for m in advice["utilization_models"]]
    assert status == sorted(status, key=["permitted", "conditional"].index)
    for section, item in _items(advice):
        assert item.get("reasons"), f"{section} {item.get('id', item.get('label_zh'))} has no reason"
        for reason in item["reasons"]:
            assert reason["sources"], f"{section}: reason {reason['rule']} cites nothing"
        if section in ("research_suggestions", "intended_use"):
            continue
        binding = [s for r in item["reasons"] for s in r["sources"] if s.get("binding")]
        assert binding, f"{section} {item.get('id', item.get('label_zh'))} rests on non-binding sources only"
    for item in advice["research_suggestions"]:
        assert item["basis"] == "research"
        assert not any(s.get("binding") for r in item["reasons"] for s in r["sources"]), \
            f"research suggestion {item['id']} has a binding source: it belongs in its own section"
    if (advice["restoration_category"] or {}).get("id") == "natural_recovery":
        built = [m for m in models if any(a in gate.natural_recovery_excludes for a in _chain(adv, m))
                 and m not in gate.natural_recovery_keeps]
        assert not built, f"natural recovery with built use or extraction {built}"
    incentives = {i["id"] for i in advice["incentives"]}
    for inc in incentives:
        use = gate.incentive_uses.get(inc)
        if use:
            assert gate.assess(use, p).status != "forbidden", f"incentive {inc} implies {use}, forbidden here"
            spared = by_category if use in gate.natural_recovery_keeps else set()
            hit = use in excluded or any(a in by_rule and a not in spared for a in _chain(adv, use))
            assert not hit, f"incentive {inc} implies excluded {use}"
    constraints = {c["id"] for c in advice["constraints"]}
    assert not ({"central_demonstration_fund"} <= incentives and "central_fund_exclusion" in constraints), \
        "central funds both offered and refused"
    if "central_demonstration_fund" in incentives:
        assert p.get("responsible_party") != "mining_right_holder" and p.get("status") != "producing", \
            "central demonstration funds for a mine with a liable holder"
    if incentives & {"indicator_trading"}:
        assert p.get("current_land_use") != "cultivated", "new-farmland quota for land already cultivated"
    if "no_expropriation_no_conversion" in incentives:
        uses = set(models) | set(p.get("intended_uses") or ())
        assert any(a in TOURISM for m in uses for a in _chain(adv, m)), "tourism-facility land rule without tourism"
    for item in advice["intended_use"]:
        assert item["verdict"] in ("permitted", "conditional", "forbidden", "undecidable")
        if item["verdict"] == "forbidden":
            assert item["id"] not in models
        if item["verdict"] == "undecidable":
            assert item["missing_fields"], "an undecidable answer must name the fields that decide it"
    assert [i["id"] for i in advice["intended_use"]] == list(p.get("intended_uses") or [])


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(p=profiles())
def test_legal_invariants_hold_for_every_profile(adv, p):
    check_invariants(adv, p, adv.advise(p))


@settings(max_examples=max(20, EXAMPLES // 4), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(p=profiles())
def test_legal_invariants_hold_for_beijing_before_and_after_the_plan_lapsed(adv, p):
    p = {**p, "province": "北京"}
    for as_of in ("2024-06-01", "2026-12-07"):
        check_invariants(adv, p, adv.advise(p, as_of=as_of))
