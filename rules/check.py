"""``minekb rules check``: everything that can be wrong with a rule set, found before a user sees it.

Four kinds of problem: load errors (syntax, unknown fields or enum values,
type mismatches, unresolved sources and concepts — from ``rules.loader``) and
sources whose clause no longer contains the rule's anchor (``rules.anchors``:
the text behind a clause id changed, e.g. the official text superseded the
digest — the report names the rules to re-point; a source without an anchor
is a warning);
**conflicts**, pairs of rules that can fire for the same mine with different
values of a single-valued conclusion and no precedence between them; and the
failures of the test cases written beside the rules.

Conflicts are searched, not guessed: for a pair of rules, the only fields that
matter are the ones their conditions (and the facts they use) read, and each
field's domain collapses to the values the conditions mention plus one other
(numbers: the thresholds, the points between and beyond them). The product of
those small domains is enumerated when it is small, else sampled, and a
witness profile is reported for each conflict found.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from minekb.progress import Progress, null_progress
from rules.anchors import check_anchors
from rules.cases import run_case
from rules.engine import RuleSet
from rules.loader import load_rules_and_problems
from rules.model import SINGLE_VALUED, Rule
from rules.nodes import value_label
from rules.schema import PROFILE_FIELDS, PROVINCES
from rules.yamlio import display_path as _display

SEARCH_BUDGET = 20_000   # combinations enumerated per pair before sampling instead


@dataclass
class Conflict:
    kind: str
    a: Rule
    b: Rule
    value_a: str
    value_b: str
    witness: dict
    exhaustive: bool

    def describe(self) -> str:
        example = "，".join(
            f"{PROFILE_FIELDS[k].label_zh}={value_label(PROFILE_FIELDS[k], v)}" for k, v in self.witness.items()
            if k in PROFILE_FIELDS and v is not None
        ) or "任意矿山"
        return (f"{_display(self.a.file)}:{self.a.line_of('then')}: rule {self.a.id}: field then: {self.kind} "
                f"{self.value_a} contradicts rule {self.b.id} ({_display(self.b.file)}:{self.b.line}) concluding "
                f"{self.value_b}; "
                f"both fire for a mine with {example}, and neither has precedence: add overrides: [{self.b.id}] "
                f"(or exception_of) to the rule that should win, or narrow a condition")


@dataclass
class CheckReport:
    rules: int = 0
    load_problems: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    tests_run: int = 0
    test_failures: list[str] = field(default_factory=list)
    pairs_sampled: int = 0       # pairs whose domain was too large to enumerate fully
    untested: list[str] = field(default_factory=list)   # rule ids without a test case (reported, not an error)
    unexercised: list[str] = field(default_factory=list)  # rules with tests none of which makes them fire
    never_fire: list[str] = field(default_factory=list)   # conditions no profile can satisfy (errors)
    not_in_force: list[str] = field(default_factory=list)  # rules outside their validity today (information)
    gate_problems: list[str] = field(default_factory=list)  # the legal gate table (rules/legal_gate.yaml)
    gate_cells: int = 0
    gated_pairs: int = 0     # rule × forbidding cell pairs the gate overrides for some mines (information)
    anchor_problems: list[str] = field(default_factory=list)   # a cited clause no longer holds its anchor (errors)
    repoint: list[str] = field(default_factory=list)           # the rules those problems concern, to re-point
    unanchored: list[str] = field(default_factory=list)        # sources cited without an anchor (warnings)

    @property
    def ok(self) -> bool:
        return not (self.load_problems or self.conflicts or self.test_failures or self.never_fire or self.gate_problems
                    or self.anchor_problems)

    def lines(self) -> list[str]:
        repoint = ([f"rules to re-point (their cited clause no longer says what they encode): {', '.join(self.repoint)}"]
                   if self.repoint else [])
        return [*self.load_problems, *self.anchor_problems, *repoint, *self.gate_problems, *self.never_fire,
                *(c.describe() for c in self.conflicts), *self.test_failures]

    def warnings(self) -> list[str]:
        return [f"warning: {w}" for w in self.unanchored]

    def summary(self) -> str:
        return (f"{self.rules} rules, {len(self.load_problems)} load problems, {len(self.conflicts)} conflicts, "
                f"{self.tests_run} tests run, {len(self.test_failures)} failed"
                + (f", {len(self.anchor_problems)} broken anchors" if self.anchor_problems else "")
                + (f", {len(self.unanchored)} sources without an anchor" if self.unanchored else "")
                + f"; legal gate: {self.gate_cells} cells, {len(self.gate_problems)} problems"
                + (f" ({self.gated_pairs} rule recommendations it overrides in some zones)" if self.gated_pairs else "")
                + (f"; {len(self.untested)} rules have no test case" if self.untested else "")
                + (f"; {len(self.not_in_force)} rules are not in force today" if self.not_in_force else "")
                + (f"; {len(self.unexercised)} rules are fired by none of their test cases ({', '.join(self.unexercised)})"
                   if self.unexercised else ""))


def check(rules_dir: Path, kb=None, progress: Progress | None = None, gate_path: Path | None = None) -> CheckReport:
    """Load, search conflicts and run every rule's tests; never raises on a bad rule set."""
    progress = progress or null_progress
    rules, problems = load_rules_and_problems(rules_dir, kb)
    report = CheckReport(rules=len(rules), load_problems=problems)
    _check_rule_anchors(report, rules, kb)
    ruleset = RuleSet(rules)
    report.conflicts, report.pairs_sampled = find_conflicts(ruleset, progress)
    report.never_fire = find_unsatisfiable(ruleset)
    cases = [(r, c) for r in rules for c in r.tests]
    exercised: set[str] = set()
    for i, (rule, case) in enumerate(cases):
        for message in run_case(ruleset, rule, case, fired_out=exercised):
            report.test_failures.append(f"{_display(rule.file)}:{case.line}: rule {rule.id}: test {case.name!r}: {message}")
        progress("rule tests", i + 1, len(cases), rule.id)
    report.unexercised = [r.id for r in rules if r.tests and r.id not in exercised]
    report.tests_run = len(cases)
    report.untested = [r.id for r in rules if not r.tests]
    report.not_in_force = [r.id for r in rules if not r.in_force(date.today())]
    _check_gate(report, ruleset, kb, gate_path)
    return report


