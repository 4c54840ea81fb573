"""Runs every YAML case of tests/cases/ (advice_*.yaml and precedent_*.yaml) on the real knowledge base.

Each case says what the seed passage it cites requires of the advice; one
pytest test per case, id ``<file>::<name>``. Format: docs/advisor.md.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisor.cases import check_case, load_all

CASES_DIR = Path(__file__).parent / "cases"
CASES = load_all(CASES_DIR)
SEED_REF = re.compile(r"种子文献 ?00[0-4]|seed 00[0-4]")


@pytest.fixture(scope="module")
def advisor(kb):
    return kb.advisor


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case, advisor):
    advice = advisor.advise(case.profile, as_of=case.as_of)
    fails = check_case(case, advice, advisor.labels.ancestors)
    assert not fails, f"{case.name} ({case.source}):\n  " + "\n  ".join(fails)


def test_there_are_at_least_40_advice_cases_each_citing_its_seed_passage():
    advice_cases = [c for c in CASES if c.file.startswith("advice_")]
    assert len(advice_cases) >= 40
    assert [c.id for c in advice_cases if not SEED_REF.search(c.source)] == []


def test_case_profiles_are_valid_profiles():
    from advisor import validate_profile

    for c in CASES:
        validate_profile(c.profile, record=c.id)
