"""The law's own order applied to an assembled advice (docs/legal-semantics.md).

After the rules have concluded and the conclusions are grouped into items,
this module decides what the user may be shown as what:

* **binding force**: an item whose sources are all non-binding (research,
  Party reports, foreign) moves to ``research_suggestions``; every item states
  its ``strongest_tier``;
* **the legal gate**: a model the gate forbids is excluded with the gate's
  reason; a conditional one carries its conditions; an incentive implying a
  forbidden use is withdrawn; under natural recovery no built use or resource
  extraction is recommended;
* **lapsed plans**: items resting only on rules applied as reference are
  marked, and ``warnings`` names each lapsed document and its end date;
* **intended uses**: the direct answer to "may I do X here?".
"""
from __future__ import annotations

from typing import Any, Iterable, NamedTuple

from corpus.model import BINDING_TIERS, TIER_RANK, TIERS

KIND_ZH = {"recommend": "利用模式", "exclude": "不宜的利用模式", "incentive": "激励措施", "constraint": "约束",
           "measure": "工程措施", "responsibility": "责任与资金", "restoration_category": "修复类别",
           "priority": "修复优先序"}
RESEARCH_NOTE_ZH = "仅有研究文献、党的报告或国外资料支持，供参考，不是现行政策规定，不构成激励或义务"
BINDING_RANK = max(TIER_RANK[t] for t in BINDING_TIERS)
STATUS_ORDER = {"permitted": 0, "conditional": 1}


