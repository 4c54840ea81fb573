"""build_graph: the corpus becomes instance data with IRIs, provenance and resolved links."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from ontology.build import build_graph, modality_of
from ontology.graph import KnowledgeGraph
from tests.ontology_helpers import tiny_corpus


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    gen = tmp_path_factory.mktemp("gen")
    report = build_graph(gen, tiny_corpus())
    return gen, report, KnowledgeGraph.load(gen)


def test_the_build_writes_n_triples_the_modules_and_a_report(tiny):
    gen, report, _ = tiny
    folder = gen / "ontology"
    for name in ("model.nt", "instances.nt", "report.json", "model/schema.ttl", "model/vocab/mine.ttl"):
        assert (folder / name).exists(), name
    assert json.loads((folder / "report.json").read_text())["clauses"] == 5
    assert report.documents == 2 and report.clauses == 5


def test_instances_are_iris_never_blank_nodes(tiny):
    gen, _, _ = tiny
    quads = list(ox.parse(path=str(gen / "ontology" / "instances.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert quads
    assert not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads)


def test_each_normative_clause_becomes_a_provision_derived_from_it_with_a_modality(tiny):
    _, report, graph = tiny
    rows = graph.rows("""SELECT ?id ?cls ?m WHERE { ?p prov:wasDerivedFrom ?c ; a ?k ; mk:modality ?mm .
        ?k rdfs:subClassOf mk:Provision . ?c mk:clauseId ?id .
        BIND(STRAFTER(STR(?k), "#") AS ?cls) BIND(STRAFTER(STR(?mm), "modality_") AS ?m) } ORDER BY ?id""")
    assert [(r["id"], r["cls"], r["m"]) for r in rows] == [
        ("t-jx~art_1", "Incentive", "permission"),
        ("t-jx~art_2", "Obligation", "obligation"),
        ("t-national~art_1", "Principle", "obligation"),
        ("t-national~art_2", "Incentive", "permission"),
        ("t-national~art_3", "LandUseConstraint", "prohibition"),
    ]
    assert report.provisions == 5


def test_modality_follows_the_deontic_cue_words():
    assert modality_of("Incentive", "修复后可以用于光伏") == "permission"
    assert modality_of("Incentive", "不得占用永久基本农田") == "prohibition"
    assert modality_of("LandUseConstraint", "应当优先复垦为耕地") == "obligation"
    assert modality_of("Target", "到2025年修复率达到60%") == "obligation"
    assert modality_of("Incentive", "坚持可持续发展") == "permission"   # 可 inside 可持续 is not a cue


def test_clauses_are_linked_to_known_concepts_and_cases_and_unknown_ids_are_reported_not_minted(tiny):
    _, report, graph = tiny
    about = graph.rows("SELECT ?id ?k WHERE { ?c mk:isAbout ?k ; mk:clauseId ?id } ORDER BY ?id ?k")
    pairs = {(r["id"], r["k"].rsplit("#", 1)[1]) for r in about}
    assert ("t-national~art_3", "ecological_redline") in pairs
    assert ("t-jx~art_1", "case_xuzhou_pan_an_lake") in pairs
    assert not any(k == "no_such_concept" for _, k in pairs)
    assert report.unknown_concepts == {"no_such_concept": ["t-national~art_3"]}


def test_document_metadata_is_typed_and_linked_to_vocabularies(tiny):
    _, _, graph = tiny
    row = graph.rows("""SELECT ?region ?issuer ?status ?level ?from (DATATYPE(?from) AS ?dt) WHERE {
        ?d mk:docId "t-jx" ; mk:region ?region ; mk:issuedBy ?issuer ; mk:status ?status ; mk:level ?level ;
           mk:inForceFrom ?from }""")[0]
    assert row["region"].endswith("#jiangxi") and row["issuer"].endswith("#auth_jiangxi_nrd")
    assert row["status"].endswith("#docstatus_in_force") and row["level"].endswith("#level_provincial")
    assert row["from"] == "2020-03" and row["dt"].endswith("#gYearMonth")


def test_relations_resolve_by_number_and_unknown_targets_become_cited_works(tiny):
    _, report, graph = tiny
    assert graph.rows("SELECT ?t WHERE { ?d mk:docId 't-jx' ; mk:implements/mk:docId ?t }") == [{"t": "t-national"}]
    cited = graph.rows("SELECT ?title WHERE { ?d mk:docId 't-jx' ; mk:cites ?w . ?w a mk:CitedWork ; mk:title ?title }")
    assert cited == [{"title": "某未收录的文件"}]
    assert report.unresolved_relations == [{"document": "t-jx", "type": "cites", "target": "某未收录的文件"}]


def test_clause_parts_follow_the_document_tree(tiny):
    _, _, graph = tiny
    parts = graph.rows("SELECT ?id WHERE { ?d mk:docId 't-national' ; mk:hasPart/mk:clauseId ?id } ORDER BY ?id")
    assert [r["id"] for r in parts] == ["t-national~art_1", "t-national~art_2", "t-national~art_3"]


def test_a_rebuild_of_the_same_corpus_writes_the_same_instance_data(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_graph(a, tiny_corpus())
    build_graph(b, tiny_corpus())
    read = lambda g: sorted((g / "ontology" / "instances.nt").read_text(encoding="utf-8").splitlines())  # noqa: E731
    assert read(a) == read(b)


def test_issuers_are_recognized_whole_in_parts_or_inside_a_longer_text():
    from ontology.build import _Model
    from ontology.labels import ttl_files

    model = _Model(ttl_files())
    assert model.issuers_of("自然资源部") == ["auth_mnr"]
    assert model.issuers_of("国家市场监督管理总局、国家标准化管理委员会") == ["auth_samr", "auth_sac"]
    assert model.issuers_of("山东省自然资源厅等部门") == ["auth_shandong_nrd"]
    assert model.issuers_of("美国内政部露天采矿复垦与执法办公室（OSMRE）") == ["auth_us_osmre"]
    assert model.issuers_of("种子文献 002 作者") == []


def test_a_relation_note_is_kept_on_a_relation_node_with_an_iri(tiny):
    _, _, graph = tiny
    rows = graph.rows("""SELECT ?r ?type ?note ?to WHERE { ?r a mk:DocumentRelation ; mk:relationFrom/mk:docId "t-jx" ;
        mk:relationType ?type ; mk:relationNote ?note ; mk:relationTo/mk:docId ?to }""")
    assert [(r["type"], r["note"], r["to"]) for r in rows] == [("implements", "细化全国意见", "t-national")]
    assert rows[0]["r"].startswith("https://w3id.org/minekb/id/relation/t-jx/")
