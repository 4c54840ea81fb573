"""An investor's journeys in a real browser against a real server: the intended-use answer, none vs unknown,
the research section, a what-if error kept on the form, the batch template, English without Chinese leftovers."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from conftest import shot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "examples" / "mine.json").read_text(encoding="utf-8"))
LIST_FIELDS = ("control_zones", "sensitive_nearby", "terrain", "hazards", "pollution", "heritage")
VERDICTS_ZH = ("允许", "有条件允许", "禁止", "无法判定")


def _axe(page) -> None:
    """axe-core on the page as rendered: no violation (skipped when the checker is not installed)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:   # pragma: no cover - the test extra installs it
        pytest.skip("axe-playwright-python is not installed (pip install -e .[test])")
    violations = Axe().run(page).response["violations"]
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def _both_widths(page, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    shot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-390")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} scrolls sideways at 390 px by {overflow} px"
    page.set_viewport_size(DESKTOP)


def _chinese_outside_zh(page) -> list[str]:
    """Chinese text on the page outside elements marked lang=zh-* (and outside hidden or decorative ones)."""
    return page.evaluate("""() => {
        const out = [];
        const walk = (node) => {
            if (node.nodeType === Node.TEXT_NODE) {
                const m = node.textContent.match(/[\\u4e00-\\u9fff][^\\s]*/g);
                if (m) out.push(...m);
                return;
            }
            if (node.nodeType !== Node.ELEMENT_NODE) return;
            const el = node;
            if (["SCRIPT", "STYLE", "TEMPLATE"].includes(el.tagName)) return;
            if ((el.getAttribute("lang") || "").startsWith("zh") || el.getAttribute("aria-hidden") === "true") return;
            el.childNodes.forEach(walk);
        };
        walk(document.body);
        return out;
    }""")


def _set_lang(page, server, lang: str) -> None:
    page.goto(f"{server}/lang/{lang}?next=/")


def _quarry_form(page, server, mine_id: str) -> None:
    """The Chinese advice form, begun for an open-pit granite quarry in Jiangxi."""
    _set_lang(page, server, "zh")
    page.goto(server + "/advice")
    page.fill('input[name="id"]', mine_id)
    page.fill('input[name="province"]', "江西")
    page.select_option('select[name="mineral"]', "granite")
    page.select_option('select[name="mining_method"]', "open_pit")


def test_investor_gets_a_direct_answer_for_the_intended_use(page, server):
    _quarry_form(page, server, "JX-Q-001")
    page.fill('input[name="name"]', "示例采石场")
    page.check('input[name="intended_uses"][value="photovoltaic"]')
    page.check('input[name="intended_uses"][value="rock_climbing"]')
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/advice/result\?"))
    answers = page.locator("#intended-use li.answer")
    assert answers.count() == 2
    first = answers.first
    assert first.locator(".verdict-tag").inner_text() in VERDICTS_ZH
    assert first.locator(".basis a[href^='/documents/']").count() > 0, "the answer names its documents"
    box = page.locator("#intended-use").bounding_box()
    assert box["y"] < page.locator("section.verdict").bounding_box()["y"], "the answer comes first"
    _both_widths(page, "investor-intended-use")
    _axe(page)


def test_none_is_not_unknown_on_the_form(page, server):
    _quarry_form(page, server, "JX-Q-002")
    page.select_option('select[name="status"]', "historical_abandoned")
    # 无 and a value exclude each other
    none = page.locator('input[name="control_zones"][value="none"]')
    none.check()
    page.check('input[name="control_zones"][value="scenic_area"]')
    assert not none.is_checked()
    none.check()
    assert not page.locator('input[name="control_zones"][value="scenic_area"]').is_checked()
    page.check('input[name="terrain"][value="open_pit"]')
    for name in LIST_FIELDS:
        if name != "terrain":
            page.check(f'input[name="{name}"][value="none"]')
    shot(page, "investor-none-form")
    _axe(page)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/advice/result\?"))
    assert "control_zones=none" in page.url
    priority = page.locator("section.verdict .verdict-item").nth(1)
    assert priority.locator("p.big").count() == 1, "known-empty zones give a decided priority"
    # the same mine with the zones left unknown: undecided
    page.goto(page.url.replace("control_zones=none", "").replace("sensitive_nearby=none", "")
              .replace("hazards=none", ""))
    assert page.locator("section.verdict .verdict-item").nth(1).locator("p.muted").count() == 1
    # back on the form, the 无 boxes are still ticked where given
    page.goto(server + "/advice?id=JX-Q-002&control_zones=none")
    assert page.locator('input[name="control_zones"][value="none"]').is_checked()
    assert not page.locator('input[name="hazards"][value="none"]').is_checked()


def test_research_suggestions_stand_apart_with_a_badge(page, server):
    _set_lang(page, server, "zh")
    from webui.forms import profile_query

    page.goto(server + "/advice/result?" + profile_query(EXAMPLE))
    section = page.locator("section.block.research")
    assert section.locator("h2 .tag.research").is_visible()
    assert section.locator("li .tag.research.badge").count() > 0
    binding = page.locator("ol.models li .tag.research.badge")
    assert binding.count() == 0, "research badges only in the research section"
    assert page.locator(".breakdown").first.inner_text().count("政策支持") == 1
    section.scroll_into_view_if_needed()
    _both_widths(page, "investor-research")
    _axe(page)


def test_a_what_if_error_stays_on_the_form_beside_the_field(page, server):
    _set_lang(page, server, "zh")
    from webui.forms import profile_query

    page.goto(server + "/advice/what-if?" + profile_query({"id": "JX-Q-003", "province": "江西",
                                                           "mineral": "granite"}))
    page.select_option("#vf1", "area_ha")
    number = page.locator("#vv1")
    assert number.get_attribute("type") == "number" and number.get_attribute("max") == "100000"
    number.fill("0")  # the browser accepts 0 (min 0); the contract wants more than 0
    page.select_option("#vf2", "planned_land_use")
    page.select_option("#vv2", "construction")
    page.click(".whatif-form button[type=submit]")
    page.wait_for_load_state()
    assert "/advice/what-if" in page.url
    row = page.locator("#row-1")
    assert "必须大于 0" in row.locator(".field-error").inner_text()
    assert page.locator("#vf1").input_value() == "area_ha" and page.locator("#vv1").input_value() == "0"
    assert page.locator("#vv2").input_value() == "construction", "the other rows keep their values"
    _both_widths(page, "investor-what-if-error")
    _axe(page)
    page.fill("#vv1", "20")
    page.click(".whatif-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("span.chip").count() == 2
    shot(page, "investor-what-if-result")


def test_batch_template_download_fill_and_upload(page, server, tmp_path):
    from openpyxl import load_workbook

    _set_lang(page, server, "zh")
    page.goto(server + "/advice/batch")
    with page.expect_download() as got:
        page.click("#template-xlsx")
    path = tmp_path / "template.xlsx"
    got.value.save_as(path)
    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    titles = [c.value for c in sheet[1]]
    assert titles[0] == "矿山编号"
    row = {"矿山编号": "B-1", "矿山名称": "批量示例", "省级行政区": "江西", "矿种": "稀土", "所在管控区": "无",
           "地形地貌": "尾矿;采空塌陷"}
    sheet.append([row.get(t) for t in titles])
    sheet.append([{"矿山编号": "B-2", "面积(公顷)": -1}.get(t) for t in titles])
    wb.save(path)
    with page.expect_download() as got:
        page.click("#template-csv")
    assert got.value.suggested_filename.endswith(".csv")
    page.set_input_files("#file", str(path))
    page.click("form.upload button[type=submit]")
    page.wait_for_load_state()
    assert "已分析 1 条，有误 1 条" in page.locator(".batch-results .summary").inner_text()
    assert "不得小于" in page.locator("tr.row-error").inner_text() or \
        "必须大于" in page.locator("tr.row-error").inner_text()
    _both_widths(page, "investor-batch")
    _axe(page)


def test_english_mode_has_no_chinese_leftovers_on_the_form_and_advice(page, server):
    _set_lang(page, server, "en")
    page.goto(server + "/advice")
    for d in page.locator("details.field-help").all()[:3]:
        d.locator("summary").click()
    assert _chinese_outside_zh(page) == []
    _both_widths(page, "investor-form-en")
    from webui.forms import profile_query

    profile = {**{k: v for k, v in EXAMPLE.items() if k not in ("name", "city", "county")},
               "intended_uses": ["photovoltaic"]}
    page.goto(server + "/advice/result?" + profile_query(profile))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".lang-note").count() == 1, "one note says the sources are Chinese"
    assert _chinese_outside_zh(page) == []
    _both_widths(page, "investor-advice-en")
    _axe(page)


def test_compare_provinces_marks_rules_and_links_each_cell_to_its_reasons(page, server):
    _set_lang(page, server, "zh")
    from webui.forms import profile_query

    page.goto(server + "/advice/compare?" + profile_query({"id": "JX-Q-004", "province": "江西",
                                                          "mineral": "granite", "terrain": ["open_pit"]}))
    assert page.locator('input[name="provinces"][value="江西"]').is_checked(), "the mine's own province preselected"
    assert page.locator("label.has-rules").count() >= 3
    assert "本省规则" in page.locator("label.has-rules").first.inner_text()
    page.check('input[name="provinces"][value="北京"]')
    page.click("form.panel button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.compare thead th a").count() == 2
    _both_widths(page, "investor-compare")
    _axe(page)
    cell = page.locator("table.compare td.mark a").first
    href = cell.get_attribute("href")
    cell.click()
    page.wait_for_url(re.compile(r"/advice/result\?"))
    anchor = href.split("#", 1)[1]
    assert page.locator(f'[id="{anchor}"]').count() == 1 and page.locator(f'[id="{anchor}"]').is_visible()


def test_a_sparql_error_keeps_the_query_and_results_link_to_pages(page, server):
    _set_lang(page, server, "zh")
    page.goto(server + "/sparql")
    page.fill("#query", "SELECT ?c WHERE {\n  ?c a skos:Concept\n  FILTER(\n}")
    page.click(".sparql-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#sparql-error").is_visible()
    assert page.locator("#query").input_value() == "SELECT ?c WHERE {\n  ?c a skos:Concept\n  FILTER(\n}"
    line = re.search(r"at (\d+):\d+", page.locator("#sparql-error").inner_text())
    assert line and 1 <= int(line.group(1)) <= 4, "the position counts the user's four lines"
    shot(page, "sparql-error")
    _axe(page)
    page.fill("#query", "SELECT ?c WHERE { ?c a skos:Concept } LIMIT 5")
    page.click(".sparql-form button[type=submit]")
    page.wait_for_load_state()
    link = page.locator(".sparql-result td a").first
    assert link.get_attribute("href").startswith("/concepts/")
    with page.expect_download() as got:
        page.click("#sparql-csv")
    assert got.value.suggested_filename.endswith(".csv")
    _axe(page)
