"""Turn the rules engine's conclusions into the contract's advice object.

The engine says *what applies* (conclusions, each from one rule with its
explanation and clause ids); this module groups them per advice item, merges
the reasons of rules that agree, attaches the cited clauses as SOURCE objects
and labels from the ontology. It never adds an item without a reason: an
item's reasons are exactly the rules (or cited advisor data, such as the low
potential consequences) that produced it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable

from rules.schema import PROFILE_FIELDS

# conclusion kind -> advice section holding a list of items
LIST_SECTIONS: dict[str, str] = {
    "recommend": "utilization_models",
    "exclude": "excluded_models",
    "incentive": "incentives",
    "constraint": "constraints",
    "measure": "measures",
}
SINGLE_SECTIONS = ("restoration_category", "priority")
KIND_ZH = {
    "restoration_category": "修复类别", "priority": "修复优先级", "recommend": "推荐利用模式",
    "exclude": "排除利用模式", "incentive": "激励政策", "constraint": "约束", "measure": "工程措施",
    "responsibility": "责任与资金", "fact": "派生事实",
}


@dataclass
class Finding:
    """One thing concluded about the mine (a conclusion of the engine or of cited advisor data)."""

    kind: str
    value: str
    rule_id: str
    explanation_zh: str
    sources: tuple[str, ...]
    weight: float | None = None


class Item:
    """One advice item being assembled: its id, its reasons (one per rule) and the rules' weights."""

    __slots__ = ("id", "reasons", "rules", "weights", "rank")

    def __init__(self, item_id: str) -> None:
        self.id = item_id
        self.reasons: list[dict[str, Any]] = []
        self.rules: set[str] = set()
        self.weights: list[float] = []
        self.rank = 99               # strongest tier among its sources (corpus.model.TIER_RANK; lower = stronger)

    @property
    def weight(self) -> float:
        """Rules that agree reinforce each other (noisy-or of their weights)."""
        rest = 1.0
        for w in self.weights:
            rest *= 1.0 - min(max(w, 0.0), 1.0)
        return 1.0 - rest if self.weights else 0.0


def _values(value: Any) -> list[str]:
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [str(value)]


def findings_from(conclusions: Iterable[Any]) -> list[Finding]:
    """The engine's ``Conclusion`` objects as ``Finding``s (one per concluded value)."""
    out: list[Finding] = []
    for c in conclusions:
        for v in _values(c.value):
            out.append(Finding(c.kind, v, c.rule_id, c.explanation_zh or "", tuple(c.sources or ()),
                               c.weight if c.weight is not None else None))
    return out


class Collector:
    """Group conclusions by advice section and item, merging reasons of agreeing rules.

    ``reason_of(rule_id, explanation_zh, clause_ids)`` builds one REASON; ``tier_rank(clause_ids)`` gives
    the rank of the strongest tier of those clauses' documents (each item keeps its strongest).
    """

    def __init__(self, reason_of, tier_rank=None, rule_ranks: dict | None = None) -> None:
        self._reason_of = reason_of
        self._tier_rank = tier_rank or (lambda ids: 0)
        self._ranks = rule_ranks if rule_ranks is not None else {}
        self.sections: dict[str, dict[str, Item]] = {}

    def add_conclusions(self, conclusions: Iterable[Any]) -> None:
        """The engine's conclusions, one item per concluded value (the hot path of a batch)."""
        sections = self.sections
        reason_of = self._reason_of
        tier_rank = self._tier_rank
        ranks = self._ranks
        last_rule, last_text, reason = None, None, None   # a rule's conclusions come together: one reason
        for c in conclusions:
            if c.kind == "fact":   # derived facts feed other rules; they are no advice item
                continue
            rank = ranks.get(c.rule_id)
            if rank is None:   # a rule's sources are fixed: their strongest tier is computed once per rule
                rank = ranks[c.rule_id] = tier_rank(c.sources)
            items = sections.get(c.kind)
            if items is None:
                items = sections[c.kind] = {}
            value = c.value
            rule_id = c.rule_id
            for v in (value if type(value) in (list, tuple) else (value,)):
                item = items.get(v)
                if item is None:
                    item = items[v] = Item(v)
                if c.weight is not None:
                    item.weights.append(c.weight)
                if rank < item.rank:
                    item.rank = rank
                rules = item.rules
                if rule_id not in rules:
                    rules.add(rule_id)
                    if rule_id != last_rule or c.explanation_zh is not last_text:
                        last_rule, last_text = rule_id, c.explanation_zh
                        reason = reason_of(rule_id, c.explanation_zh or "", c.sources)
                    item.reasons.append(reason)

    def add(self, f: Finding) -> None:
        items = self.sections.setdefault(f.kind, {})
        item = items.get(f.value)
        if item is None:
            item = items[f.value] = Item(f.value)
        if f.weight is not None:
            item.weights.append(float(f.weight))
        rank = self._tier_rank(f.sources)
        if rank < item.rank:
            item.rank = rank
        if f.rule_id not in item.rules:
            item.rules.add(f.rule_id)
            item.reasons.append(self._reason_of(f.rule_id, f.explanation_zh, f.sources))

    def items(self, kind: str) -> list[Item]:
        return list(self.sections.get(kind, {}).values())


