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

import dataclasses
import datetime as _dt
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson
import yaml

from advisor.assemble import LIST_SECTIONS, Collector, Finding, Item, UnknownsBuilder, jsonable, pick_single
from advisor.legal import STATUS_ORDER, LegalAdvice, TierIndex, is_binding, research_item, tier_name
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


def paper_citation(kb: Any, ref: str) -> str:
    """``seed:001 表2`` -> ``《比较视野下的中日废弃矿山修复与绿色转型研究》（秦晴等，2024）表2`` (advisor/data/papers.yaml);
    any other reference unchanged."""
    ref = str(ref)
    if not ref.startswith("seed:"):
        return ref
    number, _, where = ref[5:].strip().partition(" ")
    papers = _papers()
    doc = getattr(kb, "documents", {}).get(papers.get(number.strip(";"), ""))
    if doc is None:
        raise ValueError(f"advisor/data/papers.yaml: no bundled record for the cited text {ref!r}")
    names = [n for n in re.split(r"[、,，]", (doc.issuer or "").split("（")[0]) if n.strip()]
    who = (names[0].strip() + ("等" if len(names) > 1 else "")) if names else ""
    year = str(doc.issued or "")[:4]
    details = "，".join(x for x in (who, year) if x)
    return f"《{doc.title.strip('《》')}》" + (f"（{details}）" if details else "") + where.strip()


def _papers() -> dict[str, str]:
    global _PAPERS
    if _PAPERS is None:
        _PAPERS = {str(k): v for k, v in yaml.safe_load((DATA / "papers.yaml").read_text(encoding="utf-8")).items()}
    return _PAPERS


_PAPERS: dict[str, str] | None = None


