"""Search for officials: tiers before research, sorts, browsing by facet, document cards, articles by number,
label heads (太阳能 → 光伏), provinces covering their cities, citation labels and inherited status."""
from __future__ import annotations

import pytest

from corpus.model import Clause, Document
from search import QueryError
from search.documents import clause_label, cn_number, heading_label
from search.index import effective_status
from search.places import places_in, province_of
from tests.search_helpers import TERMS, _doc, build_small_index

SAME = "废弃矿山修复后可以建设光伏电站，并依法办理用地手续。"


def _clause(doc_id: str, path: str, heading_path: list[str], text: str, order: int, **kw) -> Clause:
    return Clause(id=f"{doc_id}~{path}", doc_id=doc_id, path=path, heading=heading_path[-1], heading_path=heading_path,
                  text=text, order=order, **kw)


def _law() -> Document:
    """A regulation with an article and its items, numbered as printed."""
    doc = Document(id="cn-sc-order-592", title="土地复垦条例", number="国务院令第592号", issuer="国务院",
                   level="state_council", issued="2011-03-05", status="in_force", content="official")
    rows = [
        ("chap_1", ["第一章 总则"], "总则"),
        ("chap_1__art_1", ["第一章 总则", "第一条"], "为了落实十分珍惜、合理利用土地的基本国策，制定本条例。"),
        ("chap_1__art_3", ["第一章 总则", "第三条"], "生产建设活动损毁的土地，按照谁损毁、谁复垦的原则，由生产建设单位负责复垦。"),
        ("chap_1__art_3__item_1", ["第一章 总则", "第三条", "（一）"], "露天采矿损毁的土地由生产建设单位负责复垦，复垦土地，复垦。"),
        ("chap_1__art_3__item_2", ["第一章 总则", "第三条", "（二）"], "地下采矿塌陷的土地复垦，复垦责任明确。"),
        ("chap_1__art_4", ["第一章 总则", "第四条"], "土地复垦应当坚持科学规划、因地制宜。"),
    ]
    for i, (path, hp, text) in enumerate(rows, start=1):
        doc.clauses.append(_clause(doc.id, path, hp, text, i))
    return doc


def _corpus() -> dict[str, Document]:
    docs = [
        _doc("research-paper", "光伏电站用地研究", [(SAME, "measure", [])], level="research", issued="2025-01-01",
             status="unknown"),
        _doc("cn-mnr-2023-12", "关于支持光伏发电产业发展规范用地管理有关工作的通知", [(SAME, "measure", [])],
             number="自然资办发〔2023〕12号", issuer="自然资源部办公厅", level="ministry", issued="2023-03-20",
             status="in_force"),
        _doc("jx-2020", "江西省矿山生态修复办法", [("对社会资本修复废弃矿山给予奖励。", "incentive", [])],
             level="provincial", region="江西", issued="2020-05-01", status="in_force"),
        _doc("gz-2021", "赣州市废弃矿山治理意见", [("赣州市对稀土废弃矿山实施综合治理。", "measure", []),
                                          ("寻乌县开展废弃矿山修复的奖励。", "incentive", [])],
             level="municipal", region="赣州", issued="2021-06-01", status="in_force"),
        _doc("law-2019", "中华人民共和国土地管理法", [("国家实行土地用途管制制度，光伏电站用地依法管理。", "constraint", [])],
             level="national_law", issued="2019-08-26", status="amended"),
        _law(),
    ]
    return {d.id: d for d in docs}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    s = build_small_index(tmp_path_factory.mktemp("official") / "index", _corpus(), TERMS)
    yield s
    s.close()


def ids(result):
    return [h["clause_id"] for h in result["hits"]]


