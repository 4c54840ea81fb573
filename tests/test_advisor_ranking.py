"""Ranking of utilization models: restoration category, climate zone and heritage (advisor/ranking.py).

The unit tests drive ``Ranker`` directly with the ontology's SKOS tree (no
knowledge base); the properties are checked over random profiles, rule weights,
factor values and potentials (Hypothesis). The last tests run on the real
knowledge base: every cited clause resolves, and an advice obeys the orderings.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.potential import FACTORS
from advisor.provenance import Labels
from advisor.ranking import Ranker
from rules.schema import PROFILE_FIELDS, PROVINCES

TOPS = ("agricultural_use", "construction_use", "ecological_landscape", "natural_closure", "resource_reuse")
CATEGORIES = ("natural_recovery", "artificial_restoration", "comprehensive_utilization")
HERITAGE = PROFILE_FIELDS["heritage"].values
DRY_PROVINCES = ("新疆", "甘肃", "宁夏", "内蒙古", "青海", "西藏")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def labels() -> Labels:
    return Labels()


def broader(cid: str) -> list[str]:
    return list(labels()(cid)["broader"])


def ancestors(cid: str) -> tuple[str, ...]:
    return labels().ancestors(cid)


def is_a(cid: str, kind: str) -> bool:
    return cid == kind or kind in ancestors(cid)


@lru_cache(maxsize=1)
def all_models() -> tuple[str, ...]:
    from ontology.labels import all_concepts

    return tuple(sorted(c for c in all_concepts() if any(is_a(c, t) for t in TOPS)))


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return Ranker(broader)


_RANKER: Ranker | None = None


def shared_ranker() -> Ranker:
    """One Ranker for the Hypothesis tests (a fixture cannot be used inside @given)."""
    global _RANKER
    if _RANKER is None:
        _RANKER = Ranker(broader)
    return _RANKER


def base(r: Ranker, b: dict) -> float:
    return r.blend["rule"] * b["rule_weight"] + r.blend["fit"] * b["factor_fit"] + r.blend["potential"] * b["potential_term"]


unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
factor_values = st.fixed_dictionaries({f: unit for f in FACTORS})
rule_weight = st.floats(min_value=0.05, max_value=1.0, allow_nan=False)
heritage = st.lists(st.sampled_from(HERITAGE), unique=True, max_size=4)
water = st.sampled_from([True, False, None])


@st.composite
def profiles(draw, provinces=None, water=water, heritage=heritage):
    """A validated profile's fields that the ranking reads; a province is always drawn when ``provinces`` is given."""
    p = {"id": "m"}
    if provinces is not None or draw(st.booleans()):
        p["province"] = draw(st.sampled_from(provinces or tuple(PROVINCES)))
    w = draw(water)
    if w is not None:
        p["water_accumulated"] = w
    h = draw(heritage)
    if h or draw(st.booleans()):
        p["heritage"] = h
    return p


# -- neutral when nothing is known -------------------------------------------------------------
def test_without_context_the_score_is_the_blend_of_rule_fit_and_potential(ranker):
    values = {f: 0.5 for f in FACTORS}
    for mid in ("wetland_park", "photovoltaic", "natural_closure", "tailings_recovery"):
        score, b = ranker.score(mid, 0.7, values, 0.4)
        assert score == pytest.approx(base(ranker, b), abs=1e-3)
        assert b["category_fit"] == b["zone_fit"] == b["heritage_fit"] == b["placement"] == 0
        assert b["adjustments"] == []


@pytest.mark.parametrize("context", [
    None, {}, {"category": None, "profile": {"id": "m"}},
    {"category": None, "profile": {"id": "m", "province": None, "heritage": None, "water_accumulated": None}},
    {"category": "no_such_category", "profile": {"id": "m", "province": "火星"}},
])
def test_unknown_category_province_and_heritage_are_neutral(ranker, context):
    values = {f: 0.3 for f in FACTORS}
    for mid in all_models():
        plain, _ = ranker.score(mid, 0.5, values, 0.6)
        score, b = ranker.score(mid, 0.5, values, 0.6, context=context)
        assert score == plain, mid
        assert b["adjustments"] == [] and b["placement"] == 0


