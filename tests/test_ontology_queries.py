"""Each documented example query answers its question on the bundled knowledge base.

Expected answers are computed independently from the corpus model (kb.documents) or
the rule files, so a query that stops matching the data fails here.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from minekb.kb import BUNDLED_RULES
from ontology.examples import example, example_queries
from rules.anchors import source_ids

EXPECTED_EXAMPLES = {"jiangxi_incentives_in_force", "redline_excluded_models", "implements_mnr_2019_6",
                     "principle_evolution", "cases_became_park", "pv_clauses", "document_amendments"}


def test_the_documented_examples_are_all_present_and_described():
    queries = example_queries()
    assert EXPECTED_EXAMPLES <= set(queries)
    for q in queries.values():
        assert q.title and q.question.endswith("?")
    docs = (Path(__file__).resolve().parent.parent / "docs" / "ontology.md").read_text(encoding="utf-8")
    for name in queries:
        assert name in docs, f"docs/ontology.md does not document the example query {name}"


def test_documents_implementing_the_2019_market_opinion_are_exactly_those_the_corpus_links(kb):
    rows = kb.graph.rows(example("implements_mnr_2019_6").sparql)
    by_number = {d.number: d.id for d in kb.documents.values() if d.number}
    target = by_number["自然资规〔2019〕6号"]
    expected = {d.id for d in kb.documents.values() for r in d.relations
                if r.type == "implements" and (r.target == target or r.target == "自然资规〔2019〕6号")}
    assert expected, "the bundled corpus records no document implementing 自然资规〔2019〕6号"
    assert {r["doc"] for r in rows} == expected


def _in_force_on(doc, day: str) -> bool:
    start = doc.in_force_from or doc.issued
    if not start or start > day or doc.status == "draft":
        return False
    if doc.in_force_until and doc.in_force_until <= day:
        return False
    return doc.status in ("in_force", "amended", "unknown") or bool(doc.in_force_until)


def test_jiangxi_incentives_in_force_on_2023_01_01_are_the_incentive_clauses_of_jiangxi_documents_then_in_force(kb):
    rows = kb.graph.rows(example("jiangxi_incentives_in_force").sparql)
    expected = {c.id for d in kb.documents.values() if d.region in ("江西", "江西省") and _in_force_on(d, "2023-01-01")
                for c in d.clauses if c.type in ("incentive", "funding")}
    assert expected
    assert {r["clause"] for r in rows} == expected
    assert all(r["modality"] in ("permission", "obligation", "prohibition") for r in rows)


def _rules():
    for path in sorted(BUNDLED_RULES.glob("*.yaml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules", []):
            yield rule


def _zone_query(zone: str) -> str:
    return example("redline_excluded_models").sparql.replace("mk:ecological_redline", f"mk:{zone}")


def test_excluded_models_by_zone_come_with_the_clauses_of_the_excluding_rule(kb):
    # The Beijing core-zone closure rule is the one the bundled rules certainly hold: check the query shape on it.
    rows = kb.graph.rows(_zone_query("nature_reserve_core"))
    closure = next(r for r in _rules() if r["id"] == "bj.zone.core_reserve_closure")
    got = {(r["model"], r["clause"]) for r in rows if r["rule"] == closure["id"]}
    assert got == {(m, s) for m in closure["then"]["exclude"] for s in source_ids(closure["sources"])}


def test_red_line_exclusions_match_the_rules_that_name_the_red_line(kb):
    rows = kb.graph.rows(example("redline_excluded_models").sparql)
    zones = {"ecological_redline", "three_control_lines", "three_zones_three_lines"}
    expected = set()
    for rule in _rules():
        when = yaml.safe_dump(rule.get("when"), allow_unicode=True)
        positive = [z for z in zones if f"'{z}'" in when and f"'{z}' not in" not in when]
        for model in (rule.get("then") or {}).get("exclude", []) if positive else []:
            expected |= {(model, s) for s in source_ids(rule.get("sources"))}
    assert {(r["model"], r["clause"]) for r in rows} == expected
    assert all(kb.clause(r["clause"]) is not None for r in rows)


def test_principles_evolve_from_1988_to_2019_and_name_the_documents_that_set_them(kb):
    rows = kb.graph.rows(example("principle_evolution").sparql)
    years = [r["year"] for r in rows]
    assert years == sorted(years) and years[0] == 1988 and 2019 in years
    last = {r["principle"]: r for r in rows}["principle_damage_remedy_restore_benefit"]
    assert last["label"] == "谁破坏、谁治理，谁修复、谁受益"
    by_number = {d.number: d.id for d in kb.documents.values() if d.number}
    assert last["set_by_doc"] == by_number["自然资规〔2019〕6号"]
    assert last["evolved_from"] in {r["principle"] for r in rows}


def test_cases_that_became_parks_are_ecological_landscape_models(kb):
    rows = kb.graph.rows(example("cases_became_park").sparql)
    landscape = {c["id"] for c in kb.graph.scheme("UtilizationModels").concepts
                 if "ecological_landscape" in c["broader"]} | {"ecological_landscape"}
    assert ("case_xuzhou_pan_an_lake", "湿地公园") in {(r["case"], r["model"]) for r in rows}
    assert all("园" in r["model"] for r in rows)
    became = {c.id: set(c.became) for c in kb.graph.cases()}
    assert all(became[r["case"]] & landscape for r in rows)


def test_photovoltaic_clauses_include_the_2023_pv_land_notice(kb):
    rows = kb.graph.rows(example("pv_clauses").sparql)
    assert {r["concept"] for r in rows} <= {"photovoltaic", "agri_photovoltaic", "forest_photovoltaic"}
    expected = {c.id for d in kb.documents.values() for c in d.clauses
                if {"photovoltaic", "agri_photovoltaic", "forest_photovoltaic"} & set(c.concepts)}
    assert {r["clause"] for r in rows} == expected and expected


def test_amendments_include_the_2024_notice_tightening_the_2019_opinion(kb):
    rows = kb.graph.rows(example("document_amendments").sparql)
    assert any(r["number"] == "自然资办发〔2024〕39号" and r["relation"] == "amends"
               and r["target_number"] == "自然资规〔2019〕6号" for r in rows)
    expected = {(d.id, r.type) for d in kb.documents.values() for r in d.relations
                if r.type in ("amends", "repeals", "supersedes")}
    assert {(r["doc"], r["relation"]) for r in rows} == expected
