"""Search behaviour users rely on, on a small hand-made index (tests/search_helpers.py)."""
from __future__ import annotations

import pytest

from search import QueryError
from tests.search_helpers import build_small_index


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    s = build_small_index(tmp_path_factory.mktemp("search") / "index")
    yield s
    s.close()


def ids(result):
    return [h["clause_id"] for h in result["hits"]]


def test_hit_has_the_contract_shape(searcher):
    r = searcher.search("光伏")
    assert set(r) >= {"query", "total", "hits"}
    hit = r["hits"][0]
    assert set(hit) >= {"doc_id", "doc_title", "doc_number", "issuer", "clause_id", "clause_type", "text",
                        "highlight", "score"}
    assert hit["doc_title"].startswith("《") and hit["doc_title"].endswith("》")
    assert isinstance(hit["score"], float)


def test_hit_carries_the_document_dates_and_status(searcher):
    hit = searcher.search("封禁")["hits"][0]
    assert (hit["issued"], hit["year"], hit["status"], hit["level"]) == ("2021-04-01", 2021, "in_force", "provincial")


def test_document_without_number_reports_null_number(searcher):
    hit = searcher.search("封禁")["hits"][0]
    assert hit["clause_id"] == "bj-plan-2021~art_1"
    assert hit["doc_number"] is None


def test_synonym_finds_clauses_with_the_preferred_term(searcher):
    r = searcher.search("太阳能发电")
    assert "cn-mnr-2019-6~art_2" in ids(r)
    assert "光伏" in r["expanded_terms"]
    assert "<mark>光伏</mark>" in r["hits"][0]["highlight"]


def test_indicator_trading_finds_indicator_transfer(searcher):
    assert "cn-mnr-2019-6~art_1" in ids(searcher.search("指标交易"))


def test_a_lone_character_beside_a_label_does_not_have_to_match_alone(searcher):
    # 湿地公园群: jieba leaves 群 as a stub of an unknown compound
    assert "jx-regulation-2022~art_1" in ids(searcher.search("湿地公园群"))


def test_traditional_characters_are_folded(searcher):
    assert "jx-regulation-2022~art_1" in ids(searcher.search("礦山公園"))


@pytest.mark.parametrize("query", ["wetland park", "Wetland Parks", "solar power"])
def test_english_words_reach_chinese_clauses_through_labels(searcher, query):
    r = searcher.search(query)
    assert r["total"] >= 1
    assert any("\u4e00" <= h["text"][0] <= "\u9fff" for h in r["hits"])


@pytest.mark.parametrize("query", ["自然资规〔2019〕6号", "自然资规[2019]6号", "自然资规〔2019〕6 号",
                                   "自然资规(2019)6号", "自然资规（2019）6号", "按照自然资规 2019 6号"])
def test_document_number_in_any_style_finds_its_document_first(searcher, query):
    r = searcher.search(query)
    assert [h["doc_id"] for h in r["hits"][:3]] == ["cn-mnr-2019-6"] * 3


def test_document_number_also_finds_clauses_citing_it_after_the_document(searcher):
    r = searcher.search("自然资规〔2019〕6号")
    assert ids(r)[-1] == "jx-regulation-2022~art_4"


def test_quoted_phrase_matches_exact_sequence_only(searcher):
    assert ids(searcher.search('"光伏电站"')) and all("光伏电站" in h["text"]
                                                    for h in searcher.search('"光伏电站"')["hits"])
    assert searcher.search('"电站光伏"')["total"] == 0


def test_word_cut_differently_in_the_clause_is_still_found(searcher):
    # jieba cuts the clause as …废弃|地上…; the query word 废弃地 must still match
    assert "jx-regulation-2022~art_4" in ids(searcher.search("废弃地"))


def test_repealed_documents_rank_after_in_force_ones_but_are_found(searcher):
    r = searcher.search("光伏电站")
    order = [h["doc_id"] for h in r["hits"]]
    assert "jx-old-2010" in order
    assert order.index("cn-mnr-2019-6") < order.index("jx-old-2010")
    assert r["hits"][order.index("jx-old-2010")]["status"] == "repealed"


def test_incentive_query_ranks_incentive_clauses_first(searcher):
    r = searcher.search("矿山 奖励")
    assert r["hits"][0]["clause_type"] == "incentive"
    plain = searcher.search("矿山")
    assert plain["hits"][0]["clause_type"] != "incentive" or plain["total"] > r["total"] - 1


def test_intent_word_alone_finds_incentive_clauses_without_the_word(searcher):
    r = searcher.search("激励")
    assert r["total"] >= 3
    assert all(h["clause_type"] == "incentive" for h in r["hits"])


def test_english_incentive_query_prefers_incentive_clauses(searcher):
    r = searcher.search("solar power incentives")
    assert r["hits"][0]["clause_type"] == "incentive"


def test_not_excludes_and_or_widens(searcher):
    assert "cn-mnr-2019-6~art_2" not in ids(searcher.search("光伏 -国有"))
    both = searcher.search("封禁 OR 湿地公园")
    assert {"bj-plan-2021~art_1", "jx-regulation-2022~art_1"} <= set(ids(both))