def test_a_humid_province_without_heritage_changes_nothing_outside_the_category(ranker):
    values = {f: 0.6 for f in FACTORS}
    ctx = {"category": None, "profile": {"id": "m", "province": "广东", "heritage": [], "water_accumulated": False}}
    for mid in all_models():
        assert ranker.score(mid, 0.8, values, 0.5, context=ctx)[0] == ranker.score(mid, 0.8, values, 0.5)[0]


def test_the_positional_signature_is_kept(ranker):
    values = {f: 0.5 for f in FACTORS}
    assert ranker.score("mine_park", 1.0, values, 0.5) == ranker.score("mine_park", 1.0, values, 0.5, None)


# -- the climate zone table ----------------------------------------------------------------------
def test_every_provincial_division_has_a_zone(ranker):
    assert set(PROVINCES) <= set(ranker.province_zones)
    assert set(ranker.province_zones.values()) <= {"arid", "semi_arid", "semi_humid", "humid"}


@pytest.mark.parametrize("province,city,zone", [
    ("新疆", None, "arid"), ("甘肃", None, "arid"), ("宁夏", None, "semi_arid"), ("内蒙古", None, "semi_arid"),
    ("青海", None, "semi_arid"), ("西藏", None, "semi_arid"), ("北京", None, "semi_humid"),
    ("河北", None, "semi_humid"), ("河北", "张家口市", "semi_arid"), ("陕西", "榆林市", "semi_arid"),
    ("甘肃", "陇南市", "humid"), ("广东", None, "humid"), ("江西", "赣州市", "humid"), (None, None, None),
    ("火星", None, None),
])
def test_zone_of_a_province_and_city(ranker, province, city, zone):
    assert ranker.zone_of(province, city) == zone


# -- each term is explained ----------------------------------------------------------------------
def test_natural_recovery_explains_why_stone_sale_and_construction_come_last(ranker):
    values = {f: 0.5 for f in FACTORS}
    ctx = {"category": "natural_recovery", "profile": {"id": "m", "province": "北京"}}
    score, b = ranker.score("waste_rock_utilization", 1.0, values, 0.9, context=ctx)
    assert b["placement"] > 0 and score < 0
    (adj,) = [a for a in b["adjustments"] if a["term"] == "category"]
    assert "自然恢复" in adj["explanation_zh"] and adj["placement"] == "bottom"
    score, b = ranker.score("natural_closure", 0.3, values, 0.9, context=ctx)
    assert b["category_fit"] > 0 and any("封育" in a["explanation_zh"] for a in b["adjustments"])


def test_dry_zone_terms_depend_on_pit_water(ranker):
    values = {f: 0.5 for f in FACTORS}
    dry = lambda w: {"category": None, "profile": {"id": "m", "province": "内蒙古", "water_accumulated": w}}
    _, no_water = ranker.score("wetland_park", 1.0, values, 0.5, context=dry(False))
    _, unknown = ranker.score("wetland_park", 1.0, values, 0.5, context=dry(None))
    _, wet = ranker.score("wetland_park", 1.0, values, 0.5, context=dry(True))
    assert no_water["placement"] > 0 and "半干旱区" in no_water["adjustments"][0]["explanation_zh"]
    assert unknown["placement"] == 0 and unknown["zone_fit"] < 0 and "不明" in unknown["adjustments"][0]["explanation_zh"]
    assert wet["placement"] == 0 and wet["zone_fit"] == 0
    _, grass = ranker.score("forest_grassland", 0.5, values, 0.5, context=dry(False))
    assert grass["zone_fit"] > 0


def test_heritage_favours_the_matching_heritage_models_and_not_the_others(ranker):
    values = {f: 0.5 for f in FACTORS}
    ctx = {"category": None, "profile": {"id": "m", "heritage": ["geological_relic"]}}
    assert ranker.score("geological_park", 0.5, values, 0.5, context=ctx)[1]["heritage_fit"] > 0
    assert ranker.score("red_education_study", 0.5, values, 0.5, context=ctx)[1]["heritage_fit"] == 0
    _, pv = ranker.score("agri_photovoltaic", 0.5, values, 0.5, context=ctx)
    assert pv["heritage_fit"] < 0 and "地质遗迹" in pv["adjustments"][0]["explanation_zh"]


