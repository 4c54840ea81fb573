"""Hypothesis strategies for whole mine profiles over the contract (rules/schema.py), shared by the property tests."""
from __future__ import annotations

from hypothesis import strategies as st

from rules.schema import PROFILE_FIELDS

PROVINCES = ["北京", "江西", "广东", "贵州", "黑龙江", "山东", "内蒙古", "山西", "河南", "安徽", "甘肃", "宁夏",
             "新疆", "云南", "湖南", "四川", "河北", "浙江"]
SKIP = {"id", "name", "city", "county", "province"}


def field_value(spec):
    """A valid value of one profile field."""
    if spec.kind == "enum":
        return st.sampled_from(spec.values)
    if spec.kind == "list":
        return st.lists(st.sampled_from(spec.values), unique=True, max_size=min(4, len(spec.values)))
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "number":
        lo = spec.minimum if spec.minimum is not None else 0
        hi = spec.maximum if spec.maximum is not None else 500
        return st.floats(min_value=lo + (0.5 if spec.exclusive_minimum else 0), max_value=hi,
                         allow_nan=False, allow_infinity=False)
    return st.text(min_size=1, max_size=5)


@st.composite
def profiles(draw, known_in_ten: int = 7):
    """A whole profile: a province or none, each other field known with probability ``known_in_ten``/10
    (unknowns are part of the domain)."""
    p = {"id": "p"}
    if draw(st.booleans()):
        p["province"] = draw(st.sampled_from(PROVINCES))
    for name, spec in PROFILE_FIELDS.items():
        if name in SKIP:
            continue
        if draw(st.integers(0, 9)) < known_in_ten:
            p[name] = draw(field_value(spec))
    return p


def valid_profiles(batch):
    """The validated profiles of a drawn batch (the few a bound or rule of the contract rejects left out)."""
    from advisor.profile import ProfileError, validate_profile

    out = []
    for p in batch:
        try:
            out.append(validate_profile(p))
        except ProfileError:
            pass
    return out