# ---------------------------------------------------------------- tiers and sorts
def test_a_ministry_clause_is_not_outranked_by_the_same_text_in_a_research_paper(searcher):
    r = searcher.search("光伏电站 用地")
    docs = [h["doc_id"] for h in r["hits"]]
    assert docs.index("cn-mnr-2023-12") < docs.index("research-paper")
    assert {h["tier"] for h in r["hits"]} >= {"ministry", "research"}


def test_sort_by_date_puts_the_newest_first_and_by_level_the_strongest_tier_first(searcher):
    by_date = searcher.search("光伏电站", sort="date")["hits"]
    dates = [h["issued"] for h in by_date]
    assert dates == sorted(dates, reverse=True)
    by_level = searcher.search("光伏电站", sort="level")["hits"]
    assert [h["tier"] for h in by_level] == ["law", "ministry", "research"]
    with pytest.raises(QueryError, match="sort"):
        searcher.search("光伏", sort="popularity")


def test_status_filter_keeps_only_clauses_in_force(searcher):
    r = searcher.search("光伏电站", filters={"status": "in_force"})
    assert r["hits"] and {h["status"] for h in r["hits"]} == {"in_force"}
    assert "law-2019" not in {h["doc_id"] for h in r["hits"]}     # amended


def test_tier_is_a_filter_and_a_facet(searcher):
    r = searcher.search("光伏电站", filters={"tier": "research"})
    assert {h["doc_id"] for h in r["hits"]} == {"research-paper"}
    assert r["facets"]["tier"] == {"research": 1}


# ---------------------------------------------------------------- browsing by facet
def test_a_facet_without_a_query_browses_every_clause_it_allows_paged(searcher):
    first = searcher.search("", filters={"clause_type": "incentive"}, limit=2)
    assert first["browse"] is True and first["total"] == 2 and len(first["hits"]) == 2
    everything = searcher.search("", filters={"clause_type": "incentive"}, limit=50)
    assert {h["clause_type"] for h in everything["hits"]} == {"incentive"}
    assert everything["total"] == len(everything["hits"]) == 2      # jx-2020 and the 寻乌 clause
    second = searcher.search("", filters={"clause_type": "incentive"}, limit=1, offset=1)
    assert ids(second) == ids(everything)[1:2]


def test_no_query_and_no_filter_is_still_an_empty_result(searcher):
    assert searcher.search("")["total"] == 0


# ---------------------------------------------------------------- documents named by the query
def test_a_document_number_query_answers_with_the_document_card_and_its_first_clause_first(searcher):
    r = searcher.search("自然资办发(2023)12 号")
    assert [d["id"] for d in r["documents"]] == ["cn-mnr-2023-12"]
    card = r["documents"][0]
    assert card["number"] == "自然资办发〔2023〕12号" and card["status"] == "in_force" and card["tier"] == "ministry"
    assert r["hits"][0]["doc_id"] == "cn-mnr-2023-12"


def test_a_title_query_answers_with_the_document_card(searcher):
    r = searcher.search("土地复垦条例")
    assert r["documents"][0]["id"] == "cn-sc-order-592"
    assert r["hits"][0]["clause_id"] == "cn-sc-order-592~chap_1__art_1"


def test_title_and_article_finds_that_article_before_its_own_items(searcher):
    for q in ("土地复垦条例第三条", "土地复垦条例 第3条", "国务院令第592号第三条"):
        r = searcher.search(q)
        assert ids(r)[0] == "cn-sc-order-592~chap_1__art_3", q
        assert r["article"] == {"asked": "3", "found": True}
        assert ids(r).index("cn-sc-order-592~chap_1__art_3") < ids(r).index("cn-sc-order-592~chap_1__art_3__item_1")


def test_a_chapter_heading_does_not_lead_the_provisions_under_it(searcher):
    r = searcher.search("土地复垦条例")        # every clause matches by the title; the heading adds nothing
    assert ids(r)[-1] == "cn-sc-order-592~chap_1"
    assert "cn-sc-order-592~chap_1" in ids(searcher.search("总则"))                  # still found
    assert ids(searcher.search("国务院令第592号"))[0] == "cn-sc-order-592~chap_1__art_1"   # the first provision leads