class TierIndex:
    """clause ids -> the rank of the strongest tier among their documents (lower = stronger), cached."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb
        self._one: dict[str, int] = {}
        self._many: dict[tuple, int] = {}

    def clause_rank(self, clause_id: str) -> int:
        hit = self._one.get(clause_id)
        if hit is None:
            found = self.kb.clause(clause_id)
            tier = getattr(found[0], "binding_tier", "research") if found else "research"
            hit = self._one[clause_id] = TIER_RANK.get(tier, TIER_RANK["research"])
        return hit

    def rank(self, clause_ids: Iterable[str]) -> int:
        key = tuple(clause_ids)
        hit = self._many.get(key)
        if hit is None:
            hit = self._many[key] = min((self.clause_rank(c) for c in key), default=TIER_RANK["research"])
        return hit


def tier_name(rank: int) -> str:
    return TIERS[rank]


def is_binding(rank: int) -> bool:
    return rank <= BINDING_RANK


def research_item(kind: str, entry: dict[str, Any]) -> dict[str, Any]:
    """An advice item that rests on non-binding sources only, as a research suggestion."""
    out = {"id": entry["id"], "label_zh": entry.get("label_zh", entry["id"]), "kind": kind,
           "kind_zh": KIND_ZH.get(kind, kind), "basis": "research", "note_zh": RESEARCH_NOTE_ZH}
    if "label_en" in entry:
        out["label_en"] = entry["label_en"]
    out["strongest_tier"] = entry.get("strongest_tier", "research")
    out["reasons"] = entry["reasons"]
    return out


def gate_reason(cell: Any, reason_of) -> dict[str, Any]:
    return reason_of(cell.id, cell.explain_zh, cell.sources)


def lapsed_warnings(kb: Any, rules: Iterable[Any]) -> list[dict[str, Any]]:
    """One ``lapsed_document`` warning per expired source document of the rules applied as reference."""
    out: dict[str, dict[str, Any]] = {}
    for rule in rules:
        for cid in rule.sources:
            found = kb.clause(cid)
            if found is None:
                continue
            doc = found[0]
            if doc.status != "expired" or doc.id in out:
                continue
            title = doc.title if doc.title.startswith("《") else f"《{doc.title}》"
            end = doc.in_force_until or "（期限未载明）"
            out[doc.id] = {"code": "lapsed_document", "doc_id": doc.id, "doc_title": title, "ended": doc.in_force_until,
                           "message_zh": f"{title}的期限已于{end}届满，尚无已编入的接续文件；"
                                         f"依据它的结论仅作参考，排在现行有效依据之后"}
    return list(out.values())


class ImpliedUse(NamedTuple):
    """The use an incentive implies (``incentive_uses`` of the gate table), what rules it out here, if anything."""

    use: str
    excluded_by: str | None     # the excluded model (itself or a broader one) that rules the use out
    verdict: Any                # the gate's verdict on the use

    @property
    def withdrawn(self) -> bool:
        """The incentive does not stand: its use is excluded or forbidden."""
        return self.excluded_by is not None or self.verdict.status == "forbidden"


class LegalAdvice:
    """The legal steps of ``Advisor.advise`` (a mixin: it uses the advisor's gate, labels, tiers, ranker and
    caches): exclusions and their reach, the gate's verdicts on models and incentives, intended uses, the
    categories precedence set aside, natural recovery's own model, and lapsed-plan warnings."""

    def _set_aside(self, ev: Any, kind: str, chosen: str, *, reference_of, reason_of, shown: set) -> list[dict]:
        """Categories that binding rules concluded and precedence set aside, each with the reason it lost:
        where a plan's own classes overlap (a visible rock wall of high landscape value), the official sees both."""
        out: dict[str, dict[str, Any]] = {}
        for c, _by, why in ev.removed or ():
            if c.kind != kind or c.value == chosen or c.value in shown:
                continue
            if not is_binding(self._rule_ranks.get(c.rule_id, self.tiers.rank(c.sources))):
                continue
            item = out.get(c.value)
            if item is None:
                lab = self.labels(c.value)
                item = out[c.value] = {"id": c.value, "label_zh": lab["zh"], "label_en": lab["en"],
                                       "set_aside_zh": why, "reasons": []}
                if c.rule_id in reference_of:   # what a lapsed plan concluded, shown as reference below the law
                    item["reference"] = True
            item["reasons"].append(reason_of(c.rule_id, c.explanation_zh or "", c.sources))
        return list(out.values())

    # -- the legal gate, incentives, intended uses, warnings (semantics in advisor/legal.py) --
    def _excluded_by(self, model_id: str, excluded: dict) -> str | None:
        """The excluded model that rules out ``model_id``: itself, or a broader model a rule excluded (the
        gate judges each model by its own cell; natural recovery spares the models the gate table keeps)."""
        kept = model_id in self.gate.natural_recovery_keeps
        for a in (model_id, *self.labels.ancestors(model_id)):
            entry = excluded.get(a)
            if entry is None or (a != model_id and entry.get("legal_gate")):
                continue
            if kept and entry.get("natural_recovery"):
                continue
            return a
        return None

    def _binding_reason(self, reasons: list[dict]) -> dict:
        """The first of an item's reasons whose rule cites a binding source (the item has one: it is binding)."""
        return next((r for r in reasons if is_binding(self._rule_ranks.get(r["rule"], 99))), reasons[0])

    def _derived_reason(self, reason: dict, prefix: str, shared: bool) -> dict[str, Any]:
        """A reason restated for a conclusion derived from it (same rule and clauses, the derivation said first)."""
        if not shared:
            return {**reason, "explanation_zh": prefix + reason["explanation_zh"]}
        key = (reason["rule"], reason["explanation_zh"], prefix)
        hit = self._derived.get(key)
        if hit is None:
            if len(self._derived) > 50_000:
                self._derived.clear()
            hit = self._derived[key] = {**reason, "explanation_zh": prefix + reason["explanation_zh"]}
        return hit

    def _closure_missing(self, category: str | None, model_ids: Iterable[str]) -> bool:
        """Under natural recovery, no recommended model is closure for natural succession (自然封育) or a kind of
        it: the category's own closure is added."""
        return category == "natural_recovery" and not any(
            m == "natural_closure" or "natural_closure" in self.labels.ancestors(m) for m in model_ids)

    def _closure_from_category(self, cat: dict, p: dict, zones: dict, values: dict, pot: dict, context: dict,
                               reason_of, for_json: bool = False) -> dict[str, Any]:
        """Natural recovery *is* closure for natural succession (自然封育): the category's own reasons support it."""
        lab = self.labels("natural_closure")
        entry = {"id": "natural_closure", "label_zh": lab["zh"], "label_en": lab["en"],
                 "strongest_tier": cat["strongest_tier"],
                 "reasons": [self._derived_reason(r, "修复类别为自然恢复，即封育保护、依靠自然演替恢复：", for_json)
                             for r in cat["reasons"]]}
        if cat.get("reference"):
            entry["reference"] = True
        self._legal_status(entry, self.gate.assess("natural_closure", p, zones), reason_of)
        score, breakdown = self.ranker.score("natural_closure", 1.0, values, pot["score"],
                                             context=context)
        entry["score"], entry["score_breakdown"] = score, breakdown
        return entry

    def _gate_exclude(self, excluded: dict, model_id: str, verdict: Any, reason_of) -> None:
        forbidding = [c for c in verdict.cells if c.verdict == "forbidden"]
        reasons = [gate_reason(c, reason_of) for c in forbidding]
        gate_rank = min(self.tiers.rank(c.sources) for c in forbidding)
        entry = excluded.get(model_id)
        if entry is None:
            lab = self.labels(model_id)
            excluded[model_id] = {"id": model_id, "label_zh": lab["zh"], "label_en": lab["en"],
                                  "strongest_tier": tier_name(gate_rank), "legal_gate": True, "reasons": reasons}
        else:
            # a rule already excluded it: the gate's clauses join its reasons, and what binds today is no longer
            # only a lapsed plan's reference
            entry["reasons"] = list(entry["reasons"]) + [r for r in reasons if r not in entry["reasons"]]
            entry.pop("reference", None)
            if gate_rank < TIER_RANK.get(entry.get("strongest_tier"), 99):
                entry["strongest_tier"] = tier_name(gate_rank)

    def _gate_conditions(self, entry: dict, verdict: Any, reason_of) -> None:
        """A conditional verdict on an item: its conditions, and the cells that apply cited among its reasons;
        those that would apply if an unknown field says so are named only (the condition says which field to
        verify), which keeps a batch's output small."""
        entry["conditions_zh"] = list(verdict.conditions_zh)
        entry["reasons"] = list(entry["reasons"]) + [gate_reason(c, reason_of) for c in verdict.cells]
        if verdict.undecided:
            entry["pending_gate_cells"] = [c.id for c in verdict.undecided]

    def _legal_status(self, entry: dict, verdict: Any, reason_of) -> None:
        entry["legal_status"] = verdict.status
        if verdict.status == "conditional":
            if verdict.missing_fields:
                entry["missing_fields"] = list(verdict.missing_fields)
            self._gate_conditions(entry, verdict, reason_of)

    def _implied_use(self, incentive_id: str, excluded: dict, p: dict, zones: dict) -> ImpliedUse | None:
        """The use an incentive implies and what rules it out for this mine; None if it implies no use."""
        use = self.gate.incentive_uses.get(incentive_id)
        if use is None:
            return None
        # a rule's exclusion covers narrower uses; the gate judges the use by its own cell
        return ImpliedUse(use, self._excluded_by(use, excluded), self.gate.assess(use, p, zones))

    def _incentive_allowed(self, entry: dict, excluded: dict, p: dict, zones: dict, reason_of,
                           removed: list) -> bool:
        """An incentive that implies a use stands only where that use is not excluded or forbidden."""
        implied = self._implied_use(entry["id"], excluded, p, zones)
        if implied is None:
            return True
        use, by, verdict = implied
        if not implied.withdrawn:
            if verdict.status == "conditional":
                self._gate_conditions(entry, verdict, reason_of)
            return True
        removed.append({"kind": "incentive", "id": entry["id"], "rule": entry["reasons"][0]["rule"],
                        "by_rule": verdict.cells[0].id if by is None else excluded[by]["reasons"][0]["rule"],
                        "why_zh": f"激励「{entry['label_zh']}」意味着「{self.labels(use)['zh']}」，该用途在本矿山被排除或禁止"})
        return False

    def _intended(self, model_id: str, p: dict, zones: dict, excluded: dict, models: list, reason_of) -> dict:
        lab = self.labels(model_id)
        out: dict[str, Any] = {"id": model_id, "label_zh": lab["zh"], "label_en": lab["en"]}
        by = self._excluded_by(model_id, excluded)
        verdict = self.gate.assess(model_id, p, zones)
        recommended = next((m for m in models if m["id"] == model_id), None)
        if by is not None or verdict.status == "forbidden":
            out["verdict"] = "forbidden"
            reasons = [gate_reason(c, reason_of) for c in verdict.cells if c.verdict == "forbidden"]
            if by is not None:
                reasons += [r for r in excluded[by]["reasons"] if r not in reasons]
            out["conditions_zh"], out["missing_fields"], out["reasons"] = [], [], reasons
        elif verdict.status == "conditional" and verdict.could_be_forbidden and not verdict.cells:
            out["verdict"] = "undecidable"
            out["conditions_zh"] = list(verdict.conditions_zh)
            out["missing_fields"] = list(verdict.missing_fields)
            out["reasons"] = [gate_reason(c, reason_of) for c in verdict.undecided]
        elif verdict.status == "conditional":
            out["verdict"] = "conditional"
            out["conditions_zh"] = list(verdict.conditions_zh)
            out["missing_fields"] = list(verdict.missing_fields)
            out["reasons"] = [gate_reason(c, reason_of) for c in (*verdict.cells, *verdict.undecided)]
        else:
            out["verdict"] = "permitted"
            out["conditions_zh"], out["missing_fields"] = [], []
            out["reasons"] = [gate_reason(self.gate.default, reason_of)]
        out["recommended"] = recommended is not None   # its reasons are the model's, in utilization_models
        return out

    def _warnings(self, ev: Any, reference: frozenset) -> list[dict[str, Any]]:
        if not reference:
            return []
        used = frozenset(c.rule_id for c in ev.conclusions if c.rule_id in reference and c.kind != "fact")
        hit = self._warned.get(used)
        if hit is None:   # the same lapsed rules give the same warnings: built once, shared (read-only)
            hit = self._warned[used] = lapsed_warnings(self.kb, (self.ruleset.get(r) for r in sorted(used)))
        return [dict(w) for w in hit]
