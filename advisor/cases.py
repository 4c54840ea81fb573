"""The YAML advice cases of ``tests/cases/*.yaml``: loading, checking, and comparing with an advice.

A case states, in the words of a seed passage, what the advice for a mine
must contain (format in docs/advisor.md). ``check_case`` returns the list of
failed expectations in Chinese and English, empty when the advice is right.
A listed model matches itself or any narrower model of the ontology (the
seed says 光伏; the rules may recommend 农光互补).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

CASE_KEYS = {"name", "source", "profile", "expect", "as_of", "note"}
LIST_EXPECT = {
    "models": "utilization_models", "excluded": "excluded_models", "incentives": "incentives",
    "constraints": "constraints", "measures": "measures",
}
NEG_EXPECT = {"not_models": "utilization_models", "not_excluded": "excluded_models",
              "not_incentives": "incentives", "not_constraints": "constraints", "not_measures": "measures"}
OTHER_EXPECT = {"restoration_category", "priority", "top_model", "responsibility", "not_responsibility",
                "precedents", "unknowns", "not_unknowns", "potential_level", "research", "intended_use", "warnings"}
EXPECT_KEYS = set(LIST_EXPECT) | set(NEG_EXPECT) | OTHER_EXPECT


class CaseFormatError(ValueError):
    """A case file that does not follow the format (named with the file and the case)."""


@dataclass
class AdviceCase:
    file: str
    name: str
    source: str
    profile: dict[str, Any]
    expect: dict[str, Any]
    as_of: str | None = None
    note: str = ""
    line: int = 0

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


def load_cases(path: Path) -> list[AdviceCase]:
    """Every case of one file; a malformed case is an error naming the file and the case."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise CaseFormatError(f"{path}: expected a mapping with a 'cases' list")
    out = []
    for n, raw in enumerate(data["cases"], 1):
        where = f"{path.name}: case {n}"
        if not isinstance(raw, dict):
            raise CaseFormatError(f"{where}: expected a mapping")
        extra = set(raw) - CASE_KEYS
        if extra:
            raise CaseFormatError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        for key in ("name", "source", "profile", "expect"):
            if not raw.get(key):
                raise CaseFormatError(f"{where}: '{key}' is required")
        bad = set(raw["expect"]) - EXPECT_KEYS
        if bad:
            raise CaseFormatError(f"{where} ({raw['name']}): unknown expect key(s) {', '.join(sorted(bad))}")
        profile = dict(raw["profile"])
        profile.setdefault("id", f"case-{n}")
        as_of = raw.get("as_of")
        out.append(AdviceCase(path.name, str(raw["name"]), str(raw["source"]), profile, dict(raw["expect"]),
                              str(as_of) if as_of is not None else None, raw.get("note", "")))
    names = [c.name for c in out]
    dup = {x for x in names if names.count(x) > 1}
    if dup:
        raise CaseFormatError(f"{path.name}: duplicate case name(s): {', '.join(sorted(dup))}")
    return out


def load_all(folder: Path, pattern: str = "*.yaml") -> list[AdviceCase]:
    return [c for p in sorted(folder.glob(pattern)) for c in load_cases(p)]


def _as_list(v: Any) -> list[str]:
    return [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]


def check_case(case: AdviceCase, advice: dict[str, Any], ancestors: Callable[[str], list[str]]) -> list[str]:
    """The failed expectations of ``case`` for ``advice`` (empty list: the case passes)."""
    fails: list[str] = []

    def matches(listed: str, got_id: str) -> bool:
        return got_id == listed or listed in ancestors(got_id)

    def ids(section: str) -> list[str]:
        return [i["id"] for i in advice.get(section) or []]

    exp = case.expect
    for key in ("restoration_category", "priority"):
        if key in exp:
            got = (advice.get(key) or {}).get("id")
            if got != exp[key]:
                fails.append(f"{key}: expected {exp[key]!r}, got {got!r}")
    for key, section in LIST_EXPECT.items():
        for want in _as_list(exp.get(key, [])):
            if not any(matches(want, g) for g in ids(section)):
                fails.append(f"{section}: expected {want!r} among {ids(section)}")
    for key, section in NEG_EXPECT.items():
        for bad in _as_list(exp.get(key, [])):
            hit = [g for g in ids(section) if matches(bad, g)]
            if hit:
                fails.append(f"{section}: {bad!r} must not appear, got {hit}")
    if "top_model" in exp:
        models = ids("utilization_models")
        if not models or not matches(str(exp["top_model"]), models[0]):
            fails.append(f"top model: expected {exp['top_model']!r}, ranking is {models}")
    resp = (advice.get("responsibility") or {}).get("ids", [])
    for want in _as_list(exp.get("responsibility", [])):
        if not any(matches(want, r) for r in resp):
            fails.append(f"responsibility: expected {want!r} among {resp}")
    for bad in _as_list(exp.get("not_responsibility", [])):
        if any(matches(bad, r) for r in resp):
            fails.append(f"responsibility: {bad!r} must not appear, got {resp}")
    prec = [p.get("id") for p in advice.get("precedents") or []]
    for want in _as_list(exp.get("precedents", [])):
        if want not in prec:
            fails.append(f"precedents: expected {want!r} among {prec}")
    unknown = [u["field"] for u in advice.get("unknowns") or []]
    for want in _as_list(exp.get("unknowns", [])):
        if want not in unknown:
            fails.append(f"unknowns: expected {want!r} among {unknown}")
    for bad in _as_list(exp.get("not_unknowns", [])):
        if bad in unknown:
            fails.append(f"unknowns: {bad!r} must not be listed")
    research = [r["id"] for r in advice.get("research_suggestions") or []]
    for want in _as_list(exp.get("research", [])):
        # rests on research papers only: shown apart from policy, never as an incentive or duty
        if not any(matches(want, r) for r in research):
            fails.append(f"research_suggestions: expected {want!r} among {research}")
    verdicts = {u["id"]: u["verdict"] for u in advice.get("intended_use") or []}
    for model, want in (exp.get("intended_use") or {}).items():
        if verdicts.get(model) != want:
            fails.append(f"intended_use: expected {model} {want!r}, got {verdicts.get(model)!r}")
    codes = [w["code"] for w in advice.get("warnings") or []]
    for want in _as_list(exp.get("warnings", [])):
        if want not in codes:
            fails.append(f"warnings: expected {want!r} among {codes}")
    if "potential_level" in exp:
        got = (advice.get("potential") or {}).get("level")
        if got != exp["potential_level"]:
            fails.append(f"potential level: expected {exp['potential_level']!r}, got {got!r} "
                         f"(score {(advice.get('potential') or {}).get('score')})")
    return fails
