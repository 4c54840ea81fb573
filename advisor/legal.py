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

from typing import Any, Iterable

from corpus.model import BINDING_TIERS, TIER_RANK, TIERS

KIND_OF_SECTION = {"utilization_models": "recommend", "excluded_models": "exclude", "incentives": "incentive",
                   "constraints": "constraint", "measures": "measure", "responsibility": "responsibility",
                   "restoration_category": "restoration_category", "priority": "priority"}
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
