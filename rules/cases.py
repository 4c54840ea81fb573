"""Test cases written beside rules: validate their profiles and expectations, run them.

OpenFisca keeps YAML tests next to its formulas; minekb keeps them inside the
rule record. The same runner serves ``minekb rules check`` and pytest
(``tests/test_rules_cases.py``), so a case fails the same way in both.
"""
from __future__ import annotations

from datetime import date

from rules.schema import PROFILE_FIELDS, normalize_province

# expect key -> conclusion kind; "not_<key>" inverts any of them.
LIST_EXPECT = {"recommend": "recommend", "exclude": "exclude", "incentive": "incentive", "incentives": "incentive",
               "constraint": "constraint", "constraints": "constraint", "measure": "measure", "measures": "measure",
               "responsibility": "responsibility", "fact": "fact", "facts": "fact"}
SINGLE_EXPECT = ("restoration_category", "priority")
RULE_EXPECT = ("pending", "fires", "not_fires", "reference")
EXPECT_KEYS = set(LIST_EXPECT) | {f"not_{k}" for k in LIST_EXPECT} | set(SINGLE_EXPECT) | set(RULE_EXPECT)


def normalize_profile(profile, default_id: str) -> tuple[dict, list[str]]:
    """Check a test profile against the contract; returns it normalized, and the problems found."""
    if not isinstance(profile, dict):
        return {}, ["profile: must be a mapping of profile fields"]
    out: dict = {"id": default_id}
    errors: list[str] = []
    for key, value in profile.items():
        spec = PROFILE_FIELDS.get(key)
        if spec is None:
            errors.append(f"profile field {key!r} is not in the contract (rules/schema.py)")
            continue
        if value is None:
            continue
        if spec.kind == "str":
            if not isinstance(value, str):
                errors.append(f"profile {key}: text expected")
                continue
            if key == "province":
                short = normalize_province(value)
                if short is None:
                    errors.append(f"profile province {value!r} is not a provincial-level division")
                    continue
                value = short
        elif spec.kind == "enum":
            if value not in spec.values:
                errors.append(f"profile {key}: {value!r} is not one of {', '.join(spec.values)}")
                continue
        elif spec.kind == "list":
            if isinstance(value, str):
                value = [value]
            bad = [v for v in value if v not in spec.values] if isinstance(value, list) else [value]
            if bad:
                errors.append(f"profile {key}: {bad!r} not in {', '.join(spec.values)}")
                continue
            value = list(value)
        elif spec.kind == "bool":
            if not isinstance(value, bool):
                errors.append(f"profile {key}: true or false expected")
                continue
        elif spec.kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                errors.append(f"profile {key}: a number expected")
                continue
            if spec.minimum is not None and (value < spec.minimum or (spec.exclusive_minimum and value == spec.minimum)):
                errors.append(f"profile {key}: {value} is below the minimum {spec.minimum}")
                continue
            if spec.maximum is not None and value > spec.maximum:
                errors.append(f"profile {key}: {value} is above the maximum {spec.maximum}")
                continue
        out[key] = value
    return out, errors


def check_expect(expect) -> list[str]:
    """Problems with an ``expect:`` mapping (unknown keys, wrong shapes)."""
    if not isinstance(expect, dict) or not expect:
        return ["expect: must map at least one of " + ", ".join(sorted(EXPECT_KEYS)) + " to the expected value(s)"]
    errors = []
    for key, value in expect.items():
        if key not in EXPECT_KEYS:
            errors.append(f"expect key {key!r} unknown; use one of {', '.join(sorted(EXPECT_KEYS))}")
        elif key in SINGLE_EXPECT:
            if value is not None and not isinstance(value, str):
                errors.append(f"expect {key}: one concept id (or null for none)")
        elif not all(isinstance(v, str) for v in (value if isinstance(value, list) else [value])):
            errors.append(f"expect {key}: an id or a list of ids")
    return errors


def _listed(value) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


def run_case(ruleset, rule, case, fired_out: set | None = None) -> list[str]:
    """Evaluate the whole rule set on the case's profile; the unmet expectations, in words (empty = pass).
    ``fired_out`` collects the ids of the rules that fired (before precedence), to find untested rules."""
    as_of = case.as_of
    if as_of is None and not rule.in_force(date.today()):
        as_of = rule.valid_from or (rule.valid_until and date.fromordinal(rule.valid_until.toordinal() - 1))
    ev = ruleset.evaluate(case.profile, as_of=as_of, explain=True)
    failures: list[str] = []
    fired = set(ev.fired_rules())
    if fired_out is not None:
        fired_out.update(fired, (c.rule_id for c, _, _ in ev.removed))
    pending = {p.rule_id for p in ev.pending}
    for key, want in case.expect.items():
        if key in SINGLE_EXPECT:
            got = ev.single(key)
            if got != want:
                removed = [f"{c.value} (by {c.rule_id}, removed by {by})" for c, by, _ in ev.removed if c.kind == key]
                failures.append(f"{key}: expected {want}, got {got}" + (f"; removed: {', '.join(removed)}" if removed else ""))
            continue
        if key in RULE_EXPECT:
            for rid in _listed(want):
                if key == "pending" and rid not in pending:
                    failures.append(f"pending: rule {rid} is not pending")
                elif key == "fires" and rid not in fired:
                    why = dict(ev.not_fired).get(rid) or ("pending" if rid in pending else "its conclusions were removed")
                    failures.append(f"fires: rule {rid} did not fire ({why})")
                elif key == "not_fires" and rid in fired:
                    failures.append(f"not_fires: rule {rid} fired")
                elif key == "reference" and (rid not in fired or rid not in ev.reference_rules):
                    failures.append(f"reference: rule {rid} was not applied as reference (a lapsed plan without successor)")
            continue
        negate = key.startswith("not_")
        kind = LIST_EXPECT[key[4:] if negate else key]
        got = set(ev.values(kind)) if kind != "fact" else {k for k, v in ev.facts.items() if v is True}
        for value in _listed(want):
            if negate and value in got:
                by = [c.rule_id for c in ev.conclusions if c.kind == kind and c.value == value]
                failures.append(f"{key}: {value} was concluded (by {', '.join(by) or 'a derived fact'})")
            elif not negate and value not in got:
                removed = [f"removed by {by}: {why}" for c, by, why in ev.removed if c.kind == kind and c.value == value]
                detail = "; ".join(removed) if removed else f"concluded: {', '.join(sorted(got)) or 'nothing'}"
                failures.append(f"{key}: expected {value}, not concluded ({detail})")
    return failures
