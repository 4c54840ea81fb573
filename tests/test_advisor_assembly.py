"""Advice assembly, ranking, what-if, province comparison and batch order, on a stand-in engine.

The stand-in (tests/advisor_helpers.py) speaks the rules engine's API; these
tests pin the advisor's own logic. Behaviour on the real rules is tested in
test_advisor_cases.py and test_advisor_metamorphic.py.
"""
from __future__ import annotations

import random

import pytest

from advisor import ProfileError, UnresolvedSourceError
from advisor_helpers import FAKE_CLAUSES, SMALL_GATE, FakeKB, FakeRuleSet, fake_advisor, fake_rules


@pytest.fixture(scope="module")
def adv():
    return fake_advisor()


def _asserted_items(advice):
    for key in ("restoration_category", "priority", "responsibility"):
        if advice[key]:
            yield advice[key]
    for key in ("utilization_models", "excluded_models", "incentives", "constraints", "measures"):
        yield from advice[key]


def test_every_asserted_item_has_a_reason_with_a_resolved_source(adv):
    a = adv.advise({"id": "m", "province": "北京", "planned_land_use": "construction", "terrain": ["open_pit"],
                    "had_mining_license": False, "waste_rock_m3": 50000})
    items = list(_asserted_items(a))
    assert len(items) >= 5
    for item in items:
        assert item["reasons"], item
        for r in item["reasons"]:
            assert r["rule"] and r["sources"]
            for s in r["sources"]:
                assert s["doc_title"].startswith("《") and s["clause_text"] and s["clause_id"].startswith(s["doc_id"])


def test_advice_has_every_section_of_the_contract(adv):
    a = adv.advise({"id": "m"})
    assert set(a) >= {"mine_id", "restoration_category", "priority", "utilization_models", "excluded_models",
                      "incentives", "constraints", "measures", "responsibility", "precedents", "unknowns"}


def test_nothing_is_asserted_without_a_rule(adv):
    a = adv.advise({"id": "m"})
    assert a["restoration_category"] is None and a["utilization_models"] == [] and a["responsibility"] is None


def test_excluding_a_kind_of_use_excludes_its_narrower_models(adv):
    a = adv.advise({"id": "m", "planned_land_use": "construction", "control_zones": ["ecological_redline"]},
                   explain=True)
    assert "industry_commerce" not in [m["id"] for m in a["utilization_models"]]
    assert any(r["id"] == "industry_commerce" and "建设用地" in r["why_zh"] for r in a["explain"]["removed"])


