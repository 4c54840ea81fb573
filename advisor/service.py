"""``Advisor``: one mine in, the contract's advice out (一矿一策).

The pipeline of one advice, each step in its own module:

    validate (profile.py) -> rules engine (rules.RuleSet.evaluate)
    -> potential (potential.py) -> low-potential consequences (cited data)
    -> group conclusions into items with reasons and sources (assemble.py)
    -> rank the models (ranking.py) -> precedents (precedents.py) -> unknowns

Batch, what-if and province comparison (``batch.py``, ``whatif.py``) reuse
``advise``; the CLI and the web API call exactly these methods.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson
import yaml

from advisor.assemble import LIST_SECTIONS, Collector, Finding, Item, UnknownsBuilder, jsonable, pick_single
from advisor.potential import FACTORS, PotentialModel
from advisor.precedents import PrecedentFinder
from advisor.profile import ProfileError, validate_profile
from advisor.provenance import Labels, SourceResolver
from advisor.ranking import Ranker

DATA = Path(__file__).resolve().parent / "data"
LABELLED_EN = {"utilization_models", "incentives", "constraints", "excluded_models", "measures"}
LOW_POTENTIAL_KINDS = ("recommend", "incentive", "constraint", "measure", "responsibility")


def parse_as_of(as_of: Any) -> _dt.date | None:
    """``None``, a date, or an ISO date string (``2023-06-01``); anything else is a clear error."""
    if as_of is None or isinstance(as_of, _dt.date):
        return as_of
    try:
        return _dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ProfileError([{"record": None, "field": "as_of",
                             "message": f"{as_of!r} is not a date; write it as YYYY-MM-DD"}]) from None


class Advisor:
    """Advice for mine profiles from a knowledge base's rules, clauses, concepts and cases."""

    def __init__(self, kb: Any, *, ruleset: Any = None, cases: Iterable[Any] | None = None,
                 weights: dict[str, float] | None = None) -> None:
        self.kb = kb
        self.ruleset = ruleset if ruleset is not None else kb.ruleset
        self.resolver = SourceResolver(kb)
        self.labels = Labels()
        self.potential = PotentialModel()
        self.weights = dict(weights) if weights else dict(self.potential.ahp.weights)
        self.weights_method = "custom" if weights else "ahp"
        self.ranker = Ranker(self._broader)
        self.unknowns = UnknownsBuilder(self.labels)
        self._reasons: dict[tuple, dict[str, Any]] = {}
        self._rankings: dict[tuple, dict[str, Any]] = {}
        self.low = self._load_low_potential()
        if cases is None:
            cases = self._kb_cases()
        self.precedents = PrecedentFinder(cases, self.resolver.sources, self.resolver.ref)

    # -- set-up ---------------------------------------------------------
    def _broader(self, concept_id: str) -> list[str]:
        lab = self.labels(concept_id)
        return list(lab.get("broader", []))

    def _kb_cases(self) -> list[Any]:
        graph = getattr(self.kb, "graph", None)
        return list(graph.cases()) if graph is not None and hasattr(graph, "cases") else []

    def _load_low_potential(self) -> dict[str, Any]:
        """Where a low potential leads (seed 000 §4.3), as cited data; every clause must resolve now."""
        data = yaml.safe_load((DATA / "potential.yaml").read_text(encoding="utf-8"))
        self.potential.levels = {"high": float(data["levels"]["high"]), "low": float(data["levels"]["low"])}
        self.potential_sources = self.resolver.sources(data.get("sources", []), cited_by="advisor/data/potential.yaml")
        self.potential_ref = self.resolver.ref(data.get("sources", []), cited_by="advisor/data/potential.yaml")
        low = data["low_potential"]
        for add in low["adds"]:
            if add["kind"] not in LOW_POTENTIAL_KINDS:
                raise ValueError(f"advisor/data/potential.yaml: {add['rule']}: kind {add['kind']!r} is not one of "
                                 f"{', '.join(LOW_POTENTIAL_KINDS)}")
            self.labels(add["value"])
            if add["value"] in self.labels.missing:
                raise ValueError(f"advisor/data/potential.yaml: {add['rule']}: {add['value']!r} is not a concept "
                                 "of the ontology")
            self.resolver.sources(add["sources"], cited_by=add["rule"])
        return low

    # -- one mine -------------------------------------------------------
    def _reason(self, rule_id: str, explanation_zh: str, clause_ids) -> dict[str, Any]:
        return {"rule": rule_id, "explanation_zh": explanation_zh,
                "sources": self.resolver.sources(clause_ids, cited_by=rule_id)}

    def _reason_ref(self, rule_id: str, explanation_zh: str, clause_ids) -> dict[str, Any]:
        # Advice built for output only (never handed to callers), so one reason object may
        # serve every mine whose rule fired with the same explanation.
        key = (rule_id, explanation_zh, tuple(clause_ids))
        hit = self._reasons.get(key)
        if hit is None:
            hit = {"rule": rule_id, "explanation_zh": explanation_zh,
                   "sources": self.resolver.ref(key[2], cited_by=rule_id)}
            if len(self._reasons) < 200_000:
                self._reasons[key] = hit
        return hit

    def _ranking_info(self, profile_ids: tuple) -> dict[str, Any]:
        key = tuple(sorted(set(profile_ids), key=str))
        hit = self._rankings.get(key)
        if hit is None:
            hit = self._rankings[key] = self.ranker.explanation(key)
        return hit

    def dumps(self, advice: dict[str, Any]) -> bytes:
        """Compact UTF-8 JSON of an advice (``advise(..., for_json=True)`` makes it cheap in a batch:
        the cited clauses are then pre-serialized fragments)."""
        return orjson.dumps(advice)

    def _low_potential_findings(self, pot: dict[str, Any], profile: dict[str, Any]) -> list[Finding]:
        if pot["level"] != "low":
            return []
        text = self.low["explanation_zh"].format(score=f"{pot['score']:.2f}",
                                                 threshold=f"{self.potential.levels['low']:.2f}")
        out = []
        for a in self.low["adds"]:
            if a.get("region") and profile.get("province") not in a["region"]:
                continue
            if any(profile.get(f) not in vals for f, vals in (a.get("requires") or {}).items()):
                continue
            out.append(Finding(a["kind"], a["value"], a["rule"], text + a.get("explanation_zh", ""),
                               tuple(a["sources"]), a.get("weight")))
        return out

    def _item(self, section: str, item: Item) -> dict[str, Any]:
        lab = self.labels(item.id)
        out = {"id": item.id, "label_zh": lab["zh"]}
        if section in LABELLED_EN:
            out["label_en"] = lab["en"]
        out["reasons"] = item.reasons
        return out

    def advise(self, profile: dict[str, Any], *, as_of: Any = None, explain: bool = False,
               weights: dict[str, float] | None = None, validated: bool = False,
               for_json: bool = False) -> dict[str, Any]:
        """The contract's advice object for one profile (raises ``ProfileError`` on bad input).

        ``for_json=True`` is for output through ``self.dumps`` only: the cited
        clause lists are then pre-serialized JSON fragments, not lists, and
        reason objects are shared between mines.
        """
        p = profile if validated else validate_profile(profile)
        ev = self.ruleset.evaluate(p, as_of=parse_as_of(as_of), explain=explain)
        w = weights or self.weights
        pot = self.potential.evaluate(p, w, "entropy" if weights else self.weights_method)
        pot["sources"] = self.potential_ref if for_json else self.potential_sources
        col = Collector(self._reason_ref if for_json else self._reason)
        col.add_conclusions(ev.conclusions)
        for f in self._low_potential_findings(pot, p):
            col.add(f)
        advice: dict[str, Any] = {"mine_id": p["id"]}
        for kind in ("restoration_category", "priority"):
            chosen, others = pick_single(col.items(kind))
            if chosen is None:
                advice[kind] = None
                continue
            lab = self.labels(chosen.id)
            entry = {"id": chosen.id, "label_zh": lab["zh"], "label_en": lab["en"], "reasons": chosen.reasons}
            if others:
                entry["alternatives"] = [self._item(kind, o) for o in others]
            advice[kind] = entry
        excluded = {i.id: i for i in col.items("exclude")}
        values = {f: pot["factors"][f]["value"] for f in FACTORS}
        models, dropped = [], []
        for item in col.items("recommend"):
            # A hard exclusion always wins, and excluding a kind of use (construction_use)
            # excludes every narrower model of it (industry_commerce …), as the ontology says.
            by = next((excluded[a] for a in (item.id, *self.labels.ancestors(item.id)) if a in excluded), None)
            if by is not None:
                dropped.append((item, by))
                continue
            score, breakdown = self.ranker.score(item.id, item.weight if item.weights else 1.0, values, pot["score"])
            entry = self._item("utilization_models", item)
            entry["score"] = score
            entry["score_breakdown"] = breakdown
            models.append(entry)
        models.sort(key=lambda m: -m["score"])
        advice["utilization_models"] = models
        for kind in ("exclude", "incentive", "constraint", "measure"):
            section = LIST_SECTIONS[kind]
            advice[section] = [self._item(section, i) for i in col.items(kind)]
        resp = col.items("responsibility")
        if resp:
            advice["responsibility"] = {
                "label_zh": "；".join(self.labels(i.id)["zh"] for i in resp),
                "ids": [i.id for i in resp],
                # Several concepts share this one section: each reason says which one it supports.
                "reasons": [r | {"about": i.id} for i in resp for r in i.reasons],
            }
        else:
            advice["responsibility"] = None
        advice["precedents"] = self.precedents.find(p, refs=for_json)
        advice["unknowns"] = self.unknowns(ev.pending, p)
        advice["potential"] = pot
        if models:
            advice["ranking"] = self._ranking_info(tuple(m["score_breakdown"]["profile_of"] for m in models))
        if explain:
            advice["explain"] = {
                "facts": jsonable(getattr(ev, "facts", {})),
                "removed": [{"kind": c.kind, "id": c.value, "rule": c.rule_id, "by_rule": by, "why_zh": why}
                            for c, by, why in (ev.removed or [])]
                + [{"kind": "recommend", "id": item.id, "rule": sorted(item.rules)[0], "by_rule": sorted(ex.rules)[0],
                    "why_zh": f"上位利用模式「{self.labels(ex.id)['zh']}」被排除"} for item, ex in dropped],
                "not_fired": [{"rule": nf[0], "why_zh": nf[1]} if isinstance(nf, (tuple, list)) and len(nf) == 2
                              else jsonable(nf) for nf in (getattr(ev, "not_fired", None) or [])],
                "pending": [{"rule": pd.rule_id, "unknown_fields": list(pd.unknown_fields)} for pd in ev.pending],
            }
        return advice

    # -- many mines, what-if, provinces (thin wrappers; logic in batch.py / whatif.py) --
    def advise_many(self, records: Iterable[Any], *, as_of: Any = None, explain: bool = False,
                    weights: str | dict[str, float] | None = None) -> Iterator[dict[str, Any]]:
        """Advice for each record in input order; a bad record yields an error object, the rest go on."""
        from advisor.batch import advise_records

        return advise_records(self, records, as_of=as_of, explain=explain, weights=weights)

    def what_if(self, profile: dict[str, Any], changes: dict[str, Any], *, as_of: Any = None) -> dict[str, Any]:
        from advisor.whatif import what_if

        return what_if(self, profile, changes, as_of=as_of)

    def compare_provinces(self, profile: dict[str, Any], provinces: Iterable[str], *,
                          as_of: Any = None) -> dict[str, Any]:
        from advisor.whatif import compare_provinces

        return compare_provinces(self, profile, list(provinces), as_of=as_of)
