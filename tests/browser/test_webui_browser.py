"""The pages in a real browser against a real server: search, advice, language, batch upload."""
from __future__ import annotations

import re

import pytest

from conftest import shot

pytestmark = pytest.mark.browser

# Seed 002 §1.1: an abandoned in-situ-leaching rare-earth mine of 寻乌县 (赣州, 江西).
XUNWU = {"id": "JX-XW-001", "name": "寻乌县废弃稀土矿区", "province": "江西", "city": "赣州", "county": "寻乌县"}
XUNWU_SELECTS = {"status": "historical_abandoned", "mineral": "rare_earth", "mining_method": "in_situ_leaching"}
XUNWU_CHECKS = [("pollution", "soil_acidification"), ("hazards", "landslide")]


def test_search_and_open_a_clause(page, server):
    page.goto(server + "/")
    shot(page, "home")
    page.fill("#q", "光伏")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("li.hit").count() > 0
    assert page.locator("li.hit mark").count() > 0
    assert page.locator("aside.facets .count").count() > 0
    shot(page, "search-results")
    first = page.locator("li.hit h2 a").first
    clause_id = first.get_attribute("href").removeprefix("/clauses/")
    first.click()
    doc_id, path = clause_id.split("~", 1)
    page.wait_for_url(re.compile(rf"/documents/{re.escape(doc_id)}#"))
    assert page.url.endswith("#" + path)
    target = page.locator(f'[id="{path}"]')
    assert target.is_visible()
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == path
    shot(page, "document")


def test_fill_the_advice_form_for_a_seed_case_and_read_the_cited_advice(page, server):
    page.goto(server + "/advice")
    for name, value in XUNWU.items():
        page.fill(f'input[name="{name}"]', value)
    for name, value in XUNWU_SELECTS.items():
        page.select_option(f'select[name="{name}"]', value)
    for name, value in XUNWU_CHECKS:
        page.check(f'input[name="{name}"][value="{value}"]')
    shot(page, "advice-form")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/advice/result\?"))
    assert page.locator("h1").inner_text().endswith(XUNWU["name"])
    assert page.locator("svg.radar polygon.radar-shape").count() == 1
    measures = page.locator("section.list-measures")
    assert "三同治" in measures.inner_text() or measures.locator("li").count() > 0
    reasons = page.locator("details.reasons").first
    assert not reasons.locator("blockquote.source").first.is_visible()
    reasons.locator("summary").click()
    source = reasons.locator("blockquote.source").first
    assert source.is_visible() and len(source.locator("p").inner_text()) > 10
    link = source.locator("footer a").first.get_attribute("href")
    assert link.startswith("/clauses/")
    shot(page, "advice")


def test_switch_language_and_it_is_remembered(page, server):
    page.goto(server + "/advice")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.click("#lang-en")
    page.wait_for_url(re.compile(r"/advice$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Get advice" in page.locator("button.primary").inner_text()
    page.goto(server + "/advice/result?id=JX-XW-001&province=江西&mineral=rare_earth&mining_method=in_situ_leaching"
              "&status=historical_abandoned&pollution=soil_acidification&hazards=landslide")
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "advice-en")
    page.goto(server + "/")
    shot(page, "home-en")
    page.click("#lang-zh")
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_upload_a_batch_and_get_a_results_table(page, server, tmp_path):
    csv = tmp_path / "inventory.csv"
    csv.write_text(
        "id,name,province,mineral,mining_method,status,control_zones,terrain,hazards,pollution\n"
        "JX-1,寻乌稀土矿,江西,rare_earth,in_situ_leaching,historical_abandoned,,goaf_subsidence,landslide,soil_acidification\n"
        "BJ-1,门头沟采石场,北京,construction_stone,open_pit,historical_abandoned,ecological_redline,high_steep_slope;bare_rock_wall,collapse,\n"
        "BAD-1,错误记录,江西,unobtainium,,,,,,\n", encoding="utf-8")
    page.goto(server + "/advice/batch")
    page.set_input_files("#file", str(csv))
    page.click("button[type=submit].primary")
    page.wait_for_selector("table.batch")
    rows = page.locator("table.batch tbody tr")
    assert rows.count() == 3
    assert "JX-1" in rows.nth(0).inner_text() and "BJ-1" in rows.nth(1).inner_text()
    assert "unobtainium" in rows.nth(2).inner_text()
    with page.expect_download() as download:
        page.click("a[download$='.csv']")
    assert download.value.suggested_filename.endswith(".csv")
    shot(page, "batch-results")


def test_main_browsing_pages_render(page, server):
    for path, name in (("/concepts", "concepts"), ("/models", "models"), ("/rules", "rules"), ("/sparql", "sparql"),
                       ("/documents", "documents")):
        response = page.goto(server + path)
        assert response.status == 200, path
        shot(page, name)
    page.goto(server + "/rules")
    page.locator("table.rules-table a").first.click()
    assert page.locator("blockquote.source").count() > 0
    shot(page, "rule")
