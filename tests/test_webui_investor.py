"""What an investor sees: none vs unknown, the intended-use answer, plain score parts, cited sources' tier and
status, what-if with controlled inputs, provinces compared, batch templates, errors in the user's language."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.datastructures import MultiDict

from rules.schema import PROFILE_FIELDS
from webui.forms import profile_from_params, profile_query
from webui_helpers import XUNWU_CASE, app, client, csrf_from  # noqa: F401  (fixtures)

EXAMPLE = json.loads((Path(__file__).resolve().parents[1] / "examples" / "mine.json").read_text(encoding="utf-8"))
LISTS = [name for name, spec in PROFILE_FIELDS.items() if spec.kind == "list" and name != "intended_uses"]
# A granite quarry of 江西 whose site facts are known; only the list fields vary between the tests.
QUARRY = {"id": "JX-Q-1", "name": "示例采石场", "province": "江西", "mineral": "granite", "mining_method": "open_pit",
          "status": "historical_abandoned", "terrain": ["open_pit", "high_steep_slope"]}


def _json(client, query: str) -> dict:
    response = client.get("/advice/result?" + query + "&format=json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["advice"]


def _zh(client):
    client.set_cookie("lang", "zh")
    return client


def _en(client):
    client.set_cookie("lang", "en")
    return client


def test_none_is_an_empty_list_and_no_box_ticked_is_unknown():
    params = MultiDict([("id", "m"), ("control_zones", "none"), ("hazards", "")])
    profile = profile_from_params(params)
    assert profile == {"id": "m", "control_zones": []}
    assert ("control_zones", "none") in [tuple(p) for p in re.findall(r"(\w+)=(\w+)", profile_query(profile))]


def test_none_decides_the_priority_that_unknown_zones_leave_open(client):
    unknown = _json(client, profile_query(QUARRY))
    known = _json(client, profile_query({**QUARRY, **{name: [] for name in LISTS}}))
    assert unknown["priority"] is None, "with the protected zones unknown the priority cannot be decided"
    assert known["priority"] is not None, "a mine known to lie in no protected zone gets a priority"
    html = client.get("/advice/result?" + profile_query({**QUARRY, "control_zones": []})).get_data(as_text=True)
    assert re.search(r'<input type="hidden" name="control_zones" value="none">|href="/advice\?[^"]*control_zones=none',
                     html), "the none survives in the page's links"


def test_the_form_offers_none_apart_from_unknown_and_keeps_it(client):
    html = _zh(client).get("/advice?" + profile_query({**QUARRY, "control_zones": []})).get_data(as_text=True)
    for name in LISTS:
        assert re.search(rf'<input type="checkbox" name="{name}" value="none" data-none', html), name
    assert re.search(r'name="control_zones" value="none" data-none checked', html)
    assert not re.search(r'name="hazards" value="none" data-none checked', html)
    assert "一项都不勾选表示“不详”" in html
    assert "<code>visible_from_traffic_or_scenic</code>" not in html, "labels, not raw field codes"


def test_none_with_a_value_comes_back_beside_the_field_in_chinese(client):
    query = profile_query(QUARRY) + "&control_zones=none&control_zones=scenic_area"
    response = _zh(client).get("/advice/result?" + query)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    field = html[html.index('id="f-control_zones"'):]
    field = field[:field.index('id="f-', 10)]
    assert "“无”不能与其他取值同时选择" in field


def test_the_intended_use_answer_comes_first_with_its_clauses(client):
    html = _zh(client).get("/advice/result?" + profile_query({**XUNWU_CASE, "intended_uses": ["photovoltaic"]})
                           ).get_data(as_text=True)
    body = html[html.index('class="advice-main"'):]
    assert body.index('id="intended-use"') < body.index('class="verdict"'), "the direct answer is on top"
    answer = body[body.index('id="intended-use"'):body.index("</section>")]
    assert re.search(r'class="tag verdict-tag">(允许|有条件允许|禁止|无法判定)<', answer)
    assert re.search(r'class="basis">.*?<a href="/documents/[^"]+">', answer, re.S), "the documents it rests on"
    assert 'href="/clauses/' in answer


def test_without_an_intended_use_the_page_asks_for_one(client):
    html = _zh(client).get("/advice/result?" + profile_query(XUNWU_CASE)).get_data(as_text=True)
    assert "#f-intended_uses" in html


def test_score_parts_and_citations_read_in_plain_words(client):
    html = _zh(client).get("/advice/result?" + profile_query(EXAMPLE)).get_data(as_text=True)
    assert 'class="models"' in html, "the example mine has ranked uses"
    for jargon in ("规则权重", "要素契合", "潜力项"):
        assert jargon not in html
    assert "政策支持" in html and "场地条件契合" in html and "开发潜力" in html
    assert re.search(r'class="tag tier tier-\w+">', html), "every citation says its tier"
    assert re.search(r'class="tag status status-\w+">', html), "and its status"
    assert 'class="tag digest"' in html and ">转述<" in html, "a digest is said to be one"


def test_research_suggestions_have_their_own_badged_section(client):
    advice = _json(client, profile_query(XUNWU_CASE))
    html = _zh(client).get("/advice/result?" + profile_query(XUNWU_CASE)).get_data(as_text=True)
    section = html[html.index('class="block research"'):]
    section = section[:section.index("</section>")]
    assert advice["research_suggestions"], "the seed case has research-based suggestions"
    assert section.count('class="tag research badge"') == len(advice["research_suggestions"])
    for item in advice["research_suggestions"]:
        assert item["label_zh"] in section


def test_what_if_offers_the_fields_values_and_keeps_a_bad_value_on_the_form(client):
    base = "/advice/what-if?" + profile_query(QUARRY)
    html = _zh(client).get(base + "&vf1=area_ha").get_data(as_text=True)
    assert re.search(r'<input id="vv1" name="vv1" type="number" step="any" value="" min="0" max="100000"', html)
    html = client.get(base + "&vf1=planned_land_use").get_data(as_text=True)
    assert '<select id="vv1" name="vv1"' in html and ">建设用地</option>" in html
    response = client.get(base + "&vf1=area_ha&vs1=1&vv1=-5")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<html" in html
    row = html[html.index('id="row-1"'):html.index('id="row-2"')]
    assert '<option value="area_ha" selected>' in row and 'value="-5"' in row
    assert "必须大于 0" in row
    html = _en(client).get(base + "&vf1=area_ha&vs1=1&vv1=-5").get_data(as_text=True)
    assert "must be greater than 0" in html


def test_what_if_with_a_good_value_shows_the_change(client):
    response = _zh(client).get("/advice/what-if?" + profile_query(QUARRY) + "&vf1=control_zones&vs1=1&vv1=none")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="chip">所在管控区：无<' in html


def test_compare_marks_provinces_with_rules_preselects_the_mines_and_links_cells(client, kb):
    html = _zh(client).get("/advice/compare?" + profile_query(QUARRY)).get_data(as_text=True)
    beijing = sum(1 for r in kb.ruleset.rules if "北京" in r.region)
    assert beijing and f"本省规则 {beijing} 条" in html
    assert re.search(r'<input type="checkbox" name="provinces" value="江西" checked>', html)
    assert not re.search(r'value="北京" checked', html)
    query = profile_query(QUARRY, [("provinces", "江西"), ("provinces", "北京")])
    html = client.get("/advice/compare?" + query).get_data(as_text=True)
    links = re.findall(r'<td class="mark"><a href="(/advice/result\?[^"#]+)#([^"]+)"', html)
    assert links
    page, anchor = links[0]
    target = client.get(page.replace("&amp;", "&")).get_data(as_text=True)
    assert f'id="{anchor}"' in target, "the cell leads to the item and its reasons"


@pytest.mark.parametrize("lang, first", [("zh", "矿山编号"), ("en", "Mine id")])
def test_batch_templates_have_a_column_per_field(client, lang, first):
    csv_text = client.get(f"/advice/batch/template.csv?headers={lang}").get_data(as_text=True).lstrip("\ufeff")
    header = csv_text.splitlines()[0].split(",")
    assert header[0] == first and len(header) == len(PROFILE_FIELDS)
    from openpyxl import load_workbook

    data = client.get(f"/advice/batch/template.xlsx?headers={lang}").data
    wb = load_workbook(io.BytesIO(data))
    assert [c.value for c in wb.worksheets[0][1]] == header
    assert len(wb.worksheets) == 2 and wb.worksheets[1].max_row == len(PROFILE_FIELDS) + 1
    assert wb.worksheets[0].data_validations.dataValidation, "single-choice columns offer drop-downs"


def test_a_filled_xlsx_template_is_advised_and_bad_rows_reported_in_chinese(client):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/advice/batch/template.xlsx").data))
    sheet = wb.worksheets[0]
    titles = [c.value for c in sheet[1]]
    rows = [{"矿山编号": "X-1", "省级行政区": "江西", "矿种": "稀土", "所在管控区": "无", "面积(公顷)": 12.5},
            {"矿山编号": "X-2", "矿种": "金子", "面积(公顷)": -3}]
    for row in rows:
        sheet.append([row.get(t) for t in titles])
    out = io.BytesIO()
    wb.save(out)
    page = _zh(client).get("/advice/batch").get_data(as_text=True)
    response = client.post("/advice/batch", data={"csrf_token": csrf_from(page), "format": "html",
                                                  "file": (io.BytesIO(out.getvalue()), "mines.xlsx")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已分析 1 条，有误 1 条" in html
    assert "第 3 行" in html and "必须大于 0" in html and "不是可选取值" in html


def test_an_unreadable_upload_is_reported_on_the_batch_page(client):
    page = _zh(client).get("/advice/batch").get_data(as_text=True)
    response = client.post("/advice/batch", data={"csrf_token": csrf_from(page), "format": "html",
                                                  "file": (io.BytesIO(b"name\nx\n"), "m.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="upload-error"' in html and 'type="file"' in html
    assert "矿山编号" in html


def test_error_pages_speak_the_users_language_and_the_api_keeps_english(client):
    html = _zh(client).get("/documents/no-such-doc", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "知识库中没有编号为“no-such-doc”的文件" in html
    html = client.get("/no/such/page", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "没有这个页面或资源" in html
    body = client.post("/api/advise", json={"id": "m", "area_ha": -1}).get_json()
    assert body["details"][0]["field"] == "area_ha" and "must be greater than 0" in body["details"][0]["message"]


def test_a_long_search_keeps_what_the_user_typed(client):
    text = "光" * 600
    response = _zh(client).get("/search?q=" + quote(text), headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f'value="{text}"' in html and "500 个字符" in html


@pytest.mark.parametrize("profile, field", [
    ({"id": "x" * 101}, "id"),
    ({"id": "m", "name": "名" * 201}, "name"),
    ({"id": "m\n2"}, "id"),
    ({"id": "m", "area_ha": 1e9}, "area_ha"),
    ({"id": "m", "distance_to_city_km": 40_000}, "distance_to_city_km"),
    ({"id": "m", "waste_rock_m3": 1e13}, "waste_rock_m3"),
])
def test_physical_bounds_and_lengths_are_checked_for_every_caller(client, profile, field):
    from advisor.profile import ProfileError, validate_profile

    with pytest.raises(ProfileError) as err:
        validate_profile(profile)
    assert [d["field"] for d in err.value.details] == [field]
    response = client.post("/api/advise", json=profile)
    assert response.status_code == 400 and response.get_json()["details"][0]["field"] == field


def test_sparql_errors_keep_the_query_and_count_the_users_lines(client):
    query = "SELECT * WHERE {\n  ?s ?p\n}"
    response = client.get("/sparql?format=html&query=" + quote(query), headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="sparql-error"' in html
    assert "SELECT * WHERE {\n  ?s ?p\n}</textarea>" in html
    line = re.search(r"at (\d+):\d+", html)
    assert line and 1 <= int(line.group(1)) <= 3, "the position is in the user's three lines"


def test_sparql_results_link_to_resources_and_export_csv(client):
    query = "SELECT ?c WHERE { ?c a skos:Concept } LIMIT 3"
    html = client.get("/sparql?format=html&query=" + quote(query), headers={"Accept": "text/html"}
                      ).get_data(as_text=True)
    assert len(re.findall(r'<td><a href="/concepts/\w+">mk:\w+</a>', html)) == 3
    assert 'id="sparql-csv"' in html
    response = client.get("/sparql?format=csv&query=" + quote(query), headers={"Accept": "text/html"})
    assert response.mimetype == "text/csv" and response.get_data(as_text=True).splitlines()[0] == "c"


def test_every_page_has_a_favicon(client):
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert client.get(href).status_code == 200


def _chinese_outside_zh(html: str) -> list[str]:
    import lxml.html

    root = lxml.html.fromstring(html)
    for node in root.xpath('//script|//style|//template|//*[starts-with(@lang,"zh")]|//*[@aria-hidden="true"]'):
        node.drop_tree()
    return re.findall(r"\S*[\u4e00-\u9fff]+\S*", " ".join(root.xpath("//body//text()")))


def test_english_form_and_advice_have_no_chinese_outside_marked_source_text(client):
    assert _chinese_outside_zh(_en(client).get("/advice").get_data(as_text=True)) == []
    profile = {k: v for k, v in EXAMPLE.items() if k not in ("name", "city", "county")}
    html = client.get("/advice/result?" + profile_query({**profile, "intended_uses": ["photovoltaic"]})
                      ).get_data(as_text=True)
    assert _chinese_outside_zh(html) == []
    assert 'class="note lang-note"' in html
    for raw in ("collective", "mining land", "forest grass"):
        assert f"<td>{raw}</td>" not in html, "values read as labels, not codes"


def test_every_term_the_form_explains_has_an_english_definition(client):
    from ontology.labels import labels

    missing = []
    for name, spec in PROFILE_FIELDS.items():
        for value in spec.values:
            try:
                found = labels(value)
            except KeyError:
                continue
            if found.get("definition") and not found.get("definition_en"):
                missing.append(value)
    assert missing == [], "add an English skos:definition (the form explains these terms in English mode)"


def test_a_provinces_batch_gives_a_light_page_and_the_full_json_by_a_second_upload(client):
    """A few hundred mines: the page carries the table and the flat CSV, not ~200 kB of cited clauses a mine;
    the full JSON comes by uploading again with JSON chosen as the output."""
    import random

    from advisor.bench import synthetic_profile

    rng = random.Random(9)
    lines = [json.dumps(synthetic_profile(rng, i), ensure_ascii=False) for i in range(120)]
    body = "\n".join(lines).encode("utf-8")
    token = csrf_from(client.get("/advice/batch").get_data(as_text=True))
    page = client.post("/advice/batch", data={"csrf_token": token, "file": (io.BytesIO(body), "province.jsonl")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="data:text/csv' in html and 'href="data:application/json' not in html and 'id="json-hint"' in html
    assert len(html) < 120 * 5_000                       # the table and the CSV only
    token = csrf_from(client.get("/advice/batch").get_data(as_text=True))
    full = client.post("/advice/batch", data={"csrf_token": token, "format": "jsonl",
                                              "file": (io.BytesIO(body), "province.jsonl")},
                       content_type="multipart/form-data")
    advices = [json.loads(x) for x in full.get_data(as_text=True).splitlines() if x.strip()]
    assert len(advices) == 120 and all(a["restoration_category"] is None or a["restoration_category"]["reasons"]
                                       for a in advices)
