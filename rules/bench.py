"""``minekb bench rules``: the compiled engine against a naive interpreter, on the same mines and conditions.

The naive interpreter is the ``rule-engine`` package: each rule's condition is
translated to its syntax (``Node.to_rule_engine``) and evaluated per mine. It
has no "unknown" (a missing field raises), so the synthetic profiles carry
every field; both engines see the same rules in force, the same regional
filter and the same forward-chained facts, and every condition result is
compared, so the benchmark is also a cross-check of the compiled closures.
Rates are per CPU second of this process (``time.process_time``), so other
work on a shared machine does not distort the comparison.
"""
from __future__ import annotations

import random
import time
from datetime import date

from minekb.progress import TerminalProgress
from rules.engine import RuleSet
from rules.schema import PROFILE_FIELDS, PROVINCES

NUMBER_RANGES = {"area_ha": (0.1, 200.0), "vegetation_cover_pct": (0.0, 100.0), "distance_to_city_km": (0.0, 80.0),
                 "waste_rock_m3": (0.0, 500_000.0)}


def synthetic_profiles(n: int, seed: int) -> list[dict]:
    """``n`` valid profiles, every field filled, drawn uniformly from the contract's vocabularies."""
    rnd = random.Random(seed)
    provinces = sorted(PROVINCES)
    out = []
    for i in range(n):
        p: dict = {"id": f"bench-{i}", "name": f"合成矿山{i}", "city": "某市", "county": "某县"}
        for name, spec in PROFILE_FIELDS.items():
            if name in p:
                continue
            if name == "province":
                p[name] = rnd.choice(provinces)
            elif spec.kind == "enum":
                p[name] = rnd.choice(spec.values)
            elif spec.kind == "list":
                p[name] = [v for v in spec.values if rnd.random() < 0.25]
            elif spec.kind == "bool":
                p[name] = rnd.random() < 0.5
            elif spec.kind == "number":
                lo, hi = NUMBER_RANGES.get(name, (spec.minimum or 0.0, spec.maximum or 100.0))
                p[name] = round(rnd.uniform(max(lo, 0.1) if spec.exclusive_minimum else lo, hi), 2)
        out.append(p)
    return out


def _conditions_only(ruleset: RuleSet, profiles: list[dict], on: date) -> list[list]:
    """Every rule's condition value per profile, with facts chained, and nothing else (the naive engine's job)."""
    results = []
    defaults = ruleset._fact_defaults
    for p in profiles:
        facts = dict(defaults)
        row = []
        for rule, fn, _region_pending, concluded in ruleset.plan(on, p.get("province")).entries:
            value = fn(p, facts)
            row.append(value)
            for name in concluded:
                if value is True:
                    facts[name] = True
        results.append(row)
    return results


def _naive(ruleset: RuleSet, profiles: list[dict], on: date, progress) -> list[list]:
    import rule_engine

    compiled = {r.id: rule_engine.Rule(r.when.to_rule_engine()) for r in ruleset.rules}
    fact_keys = {f: f"fact_{f}" for f in ruleset.producers}
    results = []
    for i, p in enumerate(profiles):
        ctx = dict(p)
        for key in fact_keys.values():
            ctx[key] = False
        row = []
        for rule, _fn, _region_pending, concluded in ruleset.plan(on, p.get("province")).entries:
            value = compiled[rule.id].matches(ctx)
            row.append(value)
            for name in concluded:
                if value:
                    ctx[fact_keys[name]] = True
        results.append(row)
        if i % 500 == 499 or i + 1 == len(profiles):
            progress("rule-engine", i + 1, len(profiles))
    return results


def run_bench(ruleset: RuleSet, n: int = 20_000, seed: int = 7, on: date | None = None, progress=None) -> dict:
    progress = progress or TerminalProgress()
    on = on or date.today()
    profiles = synthetic_profiles(n, seed)
    in_force = sum(1 for r in ruleset.rules if r.in_force(on))

    start = time.process_time()
    for p in profiles:
        ruleset.evaluate(p, as_of=on)
    full = time.process_time() - start

    start = time.process_time()
    ours = _conditions_only(ruleset, profiles, on)
    cond = time.process_time() - start

    start = time.process_time()
    theirs = _naive(ruleset, profiles, on, progress)
    naive = time.process_time() - start

    checked = sum(len(row) for row in ours)
    differ = sum(1 for a, b in zip(ours, theirs) for x, y in zip(a, b) if bool(x) != bool(y) or x is None)
    conditions_per_mine = checked / n
    rate_full, rate_cond, rate_naive = n / full, n / cond, n / naive
    figures = {
        "profiles": n, "seed": seed, "as_of": on.isoformat(), "rules": len(ruleset.rules), "rules_in_force": in_force,
        "conditions_per_mine": round(conditions_per_mine, 1),
        "compiled_full_mines_per_s": round(rate_full), "compiled_full_us_per_mine": round(full / n * 1e6, 1),
        "compiled_conditions_mines_per_s": round(rate_cond),
        "naive_rule_engine_mines_per_s": round(rate_naive, 1),
        "ratio_full_vs_naive": round(rate_full / rate_naive, 1),
        "ratio_conditions_vs_naive": round(rate_cond / rate_naive, 1),
        "condition_results_compared": checked, "disagreements": differ,
    }
    figures["lines"] = [
        f"rules: {len(ruleset.rules)} ({in_force} in force on {on}); {n} synthetic mines (seed {seed}), every field known; "
        f"rates per CPU second; "
        f"{conditions_per_mine:.1f} conditions evaluated per mine (national + its province)",
        f"compiled engine, full evaluation (facts, conclusions, precedence, explanations): "
        f"{rate_full:,.0f} mines/s ({full / n * 1e6:.1f} µs/mine)",
        f"compiled engine, conditions only:               {rate_cond:,.0f} mines/s",
        f"rule-engine package, same conditions as text:   {rate_naive:,.1f} mines/s ({naive / n * 1e6:.0f} µs/mine)",
        f"ratio: full evaluation {rate_full / rate_naive:.1f}× the naive interpreter; conditions only "
        f"{rate_cond / rate_naive:.1f}×",
        f"cross-check: {checked:,} condition results compared, {differ} disagreements",
    ]
    return figures
