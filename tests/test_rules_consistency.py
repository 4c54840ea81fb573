"""The engine's fast paths (plans, shared conclusions, cached pending records) agree with a plain reading.

The reference below evaluates every rule's condition tree directly, with no
plan, cache or shortcut, on random sparse profiles; the engine must fire the
same rules, leave the same rules pending on the same fields, and derive the
same facts, however many mines it has seen before.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minekb.kb import BUNDLED_RULES
from rules.engine import RuleSet
from rules.loader import load_rules_and_problems
from rules.schema import PROFILE_FIELDS, PROVINCES

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
ON = date(2024, 6, 1)
RULESETS = {name: RuleSet(load_rules_and_problems(path)[0])
            for name, path in (("fixture", FIXTURES / "engine"), ("bundled", BUNDLED_RULES))}


def _value(spec):
    if spec.kind == "enum":
        return st.sampled_from(spec.values)
    if spec.kind == "list":
        return st.lists(st.sampled_from(spec.values), unique=True, max_size=3)
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "number":
        return st.sampled_from([0.5, 1, 3, 5, 10, 20, 50, 100])
    return st.sampled_from(["北京", "江西", "广东", "山东"]) if spec.name == "province" else st.just("x")


FIELDS = [f for f in PROFILE_FIELDS if f not in ("id", "name", "city", "county")]
profiles = st.fixed_dictionaries({}, optional={f: _value(PROFILE_FIELDS[f]) for f in FIELDS})


def reference(ruleset: RuleSet, profile: dict):
    """Fired rule ids, {pending rule id: unknown fields}, and facts, read straight off the condition trees."""
    province = profile.get("province")
    facts = {f: False for f in ruleset.producers}
    values, local, region_open = {}, {}, {}
    for rule in ruleset._order:
        if not rule.in_force(ON) or (rule.region and province is not None and province not in rule.region):
            continue
        value = rule.when.fn(profile, facts)
        region_open[rule.id] = bool(rule.region) and province is None
        if region_open[rule.id] and value is not False:
            value = None
        values[rule.id] = value
        out: set[str] = set()
        rule.when.unknown_fields(profile, facts, out)
        local[rule.id] = out
        for fact in rule.facts_concluded:
            if value is True:
                facts[fact] = True
            elif value is None and facts[fact] is False:
                facts[fact] = None

    def expand(rid: str, seen: set[str]) -> set[str]:
        fields = {f for f in local[rid] if not f.startswith("fact.")}
        if region_open[rid]:
            fields.add("province")
        for name in local[rid] - fields:
            if name.startswith("fact.") and name not in seen:
                seen.add(name)
                for producer in ruleset.producers.get(name[5:], ()):
                    if values.get(producer.id, False) is None:
                        fields |= expand(producer.id, seen)
        return fields

    fired = {rid for rid, v in values.items() if v is True}
    pending = {rid: sorted(expand(rid, set())) for rid, v in values.items() if v is None}
    return fired, pending, {k: v for k, v in facts.items() if v is not None}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, which=st.sampled_from(sorted(RULESETS)))
def test_engine_agrees_with_a_plain_reading_of_the_rules(profile, which):
    ruleset = RULESETS[which]
    profile = {"id": "m", **profile}
    ev = ruleset.evaluate(profile, as_of=ON)
    fired, pending, facts = reference(ruleset, profile)
    assert set(ev.fired_rules()) | {c.rule_id for c, _, _ in ev.removed} == fired
    assert {p.rule_id: sorted(p.unknown_fields) for p in ev.pending} == pending
    assert ev.facts == facts


def test_every_province_is_a_valid_profile_value_for_the_engine():
    ruleset = RULESETS["bundled"]
    for province in PROVINCES:
        ev = ruleset.evaluate({"id": "m", "province": province}, as_of=ON)
        assert all("province" not in p.unknown_fields for p in ev.pending)
