"""The test cases written beside the bundled rules (``rules/data/*.yaml``), one pytest test each.

OpenFisca-style: the rule writers' cases are collected from the YAML and run
against the rule set of the session knowledge base (``kb.ruleset``: sources
resolved, concepts checked). Test ids are ``<rule id>::<case name>``.
"""
from __future__ import annotations

import pytest

from minekb.kb import BUNDLED_RULES
from rules import RuleLoadError
from rules.cases import run_case
from rules.engine import RuleSet
from rules.loader import load_rules_and_problems

_RULES, _PROBLEMS = load_rules_and_problems(BUNDLED_RULES)
CASES = [(rule, case) for rule in _RULES for case in rule.tests]


@pytest.fixture(scope="module")
def bundled_ruleset(kb):
    """The knowledge base's rule set; if it does not load, the rules that compile (the load test reports why)."""
    try:
        return kb.ruleset
    except RuleLoadError:
        return RuleSet(load_rules_and_problems(BUNDLED_RULES)[0])


def test_bundled_rules_load_cleanly_against_the_knowledge_base(kb):
    try:
        ruleset = kb.ruleset
    except RuleLoadError as exc:
        pytest.fail(str(exc))
    assert len(ruleset) == len(_RULES)


@pytest.mark.parametrize("rule, case", CASES, ids=[f"{r.id}::{c.name}" for r, c in CASES])
def test_rule_case(bundled_ruleset, rule, case):
    failures = run_case(bundled_ruleset, bundled_ruleset.get(rule.id) or rule, case)
    assert not failures, f"{rule.where}: rule {rule.id}: test {case.name!r}:\n  " + "\n  ".join(failures)
