"""Property-based tests of the two parsers that take text from users.

The profile validator and the rule-expression parser sit at the edge of the
system: whatever they are given, they either answer or raise their own clear
error (naming record and field, or the offset in the condition). They never
crash with a stray TypeError/KeyError, and what they accept is well-formed.
"""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.profile import ProfileError, validate_profile
from rules import expr
from rules.compile import Compiler, ConditionError
from rules.schema import PROFILE_FIELDS

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)
field_names = st.one_of(st.sampled_from(sorted(PROFILE_FIELDS)), st.text(max_size=12))


def _valid_value(spec):
    if spec.kind == "enum":
        return st.sampled_from(spec.values)
    if spec.kind == "list":
        return st.lists(st.sampled_from(spec.values), unique=True, max_size=len(spec.values))
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "number":
        low = spec.minimum if spec.minimum is not None else 0
        high = spec.maximum if spec.maximum is not None else 1e6
        return st.floats(min_value=low, max_value=high, exclude_min=spec.exclusive_minimum,
                         allow_nan=False, allow_infinity=False)
    if spec.name == "province":
        return st.sampled_from(["江西", "江西省", "Jiangxi", "北京", "Guangdong", "内蒙古自治区"])
    # a name or a place as typed: printable text (control characters such as line breaks are refused)
    return st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20).filter(str.strip)


valid_profiles = st.fixed_dictionaries(
    {"id": st.text(string.ascii_letters + string.digits, min_size=1, max_size=10)},
    optional={name: _valid_value(spec) for name, spec in PROFILE_FIELDS.items() if name != "id"},
)


@FUZZ
@given(st.dictionaries(field_names, json_values, max_size=8))
def test_validator_answers_or_names_the_field_for_any_json_object(raw):
    try:
        out = validate_profile(raw)
    except ProfileError as err:
        assert err.details, "a rejection must list at least one problem"
        for detail in err.details:
            assert set(detail) >= {"record", "field", "message"}
            assert detail["message"]
            assert detail["field"] is None or isinstance(detail["field"], str)
        return
    assert set(out) <= set(PROFILE_FIELDS)
    assert "id" in out


@FUZZ
@given(valid_profiles)
def test_every_contract_valid_profile_is_accepted_and_kept(profile):
    out = validate_profile(profile)
    assert out["id"] == profile["id"]
    for name, value in profile.items():
        spec = PROFILE_FIELDS[name]
        if spec.kind == "list":
            assert sorted(out[name]) == sorted(value)
        elif spec.kind in ("enum", "bool"):
            assert out[name] == value


@FUZZ
@given(json_values)
def test_validator_rejects_non_objects_cleanly(raw):
    if isinstance(raw, dict):
        return
    try:
        validate_profile(raw)
    except ProfileError as err:
        assert "object" in err.details[0]["message"]
    else:  # pragma: no cover - a non-object must never pass
        raise AssertionError(f"accepted {raw!r}")


expr_alphabet = st.sampled_from(
    ["(", ")", "and", "or", "not", "in", "not in", "==", "!=", "<", ">=", "has_any", "known(", "fact.",
     "'", "[", "]", ",", " ", "control_zones", "mineral", "'coal'", "'ecological_redline'", "area_ha",
     "3", "-1.5", "true", "had_mining_license", "x", "\"", "\\", "中文", "\x00"])


@FUZZ
@given(st.one_of(st.text(max_size=60), st.lists(expr_alphabet, max_size=14).map("".join)))
def test_expression_parser_answers_or_raises_its_own_error(text):
    try:
        tree = expr.parse(text)
    except expr.ExprError as err:
        assert 0 <= err.pos <= len(text) + 1
        return
    try:
        node = Compiler({}).compile(tree)
    except ConditionError as err:
        assert str(err)
        return
    # Whatever compiles evaluates three-valued on any profile, empty included.
    assert node.fn({}, {}) in (True, False, None)
    assert node.fn({"mineral": "coal", "control_zones": ["ecological_redline"], "area_ha": 2.0,
                    "had_mining_license": False}, {}) in (True, False, None)
