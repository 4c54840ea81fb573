"""``minekb rules check`` for the legal gate: the table itself, and rules that contradict it.

The gate removes at run time whatever a rule recommends where the table forbids
it, so a rule that *can* fire inside a forbidding zone is fine (its
recommendation is gated for those mines). A rule that recommends a model
**only** inside a zone where the table forbids that model contradicts the
table: it recommends the use because of the very zone that forbids it. That is
an error to fix in the rule or the table.
"""
from __future__ import annotations

from typing import Any

from rules.model import Rule
from rules.nodes import NotNode
from rules.yamlio import display_path as _display

BUDGET = 4_000


def _pseudo(rule_id: str, node: Any) -> Rule:
    return Rule(id=rule_id, title_zh=rule_id, title_en="", when=node, when_text=None, then=(), sources=())


def gate_contradictions(ruleset: Any, gate: Any) -> tuple[list[str], int]:
    """(errors, how many rule × cell pairs the gate overrides at run time for some mines)."""
    from rules.check import _search_joint

    errors: list[str] = []
    gated = 0
    zone_rules = {zid: (_pseudo(f"gate.zone.{zid}", z.when), _pseudo(f"gate.outside.{zid}", NotNode(z.when)))
                  for zid, z in gate.zones.items()}
    for rule in ruleset.rules:
        models = [t.value for t in rule.then if t.kind == "recommend"]
        for model in models:
            for zid, (inside, outside) in zone_rules.items():
                cell = gate.cell_for(model, zid)
                if cell is None or cell.verdict != "forbidden":
                    continue
                both, _ = _search_joint(ruleset, rule, inside, BUDGET)
                if both is None:
                    continue
                gated += 1
                elsewhere, exhaustive = _search_joint(ruleset, rule, outside, BUDGET)
                if elsewhere is None and exhaustive:
                    errors.append(f"{_display(rule.file)}:{rule.line_of('then')}: rule {rule.id}: recommends {model} "
                                  f"only for mines in {gate.zones[zid].label_zh} ({zid}), where the legal gate forbids "
                                  f"it ({cell.id}: {cell.explain_zh}); change the rule's conclusion or the table")
    return errors, gated