def test_models_are_ranked_best_first_with_an_explained_score(adv):
    # no control zone and a known land class: the gate permits every model, so the score alone orders them
    a = adv.advise({"id": "m", "planned_land_use": "construction", "terrain": ["open_pit"], "control_zones": [],
                    "current_land_use": "mining_land"})
    assert {m["legal_status"] for m in a["utilization_models"]} == {"permitted"}
    scores = [m["score"] for m in a["utilization_models"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 4


def test_an_unknown_zone_makes_a_model_the_gate_could_forbid_conditional_and_ranked_after_permitted(adv):
    a = adv.advise({"id": "m", "planned_land_use": "construction", "terrain": ["open_pit"]})
    status = [m["legal_status"] for m in a["utilization_models"]]
    assert status == sorted(status, key=["permitted", "conditional"].index)
    built = [m for m in a["utilization_models"] if m["id"] in ("construction_use", "industry_commerce")]
    assert built and all(m["legal_status"] == "conditional" and "control_zones" in m["missing_fields"] for m in built)
    assert all(any("生态保护红线" in c for c in m["conditions_zh"]) for m in built)
    b = a["utilization_models"][0]["score_breakdown"]
    blend = a["ranking"]["blend"]
    assert a["ranking"]["profiles"][b["profile_of"]]["factors"]  # what the fit weighs, and why
    assert a["utilization_models"][0]["score"] == pytest.approx(
        blend["rule"] * b["rule_weight"] + blend["fit"] * b["factor_fit"] + blend["potential"] * b["potential_term"],
        abs=1e-3)


def test_a_better_located_mine_ranks_construction_higher_than_a_remote_one(adv):
    base = {"id": "m", "planned_land_use": "construction", "terrain": ["open_pit"]}
    near = adv.advise(base | {"location_zone": "urban", "road_access": "good", "distance_to_city_km": 2})
    far = adv.advise(base | {"location_zone": "remote_mountain", "road_access": "poor", "distance_to_city_km": 90})
    score = lambda a, mid: next(m["score"] for m in a["utilization_models"] if m["id"] == mid)
    assert score(near, "construction_use") > score(far, "construction_use")


def test_unknowns_name_the_fields_and_what_knowing_them_would_change(adv):
    a = adv.advise({"id": "m", "province": "北京"})
    by_field = {u["field"]: u["effect_zh"] for u in a["unknowns"]}
    assert "had_mining_license" in by_field and "区级财政出资" in by_field["had_mining_license"]
    assert "planned_land_use" in by_field


def test_low_potential_in_beijing_adds_the_cited_public_funding_and_bundling(adv):
    a = adv.advise({"id": "m", "province": "北京", "status": "historical_abandoned",
                    "location_zone": "remote_mountain", "road_access": "poor", "distance_to_city_km": 70,
                    "control_zones": ["ecological_redline"], "hazards": ["landslide"], "hazard_threatens_people": True,
                    "pollution": ["soil_heavy_metal"], "terrain": ["goaf_subsidence"], "public_support": "low"})
    assert a["potential"]["level"] == "low"
    assert "public_commercial_bundling" in [i["id"] for i in a["incentives"]]
    assert "government_restores_historical" in a["responsibility"]["ids"]
    reason = next(i for i in a["incentives"] if i["id"] == "public_commercial_bundling")["reasons"][0]
    assert reason["rule"] == "advisor.potential.low.bj_bundling"
    assert reason["sources"][0]["clause_id"] == "bj-mine-plan-2021~pt_70"


def test_low_potential_consequences_resting_on_a_paper_are_research_suggestions_not_duties(adv):
    a = adv.advise({"id": "m", "province": "甘肃", "responsible_party": "none", "location_zone": "remote_mountain",
                    "road_access": "poor", "distance_to_city_km": 70, "control_zones": ["ecological_redline"],
                    "hazards": ["landslide"], "hazard_threatens_people": True, "pollution": ["soil_heavy_metal"],
                    "terrain": ["goaf_subsidence"], "public_support": "low"})
    assert a["potential"]["level"] == "low"
    research = {(r["kind"], r["id"]): r for r in a["research_suggestions"]}
    suggested = research[("responsibility", "government_restores_historical")]
    assert suggested["basis"] == "research" and "研究" in suggested["note_zh"]
    assert suggested["reasons"][0]["sources"][0]["clause_id"] == "research-wu-2025-abandoned-mine-utilization~pt_29"
    # the paper's closure suggestion is not repeated apart: the binding category already gives it
    assert ("recommend", "natural_closure") not in research
    assert a["responsibility"] is None or "government_restores_historical" not in a["responsibility"]["ids"]
    # natural recovery (a binding red-line rule) is itself closure for natural succession, cited by the category
    closure = next(m for m in a["utilization_models"] if m["id"] == "natural_closure")
    assert closure["reasons"][0]["sources"][0]["clause_id"] == "bj-mine-plan-2021~pt_36"
    assert closure["score_breakdown"]["potential_kind"] == "protective"
    assert "public_commercial_bundling" not in [i["id"] for i in a["incentives"]]  # a Beijing clause


def test_an_unresolved_source_is_an_error_not_a_silent_gap():
    from advisor import Advisor

    with pytest.raises(UnresolvedSourceError, match="pt_70"):
        Advisor(FakeKB([c for c in FAKE_CLAUSES if not c.endswith("pt_70")]), ruleset=FakeRuleSet(fake_rules()), gate_path=SMALL_GATE,
                cases=[])


def test_bad_profile_raises_profile_error_before_any_rule_runs(adv):
    with pytest.raises(ProfileError):
        adv.advise({"id": "m", "mineral": "kryptonite"})


def test_a_bad_as_of_date_is_a_clear_error(adv):
    with pytest.raises(ProfileError, match="YYYY-MM-DD"):
        adv.advise({"id": "m"}, as_of="last year")


def test_what_if_lists_the_changes_item_by_item(adv):
    res = adv.what_if({"id": "m", "planned_land_use": "forest_grass"}, {"planned_land_use": "construction"})
    changes = {(d["section"], d.get("id"), d["change"]) for d in res["diff"]}
    assert ("utilization_models", "construction_use", "added") in changes
    assert ("utilization_models", "forest_grassland", "removed") in changes
    assert ("measures", "afforestation", "removed") in changes
    assert any(d["section"] == "restoration_category" and d["after"] == "comprehensive_utilization" for d in res["diff"])


def test_what_if_rejects_an_unknown_field(adv):
    with pytest.raises(ProfileError, match="planed"):
        adv.what_if({"id": "m"}, {"planed_land_use": "construction"})


def test_compare_provinces_shows_regional_items_side_by_side(adv):
    res = adv.compare_provinces({"id": "m", "had_mining_license": True}, ["北京市", "Jiangxi"])
    assert res["provinces"] == ["北京", "江西"]
    rows = {r["id"]: r for r in res["sections"]["responsibility"]}
    assert rows["municipal_finance_licensed"]["in"] == {"北京": True, "江西": False}
    assert rows["municipal_finance_licensed"]["differs"]


def test_advise_many_keeps_input_order_and_reports_bad_records(adv):
    recs = [{"id": "a"}, {"id": "b", "area_ha": -1}, {"nope": 1}, {"id": "d", "terrain": ["open_pit"]}]
    out = list(adv.advise_many(recs))
    assert [o.get("mine_id") for o in out] == ["a", "b", None, "d"]
    assert "error" in out[1] and out[1]["details"][0]["field"] == "area_ha" and out[1]["record"] == "index 1"
    assert "error" in out[2] and {d["field"] for d in out[2]["details"]} == {"nope", "id"}


def test_shuffling_a_batch_changes_no_mines_advice(adv):
    rng = random.Random(3)
    recs = [{"id": f"m{i}", "planned_land_use": rng.choice(["construction", "forest_grass"]),
             "terrain": rng.sample(["open_pit", "tailings", "flat_platform"], 2),
             "control_zones": rng.choice([[], ["ecological_redline"]])} for i in range(30)]
    first = {a["mine_id"]: a for a in adv.advise_many(recs)}
    shuffled = recs[:]
    rng.shuffle(shuffled)
    second = {a["mine_id"]: a for a in adv.advise_many(shuffled)}
    assert first == second


def test_entropy_weights_for_a_batch_are_reported_in_the_potential(adv):
    recs = [{"id": f"m{i}", "location_zone": z} for i, z in enumerate(["urban", "rural", "remote_mountain"])]
    out = list(adv.advise_many(recs, weights="entropy"))
    assert all(o["potential"]["method"] == "entropy" for o in out)
    assert out[0]["potential"]["factors"]["space"]["weight"] > out[0]["potential"]["factors"]["policy"]["weight"]


def test_precedents_rank_the_most_similar_case_first_with_what_it_became():
    from advisor.precedents import PrecedentFinder, similarity, case_view

    cases = [
        {"id": "c_rare", "name_zh": "稀土矿", "mineral": "rare_earth", "province": "江西", "became": ["photovoltaic"],
         "utilization_zh": "光伏", "sources": ["seed:000 表3"]},
        {"id": "c_quarry", "name_zh": "采石场", "mineral": "construction_stone", "location_zone": "suburban",
         "terrain": ["open_pit"], "became": ["hotel_homestay"], "utilization_zh": "酒店"},
        {"id": "c_lime", "name_zh": "石灰岩矿", "mineral": "limestone", "location_zone": "urban", "became": ["mine_park"]},
    ]
    finder = PrecedentFinder(cases)
    got = finder.find({"id": "m", "mineral": "granite", "location_zone": "suburban", "terrain": ["open_pit"]})
    assert [g["id"] for g in got] == ["c_quarry", "c_lime"]
    assert got[0]["became"] == ["hotel_homestay"] and got[0]["utilization_zh"] == "酒店"
    assert got[0]["similarity"] == round(similarity({"mineral": "granite", "location_zone": "suburban",
                                                     "terrain": ["open_pit"]}, case_view(cases[1]))[0], 3)
    assert finder.find({"id": "m", "mineral": "rare_earth"})[0]["seed_refs"] == ["seed:000 表3"]
    assert finder.find({"id": "m"}) == []


def test_the_fast_batch_json_is_exactly_the_advice(adv):
    import json

    for p in ({"id": "a", "province": "北京", "planned_land_use": "construction", "terrain": ["open_pit"],
               "had_mining_license": True}, {"id": "b", "control_zones": ["ecological_redline"]}):
        fast = json.loads(adv.dumps(adv.advise(p, for_json=True)))
        assert fast == json.loads(json.dumps(adv.advise(p)))


def test_a_reason_without_any_clause_is_an_error():
    from advisor.provenance import SourceResolver

    with pytest.raises(UnresolvedSourceError, match="cites no clause"):
        SourceResolver(FakeKB(FAKE_CLAUSES)).sources([], cited_by="rule x")

