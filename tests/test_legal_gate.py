"""The legal gate table (rules/gate.py): verdicts, unknown zones, problems named, rules that contradict it."""
from __future__ import annotations

from pathlib import Path

import pytest

from rules import load_ruleset
from rules.gate import load_gate
from rules.gatecheck import gate_contradictions

SMALL = Path(__file__).resolve().parent / "fixtures" / "rules" / "legal_gate_small.yaml"
BROADER = {"industry_commerce": ["construction_use"], "photovoltaic": ["construction_use"],
           "agri_photovoltaic": ["photovoltaic", "construction_use"], "wetland_park": ["ecological_landscape"]}


def _gate(path=SMALL, kb=None):
    gate, problems = load_gate(path, kb=kb, ancestors=lambda m: BROADER.get(m, []))
    return gate, problems


def test_the_small_table_loads_without_problems():
    gate, problems = _gate()
    assert problems == [] and len(gate.cells) == 3 and gate.default.sources == ("cn-mnr-2019-6~pt_5",)


def test_a_forbidding_cell_covers_every_narrower_model_and_names_its_cell():
    gate, _ = _gate()
    v = gate.assess("industry_commerce", {"control_zones": ["ecological_redline"], "current_land_use": "mining_land"})
    assert v.status == "forbidden" and [c.id for c in v.cells] == ["gate.ecological_redline.construction_use"]
    v = gate.assess("agri_photovoltaic", {"control_zones": ["permanent_basic_farmland"], "current_land_use": "unused"})
    assert v.status == "forbidden" and v.cells[0].id == "gate.permanent_basic_farmland.photovoltaic"


def test_a_model_without_a_cell_for_the_zone_is_permitted():
    gate, _ = _gate()
    v = gate.assess("wetland_park", {"control_zones": ["ecological_redline"], "current_land_use": "water"})
    assert v.status == "permitted" and v.cells == [] and v.conditions_zh == []


def test_a_conditional_cell_carries_its_condition_unless_met_when_holds():
    gate, _ = _gate()
    shade = {"control_zones": [], "current_land_use": "forest", "vegetation_cover_pct": 60}
    v = gate.assess("photovoltaic", shade)
    assert v.status == "conditional" and v.conditions_zh == ["不得占用Ⅰ级保护林地"]
    assert gate.assess("photovoltaic", {**shade, "vegetation_cover_pct": 5}).status == "permitted"
    # met_when unknown: the condition stays
    assert gate.assess("photovoltaic", {"control_zones": [], "current_land_use": "forest"}).status == "conditional"


def test_an_unknown_zone_field_leaves_a_forbidding_cell_undecided_and_names_the_field():
    gate, _ = _gate()
    v = gate.assess("photovoltaic", {"current_land_use": "unused"})
    assert v.status == "conditional" and v.could_be_forbidden and v.cells == []
    assert v.missing_fields == ["control_zones"]
    assert any("永久基本农田" in c and "所在管控区" in c for c in v.conditions_zh)
    # a strictly stronger known verdict wins over an undecided one
    v = gate.assess("photovoltaic", {"control_zones": ["permanent_basic_farmland"]})
    assert v.status == "forbidden"


BROKEN = """
zones:
  redline:
    label: {zh: 生态保护红线}
    when: "'ecological_redlin' in control_zones"
  farmland:
    label: {zh: 永久基本农田}
    when: "'permanent_basic_farmland' in control_zones"
cells:
  - model: skyscraper
    zone: farmland
    verdict: forbidden
    explain_zh: x
    sources: [a~b]
  - model: photovoltaic
    zone: moon
    verdict: forbidden
    explain_zh: x
    sources: [a~b]
  - model: photovoltaic
    zone: farmland
    verdict: conditional
    explain_zh: x
    sources: []
  - model: golf
    zone: farmland
    verdict: maybe
    explain_zh: x
    sources: [a~b]
  - model: museum
    zone: farmland
    verdict: forbidden
    explain_zh: x
    sources: [nowhere~art_1]
    colour: red
default:
  explain_zh: 用途须符合国土空间规划
  sources: [a~b]
"""


class _KB:
    def clause(self, cid):
        return None if cid.startswith("nowhere") else ("doc", "clause")


