"""Rules stage: policies as cited, dated rules compiled from YAML, evaluated three-valued."""
from __future__ import annotations

from pathlib import Path

from rules.engine import RuleSet
from rules.model import Conclusion, Evaluation, Pending, Rule, RuleLoadError, Then

__all__ = ["load_ruleset", "RuleSet", "Rule", "Then", "Conclusion", "Evaluation", "Pending", "RuleLoadError"]


def load_ruleset(rules_dir: Path, kb=None) -> RuleSet:
    """Load, type-check and compile every ``*.yaml`` rule file under ``rules_dir``.

    Conditions are parsed once by a small tokenizer and recursive-descent
    parser (never ``eval``), checked against ``rules.schema.PROFILE_FIELDS``
    and the derived facts, and compiled to closures. With ``kb`` (a
    ``minekb.kb.KnowledgeBase``) every source clause id must exist in
    ``kb.clauses`` and every concluded concept in the ontology. All problems
    are raised together as ``RuleLoadError``, one line each:
    ``file:line: rule <id>: field <x>: what is wrong, what to do``.
    """
    from rules.loader import load_rules

    return RuleSet(load_rules(Path(rules_dir), kb=kb))
