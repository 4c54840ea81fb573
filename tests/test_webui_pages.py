"""The HTML pages: each renders from the knowledge base, in Chinese first and in English on request."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from rules.schema import PROFILE_FIELDS
from webui.forms import profile_query
from webui_helpers import XUNWU_CASE, a_clause, app, client  # noqa: F401  (fixtures)


def test_home_has_one_search_box_and_entry_points_for_each_kind_of_user(client):
    html = client.get("/").get_data(as_text=True)
    assert html.count('type="search"') == 1
    for target in ('href="/advice"', 'href="/advice/batch"', 'href="/concepts"', 'href="/api"'):
        assert target in html
    assert '<html lang="zh-CN">' in html


def test_search_page_shows_highlighted_hits_that_link_to_their_clause(client, kb):
    response = client.get("/search?q=光伏")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>" in html
    linked = re.findall(r'href="/clauses/([^"]+)"', html)
    assert linked and all(kb.clause(cid) is not None for cid in linked)


def test_search_facets_narrow_the_results_and_count_them(client):
    html = client.get("/search?q=光伏").get_data(as_text=True)
    facet = re.search(r'href="(/search\?q=[^"]*clause_type=(\w+)[^"]*)"[^>]*>\s*\S+</a> <span class="count">(\d+)</span>',
                      html)
    assert facet, "no clause-type facet with a count"
    narrowed = client.get(facet.group(1).replace("&amp;", "&")).get_data(as_text=True)
    types = set(re.findall(r'class="tag type-(\w+)"', narrowed))
    assert types == {facet.group(2)}
    assert len(re.findall(r'<li class="hit">', narrowed)) == min(int(facet.group(3)), 10)


def test_search_paginates_beyond_the_first_page(client):
    first = client.get("/search?q=矿山").get_data(as_text=True)
    assert 'rel="next"' in first
    second = client.get("/search?q=矿山&page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    ids = lambda html: set(re.findall(r'href="/clauses/([^"]+)"', html))  # noqa: E731
    assert ids(first).isdisjoint(ids(second))


def test_search_page_escapes_the_query_it_echoes(client):
    html = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_document_page_lists_metadata_and_every_clause_with_a_permanent_anchor(client, kb):
    doc, _clause = a_clause(kb)
    html = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert doc.title in html
    if doc.number:
        assert doc.number in html
    for c in doc.clauses:
        assert f'id="{c.path}"' in html and f'href="#{c.path}"' in html


def test_document_page_marks_concept_mentions_with_links_to_the_concept(client, kb):
    doc = max(kb.documents.values(), key=lambda d: sum(m.kind == "concept" for c in d.clauses for m in c.mentions))
    values = {m.value for c in doc.clauses for m in c.mentions if m.kind == "concept" and m.value}
    if not values:
        pytest.skip("the corpus marks no concept mentions")
    html = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    linked = set(re.findall(r'href="/concepts/(\w+)"[^>]*><mark class="m-concept">', html))
    assert linked and linked <= values


def test_clause_permalink_redirects_to_the_clause_in_its_document(client, kb):
    doc, clause = a_clause(kb)
    response = client.get(f"/clauses/{clause.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/documents/{doc.id}#{clause.path}")


def test_documents_list_links_every_document(client, kb):
    html = client.get("/documents").get_data(as_text=True)
    for doc_id in kb.documents:
        assert f'href="/documents/{doc_id}"' in html


def test_advice_form_has_a_control_for_every_contract_field(client):
    html = client.get("/advice").get_data(as_text=True)
    for name in PROFILE_FIELDS:
        assert f'name="{name}"' in html, name
    assert 'action="/advice/result"' in html


def test_advice_form_explains_values_with_the_ontology_definitions(client):
    from ontology.labels import labels

    html = client.get("/advice").get_data(as_text=True)
    definition = labels("ecological_redline")["definition"]
    assert definition and definition in html


def test_advice_page_for_a_seed_case_shows_cited_advice_and_the_fingerprint_chart(client, kb):
    advice = kb.advisor.advise(XUNWU_CASE)
    html = client.get("/advice/result?" + profile_query(XUNWU_CASE)).get_data(as_text=True)
    assert '<svg class="radar"' in html
    measure = advice["measures"][0]
    assert measure["label_zh"] in html
    # 三同治 rests on the Ganzhou research paper only: shown, but in the research section, labelled as such
    research = next(r for r in advice["research_suggestions"] if r["id"] == "three_level_joint_governance")
    section = html[html.index('<section class="block research">'):]
    assert research["label_zh"] in section[:section.index("</section>")] and "研究建议" in section
    source = measure["reasons"][0]["sources"][0]
    assert f'href="/clauses/{source["clause_id"]}"' in html
    assert source["clause_text"][:20] in html
    assert html.count("<details class=\"reasons\">") >= len(advice["measures"])


def test_advice_page_links_to_downloads_what_if_and_province_comparison(client):
    html = client.get("/advice/result?" + profile_query(XUNWU_CASE)).get_data(as_text=True)
    for path in ("/advice/report.html?", "/advice/report.pdf?", "/advice/report.json?", "/advice/what-if?",
                 "/advice/compare?"):
        assert path in html


def test_invalid_profile_returns_the_form_with_each_error_beside_its_field(client):
    response = client.get("/advice/result?id=X1&area_ha=-3&mineral=unobtainium")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="form-errors"' in html
    assert 'href="#f-area_ha"' in html and 'href="#f-mineral"' in html
    assert 'value="-3"' in html  # what the user typed is kept


def test_advice_downloads_as_json_and_html(client, kb):
    query = profile_query(XUNWU_CASE)
    as_json = client.get("/advice/report.json?" + query)
    assert as_json.status_code == 200 and "attachment" in as_json.headers["Content-Disposition"]
    assert as_json.get_json()["mine_id"] == XUNWU_CASE["id"]
    as_html = client.get("/advice/report.html?" + query)
    text = as_html.get_data(as_text=True)
    assert as_html.mimetype == "text/html" and "<svg" in text
    assert XUNWU_CASE["name"] in text and "三同治" in text


@pytest.mark.slow
def test_advice_downloads_as_a_pdf_with_the_mine_name(client):
    pdf = client.get("/advice/report.pdf?" + profile_query(XUNWU_CASE))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert XUNWU_CASE["name"] in text


def test_what_if_page_lists_the_items_that_change(client, kb):
    query = profile_query(XUNWU_CASE, [("vf", "control_zones"), ("vv", "ecological_redline")])
    result = kb.advisor.what_if(XUNWU_CASE, {"control_zones": ["ecological_redline"]})
    html = client.get("/advice/what-if?" + query).get_data(as_text=True)
    assert result["diff"], "the seed case should change when it lies in the ecological red line"
    assert 'class="data diff"' in html
    for d in result["diff"]:
        if d.get("label_zh"):
            assert d["label_zh"] in html


def test_province_comparison_shows_the_provinces_side_by_side(client):
    query = profile_query(XUNWU_CASE, [("provinces", "江西"), ("provinces", "北京")])
    html = client.get("/advice/compare?" + query).get_data(as_text=True)
    assert '<table class="data compare">' in html
    heads = re.findall(r'<th scope="col"><a href="/advice/result\?([^"]+)">([^<]+)</a>', html)
    assert [name for _q, name in heads] == ["江西", "北京"]  # each column links to that province's advice


def test_concept_page_shows_labels_definition_hierarchy_and_rules(client, kb):
    rule = next(r for r in kb.ruleset.rules if any(t.kind == "recommend" for t in r.then))
    model = next(t.value for t in rule.then if t.kind == "recommend")
    html = client.get(f"/concepts/{model}").get_data(as_text=True)
    from ontology.labels import labels

    assert labels(model)["zh"] in html
    assert f'href="/rules/{rule.id}"' in html


def test_concept_index_and_model_hierarchy_list_the_utilization_models(client):
    from ontology.labels import all_concepts

    models = [c for c in all_concepts().values() if "UtilizationModels" in c.schemes]
    index = client.get("/concepts").get_data(as_text=True)
    tree = client.get("/models").get_data(as_text=True)
    for c in models:
        assert f'href="/concepts/{c.id}"' in index and f'href="/concepts/{c.id}"' in tree


def test_rules_browser_shows_a_rule_with_readable_conditions_sources_and_tests(client, kb):
    rule = next(r for r in kb.ruleset.rules if r.tests)
    html = client.get(f"/rules/{rule.id}").get_data(as_text=True)
    assert rule.title_zh in html
    for cid in rule.sources:
        assert f'href="/clauses/{cid}"' in html
    assert rule.tests[0].name in html
    index = client.get("/rules").get_data(as_text=True)
    assert f'href="/rules/{rule.id}"' in index


def test_rules_browser_filters_by_province(client, kb):
    html = client.get("/rules?region=Beijing").get_data(as_text=True)
    jiangxi_only = [r for r in kb.ruleset.rules if r.region and "北京" not in r.region]
    assert jiangxi_only
    assert f'href="/rules/{jiangxi_only[0].id}"' not in html


def test_every_page_is_also_json_with_format_json(client, kb):
    doc, _ = a_clause(kb)
    for path in ("/", f"/documents/{doc.id}", "/concepts", "/rules", "/search?q=光伏"):
        response = client.get(path + ("&" if "?" in path else "?") + "format=json")
        assert response.status_code == 200 and response.is_json, path


def test_pages_render_in_english_after_the_switch(client):
    switched = client.get("/lang/en?next=/advice")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/advice")
    html = client.get("/advice").get_data(as_text=True)
    assert '<html lang="en">' in html and "Get advice" in html and "Mineral" in html
    back = client.get("/lang/zh?next=/advice")
    assert back.status_code == 302
    assert "生成建议" in client.get("/advice").get_data(as_text=True)


def test_language_switch_only_redirects_within_the_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get("/lang/en?" + urlencode({"next": target}))
        assert response.headers["Location"] in ("/", "http://localhost/")


def test_year_facet_narrows_the_results_to_that_year(client):
    html = client.get("/search?q=光伏").get_data(as_text=True)
    years = re.findall(r'href="/search\?[^"]*year=(\d{4})[^"]*"', html)
    assert years, "no year facet"
    narrowed = client.get(f"/search?q=光伏&year={years[0]}&format=json").get_json()
    assert narrowed["total"] > 0 and all(str(h["year"]) == years[0] for h in narrowed["hits"])


def test_a_misspelt_query_offers_did_you_mean(client):
    html = client.get("/search?q=光扶发电").get_data(as_text=True)
    assert 'class="dym"' in html and "光伏发电" in html


def test_a_query_the_search_stage_cannot_read_is_explained_on_the_search_page(client):
    response = client.get("/search?q=光伏&year=after-lunch")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'role="alert"' in html and 'type="search"' in html


def test_each_unknown_links_to_its_field_in_the_filled_form(client, kb):
    advice = kb.advisor.advise(XUNWU_CASE)
    assert advice["unknowns"], "the seed case leaves fields unknown"
    html = client.get("/advice/result?" + profile_query(XUNWU_CASE)).get_data(as_text=True)
    field = advice["unknowns"][0]["field"]
    assert f'#f-{field}"' in html
    form = client.get("/advice?" + profile_query(XUNWU_CASE)).get_data(as_text=True)
    assert f'id="f-{field}"' in form and 'value="寻乌县废弃稀土矿区"' in form


# -- search and reading for officials ---------------------------------------------------------------------------

def test_search_hits_cite_by_title_and_article_never_by_clause_id(client, kb):
    html = client.get("/search?q=土地复垦条例第三条").get_data(as_text=True)
    first = html[html.index('<li class="hit">'):]
    first = first[:first.index("</li>")]
    assert "《土地复垦条例》" in first and "第三条" in first and "国务院令第592号" in first and "2011-03-05" in first
    assert 'class="badge status-in_force"' in first and "转述" in first
    assert "cn-sc-order-592~" not in re.sub(r'href="[^"]*"', "", first)     # ids only inside links
    assert 'class="doc-card"' in html


def test_search_without_a_query_browses_a_facet_and_rejects_an_unknown_sort(client):
    html = client.get("/search?clause_type=incentive").get_data(as_text=True)
    total = int(re.search(r"共 (\d+) 个条款", html).group(1))
    assert total > 30 and html.count('<li class="hit">') == 10 and 'rel="next"' in html
    assert client.get("/search?q=光伏&sort=popular").status_code == 400
    api = client.get("/api/search?clause_type=incentive&limit=5").get_json()
    assert api["browse"] is True and api["total"] == total


def test_research_hits_say_they_have_no_legal_status(client):
    html = client.get("/search?q=赣州").get_data(as_text=True)
    assert "无法律效力" in html and "研究文献" in html


def test_documents_list_filters_sorts_and_searches(client, kb):
    every = client.get("/documents").get_data(as_text=True).count('<li class="doc-row">')
    assert every == len(kb.documents)
    ministry = client.get("/documents?tier=ministry&status=in_force&sort=title").get_data(as_text=True)
    rows = ministry.count('<li class="doc-row">')
    expected = [d for d in kb.documents.values() if d.binding_tier == "ministry" and d.status == "in_force"]
    assert rows == len(expected) > 0
    titles = re.findall(r'<li class="doc-row">\s*<h2[^>]*><a href="[^"]+">([^<]+)</a>', ministry)
    assert len(titles) == rows and titles == sorted(titles)
    found = client.get("/documents?q=" + "自然资规（2019）6号").get_data(as_text=True)
    assert found.count('<li class="doc-row">') == 1 and "cn-mnr-2019-6" in found
    jiangxi = client.get("/documents?region=江西省").get_data(as_text=True).count('<li class="doc-row">')
    assert jiangxi == sum(1 for d in kb.documents.values() if d.region in ("江西", "赣州"))
    assert client.get("/documents?sort=random").status_code == 400


def test_document_page_says_a_digest_is_a_restatement_and_names_the_official_text(client, kb):
    html = client.get("/documents/cn-sc-order-592").get_data(as_text=True)
    notice = html[html.index('class="notice digest-notice"'):]
    notice = notice[:notice.index("</section>")]
    assert "转述" in notice and "不是正式文本" in notice and "国务院令第592号" in notice and "2011-03-05" in notice
    assert 'href="https://flk.npc.gov.cn/"' in notice
    assert "引用：《土地复垦条例》（国务院令第592号）第三条" in html
    points = next(d for d in kb.documents.values() if d.content == "digest"
                  and any(c.path.startswith("pt_") for c in d.clauses))
    assert "要点N" in client.get(f"/documents/{points.id}").get_data(as_text=True)