@pytest.mark.parametrize("filters,expected", [
    ({"level": "ministry"}, {"cn-mnr-2019-6"}),
    ({"region": "江西省"}, {"jx-regulation-2022", "jx-old-2010"}),
    ({"year": "2015..2020"}, {"cn-mnr-2019-6"}),
    ({"year_from": 2015, "year_to": 2020}, {"cn-mnr-2019-6"}),
    ({"year_from": 2021}, {"jx-regulation-2022", "bj-plan-2021"}),
    ({"status": "repealed"}, {"jx-old-2010"}),
    ({"concept": "mk:photovoltaic"}, {"cn-mnr-2019-6", "jx-old-2010", "bj-plan-2021"}),
    ({"clause_type": ["constraint", "target"]}, {"jx-regulation-2022", "jx-old-2010", "bj-plan-2021"}),
])
def test_filters_restrict_hits(searcher, filters, expected):
    r = searcher.search("矿山 OR 光伏 OR solar", filters=filters, limit=50)
    assert r["total"] > 0
    assert {h["doc_id"] for h in r["hits"]} <= expected


def test_unknown_filter_is_a_clear_error(searcher):
    with pytest.raises(QueryError, match="unknown filter 'colour'"):
        searcher.search("矿山", filters={"colour": "red"})


def test_facets_count_matches_per_value(searcher):
    r = searcher.search("矿山", limit=1)
    facets = r["facets"]
    assert sum(facets["status"].values()) == r["total"]
    assert facets["region"]["江西"] == sum(1 for h in searcher.search("矿山", limit=50)["hits"]
                                          if h["region"] == "江西")
    assert facets["level"]["ministry"] >= 1


def test_paging_with_offset_continues_the_ranking(searcher):
    everything = ids(searcher.search("矿山", limit=20))
    assert ids(searcher.search("矿山", limit=2, offset=2)) == everything[2:4]


def test_did_you_mean_for_a_misspelt_query(searcher):
    r = searcher.search("光优电站")
    assert r["total"] == 0
    assert r["did_you_mean"] == "光伏电站"


def test_highlight_escapes_clause_markup(searcher):
    r = searcher.search("<b>光伏</b>")
    for hit in r["hits"]:
        assert "<" not in hit["highlight"].replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("query", ['"光伏', "(光伏", "光伏)", "《光伏", "x" * 1000])
def test_malformed_query_raises_a_clear_error(searcher, query):
    with pytest.raises(QueryError) as err:
        searcher.search(query)
    assert str(err.value)


@pytest.mark.parametrize("query", ["AND OR NOT", "", "   ", "---", "()", "<script></script>"])
def test_query_with_nothing_to_search_gives_an_empty_result(searcher, query):
    r = searcher.search(query)
    assert r["total"] == len(r["hits"]) == 0


@pytest.mark.parametrize("kwargs", [{"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"filters": "level"}])
def test_bad_paging_arguments_are_rejected(searcher, kwargs):
    with pytest.raises(QueryError):
        searcher.search("矿山", **kwargs)


def test_any_typed_text_gives_a_result_or_a_query_error(searcher):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list('矿山光伏礦園 "“”《》「」()（）〔〕[]-+|&<>/:*?\\\'ORANDNOT2019号自然资规\x00\t\n') + ["OR", "NOT"])

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(alphabet, max_size=30).map("".join))
    def run(query):
        try:
            result = searcher.search(query)
        except QueryError as exc:
            assert str(exc)
            return
        assert result["total"] >= len(result["hits"])
        for hit in result["hits"]:
            assert "<" not in hit["highlight"].replace("<mark>", "").replace("</mark>", "")

    run()


def test_postings_decoded_in_blocks_match_whoosh_and_facets_match_a_recount(tmp_path):
    """More clauses than one Whoosh posting block (128), so block re-basing is exercised."""
    from corpus.model import Clause, Document
    from search import Searcher
    from search.index import iter_records, write_index

    docs = {}
    for i in range(300):
        doc_id = f"d{i:03d}"
        text = "矿山修复" + ("光伏" if i % 3 == 0 else "湿地") + f"第{i}项"
        docs[doc_id] = Document(id=doc_id, title=f"文件{i}", level=("provincial" if i % 2 else "ministry"),
                                issued=str(2000 + i % 20), status="in_force", clauses=[
            Clause(id=f"{doc_id}~art_1", doc_id=doc_id, path="art_1", heading="第一条", heading_path=["第一条"],
                   text=text, type=("incentive" if i % 5 == 0 else "measure"))])
    write_index(tmp_path / "index", iter_records(docs), [])
    s = Searcher(tmp_path / "index")
    reader = s.index.reader
    ours, _ = s.engine.postings("text", "矿山")
    assert list(ours) == list(reader.postings("text", "矿山").all_ids()) and len(ours) == 300
    r = s.search("光伏", limit=100)
    assert r["total"] == 100
    assert r["facets"]["level"] == {"ministry": 50, "provincial": 50}
    assert r["facets"]["clause_type"] == {"incentive": 20, "measure": 80}
    assert sum(r["facets"]["year"].values()) == 100
    s.close()