def pick_single(items: list[Item]) -> tuple[Item | None, list[Item]]:
    """The chosen item of a one-valued section and the others (kept as alternatives).

    The engine resolves precedence; when rules without precedence still
    disagree, the item with the strongest support wins and the rest are shown,
    not hidden.
    """
    if not items:
        return None, []
    order = sorted(range(len(items)), key=lambda i: (-items[i].weight, -len(items[i].reasons), i))
    return items[order[0]], [items[i] for i in order[1:]]


def jsonable(obj: Any) -> Any:
    """Engine objects (dataclasses, tuples, sets) as plain JSON values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {k: jsonable(v) for k, v in dataclasses.asdict(obj).items()}
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(obj)


def _would(p: Any) -> list[tuple[str, str]]:
    """(kind, value) pairs a pending rule would conclude, whatever shape the engine gives."""
    would = p.would_conclude or []
    if isinstance(would, dict):
        return [(str(k), x) for k, v in would.items() for x in _values(v)]
    out: list[tuple[str, str]] = []
    for w in would:
        if hasattr(w, "kind"):
            out += [(w.kind, v) for v in _values(w.value)]
        elif isinstance(w, dict):
            out += [(str(k), x) for k, v in w.items() for x in _values(v)]
        elif isinstance(w, (tuple, list)) and len(w) == 2:
            out += [(str(w[0]), x) for x in _values(w[1])]
    return out


class UnknownsBuilder:
    """The contract's ``unknowns``: each missing field and, in Chinese, what knowing it would change.

    What a pending rule would conclude is fixed per rule, so its Chinese
    effect phrases are computed once per rule and reused for every mine.
    """

    def __init__(self, labels, limit_effects: int = 4) -> None:
        self.labels = labels
        self.limit = limit_effects
        self._effects: dict[str, list[str]] = {}
        self._order = {f: i for i, f in enumerate(PROFILE_FIELDS)}

    def _rule_effects(self, p: Any) -> list[str]:
        hit = self._effects.get(p.rule_id)
        if hit is None:
            hit = []
            for kind, value in _would(p):
                if kind == "fact":
                    continue
                text = f"{KIND_ZH.get(kind, kind)}「{self.labels(value)['zh']}」"
                if text not in hit:
                    hit.append(text)
            self._effects[p.rule_id] = hit
        return hit

    def __call__(self, pending: Iterable[Any], profile: dict[str, Any]) -> list[dict[str, Any]]:
        # per unknown field: the effects and the rules, each once, in first-seen order (dicts as ordered sets)
        per_field: dict[str, dict[str, None]] = {}
        rules: dict[str, dict[str, None]] = {}
        order = self._order
        for p in pending:
            effects = self._rule_effects(p)
            rid = p.rule_id
            for fld in p.unknown_fields or ():
                if fld in profile or fld not in order:
                    continue
                eff = per_field.get(fld)
                if eff is None:
                    eff = per_field[fld] = {}
                    rules[fld] = {}
                for e in effects:
                    eff[e] = None
                rules[fld][rid] = None
        out = []
        for fld in sorted(per_field, key=lambda f: (-len(rules[f]), order[f])):
            label = PROFILE_FIELDS[fld].label_zh
            eff = list(per_field[fld])
            if eff:
                shown = "、".join(eff[:self.limit]) + ("等" if len(eff) > self.limit else "")
                text = f"「{label}」未知：查明后可能得出{shown}（涉及规则 {len(rules[fld])} 条）"
            else:
                text = f"「{label}」未知：查明后将决定 {len(rules[fld])} 条规则是否适用"
            out.append({"field": fld, "effect_zh": text, "rules": list(rules[fld])})
        return out


def unknowns_from(pending: Iterable[Any], labels, profile: dict[str, Any], limit_effects: int = 4) -> list[dict]:
    """One-off form of ``UnknownsBuilder`` (no cache across mines)."""
    return UnknownsBuilder(labels, limit_effects)(pending, profile)