def _check_rule_anchors(report: CheckReport, rules: list[Rule], kb) -> None:
    """Every cited clause still contains the key words of the provision its rule encodes."""
    cited = [(f"rule {r.id}", f"{_display(r.file)}:{r.line_of('sources')}", cid, r.anchors.get(cid))
             for r in rules for cid in r.sources]
    broken, missing = check_anchors(cited, kb)
    report.anchor_problems = [f.describe() for f in broken]
    report.repoint = list(dict.fromkeys(f.owner.removeprefix("rule ") for f in broken))
    report.unanchored = [f.describe() for f in missing]


def _check_gate(report: CheckReport, ruleset: RuleSet, kb, gate_path: Path | None) -> None:
    """Every cell's sources resolve, its model and zone exist, and no rule contradicts the table."""
    from rules.concepts import concept_index
    from rules.gate import load_gate
    from rules.gatecheck import gate_contradictions

    gate, problems = load_gate(gate_path, kb=kb, concepts=concept_index())
    report.gate_problems = list(problems)
    if gate is None:
        return
    report.unanchored += gate.unanchored
    report.gate_cells = len(gate.cells)
    errors, report.gated_pairs = gate_contradictions(ruleset, gate)
    report.gate_problems += errors


# --- conflict search ----------------------------------------------------------

def _linked(a: Rule, b: Rule) -> bool:
    return (b.id in a.overrides or b.id in a.exception_of or a.id in b.overrides or a.id in b.exception_of)


def _overlap_in_time(a: Rule, b: Rule) -> bool:
    starts = [d for d in (a.valid_from, b.valid_from) if d]
    ends = [d for d in (a.valid_until, b.valid_until) if d]
    return not (starts and ends and max(starts) >= min(ends))


def find_conflicts(ruleset: RuleSet, progress: Progress | None = None,
                   budget: int = SEARCH_BUDGET) -> tuple[list[Conflict], int]:
    """Pairs of rules with contradicting single-valued conclusions, no precedence, and a profile firing both."""
    progress = progress or null_progress
    candidates = []
    for kind in SINGLE_VALUED:
        concluding = [(r, t.value) for r in ruleset.rules for t in r.then if t.kind == kind]
        for (a, va), (b, vb) in itertools.combinations(concluding, 2):
            if va == vb or a.id == b.id or _linked(a, b):
                continue
            if a.hard != b.hard or bool(a.region) != bool(b.region):
                continue  # resolved by the documented order: hard > other, regional > national
            if a.region and b.region and not set(a.region) & set(b.region):
                continue
            if not _overlap_in_time(a, b):
                continue
            candidates.append((kind, a, b, va, vb))
    conflicts: list[Conflict] = []
    sampled = 0
    for i, (kind, a, b, va, vb) in enumerate(candidates):
        witness, exhaustive = _search_joint(ruleset, a, b, budget)
        sampled += not exhaustive
        if witness is not None:
            conflicts.append(Conflict(kind, a, b, va, vb, witness, exhaustive))
        progress("conflict search", i + 1, len(candidates), f"{a.id} × {b.id}")
    return conflicts, sampled


