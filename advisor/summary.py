"""The flat CSV summary of a batch, computed without building the advice objects.

``minekb advise --csv`` writes one row a mine: the ids the advice decides
(category, priority, models in the law's order, exclusions, incentives,
constraints, measures, responsibility, potential, precedents, unknown fields).
Building the whole advice first (reasons, cited clauses, labels, conditions,
intended uses, research suggestions) only to keep its ids is most of a batch's
time. This module takes the same decisions from the same parts, for a chunk at
once:

* the rules by columns (``rules.columnar``), then per mine the rules that fired
  with their conclusions as the rule states them (no explanation text) and the
  engine's own precedence (``RuleSet._precedence_apply``);
* the unknown fields counted by columns (``rules.columnar_pending``: what
  ``RuleSet._pending_all`` and ``UnknownsBuilder`` give per mine);
* the advisor's own ``Collector`` (items, their strongest tier, weights), the
  legal gate's memoized verdicts (``Gate.assess``), ``LegalAdvice._excluded_by``,
  the ranker's scores and the potential's score, zones, factor values and
  precedents by columns (``advisor.vectorized``).

What it re-states is the order of ``Advisor.advise``'s steps for the ids alone.
``tests/test_summary_rows.py`` holds it to ``csv_row(advisor.advise(p))`` on
random profiles (Hypothesis and a seeded batch), on every bundled case, on a
past date and with entropy weights: a change to ``advise`` that this module
does not follow fails there.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import numpy as np

from advisor.assemble import Collector, pick_single
from advisor.legal import STATUS_ORDER, is_binding
from advisor.potential import FACTORS
from advisor.vectorized import factor_values_many, precedents_many, zones_many
from minekb.spreadsheet import safe_row
from rules.columnar import evaluation_day
from rules.columnar_pending import FIELDS, PendingColumns
from rules.model import Conclusion

CSV_COLUMNS = ["mine_id", "restoration_category", "priority", "utilization_models", "excluded_models",
               "incentives", "constraints", "measures", "responsibility", "potential", "potential_level",
               "precedents", "unknowns"]


def csv_line(cells: list[Any]) -> str:
    """One CSV line (no terminator); no cell runs as a formula in Excel / WPS."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(safe_row(cells))
    return buf.getvalue()


def csv_cells(advice: dict[str, Any]) -> list[Any]:
    """The summary cells of an advice object (ids joined with ';')."""
    def ids(key):
        return ";".join(i["id"] for i in advice.get(key) or [])

    pot = advice.get("potential") or {}
    return [advice["mine_id"],
            (advice.get("restoration_category") or {}).get("id", ""),
            (advice.get("priority") or {}).get("id", ""),
            ids("utilization_models"), ids("excluded_models"), ids("incentives"), ids("constraints"),
            ids("measures"), ";".join((advice.get("responsibility") or {}).get("ids", [])),
            pot.get("score", ""), pot.get("level", ""),
            ";".join(p.get("id", p["name"]) for p in advice.get("precedents") or []),
            ";".join(u["field"] for u in advice.get("unknowns") or [])]