def test_every_problem_of_a_broken_table_is_named(tmp_path):
    path = tmp_path / "gate.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    gate, problems = load_gate(path, kb=_KB(), ancestors=lambda m: [])
    text = "\n".join(problems)
    assert "zone redline: when" in text and "ecological_redlin" in text          # a bad zone value
    assert "'skyscraper' is not a utilization model" in text
    assert "zone 'moon' is not defined" in text
    assert "needs condition_zh" in text and "sources must list at least one clause id" in text
    assert "verdict must be one of" in text
    assert "'nowhere~art_1' is not in the knowledge base" in text
    assert "unknown key 'colour'" in text


RULES_CONTRADICTING = """
rules:
  - id: t.pv.on_farmland
    title: {zh: 永久基本农田上建光伏}
    when: "'permanent_basic_farmland' in control_zones"
    then: {recommend: photovoltaic}
    sources: [a~b]
  - id: t.pv.coal
    title: {zh: 煤矿光伏}
    when: "mineral == 'coal'"
    then: {recommend: photovoltaic}
    sources: [a~b]
"""


def test_a_rule_that_recommends_a_model_only_where_the_table_forbids_it_is_an_error(tmp_path):
    (tmp_path / "r.yaml").write_text(RULES_CONTRADICTING, encoding="utf-8")
    ruleset = load_ruleset(tmp_path)
    gate, _ = _gate()
    errors, gated = gate_contradictions(ruleset, gate)
    assert len(errors) == 1 and "t.pv.on_farmland" in errors[0] and "permanent_basic_farmland" in errors[0]
    # both rules can fire in the red line (photovoltaic is a construction use) and the coal rule on farmland too:
    # the gate overrides those recommendations at run time
    assert gated == 4


@pytest.mark.parametrize("path", [Path(__file__).resolve().parents[1] / "rules" / "legal_gate.yaml"])
def test_the_bundled_table_resolves_every_source_and_no_rule_contradicts_it(kb, path):
    from rules.concepts import concept_index

    gate, problems = load_gate(path, kb=kb, concepts=concept_index())
    assert problems == []
    errors, _ = gate_contradictions(kb.ruleset, gate)
    assert errors == []


def test_natural_recovery_section_names_its_problems(tmp_path):
    path = tmp_path / "gate.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8") + """
natural_recovery:
  excludes: [construction_use, flying_car]
  keeps:
    - model: forest_photovoltaic
      explain_zh: 林光互补不破坏原有植被
      sources: []
""", encoding="utf-8")
    gate, problems = load_gate(path, ancestors=lambda m: [])
    text = "\n".join(problems)
    assert "excludes: 'flying_car' is not a utilization model" in text
    assert "keeps[0]: needs model (a utilization model), explain_zh and sources" in text


def test_without_a_natural_recovery_section_built_uses_and_extraction_are_excluded():
    gate, _ = _gate()
    assert gate.natural_recovery_excludes == ("construction_use", "resource_reuse")
    assert gate.natural_recovery_keeps == {}


def test_a_hazard_threatening_people_conditions_every_use_with_people_on_site(kb):
    base = {"id": "h", "province": "浙江", "status": "historical_abandoned", "responsible_party": "none",
            "control_zones": [], "current_land_use": "mining_land", "terrain": ["bare_rock_wall"],
            "intended_uses": ["rock_climbing", "natural_closure"]}
    threatened = kb.advisor.advise({**base, "hazards": ["collapse"], "hazard_threatens_people": True})
    verdicts = {u["id"]: u for u in threatened["intended_use"]}
    assert verdicts["rock_climbing"]["verdict"] == "conditional"
    assert any("地质灾害隐患" in c for c in verdicts["rock_climbing"]["conditions_zh"])
    assert {s["clause_id"] for r in verdicts["rock_climbing"]["reasons"] for s in r["sources"]} >= {
        "cn-geohazard-regulation~art_19", "cn-geohazard-regulation~art_21"}
    assert verdicts["natural_closure"]["verdict"] == "permitted"
    # not threatening, or not known to threaten: no hazard condition (the unknowns name the field instead)
    for extra in ({"hazards": ["collapse"], "hazard_threatens_people": False}, {"hazards": ["collapse"]}):
        advice = kb.advisor.advise({**base, **extra})
        climbing = next(u for u in advice["intended_use"] if u["id"] == "rock_climbing")
        assert not any("地质灾害隐患" in c for c in climbing["conditions_zh"])