def test_an_article_the_record_does_not_hold_is_said_so(searcher):
    r = searcher.search("土地复垦条例第九十九条")
    assert r["article"] == {"asked": "99", "found": False}
    assert r["documents"][0]["id"] == "cn-sc-order-592"


def test_words_that_merely_contain_a_title_name_no_document(searcher):
    assert searcher.search("土地")["documents"] == []
    assert searcher.search("光伏 用地")["documents"] == []


# ---------------------------------------------------------------- labels and places
def test_the_head_of_a_label_finds_its_concept_in_both_languages(searcher):
    for q in ("太阳能", "solar"):
        r = searcher.search(q)
        assert r["total"] and "did_you_mean" not in r, q
        assert "太阳能发电" in r["expanded_terms"] or "solar power" in r["expanded_terms"]
        assert {h["doc_id"] for h in r["hits"]} >= {"cn-mnr-2023-12", "law-2019"}


def test_a_label_is_never_corrected_into_another_word(searcher):
    r = searcher.search("太阳能 光优")          # 光优: a typo of 光伏; 太阳能 heads the label 太阳能发电
    assert r["total"] and r.get("relaxed") is True
    assert "太原" not in (r.get("did_you_mean") or "")
    r = searcher.search("光伏 量子纠缠")
    assert "did_you_mean" not in r or "光伏" in r["did_you_mean"]


def test_a_province_covers_its_cities_and_counties(searcher):
    jiangxi = set(ids(searcher.search("江西")))
    ganzhou = set(ids(searcher.search("赣州")))
    assert ganzhou and ganzhou <= jiangxi
    assert "gz-2021~art_2" in jiangxi                      # names only 寻乌县, a county of 赣州
    by_filter = {h["doc_id"] for h in searcher.search("", filters={"region": "江西省"})["hits"]}
    assert by_filter == {"jx-2020", "gz-2021"}


def test_places_table():
    assert province_of("赣州市") == "江西" and province_of("寻乌") == "江西"
    assert "赣州" in places_in("江西省")
    assert places_in("赣州") == ()


# ---------------------------------------------------------------- citation labels and status
def test_hits_carry_the_citation_label_date_and_status(searcher):
    hit = searcher.search("土地复垦条例第三条")["hits"][0]
    assert hit["label"] == "第三条" and hit["issued"] == "2011-03-05" and hit["doc_number"] == "国务院令第592号"
    assert hit["status"] == "in_force" and hit["content"] == "official"
    item = next(h for h in searcher.search("露天采矿 复垦")["hits"] if h["clause_id"].endswith("item_1"))
    assert item["label"] == "第三条（一）"


def test_clause_labels():
    law = _law()
    assert [clause_label(c) for c in law.clauses] == ["第一章", "第一条", "第三条", "第三条（一）", "第三条（二）", "第四条"]
    para = _clause("d", "sec_2__item_1__para_2", ["二、光伏用地", "（一）严格管理"], "……", 1)
    assert clause_label(para) == "第二部分（一）第2段"
    assert clause_label(_clause("d", "pt_3", ["要点3 【标题】"], "……", 1)) == "要点3"
    assert clause_label(_clause("d", "annex_1__sec_1", ["“无废城市”建设试点工作方案", "一、总体要求"], "……", 1)) == "附件1第一部分"
    assert heading_label("第四十四条 施行日期") == "第四十四条" and cn_number("四十四") == 44 and cn_number("一百零三") == 103


def test_a_clause_inherits_its_documents_status():
    doc = Document(id="d", title="t", status="amended")
    clause = _clause("d", "art_1", ["第一条"], "x", 1)
    assert effective_status(doc, clause) == "amended"
    doc.status = "repealed"
    clause.status = "draft"
    assert effective_status(doc, clause) == "repealed"
