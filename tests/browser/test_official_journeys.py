"""An official's journeys in a real browser: search with filters and sort, a 文号 answered by the document,
the document list at phone width, synonyms and provinces, digests labelled as such; axe on the pages."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from conftest import shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _chinese(page, server):
    """The browser context is shared by the session: start each journey in Chinese whatever ran before."""
    page.goto(f"{server}/lang/zh?next=/")


def _no_horizontal_overflow(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow} px wider than the screen"


def _axe(page) -> None:
    """axe-core on the page as rendered: no violation (skipped when the checker is not installed)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:   # pragma: no cover - the test extra installs it
        pytest.skip("axe-playwright-python is not installed (pip install -e .[test])")
    results = Axe().run(page)
    violations = results.response["violations"]
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_official_search_with_in_force_filter_and_sort_by_date(page, server):
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/search?q=" + quote("历史遗留矿山"))
    hits = page.locator("li.hit")
    assert hits.count() > 0
    first = hits.first
    assert first.locator(".badge").count() == 1                # a status badge on every hit
    assert re.search(r"\d{4}", first.locator(".meta").inner_text())   # its date
    assert page.locator("li.hit .badge").count() == hits.count()
    page.get_by_role("switch", name="仅看现行有效").click()
    page.wait_for_url(re.compile(r"status=in_force"))
    badges = page.locator("li.hit .badge").all_inner_texts()
    assert badges and set(badges) == {"现行有效"}
    page.get_by_role("navigation", name="排序：").get_by_role("link", name="发布日期").click()
    page.wait_for_url(re.compile(r"sort=date"))
    dates = [re.search(r"(\d{4}(?:-\d\d)?(?:-\d\d)?) 发布", t).group(1)
             for t in page.locator("li.hit .meta").all_inner_texts() if " 发布" in t]
    assert dates == sorted(dates, reverse=True)
    shot(page, "official-search-in-force-by-date")
    _axe(page)


def test_a_document_number_is_answered_by_the_document_card(page, server):
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/search?q=" + quote("自然资规（2019）6 号"))
    card = page.locator(".doc-card").first
    assert "关于探索利用市场化方式推进矿山生态修复的意见" in card.inner_text()
    assert "自然资规〔2019〕6号" in card.inner_text()
    first_hit = page.locator("li.hit").first.inner_text()
    assert "关于探索利用市场化方式推进矿山生态修复的意见" in first_hit and "要点1" in first_hit
    shot(page, "official-docno-card")
    card.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/documents/cn-mnr-2019-6$"))
    _axe(page)


def test_title_and_article_find_the_article(page, server):
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/search?q=" + quote("土地复垦条例第三条"))
    first = page.locator("li.hit h2").first.inner_text()
    assert "土地复垦条例" in first and "第三条" in first
    shot(page, "official-article")


def test_documents_filter_sort_and_search_at_phone_width(page, server):
    page.set_viewport_size(PHONE)
    page.goto(server + "/documents")
    _no_horizontal_overflow(page)
    total = page.locator("li.doc-row").count()
    assert total > 30
    page.select_option("#docs-tier", "ministry")
    page.select_option("#docs-status", "in_force")
    page.select_option("#docs-sort", "title")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"tier=ministry"))
    rows = page.locator("li.doc-row")
    assert 0 < rows.count() < total
    assert set(rows.locator(".badge").all_inner_texts()) == {"现行有效"}
    _no_horizontal_overflow(page)
    shot(page, "official-documents-390")
    page.fill("#docs-q", "光伏")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"q=%E5%85%89%E4%BC%8F"))
    assert all("光伏" in t for t in page.locator("li.doc-row h2").all_inner_texts())
    _axe(page)
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/documents?region=" + quote("江西"))
    shot(page, "official-documents-1280")


def test_solar_and_taiyangneng_find_photovoltaic(page, server):
    page.set_viewport_size(DESKTOP)
    for q in ("太阳能", "solar"):
        page.goto(server + "/search?q=" + quote(q))
        assert page.locator("li.hit").count() > 0, q
        assert page.locator(".dym").count() == 0, q
        assert "光伏" in page.locator("li.hit").first.inner_text(), q
    shot(page, "official-solar")


def _all_hits(page, server, q: str) -> tuple[int, set[str]]:
    """(the total the page states, the clause links of every result page)."""
    page.goto(server + "/search?q=" + quote(q))
    total = int(re.search(r"共找到 (\d+) 个条款", page.locator(".summary").inner_text()).group(1))
    seen: set[str] = set()
    for _ in range(30):
        seen |= set(page.locator("li.hit h2 a").evaluate_all("els => els.map(e => e.getAttribute('href'))"))
        nxt = page.locator("a[rel=next]")
        if not nxt.count():
            break
        page.goto(server + nxt.get_attribute("href"))
    return total, seen


def test_jiangxi_covers_ganzhou(page, server):
    g_total, ganzhou = _all_hits(page, server, "赣州")
    j_total, jiangxi = _all_hits(page, server, "江西")
    assert len(ganzhou) == g_total > 0 and len(jiangxi) == j_total
    assert ganzhou <= jiangxi


def test_incentive_clauses_are_all_browsable_from_the_home_page(page, server):
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/")
    page.get_by_role("link", name="查看激励条款").click()
    page.wait_for_url(re.compile(r"clause_type=incentive"))
    summary = page.locator(".summary").inner_text()
    total = int(re.search(r"(\d+)", summary).group(1))
    assert total > 30 and page.locator("nav.pager").count() == 1
    assert set(page.locator("li.hit .tag.type-incentive").all_inner_texts()) == {"激励"}
    shot(page, "official-incentives")
    _axe(page)


def test_digest_is_labelled_and_names_the_official_text(page, server):
    for width, name in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(width)
        page.goto(server + "/documents/cn-sc-order-592")
        notice = page.locator(".digest-notice")
        text = notice.inner_text()
        assert "转述" in text and "不是正式文本" in text
        assert "《土地复垦条例》" in text and "国务院令第592号" in text and "国务院" in text and "2011-03-05" in text
        assert notice.get_by_role("link").get_attribute("href").startswith("https://")
        assert page.locator(".clause .cid").first.inner_text().startswith("引用：《土地复垦条例》")
        _no_horizontal_overflow(page)
        shot(page, f"official-digest-{name}")
    page.set_viewport_size(DESKTOP)
    _axe(page)
    page.goto(server + "/search?q=" + quote("土地复垦条例"))
    assert "转述" in page.locator("li.hit").first.inner_text()
    page.set_viewport_size(PHONE)
    _no_horizontal_overflow(page)
    shot(page, "official-search-390")


def test_concept_and_rule_pages_cite_sources_by_title_and_article(page, server):
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/concepts/photovoltaic")
    refs = page.locator("ul.clause-refs li a").all_inner_texts()
    assert refs and all(r.startswith("《") for r in refs)
    assert not any("~" in r for r in refs)
    _axe(page)
    page.goto(server + "/rules/cn.pv.prohibited_basic_farmland")
    footer = page.locator("blockquote.source footer").first.inner_text()
    assert "《关于支持光伏发电产业发展规范用地管理有关工作的通知》" in footer and "~" not in footer
    shot(page, "official-rule-sources")
    _axe(page)