def find_unsatisfiable(ruleset: RuleSet, budget: int = SEARCH_BUDGET) -> list[str]:
    """Rules whose condition no mine can satisfy (searched like conflicts; only exhaustive searches count)."""
    out = []
    for rule in ruleset.rules:
        witness, exhaustive = _search_joint(ruleset, rule, rule, budget)
        if witness is None and exhaustive:
            out.append(f"{_display(rule.file)}:{rule.line_of('when')}: rule {rule.id}: field when: no mine can satisfy "
                       f"this condition ({rule.when.describe()}); the rule can never fire: fix the condition")
    return out


def _relevant(ruleset: RuleSet, rules: list[Rule]) -> list[Rule]:
    """The rules themselves plus every producer of the facts they read, transitively, in evaluation order."""
    wanted: set[str] = set()
    stack = list(rules)
    while stack:
        rule = stack.pop()
        if rule.id in wanted:
            continue
        wanted.add(rule.id)
        for name in rule.fields:
            if name.startswith("fact."):
                stack.extend(ruleset.producers.get(name[5:], ()))
    # conditions that are not rules of the set (the legal gate's zones) are searched too
    return [r for r in ruleset._order if r.id in wanted] + [r for r in rules if r.id not in ruleset.by_id]


def _number_domain(spec, thresholds: set[float]) -> list[float]:
    points = sorted(thresholds)
    out = {points[0] - 1, points[-1] + 1, *points}
    out |= {(x + y) / 2 for x, y in zip(points, points[1:])}
    lo, hi = spec.minimum, spec.maximum
    keep = []
    for v in sorted(out):
        if lo is not None and (v < lo or (spec.exclusive_minimum and v == lo)):
            continue
        if hi is not None and v > hi:
            continue
        keep.append(v)
    return keep or [points[0]]


def _domain(name: str, leaves: list, regions: set[str] | None) -> list:
    spec = PROFILE_FIELDS[name]
    mentioned = [v for leaf in leaves for v in leaf.values]
    known_test = any(leaf.known_test for leaf in leaves)
    if name == "province":
        if regions:
            values = sorted(regions)
        else:
            values = list(dict.fromkeys(mentioned)) + [next(p for p in PROVINCES if p not in mentioned)]
    elif spec.kind == "enum":
        values = list(dict.fromkeys(mentioned))
        values += [v for v in spec.values if v not in values][:1]
    elif spec.kind == "str":
        values = list(dict.fromkeys(mentioned)) + ["其他"]
    elif spec.kind == "bool":
        values = [True, False]
    elif spec.kind == "number":
        values = _number_domain(spec, set(mentioned)) if mentioned else [spec.minimum + 1 if spec.minimum is not None else 1.0]
    else:  # list: every subset of the values the conditions mention
        items = list(dict.fromkeys(mentioned))
        values = [list(c) for n in range(len(items) + 1) for c in itertools.combinations(items, n)]
    if known_test:
        values = [*values, None]
    return values


def _search_joint(ruleset: RuleSet, a: Rule, b: Rule, budget: int) -> tuple[dict | None, bool]:
    relevant = _relevant(ruleset, [a, b])
    regions = set(a.region) & set(b.region) if a.region and b.region else set(a.region or b.region)
    leaves_by_field: dict[str, list] = {}
    for rule in relevant:
        for leaf in rule.when.leaves():
            if not leaf.field.startswith("fact."):
                leaves_by_field.setdefault(leaf.field, []).append(leaf)
    if regions or any(r.region for r in relevant):
        leaves_by_field.setdefault("province", [])
    names = sorted(leaves_by_field)
    domains = [_domain(n, leaves_by_field[n], regions or None) for n in names]
    total = 1
    for d in domains:
        total *= len(d)
    if total <= budget:
        combos = itertools.product(*domains)
        exhaustive = True
    else:
        rnd = random.Random(f"{a.id}|{b.id}")
        combos = (tuple(rnd.choice(d) for d in domains) for _ in range(budget))
        exhaustive = False
    facts_default = {f: False for f in ruleset.producers}
    for combo in combos:
        profile = {n: v for n, v in zip(names, combo) if v is not None}
        facts = dict(facts_default)
        province = profile.get("province")
        fires = {}
        for rule in relevant:
            if rule.region and province not in rule.region:
                value = False if province is not None else None
            else:
                value = rule.when.fn(profile, facts)
            fires[rule.id] = value
            for fact in rule.facts_concluded:
                if value is True:
                    facts[fact] = True
                elif value is None and facts[fact] is False:
                    facts[fact] = None
        if fires.get(a.id) is True and fires.get(b.id) is True:
            return profile, exhaustive
    return None, exhaustive