class SummaryRows:
    """``rows(profiles)`` = ``[csv_line(csv_cells(advisor.advise(p))) for p in profiles]``, for validated
    profiles, without building the advice objects."""

    def __init__(self, advisor: Any) -> None:
        self.adv = advisor
        self.rs = advisor.ruleset
        self._stated: dict[str, tuple[Conclusion, ...]] = {}
        field_order = advisor.unknowns._order   # the contract's field order, as the advice's unknowns use it
        self._order = np.array([field_order.get(f, 10_000) for f in FIELDS], dtype=np.int64)
        self._pending = PendingColumns(advisor.columnar) if advisor.columnar.supported else None

    def _conclusions(self, rule: Any) -> tuple[Conclusion, ...]:
        """A fired rule's conclusions as the rule states them (the explanation text is not part of a row)."""
        hit = self._stated.get(rule.id)
        if hit is None:
            sources = list(rule.sources)
            hit = self._stated[rule.id] = tuple(Conclusion(t.kind, t.value, t.weight, rule.id, "", sources, {})
                                                for t in rule.then)
        return hit

    def rows(self, profiles: list[dict], *, as_of: date | None = None,
             weights: dict[str, float] | None = None) -> list[str]:
        adv = self.adv
        if not profiles:
            return []
        if not adv.columnar.supported:
            return [csv_line(csv_cells(adv.advise(p, validated=True, for_json=True, as_of=as_of, weights=weights)))
                    for p in profiles]
        on = evaluation_day(as_of)
        zones = zones_many(adv.gate, adv.columnar, profiles)
        factors = factor_values_many(adv.potential, profiles, unknown=False)
        precedents = precedents_many(adv.precedents, profiles, ids_only=True)
        out: list[str | None] = [None] * len(profiles)
        rs = self.rs
        computed = adv.columnar.values(profiles, on)
        unknowns = self._unknowns(profiles, computed)
        for m, reference, fired in adv.columnar.fired_many(profiles, on, computed):
            p = profiles[m]
            conclusions: list[Conclusion] = []
            for rule in fired:
                conclusions.extend(self._conclusions(rule))
            kept, _removed = rs._precedence_apply(fired, conclusions, reference)
            out[m] = csv_line(self._cells(p, kept, reference, unknowns[m], zones[m], factors[m][0], precedents[m],
                                          weights))
        return out  # type: ignore[return-value]

    def _unknowns(self, profiles: list[dict], computed: tuple) -> list[str]:
        """Each mine's unknown fields as ``UnknownsBuilder`` orders them (most rules waiting on it first, then the
        form's order), from the counts by columns (``rules.columnar_pending``)."""
        counts = self._pending.field_counts(profiles, computed)
        order = self._order
        key = np.where(counts > 0, -counts.astype(np.int64) * 100_000 + order, np.iinfo(np.int64).max)
        ranked = np.argsort(key, axis=1, kind="stable")
        shown = (counts > 0).sum(axis=1).tolist()
        ranked = ranked.tolist()
        return [";".join([FIELDS[k] for k in ranked[m][:shown[m]]]) for m in range(len(profiles))]

    def _cells(self, p: dict, kept: list[Conclusion], reference: frozenset, unknowns: str, zones: dict,
               factor_values: dict[str, float], precedents: list[str], weights: dict[str, float] | None) -> list:
        adv = self.adv
        gate = adv.gate
        # the potential: Advisor.advise -> PotentialModel.evaluate (score and level) and its rounded factor values
        w = weights or adv.weights
        score = adv.potential.score_of(factor_values, w)
        pot = {"score": round(score, 4), "level": adv.potential.level(score)}
        values = {f: round(factor_values[f], 4) for f in FACTORS}
        col = Collector(_rule_only, adv.tiers.rank, adv._rule_ranks)
        col.add_conclusions(kept)
        for f in adv._low_potential_findings(pot, p):
            col.add(f)
        chosen: dict[str, Any] = {}
        for kind in ("restoration_category", "priority"):
            chosen[kind], _others = pick_single([i for i in col.items(kind) if is_binding(i.rank)])
        cat = chosen["restoration_category"]
        category = cat.id if cat is not None else None
        cat_reference = bool(reference) and cat is not None and cat.rules <= reference
        # excluded models, in the advice's order; each entry holds what _excluded_by and the gate read
        excluded: dict[str, dict[str, Any]] = {}
        for item in col.items("exclude"):
            if is_binding(item.rank):
                excluded[item.id] = {"reference": True} if reference and item.rules <= reference else {}
        if category == "natural_recovery":
            for mid in gate.natural_recovery_excludes:
                if mid not in excluded:
                    excluded[mid] = {"natural_recovery": True, "reference": True} if cat_reference \
                        else {"natural_recovery": True}
        context = {"category": category, "profile": p}
        models: list[tuple] = []
        for item in col.items("recommend"):
            if adv._excluded_by(item.id, excluded) is not None:
                continue
            verdict = gate.assess(item.id, p, zones)
            if verdict.status == "forbidden":
                _gate_exclude(excluded, item.id)
                continue
            if not is_binding(item.rank):
                continue   # a research suggestion, not a row's model
            ref = bool(reference) and item.rules <= reference
            s, _ = adv.ranker.score(item.id, item.weight if item.weights else 1.0, values, pot["score"],
                                    context=context)
            models.append((STATUS_ORDER[verdict.status], ref, -s, item.id))
        if adv._closure_missing(category, (m[3] for m in models)):
            verdict = gate.assess("natural_closure", p, zones)
            s, _ = adv.ranker.score("natural_closure", 1.0, values, pot["score"], context=context)
            models.append((STATUS_ORDER[verdict.status], cat_reference, -s, "natural_closure"))
        for c in gate.forbidding(zones):
            if c.model not in excluded or excluded[c.model].get("reference"):
                _gate_exclude(excluded, c.model)
        models.sort(key=lambda m: m[:3])
        lists = {}
        for kind in ("incentive", "constraint", "measure"):
            kept_ids = []
            for item in col.items(kind):
                if not is_binding(item.rank):
                    continue
                if kind == "incentive":
                    implied = adv._implied_use(item.id, excluded, p, zones)
                    if implied is not None and implied.withdrawn:
                        continue
                kept_ids.append(item.id)
            lists[kind] = ";".join(kept_ids)
        resp = ";".join(i.id for i in col.items("responsibility") if is_binding(i.rank))
        prio = chosen["priority"]
        return [p["id"], category or "", prio.id if prio is not None else "",
                ";".join(m[3] for m in models), ";".join(excluded), lists["incentive"], lists["constraint"],
                lists["measure"], resp, pot["score"], pot["level"],
                ";".join(precedents), unknowns]


def _rule_only(rule_id: str, _text: str, _sources: Any) -> str:
    return rule_id


def _gate_exclude(excluded: dict[str, dict[str, Any]], model_id: str) -> None:
    """``LegalAdvice._gate_exclude`` for the ids: a new entry is the gate's; an entry a rule made stays where it is
    and no longer rests on a lapsed plan only."""
    entry = excluded.get(model_id)
    if entry is None:
        excluded[model_id] = {"legal_gate": True}
    else:
        entry.pop("reference", None)
