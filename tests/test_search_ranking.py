"""How a concept's labels are weighed against what the user typed (search/query.py, search/engine.py)."""
from __future__ import annotations

import pytest

from search.analysis import Analysis
from search.qtree import Node, Or, Term
from search.query import EXPANSION_WEIGHT, LABEL_TIE, PARTS_WEIGHT
from tests.search_helpers import build_small_index


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    s = build_small_index(tmp_path_factory.mktemp("search-ranking") / "index")
    yield s
    s.close()


def scores(searcher, q: Node) -> dict[int, float]:
    r = searcher.engine.evaluate(q).to_sparse()
    return dict(zip(r.ids.tolist(), r.scores.tolist()))


def test_or_sums_scores_but_a_tie_or_counts_the_best_part_once(searcher):
    one = scores(searcher, Term("text", "光伏"))
    assert one
    summed = scores(searcher, Or([Term("text", "光伏"), Term("text", "光伏")]))
    dismax = scores(searcher, Or([Term("text", "光伏"), Term("text", "光伏")], tie=0.3))
    for doc, s in one.items():
        assert summed[doc] == pytest.approx(2 * s, rel=1e-5)
        assert dismax[doc] == pytest.approx(1.3 * s, rel=1e-5)


def test_a_tie_or_matches_what_any_part_matches(searcher):
    a, b = Term("text", "光伏"), Term("text", "封禁")
    either = scores(searcher, Or([a, b], tie=0.0))
    assert set(either) == set(scores(searcher, a)) | set(scores(searcher, b))
    for doc, s in scores(searcher, b).items():
        assert either[doc] == pytest.approx(s, rel=1e-5)


def _boosts_of(node: Node, word: str, factor: float = 1.0) -> list[float]:
    """The product of boosts down to every Term for ``word`` in the text field."""
    if isinstance(node, Term):
        return [factor * node.boost] if node.field == "text" and node.text == word else []
    out: list[float] = []
    for child in getattr(node, "parts", None) or [getattr(node, "a", None), getattr(node, "b", None)]:
        if child is not None:
            out += _boosts_of(child, word, factor * getattr(node, "boost", 1.0))
    return out


def test_a_synonym_weighs_less_than_the_word_typed_and_the_preferred_label_as_much(searcher):
    tree = searcher.builder.understand("太阳能发电").query
    assert max(_boosts_of(tree, "太阳能发电")) == pytest.approx(1.0)
    assert max(_boosts_of(tree, "光伏")) == pytest.approx(1.0)          # the concept's name (prefLabel)
    tree = searcher.builder.understand("光伏").query
    assert max(_boosts_of(tree, "太阳能发电")) == pytest.approx(EXPANSION_WEIGHT)


def test_labels_of_one_concept_are_alternatives_not_added_evidence(searcher):
    tree = searcher.builder.understand("光伏").query
    ties = []

    def walk(n):
        if isinstance(n, Or) and n.tie is not None:
            ties.append(n.tie)
        for c in getattr(n, "parts", None) or []:
            walk(c)
    walk(tree)
    assert ties == [LABEL_TIE]


def test_a_compound_label_is_also_looked_for_as_its_words():
    a = Analysis(["土石料", "土石料出售", "矿山公园"])
    assert a.parts("土石料出售") == ["土石料", "出售"]
    assert a.parts("矿山公园") == ["矿山", "公园"]
    assert a.parts("光伏") == []                     # too short to be a compound
    assert a.parts("solar power") == []


def test_a_compound_label_phrased_around_its_words_is_a_weaker_alternative(searcher):
    # 指标交易 → the preferred label 指标流转, also as 指标 … 流转 (a clause says 其指标可以流转)
    tree = searcher.builder.understand("指标交易").query
    assert max(_boosts_of(tree, "指标流转")) == pytest.approx(1.0)
    assert max(_boosts_of(tree, "流转")) == pytest.approx(PARTS_WEIGHT)
    assert "cn-mnr-2019-6~art_1" in [h["clause_id"] for h in searcher.search("指标交易")["hits"]]