class Advisor(LegalAdvice):
    """Advice for mine profiles from a knowledge base's rules, clauses, concepts and cases."""

    def __init__(self, kb: Any, *, ruleset: Any = None, cases: Iterable[Any] | None = None,
                 weights: dict[str, float] | None = None, gate_path: Path | None = None) -> None:
        self.kb = kb
        self.gate_path = gate_path
        self.ruleset = ruleset if ruleset is not None else kb.ruleset
        self.resolver = SourceResolver(kb)
        self.labels = Labels()
        self.potential = PotentialModel()
        self.weights = dict(weights) if weights else dict(self.potential.ahp.weights)
        self.weights_method = "custom" if weights else "ahp"
        self.ranker = Ranker(self._broader)
        self.tiers = TierIndex(kb)
        self._rule_ranks: dict[str, int] = {}   # rule id -> strongest tier rank of its sources
        self._warned: dict[frozenset, list] = {}  # lapsed rules applied -> their warnings
        self._derived: dict[tuple, dict] = {}     # reasons restated for derived conclusions (batch output only)
        self._heads: dict[tuple, dict] = {}       # (item id, English label?, tier rank) -> the item's fixed fields
        self.gate = self._load_gate()
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

    def _load_gate(self) -> Any:
        """The legal gate table; any problem in it (unresolved clause, unknown model or zone) is an error."""
        from rules.gate import GateError, load_gate

        gate, problems = load_gate(self.gate_path, kb=self.kb, ancestors=self.labels.ancestors)
        if problems or gate is None:
            raise GateError(problems)
        return gate

    def _kb_cases(self) -> list[Any]:
        graph = getattr(self.kb, "graph", None)
        cases = list(graph.cases()) if graph is not None and hasattr(graph, "cases") else []
        # a passage of a paper cited by number reads as the paper's name (copies: the graph's cases stay as they are)
        return [dataclasses.replace(c, sources=[paper_citation(self.kb, s) for s in c.sources])
                if dataclasses.is_dataclass(c) and any(str(s).startswith("seed:") for s in c.sources) else c
                for c in cases]

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

    def _ranking_info(self, profile_ids: tuple, context: dict[str, Any]) -> dict[str, Any]:
        """The ranking explanation of the model profiles used, with only the context terms this mine can get."""
        ckey = self.ranker.context_key(context)
        key = (tuple(sorted(set(profile_ids), key=str)), ckey)
        hit = self._rankings.get(key)
        if hit is None:
            if len(self._rankings) > 20_000:
                self._rankings.clear()
            hit = self._rankings[key] = self.ranker.explanation(key[0], context=ckey)
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

    def _item(self, section: str, item: Item, reference: frozenset = frozenset()) -> dict[str, Any]:
        key = (item.id, section in LABELLED_EN, item.rank)
        head = self._heads.get(key)
        if head is None:   # the id, labels and tier of an item are the same for every mine: built once
            lab = self.labels(item.id)
            head = {"id": item.id, "label_zh": lab["zh"]}
            if key[1]:
                head["label_en"] = lab["en"]
            head["strongest_tier"] = tier_name(item.rank) if item.rank < 99 else "research"
            self._heads[key] = head
        out = dict(head)
        if reference and item.rules <= reference:
            out["reference"] = True
        out["reasons"] = item.reasons
        return out

    def advise(self, profile: dict[str, Any], *, as_of: Any = None, explain: bool = False,
               weights: dict[str, float] | None = None, validated: bool = False,
               for_json: bool = False, evaluation: Any = None,
               precomputed: dict[str, Any] | None = None) -> dict[str, Any]:
        """The contract's advice object for one profile (raises ``ProfileError`` on bad input).

        ``for_json=True`` is for output through ``self.dumps`` only: the cited
        clause lists are then pre-serialized JSON fragments, not lists, and
        reason objects are shared between mines. ``evaluation`` is the rules' ``Evaluation`` of this
        profile when the caller already has it (the columnar batch path, ``rules.columnar``);
        ``precomputed`` may hold this mine's ``zones``, ``factors`` (factor values) and ``precedents``
        computed for a whole chunk (``advisor.vectorized``).
        """
        pre = precomputed or {}
        p = profile if validated else validate_profile(profile)
        ev = evaluation if evaluation is not None else self.ruleset.evaluate(p, as_of=parse_as_of(as_of),
                                                                             explain=explain)
        reference = getattr(ev, "reference_rules", frozenset())
        w = weights or self.weights
        pot = self.potential.evaluate(p, w, "entropy" if weights else self.weights_method, values=pre.get("factors"))
        pot["sources"] = self.potential_ref if for_json else self.potential_sources
        reason_of = self._reason_ref if for_json else self._reason
        col = Collector(reason_of, self.tiers.rank, self._rule_ranks)
        col.add_conclusions(ev.conclusions)
        for f in self._low_potential_findings(pot, p):
            col.add(f)
        advice: dict[str, Any] = {"mine_id": p["id"]}
        research: list[dict[str, Any]] = []
        removed_extra: list[dict[str, Any]] = []
        for kind in ("restoration_category", "priority"):
            binding = [i for i in col.items(kind) if is_binding(i.rank)]
            research += [research_item(kind, self._item(kind, i)) for i in col.items(kind) if not is_binding(i.rank)]
            chosen, others = pick_single(binding)
            if chosen is None:
                advice[kind] = None
                continue
            entry = self._item(kind, chosen, reference)
            lab = self.labels(chosen.id)
            entry = {"id": chosen.id, "label_zh": lab["zh"], "label_en": lab["en"], **entry}
            alternatives = [self._item(kind, o, reference) for o in others]
            # the category or priority that precedence set aside is shown with why it lost
            alternatives += self._set_aside(ev, kind, chosen.id, reference_of=reference, reason_of=reason_of,
                                            shown={a["id"] for a in alternatives})
            if alternatives:
                entry["alternatives"] = alternatives
            advice[kind] = entry
        category = (advice["restoration_category"] or {}).get("id")
        excluded: dict[str, dict[str, Any]] = {}
        for item in col.items("exclude"):
            entry = self._item("excluded_models", item, reference)
            if is_binding(item.rank):
                excluded[item.id] = entry
            else:
                research.append(research_item("exclude", entry))
        if category == "natural_recovery":
            cat = advice["restoration_category"]
            for mid in self.gate.natural_recovery_excludes:
                if mid not in excluded:
                    lab = self.labels(mid)
                    excluded[mid] = {"id": mid, "label_zh": lab["zh"], "label_en": lab["en"],
                                     "strongest_tier": cat["strongest_tier"], "natural_recovery": True,
                                     "reasons": [self._derived_reason(self._binding_reason(cat["reasons"]),
                                                                      "修复类别为自然恢复，以封育保护、"
                                                                      f"自然演替为主，不开展{lab['zh']}：", for_json)]}
                    if cat.get("reference"):
                        excluded[mid]["reference"] = True
        zones = pre["zones"] if "zones" in pre else self.gate.zone_values(p)
        values = {f: pot["factors"][f]["value"] for f in FACTORS}
        context = {"category": category, "profile": p}
        models, dropped = [], []
        for item in col.items("recommend"):
            # A hard exclusion always wins, and excluding a kind of use (construction_use)
            # excludes every narrower model of it (industry_commerce …), as the ontology says.
            by = self._excluded_by(item.id, excluded)
            if by is not None:
                dropped.append((item, by))
                continue
            verdict = self.gate.assess(item.id, p, zones)
            if verdict.status == "forbidden":
                self._gate_exclude(excluded, item.id, verdict, reason_of)
                dropped.append((item, item.id))
                continue
            entry = self._item("utilization_models", item, reference)
            if not is_binding(item.rank):
                # a paper's idea: shown apart, with what the law conditions it on, never with binding reasons
                suggestion = research_item("recommend", entry)
                suggestion["legal_status"] = verdict.status
                if verdict.conditions_zh:
                    suggestion["conditions_zh"] = list(verdict.conditions_zh)
                suggestion["score"], _ = self.ranker.score(item.id, item.weight if item.weights else 1.0, values,
                                                           pot["score"], context=context)
                research.append(suggestion)
                continue
            self._legal_status(entry, verdict, reason_of)
            score, breakdown = self.ranker.score(item.id, item.weight if item.weights else 1.0, values, pot["score"],
                                                 context=context)
            entry["score"] = score
            entry["score_breakdown"] = breakdown
            models.append(entry)
        if self._closure_missing(category, (m["id"] for m in models)):
            models.append(self._closure_from_category(advice["restoration_category"], p, zones, values, pot,
                                                      context, reason_of, for_json))
        # what the zones the mine lies in forbid is said even where no rule recommended it: an investor asks
        # what may not be built here (each forbidding cell's own model, with its clauses)
        for cell in self.gate.forbidding(zones):
            if cell.model not in excluded or excluded[cell.model].get("reference"):
                self._gate_exclude(excluded, cell.model, self.gate.assess(cell.model, p, zones), reason_of)
        # the law's order first: permitted before conditional, binding before reference; then the score
        models.sort(key=lambda m: (STATUS_ORDER[m["legal_status"]], bool(m.get("reference")), -m["score"]))
        advice["utilization_models"] = models
        advice["excluded_models"] = list(excluded.values())
        for kind in ("incentive", "constraint", "measure"):
            section = LIST_SECTIONS[kind]
            kept = []
            for item in col.items(kind):
                entry = self._item(section, item, reference)
                if not is_binding(item.rank):
                    research.append(research_item(kind, entry))
                    continue
                if kind == "incentive" and not self._incentive_allowed(entry, excluded, p, zones, reason_of,
                                                                         removed_extra):
                    continue
                kept.append(entry)
            advice[section] = kept
        resp = [i for i in col.items("responsibility") if is_binding(i.rank)]
        research += [research_item("responsibility", self._item("responsibility", i))
                     for i in col.items("responsibility") if not is_binding(i.rank)]
        if resp:
            advice["responsibility"] = {
                "label_zh": "；".join(self.labels(i.id)["zh"] for i in resp),
                "ids": [i.id for i in resp],
                "strongest_tier": tier_name(min(i.rank for i in resp)),
                # Several concepts share this one section: each reason says which one it supports.
                "reasons": [r | {"about": i.id} for i in resp for r in i.reasons],
            }
            if reference and all(i.rules <= reference for i in resp):
                advice["responsibility"]["reference"] = True
        else:
            advice["responsibility"] = None
        # a paper's suggestion of what the binding advice already says (or excludes) is not repeated apart
        if research:
            held = {("recommend", m["id"]) for m in models} | {("recommend", m) for m in excluded} \
                | {("exclude", m) for m in excluded} \
                | {(k, i["id"]) for k in ("incentive", "constraint", "measure") for i in advice[LIST_SECTIONS[k]]} \
                | {("responsibility", i) for i in (advice["responsibility"] or {}).get("ids", ())} \
                | {(k, (advice[k] or {}).get("id")) for k in ("restoration_category", "priority")}
            research = [r for r in research if (r["kind"], r["id"]) not in held]
        # models first, best first (as the models above), then the other kinds in the order they were found
        research.sort(key=lambda r: (r["kind"] != "recommend", STATUS_ORDER.get(r.get("legal_status"), 0),
                                     -r.get("score", 0.0)))
        advice["research_suggestions"] = research
        advice["intended_use"] = [self._intended(mid, p, zones, excluded, models, reason_of)
                                  for mid in p.get("intended_uses") or ()]
        advice["warnings"] = self._warnings(ev, reference)
        advice["precedents"] = pre["precedents"] if "precedents" in pre else self.precedents.find(p, refs=for_json)
        advice["unknowns"] = self.unknowns(ev.pending, p)
        advice["potential"] = pot
        if models:
            advice["ranking"] = self._ranking_info(tuple(m["score_breakdown"]["profile_of"] for m in models), context)
        if explain:
            advice["explain"] = {
                "facts": jsonable(getattr(ev, "facts", {})),
                "reference_rules": sorted(reference & set(ev.fired_rules())) if reference else [],
                "removed": [{"kind": c.kind, "id": c.value, "rule": c.rule_id, "by_rule": by, "why_zh": why}
                            for c, by, why in (ev.removed or [])]
                + [{"kind": "recommend", "id": item.id, "rule": sorted(item.rules)[0],
                    "by_rule": excluded[by_id]["reasons"][0]["rule"],
                    "why_zh": f"利用模式「{self.labels(by_id)['zh']}」被排除"} for item, by_id in dropped]
                + removed_extra,
                "not_fired": [{"rule": nf[0], "why_zh": nf[1]} if isinstance(nf, (tuple, list)) and len(nf) == 2
                              else jsonable(nf) for nf in (getattr(ev, "not_fired", None) or [])],
                "pending": [{"rule": pd.rule_id, "unknown_fields": list(pd.unknown_fields)} for pd in ev.pending],
            }
        return advice

    @property
    def columnar(self) -> Any:
        """The rule set's columnar evaluator (``rules.columnar``), built on first use."""
        col = self.__dict__.get("_columnar")
        if col is None:
            from rules.columnar import ColumnarEvaluator

            col = self.__dict__["_columnar"] = ColumnarEvaluator(self.ruleset)
        return col

    def summary_rows(self, profiles: list[dict], *, as_of: Any = None,
                     weights: dict[str, float] | None = None) -> list[str]:
        """The flat CSV summary line of each validated profile (``advisor.summary``): the ids
        ``csv_row(self.advise(p))`` would give, without building the advice objects."""
        rows = self.__dict__.get("_summary")
        if rows is None:
            from advisor.summary import SummaryRows

            rows = self.__dict__["_summary"] = SummaryRows(self)
        return rows.rows(profiles, as_of=parse_as_of(as_of), weights=weights)

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
