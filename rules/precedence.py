"""Precedence among the conclusions of the rules that fired for one mine.

A mixin of ``rules.engine.RuleSet`` (it reads the rule set's precomputed
ranks and links): ``overrides`` / ``exception_of`` first, then ``exclude``
(hard constraints remove the recommendations they forbid, narrower models
included), then one value per single-valued kind by the documented order —
hard > other, regional > national — with the more specific rule and then load
order as the deterministic answer to a conflict ``minekb rules check`` reports.
Every removal records the rule that removed it and why, in Chinese.
"""
from __future__ import annotations

from rules.concepts import ancestors, concept_label_zh
from rules.model import SINGLE_VALUED, Conclusion, Rule

KIND_ZH = {"restoration_category": "修复类别", "priority": "修复优先序", "recommend": "推荐利用模式", "exclude": "排除模式",
           "incentive": "激励政策", "constraint": "约束", "measure": "工程措施", "responsibility": "责任与资金",
           "fact": "派生事实"}


class Precedence:
    """Mixin: ``_precedence_apply(fired, conclusions) -> (kept, removed)``."""

    def _precedence_apply(self, fired: list[Rule], conclusions: list[Conclusion], reference: frozenset = frozenset()):
        dead: dict[int, tuple[str, str]] = {}
        if self._linked and len(fired) > 1:
            self._apply_links(fired, conclusions, dead, reference)
        by_kind: dict[str, list[int]] = {}
        for i, c in enumerate(conclusions):
            if i not in dead:
                by_kind.setdefault(c.kind, []).append(i)
        excluded: dict[str, Conclusion] = {}
        for i in by_kind.get("exclude", ()):
            excluded.setdefault(conclusions[i].value, conclusions[i])
        if excluded:
            for i in by_kind.get("recommend", ()):
                c = conclusions[i]
                hit = c.value if c.value in excluded else next(
                    (a for a in self._model_ancestors(c.value) if a in excluded), None)
                if hit is not None:
                    by = excluded[hit]
                    what = concept_label_zh(hit)
                    narrower = "" if hit == c.value else f"（{concept_label_zh(c.value)}属于{what}）"
                    dead[i] = (by.rule_id, f"规则{by.rule_id}排除了{what}{narrower}：{by.explanation_zh}")
        for kind in SINGLE_VALUED:
            live = by_kind.get(kind)
            if live and len(live) > 1:
                self._resolve_single(kind, live, conclusions, dead, reference)
        if not dead:
            return conclusions, []
        kept = [c for i, c in enumerate(conclusions) if i not in dead]
        removed = [(conclusions[i], by, why) for i, (by, why) in sorted(dead.items())]
        return kept, removed

    def _apply_links(self, fired: list[Rule], conclusions: list[Conclusion], dead: dict,
                     reference: frozenset = frozenset()) -> None:
        linking = [r for r in fired if r.id in self._link_rules]
        if not linking:
            return
        fired_ids = {r.id for r in fired}
        by_rule: dict[str, list[int]] = {}
        for i, c in enumerate(conclusions):
            by_rule.setdefault(c.rule_id, []).append(i)
        for rule in sorted(linking, key=lambda r: self._precedence[r.id]):
            if dead:
                mine = by_rule.get(rule.id, ())
                if mine and all(i in dead for i in mine):
                    continue  # a rule that was itself set aside sets nothing aside
            if rule.id in reference:
                # a lapsed plan applied as reference never sets aside what binds today
                continue
            for target in rule.overrides:
                if target in fired_ids:
                    for i in by_rule.get(target, ()):
                        if i not in dead:
                            dead[i] = (rule.id, f"规则{rule.id}「{rule.title_zh}」优先于规则{target}")
            if rule.exception_of:
                kinds = self._kinds[rule.id]
                for target in rule.exception_of:
                    if target in fired_ids:
                        for i in by_rule.get(target, ()):
                            if i not in dead and conclusions[i].kind in kinds:
                                dead[i] = (rule.id, f"规则{rule.id}「{rule.title_zh}」是规则{target}的例外，"
                                                    f"就{KIND_ZH[conclusions[i].kind]}取代之")

    def _resolve_single(self, kind: str, live: list[int], conclusions: list[Conclusion], dead: dict,
                        reference: frozenset = frozenset()) -> None:
        if len({conclusions[i].value for i in live}) < 2:
            return
        ranks = self._ranks
        # a binding conclusion beats one applied as reference (a lapsed plan); then the documented order
        ranked = sorted(live, key=lambda i: (conclusions[i].rule_id not in reference, ranks[conclusions[i].rule_id]),
                        reverse=True)
        winner = conclusions[ranked[0]]
        wrule = self.by_id[winner.rule_id]
        for i in ranked[1:]:
            c = conclusions[i]
            if c.value == winner.value:
                continue
            loser = self.by_id[c.rule_id]
            why = ("现行有效，优先于已过期限、仅作参考的规划" if c.rule_id in reference and wrule.id not in reference
                   else precedence_reason(wrule, loser))
            dead[i] = (wrule.id, f"{KIND_ZH[kind]}只能取一个：规则{wrule.id}的结论「{concept_label_zh(winner.value)}」{why}")

    @staticmethod
    def rank(rule: Rule) -> tuple:
        """The documented order for single-valued conflicts: hard, regional, more specific, earlier."""
        return (rule.hard, bool(rule.region), rule.specificity, -rule.order)

    def _model_ancestors(self, model: str) -> tuple[str, ...]:
        found = self._ancestors.get(model)
        if found is None:
            found = self._ancestors[model] = ancestors(model, self._concepts)
        return found


def precedence_reason(winner: Rule, loser: Rule) -> str:
    """Why ``winner`` prevails over ``loser`` in a single-valued conflict, in Chinese."""
    if winner.hard != loser.hard:
        return "来自管控区硬约束规则，优先"
    if bool(winner.region) != bool(loser.region):
        return "来自地方规则，优先于全国性规则"
    if winner.specificity != loser.specificity:
        return "的条件更具体，优先（两条规则间无明确优先关系，minekb rules check 会报告）"
    return "在规则顺序中靠前（两条规则间无明确优先关系，minekb rules check 会报告）"
