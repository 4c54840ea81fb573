"""The benchmark's measures and judged query set (the benchmark itself runs as `minekb bench search`)."""
from __future__ import annotations

import math

import pytest

from search.analysis import doc_number_key
from search.bench import HELDOUT, JUDGED, capped_precision_at, load_judged, ndcg_at, precision_at, reciprocal_rank


def test_precision_counts_relevant_among_first_five():
    ranked = ["a", "x", "b", "y", "z", "c"]
    assert precision_at(ranked, {"a": 1, "b": 1, "c": 1}) == pytest.approx(2 / 5)
    assert capped_precision_at(ranked, {"a": 1, "b": 1}) == pytest.approx(1.0)


def test_reciprocal_rank_is_one_over_the_first_relevant_position():
    assert reciprocal_rank(["x", "y", "a"], {"a": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], {"a": 1}) == 0.0


def test_ndcg_uses_graded_relevance_and_the_ideal_order():
    relevant = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], relevant) == pytest.approx(1.0)
    swapped = (1 / 1 + 3 / math.log2(3)) / (3 / 1 + 1 / math.log2(3))
    assert ndcg_at(["b", "a"], relevant) == pytest.approx(swapped)


def test_judged_set_has_forty_queries_of_every_kind():
    judged = load_judged(JUDGED)
    assert len(judged) >= 40
    kinds = {q["kind"] for q in judged}
    assert {"synonym", "traditional", "english", "number", "phrase", "incentive"} <= kinds
    assert all(q["relevant"] and all(g in (1, 2) for g in q["relevant"].values()) for q in judged)


def test_held_out_set_is_separate_and_of_every_kind():
    held, main = load_judged(HELDOUT), load_judged(JUDGED)
    assert len(held) >= 12
    assert not {q["query"] for q in held} & {q["query"] for q in main}
    assert not {q["id"] for q in held} & {q["id"] for q in main}
    assert {"plain", "synonym", "english", "number", "incentive", "traditional"} <= {q["kind"] for q in held}
    assert all(q["relevant"] and all(g in (1, 2) for g in q["relevant"].values()) for q in held)


@pytest.mark.parametrize("typed,key", [
    ("自然资规〔2019〕6号", "自然资规〔2019〕6号"),
    ("自然资规 [2019] 6 号", "自然资规〔2019〕6号"),
    ("自然资规（2019）第06号", "自然资规〔2019〕6号"),
    ("国务院令 第592号", "国务院令第592号"),
    ("gb/t 43933-2024", "GB/T43933-2024"),
])
def test_document_numbers_have_one_spelling(typed, key):
    assert doc_number_key(typed) == key