def test_every_breakdown_sums_to_the_score(ranker):
    values = {f: 0.4 for f in FACTORS}
    for cat, prov, w, h in itertools.product((None, *CATEGORIES), (None, "新疆", "北京"), (True, False, None),
                                             ((), ("industrial_heritage", "red_culture"))):
        ctx = {"category": cat, "profile": {"id": "m", "province": prov, "water_accumulated": w, "heritage": list(h)}}
        for mid in all_models():
            score, b = ranker.score(mid, 0.6, values, 0.5, context=ctx)
            total = base(ranker, b) + b["category_fit"] + b["zone_fit"] + b["heritage_fit"] - b["placement"]
            assert score == pytest.approx(total, abs=2e-4), (mid, ctx)
            assert all(a["explanation_zh"] and "{" not in a["explanation_zh"] for a in b["adjustments"])


def test_graded_terms_stay_within_the_cap_for_every_model_and_context(ranker):
    """The placement bands are kept apart only if no graded sum leaves ±graded_cap (checked, not clamped)."""
    values = {f: 0.5 for f in FACTORS}
    zones = ("新疆", "内蒙古", "北京", "广东")
    subsets = [list(c) for n in range(5) for c in itertools.combinations(HERITAGE, n)]
    for mid in all_models():
        for cat, prov, w, h in itertools.product((None, *CATEGORIES), zones, (True, False, None), subsets):
            ctx = {"category": cat, "profile": {"id": "m", "province": prov, "water_accumulated": w, "heritage": h}}
            _, b = ranker.score(mid, 0.5, values, 0.5, context=ctx)
            graded = b["category_fit"] + b["zone_fit"] + b["heritage_fit"]
            assert abs(graded) <= ranker.graded_cap + 1e-9, (mid, ctx, graded)
    assert 1 + 2 * ranker.graded_cap < min(ranker.placements.values())
    assert ranker.placements["bottom"] - ranker.placements["lower"] > 1 + 2 * ranker.graded_cap


def test_the_explanation_documents_every_term(ranker):
    ex = ranker.explanation(["ecological_landscape", None])
    for term in ("category_fit", "zone_fit", "heritage_fit", "placement"):
        assert term in ex["formula"]
    ctx = ex["context"]
    assert set(ctx["categories"]) == set(CATEGORIES)
    assert all(c["why_zh"] for c in ctx["categories"].values())
    assert ctx["zone"]["basis_zh"] and ctx["zone"]["dry_why_zh"] and ctx["heritage"]["why_zh"]
    assert ctx["placements"] == ranker.placements and ctx["graded_cap"] == ranker.graded_cap


def test_user_facing_texts_name_sources_in_plain_words(ranker):
    texts = [ranker.explanation([None])["context"]]
    values = {f: 0.5 for f in FACTORS}
    for cat, prov, w in itertools.product(CATEGORIES, ("新疆", "北京"), (True, False, None)):
        ctx = {"category": cat, "profile": {"id": "m", "province": prov, "water_accumulated": w,
                                            "heritage": list(HERITAGE)}}
        texts += [ranker.score(mid, 0.5, values, 0.5, context=ctx)[1]["adjustments"] for mid in all_models()]
    texts.append([ranker.profile_info(pid) for pid in ranker.entries])
    blob = repr(texts)
    for bad in ("种子", "seed", "../", ".md", "facts", "shared/", "TODO"):
        assert bad not in blob, bad
    assert not re.search(r"(?<![\d.])0{2}[0-5](?!\d)", blob), "a seed number (000-005) in a user-facing text"


# -- properties over random profiles -------------------------------------------------------------
ECOLOGICAL = lambda m: is_a(m, "natural_closure") or is_a(m, "ecological_landscape") or m == "forest_grassland"
BUILT = lambda m: is_a(m, "construction_use") or is_a(m, "resource_reuse")


