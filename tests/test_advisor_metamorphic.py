"""Metamorphic tests on the real rules: relations that must hold between the advices of related mines.

* adding the ecological red line to a mine never adds a construction-type model;
* changing only the province changes only region-scoped items;
* shuffling a batch does not change any mine's advice.

Profiles are drawn at random (seeded) over the contract's vocabularies, on a
date inside the Beijing plan's period so that the regional rules take part.
"""
from __future__ import annotations

import random

import pytest

from advisor.bench import synthetic_profile

AS_OF = "2023-06-01"
SECTIONS = ("utilization_models", "excluded_models", "incentives", "constraints", "measures")


@pytest.fixture(scope="module")
def advisor(kb):
    return kb.advisor


def _profiles(n: int, seed: int, **fixed):
    rng = random.Random(seed)
    return [synthetic_profile(rng, i) | fixed for i in range(n)]


def _construction_models(advisor, advice) -> set[str]:
    return {m["id"] for m in advice["utilization_models"]
            if m["id"] == "construction_use" or "construction_use" in advisor.labels.ancestors(m["id"])}


def test_adding_the_ecological_red_line_never_adds_a_construction_type_model(advisor):
    checked = 0
    for p in _profiles(150, seed=11) + _profiles(100, seed=12, planned_land_use="construction"):
        zones = [z for z in p.get("control_zones", []) if z != "ecological_redline"]
        without = p | {"control_zones": zones}
        with_line = p | {"control_zones": zones + ["ecological_redline"]}
        before = _construction_models(advisor, advisor.advise(without, as_of=AS_OF))
        after = _construction_models(advisor, advisor.advise(with_line, as_of=AS_OF))
        assert after <= before, f"{p['id']}: red line added {after - before}"
        checked += bool(before)
    assert checked >= 5, "too few profiles had a construction-type model to test against"


def _regional(advisor, rule_id: str, seen: frozenset = frozenset()) -> bool:
    """A rule is region-scoped if it has a region, tests the province, or tests a fact that is region-scoped."""
    rule = advisor.ruleset.get(rule_id)
    if rule is not None:
        if rule.region or "province" in rule.fields:
            return True
        for f in rule.fields:
            if f.startswith("fact.") and f not in seen:
                producers = advisor.ruleset.producers.get(f[5:], [])
                if any(_regional(advisor, r.id, seen | {f}) for r in producers):
                    return True
        return False
    add = next((a for a in advisor.low["adds"] if a["rule"] == rule_id), None)
    return bool(add and add.get("region"))


def _items(advice) -> dict[tuple[str, str], list[dict]]:
    out = {}
    for s in SECTIONS:
        for i in advice[s]:
            out[(s, i["id"])] = i["reasons"]
    for s in ("restoration_category", "priority"):
        if advice[s]:
            out[(s, advice[s]["id"])] = advice[s]["reasons"]
    if advice["responsibility"]:
        for rid in advice["responsibility"]["ids"]:
            out[("responsibility", rid)] = [r for r in advice["responsibility"]["reasons"] if r["about"] == rid]
    return out


@pytest.mark.parametrize("pair", [("北京", "江西"), ("江西", "广东"), ("北京", "河南"), ("山东", "甘肃")])
def test_changing_only_the_province_changes_only_region_scoped_items(advisor, pair):
    a_prov, b_prov = pair
    differing = 0
    for p in _profiles(60, seed=sum(map(ord, "".join(pair)))):  # stable across runs (hash() is salted)
        adv = {prov: advisor.advise(p | {"province": prov}, as_of=AS_OF, explain=True) for prov in pair}
        items = {prov: _items(adv[prov]) for prov in pair}
        for here, there in ((a_prov, b_prov), (b_prov, a_prov)):
            for key, reasons in items[here].items():
                if key in items[there]:
                    continue
                differing += 1
                section, item_id = key
                # Attributable to a region-scoped rule: one of its reasons is regional (a national rule
                # that agrees is kept beside the regional one, while in the other province the national
                # rule it overrides wins), or a regional rule removed it in the other province.
                ok = any(_regional(advisor, r["rule"]) for r in reasons)
                removed_by_regional = any(
                    r["id"] == item_id and _regional(advisor, r["by_rule"]) for r in adv[there]["explain"]["removed"])
                # or the legal gate excluded here a use that only a regional rule recommended here
                gated_regional = section == "excluded_models" and any(
                    r["id"] == item_id and r["by_rule"].startswith("gate.") and _regional(advisor, r["rule"])
                    for r in adv[here]["explain"]["removed"])
                assert ok or removed_by_regional or gated_regional, (
                    f"{p['id']}: {section} {item_id} in {here} but not in {there}, from national rules "
                    f"{[r['rule'] for r in reasons]}")
    assert differing >= 1 or a_prov not in ("北京", "江西"), "regional rules never made a difference"


def test_shuffling_a_batch_changes_no_mines_advice(advisor):
    profiles = _profiles(80, seed=5)
    first = {a["mine_id"]: a for a in advisor.advise_many(profiles, as_of=AS_OF)}
    shuffled = profiles[:]
    random.Random(9).shuffle(shuffled)
    second = list(advisor.advise_many(shuffled, as_of=AS_OF))
    assert [a["mine_id"] for a in second] == [p["id"] for p in shuffled]
    assert {a["mine_id"]: a for a in second} == first


def test_every_asserted_item_of_real_advice_cites_clauses_of_the_knowledge_base(advisor, kb):
    for p in _profiles(60, seed=21):
        a = advisor.advise(p, as_of=AS_OF)
        for key, reasons in _items(a).items():
            assert reasons, key
            for r in reasons:
                assert r["sources"], (key, r["rule"])
                for s in r["sources"]:
                    assert kb.clause(s["clause_id"]) is not None


def test_every_concluded_concept_has_an_ontology_label(advisor):
    for p in _profiles(60, seed=31):
        advisor.advise(p, as_of=AS_OF)
    assert advisor.labels.missing == set()
