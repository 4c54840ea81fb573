"""A tiny stand-in for the rules engine and the knowledge base, for the advisor's unit tests.

It speaks the engine's API (``evaluate`` -> an object with ``conclusions``,
``removed``, ``pending``, ``facts``) with rules written as Python predicates
that return True, False or None (unknown), so the advisor's assembly, ranking,
what-if and batch logic can be tested in isolation. Tests of the real
behaviour run on the real engine and knowledge base (the ``kb`` fixture).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from corpus.model import Clause, Document


@dataclass
class FakeConclusion:
    kind: str
    value: Any
    weight: float | None
    rule_id: str
    explanation_zh: str
    sources: list[str]
    facts: dict = field(default_factory=dict)


@dataclass
class FakePending:
    rule_id: str
    unknown_fields: list[str]
    would_conclude: list[FakeConclusion]


@dataclass
class FakeEvaluation:
    conclusions: list[FakeConclusion]
    removed: list = field(default_factory=list)
    pending: list[FakePending] = field(default_factory=list)
    not_fired: list = field(default_factory=list)
    facts: dict = field(default_factory=dict)


@dataclass
class FakeRule:
    id: str
    when: Callable[[dict], bool | None]
    then: list[tuple[str, Any, float | None]]
    sources: list[str]
    fields: list[str]
    region: list[str] | None = None


class FakeRuleSet:
    def __init__(self, rules: list[FakeRule]) -> None:
        self.rules = rules

    def evaluate(self, profile, *, as_of=None, explain=False):
        out, pending = [], []
        for r in self.rules:
            if r.region and profile.get("province") not in r.region:
                continue
            res = r.when(profile)
            concl = [FakeConclusion(k, v, w, r.id, f"{r.id} 适用", list(r.sources)) for k, v, w in r.then]
            if res is True:
                out += concl
            elif res is None:
                pending.append(FakePending(r.id, [f for f in r.fields if f not in profile], concl))
        excluded = {c.value for c in out if c.kind == "exclude"}
        removed = [(c, "x", "排除") for c in out if c.kind == "recommend" and c.value in excluded]
        out = [c for c in out if not (c.kind == "recommend" and c.value in excluded)]
        return FakeEvaluation(out, removed, pending)


class FakeKB:
    """Resolves every clause id of ``known`` (``doc~path``) to a document and a clause."""

    def __init__(self, known: list[str]) -> None:
        self.known = set(known)
        self.graph = None

    def clause(self, cid: str):
        if cid not in self.known:
            return None
        doc_id, _, path = cid.partition("~")
        level = "research" if doc_id.startswith("research") else "provincial" if doc_id.startswith("bj-") else "ministry"
        doc = Document(id=doc_id, title=f"测试文件 {doc_id}", number=None, issuer="测试机关", level=level)
        return doc, Clause(id=cid, doc_id=doc_id, path=path, heading="", heading_path=[], text=f"条款 {path} 的内容")


def tri(value: bool | None) -> bool | None:
    return value


def field_is(name: str, *values: Any) -> Callable[[dict], bool | None]:
    return lambda p: None if name not in p else p[name] in values


def has(name: str, value: str) -> Callable[[dict], bool | None]:
    return lambda p: None if name not in p else value in p[name]


def fake_rules() -> list[FakeRule]:
    """A handful of rules shaped like the Beijing plan's, for unit tests only."""
    return [
        FakeRule("t.redline", has("control_zones", "ecological_redline"),
                 [("restoration_category", "natural_recovery", None), ("exclude", "construction_use", None),
                  ("constraint", "redline_natural_recovery_primary", None)],
                 ["bj-mine-plan-2021~pt_36"], ["control_zones"]),
        FakeRule("t.construction", field_is("planned_land_use", "construction"),
                 [("restoration_category", "comprehensive_utilization", None), ("recommend", "construction_use", 0.9),
                  ("recommend", "industry_commerce", 0.7)],
                 ["bj-mine-plan-2021~pt_23"], ["planned_land_use"]),
        FakeRule("t.pit_water", has("terrain", "open_pit"),
                 [("recommend", "wetland_park", 0.6), ("recommend", "fish_pond_leisure_fishery", 0.5)],
                 ["bj-mine-plan-2021~pt_55"], ["terrain"]),
        FakeRule("t.forest", field_is("planned_land_use", "forest_grass"),
                 [("recommend", "forest_grassland", 0.8), ("measure", "afforestation", None)],
                 ["bj-mine-plan-2021~pt_47"], ["planned_land_use"]),
        FakeRule("t.license", field_is("had_mining_license", True),
                 [("responsibility", "municipal_finance_licensed", None)],
                 ["bj-mine-plan-2021~pt_65"], ["had_mining_license"], region=["北京"]),
        FakeRule("t.no_license", field_is("had_mining_license", False),
                 [("responsibility", "district_finance_unlicensed", None)],
                 ["bj-mine-plan-2021~pt_66"], ["had_mining_license"], region=["北京"]),
        FakeRule("t.stone", lambda p: None if "waste_rock_m3" not in p else p["waste_rock_m3"] > 10000,
                 [("incentive", "surplus_stone_sale", None)], ["cn-mnr-2019-6~pt_12"], ["waste_rock_m3"]),
    ]


FAKE_CLAUSES = ["bj-mine-plan-2021~pt_36", "bj-mine-plan-2021~pt_23", "bj-mine-plan-2021~pt_55",
                "bj-mine-plan-2021~pt_47", "bj-mine-plan-2021~pt_65", "bj-mine-plan-2021~pt_66",
                "cn-mnr-2019-6~pt_12", "bj-mine-plan-2021~pt_63", "bj-mine-plan-2021~pt_70",
                "research-wu-2025-abandoned-mine-utilization~pt_24", "research-wu-2025-abandoned-mine-utilization~pt_27",
                "research-wu-2025-abandoned-mine-utilization~pt_29",
                # cited by the small legal gate table of the unit tests (tests/fixtures/rules/legal_gate_small.yaml)
                "cn-mnr-2023-12~sec_1__item_2__para_2", "cn-mnr-2019-6~pt_5"]
SMALL_GATE = Path(__file__).resolve().parent / "fixtures" / "rules" / "legal_gate_small.yaml"


def fake_advisor(cases=()):
    from advisor import Advisor

    return Advisor(FakeKB(FAKE_CLAUSES), ruleset=FakeRuleSet(fake_rules()), cases=list(cases), gate_path=SMALL_GATE)