@SETTINGS
@given(p=profiles(), models=st.lists(st.sampled_from(sorted(all_models())), min_size=2, max_size=12, unique=True),
       weights=st.data(), values=factor_values, potential=unit)
def test_under_natural_recovery_built_uses_and_stone_never_outrank_an_ecological_model(p, models, weights, values,
                                                                                      potential):
    r = shared_ranker()
    ctx = {"category": "natural_recovery", "profile": p}
    scores = {m: r.score(m, weights.draw(rule_weight), values, potential, context=ctx)[0] for m in models}
    for built, eco in itertools.product([m for m in models if BUILT(m)], [m for m in models if ECOLOGICAL(m)]):
        assert scores[built] < scores[eco], (built, eco, scores)


@SETTINGS
@given(p=profiles(provinces=DRY_PROVINCES, water=st.just(False)), cat=st.sampled_from((None, *CATEGORIES)),
       w=st.lists(rule_weight, min_size=3, max_size=3), values=factor_values, potential=unit,
       other=st.sampled_from(["forest_grassland", "natural_closure", "nature_reserve_conservation"]))
def test_in_a_dry_province_without_pit_water_a_wetland_park_never_outranks_grass_or_closure(p, cat, w, values,
                                                                                           potential, other):
    r = shared_ranker()
    assert r.zone_of(p["province"], None) in ("arid", "semi_arid")
    ctx = {"category": cat, "profile": p}
    wet = r.score("wetland_park", w[0], values, potential, context=ctx)[0]
    assert wet < r.score(other, w[1], values, potential, context=ctx)[0]
    for lake in ("urban_lake_park", "artificial_lake", "fish_pond_leisure_fishery"):
        assert r.score(lake, w[2], values, potential, context=ctx)[0] < r.score(other, w[1], values, potential,
                                                                               context=ctx)[0]


@SETTINGS
@given(p=profiles(heritage=st.lists(st.sampled_from(HERITAGE), unique=True).map(
    lambda h: sorted(set(h) | {"industrial_heritage"}))), cat=st.sampled_from((None, *CATEGORIES)),
       weight=rule_weight, values=factor_values, potential=unit,
       energy=st.sampled_from(["photovoltaic", "agri_photovoltaic", "forest_photovoltaic", "wind_power",
                               "industry_commerce"]))
def test_with_industrial_heritage_the_heritage_parks_outrank_energy_and_industry_at_equal_rule_weight(
        p, cat, weight, values, potential, energy):
    r = shared_ranker()
    ctx = {"category": cat, "profile": p}
    other = r.score(energy, weight, values, potential, context=ctx)[0]
    for park in ("heritage_park", "mine_park"):
        assert r.score(park, weight, values, potential, context=ctx)[0] > other, (park, energy, ctx)


@SETTINGS
@given(p=profiles(), cat=st.sampled_from((None, *CATEGORIES)), model=st.sampled_from(sorted(all_models())),
       weight=rule_weight, values=factor_values, potential=unit)
def test_a_cached_score_equals_a_fresh_one(p, cat, model, weight, values, potential):
    ctx = {"category": cat, "profile": p}
    r = shared_ranker()
    first = r.score(model, weight, values, potential, context=ctx)
    assert r.score(model, weight, values, potential, context=ctx) == first
    assert Ranker(broader).score(model, weight, values, potential, context=ctx) == first


# -- on the real knowledge base --------------------------------------------------------------------
def test_every_cited_clause_resolves_and_every_named_model_is_a_concept(kb):
    r = Ranker(broader)
    ids = r.context_sources()
    assert ids and all(kb.clause(cid) for cid in ids), [cid for cid in ids if not kb.clause(cid)]
    lab = Labels()
    for mid in r.context_models():
        lab(mid)
    assert not lab.missing, lab.missing
    assert set(r.categories) <= {c for c in CATEGORIES}


def _same_band(a: dict, b: dict) -> bool:
    """The advisor sorts by legal status and binding force first; the score orders models within a band."""
    return a.get("legal_status") == b.get("legal_status") and bool(a.get("reference")) == bool(b.get("reference"))


