"""Search for officials over the bundled knowledge base: every label finds its concept, provinces cover
their cities, a title with an article finds it, a 文号 answers with the document, tiers before research."""
from __future__ import annotations

from corpus.model import BINDING_TIERS


def test_every_label_of_a_concept_in_both_languages_finds_the_concept(kb):
    from ontology.labels import all_concepts

    searcher = kb.searcher
    missed, checked = [], 0
    for cid, concept in all_concepts().items():
        if not any(cid in c.concepts or f"mk:{cid}" in c.concepts for _, c in kb.clauses.values()):
            continue                          # no clause is about it: nothing to find
        labels = [(concept.pref.get("zh"), "zh"), (concept.pref.get("en"), "en"), *concept.alt]
        for text, _lang in labels:
            if not text:
                continue
            checked += 1
            r = searcher.search(text, limit=100, facets=False)
            if not any(cid in h["concepts"] for h in r["hits"]):
                missed.append((cid, text, r["total"], r.get("did_you_mean")))
    assert checked > 500
    assert not missed, missed


def test_solar_and_taiyangneng_find_photovoltaic_without_a_did_you_mean(kb):
    for q in ("太阳能", "solar", "PV"):
        r = kb.searcher.search(q)
        assert r["total"] and "did_you_mean" not in r, q
        assert any("photovoltaic" in h["concepts"] for h in r["hits"][:5]), q


def test_jiangxi_finds_everything_ganzhou_finds(kb):
    jiangxi = {h["clause_id"] for h in kb.searcher.search("江西", limit=100)["hits"]}
    ganzhou = {h["clause_id"] for h in kb.searcher.search("赣州", limit=100)["hits"]}
    assert ganzhou and ganzhou <= jiangxi


def test_title_and_article_finds_the_article(kb):
    doc = kb.documents["cn-sc-order-592"]
    third = next(c for c in doc.clauses if c.heading.startswith("第三条"))
    r = kb.searcher.search("土地复垦条例第三条")
    assert r["hits"][0]["clause_id"] == third.id and r["hits"][0]["label"] == "第三条"
    assert r["documents"][0]["id"] == "cn-sc-order-592"


def test_every_document_number_answers_with_its_document_card_first(kb):
    for doc in kb.documents.values():
        if not doc.number or not any(c.text.strip() for c in doc.clauses):
            continue
        r = kb.searcher.search(doc.number)
        assert r["documents"] and doc.id in [d["id"] for d in r["documents"]], doc.number
        assert r["hits"][0]["doc_id"] in [d["id"] for d in r["documents"]], doc.number


def test_home_page_incentive_browse_covers_every_incentive_clause(kb):
    every = sum(1 for _, c in kb.clauses.values() if c.text.strip() and c.type == "incentive")
    r = kb.searcher.search("", filters={"clause_type": "incentive"}, limit=10)
    assert r["browse"] and r["total"] == every and every > 30


def test_for_a_common_query_no_research_clause_ranks_above_a_binding_clause_with_less_raw_evidence(kb):
    """The tier factor is applied to every hit: final score / tier factor gives the raw score back."""
    from search.searcher import STATUS_FACTORS, TIER_FACTORS

    for q in ("矿山 生态修复", "光伏", "历史遗留矿山", "社会资本"):
        hits = kb.searcher.search(q, limit=50)["hits"]
        assert any(h["tier"] in BINDING_TIERS for h in hits)
        for h in hits:
            assert h["tier"], h["clause_id"]
        for research in (h for h in hits if h["tier"] == "research"):
            raw = research["score"] / TIER_FACTORS["research"] / STATUS_FACTORS[research["status"]]
            assert research["score"] < raw


def test_pages_neither_repeat_nor_skip_clauses_with_tied_scores(kb):
    """Title matches give many clauses the same score; paging must still walk them in one order."""
    for q in ("赣州", "江西", "土地复垦条例"):
        whole = [h["clause_id"] for h in kb.searcher.search(q, limit=100)["hits"]]
        paged = [h["clause_id"] for offset in range(0, len(whole), 7)
                 for h in kb.searcher.search(q, limit=7, offset=offset)["hits"]]
        assert paged == whole, q


def test_chapter_headings_do_not_lead_the_articles_under_them(kb):
    """第四章 土地复垦验收 as a clause is a title, not a provision: the articles come first for the title query."""
    hits = kb.searcher.search("土地复垦条例", limit=5)["hits"]
    assert hits[0]["label"] == "第一条"
    assert not [h["label"] for h in hits if h["label"].endswith("章")]
