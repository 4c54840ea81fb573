"""The condition language: parsing, type checking against the profile contract, three-valued closures."""
from __future__ import annotations

import re

import pytest

from rules import expr
from rules.compile import Compiler, ConditionError, compile_text

FACTS = {"near_city": "临近城区"}


def cond(text: str):
    return compile_text(text, Compiler(FACTS))


def test_and_binds_tighter_than_or_and_not_tighter_than_and():
    tree = expr.parse("a or b and not c")
    assert isinstance(tree, expr.Or)
    assert isinstance(tree.children[1], expr.And)
    assert isinstance(tree.children[1].children[1], expr.Not)


@pytest.mark.parametrize("text, message", [
    ("mineral = 'coal'", "write '=='"),
    ("(had_mining_license", "expected ')'"),
    ("had_mining_license water_accumulated", "join conditions with 'and'"),
    ("", "empty condition"),
    ("status in ['a', ]", "expected a field, a value"),
])
def test_syntax_errors_say_what_to_write(text, message):
    with pytest.raises(expr.ExprError, match=re.escape(message)):
        expr.parse(text)


def test_python_code_is_not_a_condition():
    with pytest.raises((expr.ExprError, ConditionError)):
        cond("__import__('os').system('true')")
    with pytest.raises((expr.ExprError, ConditionError)):
        cond("mineral.__class__ == 'x'")


@pytest.mark.parametrize("text, message", [
    ("contol_zones has_any ['ecological_redline']", "did you mean control_zones"),
    ("mineral == 'rare_earths'", "did you mean rare_earth"),
    ("mineral < 3", "compares numbers"),
    ("control_zones == 'ecological_redline'", "is a list"),
    ("'coal' in mineral", "needs a list field"),
    ("mineral", "not true/false"),
    ("vegetation_cover_pct > 150", "outside the range"),
    ("had_mining_license == 'yes'", "true/false"),
    ("fact.near_cty", "did you mean fact.near_city"),
    ("empty(mineral)", "takes a list field"),
    ("province == 'Atlantis'", "not a provincial-level division"),
])
def test_type_errors_name_the_problem_and_the_fix(text, message):
    with pytest.raises(ConditionError, match=re.escape(message)):
        cond(text)


def test_province_is_compared_by_its_short_name():
    node = cond("province == 'Beijing'")
    assert node.fn({"province": "北京"}, {}) is True
    assert node.fn({"province": "江西"}, {}) is False


@pytest.mark.parametrize("text, profile, expected", [
    ("mineral == 'coal'", {}, None),                                   # missing field: unknown
    ("mineral == 'coal'", {"mineral": "coal"}, True),
    ("not had_mining_license", {}, None),                               # not unknown = unknown
    ("not had_mining_license", {"had_mining_license": False}, True),
    ("mineral == 'coal' and had_mining_license", {"had_mining_license": False}, False),  # false and unknown
    ("mineral == 'coal' and had_mining_license", {"had_mining_license": True}, None),    # true and unknown
    ("mineral == 'coal' or had_mining_license", {"had_mining_license": True}, True),     # true or unknown
    ("mineral == 'coal' or had_mining_license", {"had_mining_license": False}, None),    # false or unknown
    ("known(mineral)", {}, False),                                      # known() is never unknown
    ("not known(mineral)", {}, True),
    ("empty(control_zones)", {"control_zones": []}, True),              # an empty list is known
    ("empty(control_zones)", {}, None),
    ("'ecological_redline' in control_zones", {"control_zones": []}, False),
    ("'ecological_redline' not in control_zones", {"control_zones": ["scenic_area"]}, True),
    ("hazards has_any ['collapse', 'landslide']", {"hazards": ["landslide"]}, True),
    ("hazards has_all ['collapse', 'landslide']", {"hazards": ["landslide"]}, False),
    ("status not in ['producing']", {"status": "closed"}, True),
    ("distance_to_city_km <= 5", {"distance_to_city_km": 5}, True),
    ("5 >= distance_to_city_km", {"distance_to_city_km": 6}, False),    # literal on the left is swapped
    ("fact.near_city", {}, None),                                        # facts come from the facts dict
])
def test_three_valued_evaluation(text, profile, expected):
    assert cond(text).fn(profile, {}) is expected


def test_facts_are_read_from_the_derived_facts():
    node = cond("fact.near_city and not had_mining_license")
    assert node.fn({"had_mining_license": False}, {"near_city": True}) is True
    assert node.fn({"had_mining_license": False}, {"near_city": False}) is False


def test_why_not_names_the_failing_condition_and_the_mines_value():
    node = cond("'ecological_redline' in control_zones and mineral == 'coal'")
    reasons: list[str] = []
    node.reasons({"control_zones": ["scenic_area"], "mineral": "coal"}, {}, False, True, reasons)
    assert reasons == ["不满足「所在管控区包含生态保护红线」：本矿山所在管控区为风景名胜区"]


def test_reasons_for_a_firing_condition_name_this_mines_values():
    node = cond("hazards has_any ['collapse', 'landslide'] and distance_to_city_km < 10")
    reasons: list[str] = []
    node.reasons({"hazards": ["landslide", "subsidence"], "distance_to_city_km": 3}, {}, True, False, reasons)
    assert reasons == ["地质灾害隐患包含滑坡", "距城区距离(km)为3（距城区距离(km)小于10）"]


def test_unknown_fields_are_those_that_keep_the_condition_undecided():
    node = cond("(mineral == 'coal' or had_mining_license) and area_ha > 5")
    out: set[str] = set()
    node.unknown_fields({"area_ha": 10}, {}, out)
    assert out == {"mineral", "had_mining_license"}
