"""Potential evaluation: AHP weights with a checked consistency ratio, entropy weights, factor scores."""
from __future__ import annotations

import pytest
import yaml

from advisor.potential import (DATA, FACTORS, InconsistentMatrixError, PotentialModel, ahp_weights, entropy_weights,
                               load_ahp)


def test_bundled_ahp_matrix_is_consistent_and_names_its_source():
    res = load_ahp()
    assert res.cr < 0.1
    assert abs(sum(res.weights.values()) - 1) < 1e-9 and set(res.weights) == set(FACTORS)
    assert "吴家龙" in res.source and "表5" in res.source   # the paper it rests on, by name


def test_bundled_weights_follow_the_seed_passages_decisive_factors_weigh_most():
    w = load_ahp().weights
    # seed 000 §3.2: location, technology and policy may be decisive; safety is a precondition (seed 003)
    assert min(w["space"], w["policy"], w["safety"]) > max(w["benefit"], w["function"], w["society"])
    assert w["technology"] > w["function"]


def test_a_consistent_matrix_gives_the_known_weights():
    res = ahp_weights(["a", "b", "c"], [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]])
    assert res.weights == pytest.approx({"a": 4 / 7, "b": 2 / 7, "c": 1 / 7})
    assert res.cr == pytest.approx(0, abs=1e-9)


def test_an_inconsistent_matrix_is_a_clear_error_with_its_ratio():
    with pytest.raises(InconsistentMatrixError, match="consistency ratio CR = "):
        ahp_weights(["a", "b", "c"], [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]])


def test_a_matrix_that_is_not_reciprocal_is_rejected():
    with pytest.raises(InconsistentMatrixError, match="reciprocals"):
        ahp_weights(["a", "b"], [[1, 3], [3, 1]])


def test_an_inconsistent_matrix_file_fails_to_load(tmp_path):
    data = yaml.safe_load((DATA / "ahp.yaml").read_text(encoding="utf-8"))
    data["matrix"]["space"][0] = 9          # space 9× attribute …
    data["matrix"]["attribute"][0 + 1] = "1/9"
    data["matrix"]["attribute"][7] = 9      # … but attribute 9× policy, while policy = space
    data["matrix"]["policy"][0] = "1/9"
    p = tmp_path / "ahp.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InconsistentMatrixError, match=str(p)):
        load_ahp(p)


def test_entropy_weights_favour_the_factor_that_varies_across_the_batch():
    rows = [{f: 0.5 for f in FACTORS} | {"space": s} for s in (0.1, 0.9, 0.2, 0.8)]
    w = entropy_weights(rows)
    assert max(w, key=w.get) == "space" and abs(sum(w.values()) - 1) < 1e-9


def test_entropy_weights_of_one_mine_are_equal():
    assert set(entropy_weights([{f: 0.3 for f in FACTORS}]).values()) == {1 / 8}


@pytest.fixture(scope="module")
def model():
    return PotentialModel()


def test_an_unknown_profile_is_neutral_and_says_which_fields_are_missing(model):
    pot = model.evaluate({"id": "x"})
    assert pot["score"] == pytest.approx(0.5) and pot["level"] == "medium"
    assert "location_zone" in pot["factors"]["space"]["unknown_fields"]


def test_a_suburban_accessible_mine_planned_for_construction_has_high_potential(model):
    good = model.evaluate({"id": "g", "location_zone": "suburban", "distance_to_city_km": 5, "road_access": "good",
                           "planned_land_use": "construction", "control_zones": ["urban_development_boundary"],
                           "hazards": [], "public_support": "high", "landscape_value": "high",
                           "terrain": ["flat_platform"], "pollution": []})
    assert good["level"] == "high"


def test_a_remote_polluted_mine_in_a_red_line_has_low_potential(model):
    bad = model.evaluate({"id": "b", "location_zone": "remote_mountain", "distance_to_city_km": 80,
                          "road_access": "poor", "control_zones": ["ecological_redline"],
                          "hazards": ["landslide"], "hazard_threatens_people": True,
                          "pollution": ["leaching_residue"], "mining_method": "in_situ_leaching",
                          "terrain": ["goaf_subsidence"], "planned_land_use": "forest_grass"})
    assert bad["level"] == "low"
    assert bad["factors"]["policy"]["value"] < 0.3 and bad["factors"]["safety"]["value"] < 0.3


def test_factor_values_stay_between_0_and_1(model):
    pot = model.evaluate({"id": "x", "waste_rock_m3": 10**9, "area_ha": 10**6, "distance_to_city_km": 0})
    assert all(0 <= f["value"] <= 1 for f in pot["factors"].values())


def test_weights_written_in_the_matrix_file_must_match_the_matrix(tmp_path):
    data = yaml.safe_load((DATA / "ahp.yaml").read_text(encoding="utf-8"))
    data["weights"]["policy"] = 0.30
    p = tmp_path / "ahp.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InconsistentMatrixError, match="policy stated 0.3"):
        load_ahp(p)
