"""KnowledgeGraph over the bundled knowledge base: concepts, schemes, cases, export, errors."""
from __future__ import annotations

import warnings

import pytest
import rdflib

from ontology.backends import GraphQueryError


def test_a_concept_has_labels_hierarchy_and_the_clauses_about_it(kb):
    from ontology.labels import labels

    c = kb.graph.concept("photovoltaic")
    assert (c.zh, c.en) == (labels("photovoltaic")["zh"], labels("photovoltaic")["en"]) and "光伏" in c.zh
    assert c.broader == ["construction_use"] and {"agri_photovoltaic", "forest_photovoltaic"} <= set(c.narrower)
    assert c.clauses and all(kb.clause(cid) is not None for cid in c.clauses)
    assert "UtilizationModels" in c.schemes
    with pytest.raises(KeyError, match="unknown concept"):
        kb.graph.concept("no_such_concept")


def test_a_scheme_lists_its_top_concepts_and_members(kb):
    s = kb.graph.scheme("scheme_control_zone")
    assert s.zh == "管控区" and s.top == ["nature_reserve", "scenic_area", "three_zones_three_lines"]
    ids = {c["id"] for c in s.concepts}
    assert {"ecological_redline", "permanent_basic_farmland", "urban_development_boundary", "nature_reserve_core"} <= ids
    assert kb.graph.scheme("修复与利用模式").top == [
        "agricultural_use", "construction_use", "ecological_landscape", "natural_closure", "resource_reuse"]
    with pytest.raises(KeyError, match="known:"):
        kb.graph.scheme("no_such_scheme")


def test_every_precedent_case_names_what_it_became_and_its_source(kb):
    cases = kb.graph.cases()
    models = {c["id"] for c in kb.graph.scheme("UtilizationModels").concepts}
    assert len(cases) >= 40
    for case in cases:
        assert case.name_zh and case.name_en and case.utilization_zh and case.place, case.id
        assert case.sources and all(s.startswith("seed:") or "~" in s for s in case.sources), case.id
        assert set(case.became) <= models, case.id
        assert case.became or case.became_notes, case.id


def test_the_seed_000_table_3_cases_are_all_there_with_their_minerals(kb):
    by_id = {c.id: c for c in kb.graph.cases()}
    table3 = {c.id for c in by_id.values() if "seed:000 表3" in c.sources}
    assert len(table3) == 11
    pan_an = by_id["case_xuzhou_pan_an_lake"]
    assert (pan_an.mineral, pan_an.province) == ("coal", "江苏") and "wetland_park" in pan_an.became
    assert by_id["case_xunwu_rare_earth"].mineral == "rare_earth"
    assert by_id["case_jp_iwami_ginzan"].country == "JP" and by_id["case_jp_iwami_ginzan"].province is None


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("jsonld", "json-ld"), ("xml", "xml")])
def test_a_module_exports_in_each_format_and_reads_back(kb, fmt, parser):
    data = kb.graph.export(fmt, "vocab/mine")
    with warnings.catch_warnings():   # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        g = rdflib.Graph().parse(data=data, format=parser)
    coal = rdflib.URIRef("https://w3id.org/minekb/ont#coal")
    assert (coal, rdflib.namespace.SKOS.prefLabel, rdflib.Literal("煤炭", lang="zh")) in g


def test_the_whole_graph_exports_model_and_instances(kb):
    data = kb.graph.export("ttl")
    assert b"mkd:cn-mnr-2019-6" in data or b"<https://w3id.org/minekb/id/doc/cn-mnr-2019-6>" in data
    assert b"owl:Ontology" in data
    with pytest.raises(ValueError, match="unknown module"):
        kb.graph.export("ttl", "no_such_module")
    with pytest.raises(ValueError, match="unknown export format"):
        kb.graph.export("yaml")


def test_a_bad_query_raises_a_clear_error(kb):
    with pytest.raises(GraphQueryError, match="SPARQL syntax error"):
        kb.graph.query("SELECT ?x WHERE { ?x mk:title }")


def test_ask_queries_answer_true_or_false(kb):
    assert kb.graph.query("ASK { mkd:cn-mnr-2019-6 a mk:Document }") is True
    assert kb.graph.query("ASK { mkd:no-such-doc a mk:Document }") is False


def test_case_attributes_are_profile_contract_values_comparable_with_a_mine_profile(kb):
    from rules.schema import PROFILE_FIELDS

    for case in kb.graph.cases():
        for field in ("mineral", "mining_method", "location_zone"):
            value = getattr(case, field)
            assert value is None or value in PROFILE_FIELDS[field].values, (case.id, field, value)
        for field in ("terrain", "heritage"):
            assert set(getattr(case, field)) <= set(PROFILE_FIELDS[field].values), (case.id, field)
    tongluoshan = next(c for c in kb.graph.cases() if c.id == "case_tongluoshan_mine_park")
    assert tongluoshan.terrain == ["open_pit"] and tongluoshan.mining_method == "open_pit"


def test_a_case_named_in_a_clause_lists_that_clause_among_its_sources(kb):
    cases = {c.id: c for c in kb.graph.cases()}
    naming = {(r["k"].rsplit("#", 1)[1], r["id"]) for r in kb.graph.rows(
        "SELECT ?k ?id WHERE { ?k a mk:Case . ?c mk:isAbout ?k ; mk:clauseId ?id }")}
    assert naming, "no clause of the bundled corpus names a precedent case"
    for cid, clause_id in naming:
        assert clause_id in cases[cid].sources
        assert kb.clause(clause_id) is not None