def test_advice_orders_models_by_category_climate_and_heritage(kb):
    """Random mines with the fields that make the rules recommend the pairs concerned."""
    import random

    from advisor.bench import synthetic_profile

    adv = kb.advisor
    rng = random.Random(5)
    dry = {"current_land_use": "mining_land", "planned_land_use": "forest_grass", "water_accumulated": False}
    legacy = {"heritage": ["industrial_heritage"], "terrain": ["flat_platform", "goaf_subsidence"],
              "reclaimable_to_cultivated": False, "current_land_use": "unused", "control_zones": []}
    checked = {"dry": 0, "heritage": 0, "natural_recovery": 0}
    for i in range(240):
        p = synthetic_profile(rng, i)
        p |= dry | {"province": rng.choice(DRY_PROVINCES)} if i % 2 else legacy
        a = adv.advise(p, as_of="2025-01-01")
        models = a["utilization_models"]
        if models and "category_fit" not in models[0]["score_breakdown"]:
            pytest.xfail("advisor/service.py does not pass the ranking context to Ranker.score yet")
        pos = {m["id"]: n for n, m in enumerate(models)}
        by_id = {m["id"]: m for m in models}
        if (a["restoration_category"] or {}).get("id") == "natural_recovery":
            for e, b in itertools.product([m for m in pos if ECOLOGICAL(m)], [m for m in pos if BUILT(m)]):
                if _same_band(by_id[e], by_id[b]):
                    checked["natural_recovery"] += 1
                    assert pos[e] < pos[b], (p, e, b)
        if i % 2 and "wetland_park" in pos:
            assert by_id["wetland_park"]["score_breakdown"]["placement"] > 0
            for o in ("forest_grassland", "natural_closure"):
                if o in pos and _same_band(by_id[o], by_id["wetland_park"]):
                    checked["dry"] += 1
                    assert pos[o] < pos["wetland_park"], (p, [(m["id"], m["score"]) for m in models])
        if not i % 2:
            for h in ("heritage_park", "mine_park"):
                if h in pos:
                    assert by_id[h]["score_breakdown"]["heritage_fit"] > 0
            for pv in ("photovoltaic", "agri_photovoltaic", "forest_photovoltaic"):
                if pv in pos:
                    checked["heritage"] += 1
                    assert by_id[pv]["score_breakdown"]["heritage_fit"] < 0
                    assert any("工业遗产" in x["explanation_zh"] for x in by_id[pv]["score_breakdown"]["adjustments"])
                    for h in ("heritage_park", "mine_park"):
                        if h in pos and _same_band(by_id[h], by_id[pv]) and (
                                by_id[h]["score_breakdown"]["rule_weight"] >= by_id[pv]["score_breakdown"]["rule_weight"]):
                            assert pos[h] < pos[pv], (p, h, pv)
    assert checked["dry"] >= 10 and checked["heritage"] >= 10, checked
    assert "context" in a["ranking"] and "category_fit" in a["ranking"]["formula"]


def test_the_explanation_for_one_mine_documents_only_the_terms_that_can_apply(ranker):
    ctx = {"category": "artificial_restoration", "profile": {"id": "m", "province": "宁夏", "heritage": ["red_culture"]}}
    ex = ranker.explanation(["agricultural_use"], context=ctx)["context"]
    assert list(ex["categories"]) == ["artificial_restoration"]
    assert ex["zone"]["zone"] == "semi_arid" and ex["zone"]["dry_why_zh"] and ex["heritage"]["why_zh"]
    assert ranker.explanation(["agricultural_use"], context=ranker.context_key(ctx)) == \
        ranker.explanation(["agricultural_use"], context=ctx)
    humid = ranker.explanation([None], context={"category": None, "profile": {"id": "m", "province": "广东"}})["context"]
    assert humid["categories"] == {} and "dry_why_zh" not in humid["zone"] and "heritage" not in humid
    assert ranker.explanation([None], context={"category": None, "profile": {"id": "m"}})["context"]["categories"] == {}
