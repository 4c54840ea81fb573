"""Clause typing against the hand-typed gold set of 150 seed clauses (tests/fixtures/corpus)."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.evaluation import DEFAULT_GOLD, GoldSetError, evaluate, load_gold
from corpus.model import CLAUSE_TYPES


@pytest.fixture(scope="module")
def evaluation(seeds_dir):
    return evaluate(seeds_dir)


def test_the_gold_set_has_at_least_a_hundred_clauses_of_every_common_type():
    gold = load_gold()
    assert len(gold["clauses"]) >= 100
    present = {entry["type"] for entry in gold["clauses"]}
    assert present == set(CLAUSE_TYPES)


def test_clause_typing_reaches_an_overall_f1_of_0_85_on_the_gold_set(evaluation):
    print("\n" + evaluation.table())       # the per-type figures, shown with pytest -s
    assert evaluation.accuracy >= 0.85, evaluation.table()


def test_no_frequent_type_is_badly_typed(evaluation):
    weak = {t: round(s.f1, 2) for t, s in evaluation.scores.items() if s.support >= 5 and s.f1 < 0.7}
    assert not weak, evaluation.table()


def test_a_gold_entry_that_no_longer_matches_its_clause_is_an_error(tmp_path, seeds_dir):
    text = DEFAULT_GOLD.read_text(encoding="utf-8").replace("starts: 北京地区蕴藏", "starts: 某个别的开头", 1)
    broken = tmp_path / "gold.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(GoldSetError, match="preamble__para_1 should start with '某个别的开头'"):
        evaluate(seeds_dir, broken)


def test_the_held_out_set_still_names_real_clauses(seeds_dir):
    heldout = DEFAULT_GOLD.with_name("gold_clause_types_heldout.yaml")
    result = evaluate(seeds_dir, heldout)
    print(f"\nheld-out (seed 001): {result.accuracy:.2f} over {result.total} clauses")
    assert result.total == len(load_gold(heldout)["clauses"]) >= 20
