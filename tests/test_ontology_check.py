"""`minekb ontology check` catches each kind of broken extension and says where and what to do."""
from __future__ import annotations

import pytest

from ontology.check import check_ontology as _check_all


def check_ontology(*args, **kwargs):
    """The errors only; the Protégé module warnings have their own test."""
    return [p for p in _check_all(*args, **kwargs) if p.severity == "error"]
from tests.ontology_helpers import copy_ontology

HEAD = ("@prefix mk: <https://w3id.org/minekb/ont#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n")


def _extend(tmp_path, body: str):
    root = copy_ontology(tmp_path)
    (root / "vocab" / "extension.ttl").write_text(HEAD + body, encoding="utf-8")
    return root


def _good(cid="quarry_museum", scheme="UtilizationModels", extra=""):
    return (f"mk:{cid} a skos:Concept ;\n    skos:inScheme mk:{scheme} ;\n    skos:broader mk:construction_use ;\n"
            f"    skos:prefLabel \"采石场博物馆\"@zh , \"Quarry museum\"@en ;\n{extra}"
            "    skos:definition \"利用采石场建筑和坑体建设的博物馆。\"@zh .\n")


def test_the_bundled_ontology_passes_every_check_but_the_reasoner(kb):
    problems = check_ontology(gen_dir=kb.gen_dir, clause_ids=set(kb.clauses), reasoner=False)
    assert [str(p) for p in problems] == []


def test_a_well_formed_extension_passes(tmp_path):
    assert check_ontology(_extend(tmp_path, _good()), reasoner=False) == []


def test_a_turtle_typo_is_reported_with_file_and_line(tmp_path):
    root = _extend(tmp_path, _good().replace(" ;\n    skos:broader", "\n    skos:broader"))
    problems = check_ontology(root, reasoner=False)
    assert len(problems) == 1
    p = problems[0]
    assert p.kind == "syntax" and p.file.endswith("vocab/extension.ttl") and p.line == 6
    assert "Turtle syntax error" in str(p) and "' .'" in p.fix


def test_a_missing_english_label_is_reported_on_the_concept(tmp_path):
    root = _extend(tmp_path, _good().replace(' , "Quarry museum"@en', ""))
    problems = check_ontology(root, reasoner=False)
    assert [(p.kind, p.term, p.file, p.line) for p in problems] == [
        ("shacl", "mk:quarry_museum", "ontology/vocab/extension.ttl", 4)]
    assert "English" in problems[0].message


def test_two_chinese_preflabels_are_reported(tmp_path):
    root = _extend(tmp_path, _good(extra='    skos:prefLabel "采石博物馆"@zh ;\n'))
    problems = check_ontology(root, reasoner=False)
    assert any(p.kind == "shacl" and "exactly one skos:prefLabel in Chinese" in p.message for p in problems)


def test_a_dangling_reference_names_the_misspelt_id_and_where_it_is_used(tmp_path):
    root = _extend(tmp_path, _good().replace("mk:construction_use", "mk:construction_usee"))
    problems = check_ontology(root, reasoner=False)
    dangling = [p for p in problems if p.kind == "dangling-reference"]
    assert len(dangling) == 1
    p = dangling[0]
    assert p.term == "mk:construction_usee" and p.file == "ontology/vocab/extension.ttl" and p.line == 6
    assert "mk:quarry_museum skos:broader" in p.message and "correct the id" in p.fix


def test_an_undefined_class_is_reported(tmp_path):
    root = _extend(tmp_path, _good().replace("a skos:Concept", "a skos:Concept , mk:UtilisationModel"))
    problems = check_ontology(root, reasoner=False)
    assert [(p.kind, p.term, p.line) for p in problems if p.kind == "undefined-class"] == [
        ("undefined-class", "mk:UtilisationModel", 4)]


def test_an_undefined_property_and_an_untyped_subject_are_reported(tmp_path):
    body = _good(extra="    mk:becomes mk:mine_park ;\n") + 'mk:mine_prak skos:note "拼错的主语"@zh .\n'
    problems = check_ontology(_extend(tmp_path, body), reasoner=False)
    kinds = {(p.kind, p.term) for p in problems}
    assert ("undefined-property", "mk:becomes") in kinds and ("untyped-term", "mk:mine_prak") in kinds


def test_a_fact_citing_a_missing_clause_is_reported(tmp_path, kb):
    root = _extend(tmp_path, _good(extra='    mk:citesClause "cn-mnr-2019-6~pt_999" ;\n'))
    problems = check_ontology(root, clause_ids=set(kb.clauses), reasoner=False)
    assert [(p.kind, p.term) for p in problems] == [("unresolved-clause", "mk:quarry_museum")]


@pytest.mark.slow
def test_hermit_finds_an_individual_of_disjoint_classes_inconsistent_and_names_it(tmp_path):
    body = ('mk:case_broken a mk:Case , mk:Document ;\n    skos:prefLabel "坏案例"@zh , "Broken case"@en ;\n'
            '    mk:place "某地" ; mk:utilization "测试"@zh ; mk:citesSeed "seed:000" .\n')
    problems = check_ontology(_extend(tmp_path, body), reasoner=True)
    inconsistent = [p for p in problems if p.kind == "inconsistent"]
    assert inconsistent and inconsistent[0].term == "mk:case_broken" and inconsistent[0].line == 4
    assert "disjoint" in inconsistent[0].message


def test_every_module_declares_an_ontology_that_the_protege_catalog_resolves():
    import re
    from pathlib import Path

    from ontology.labels import ONTOLOGY_DIR

    catalog = (ONTOLOGY_DIR / "catalog-v001.xml").read_text(encoding="utf-8")
    mapped = dict(re.findall(r'<uri name="([^"]+)" uri="([^"]+)"/>', catalog))
    top = (ONTOLOGY_DIR / "minekb.ttl").read_text(encoding="utf-8")
    imports = re.findall(r"<(https://w3id.org/minekb/ont[^>]*)>", top.split("owl:imports", 1)[1])
    assert imports and set(imports) <= set(mapped)
    assert all((ONTOLOGY_DIR / Path(f)).is_file() for f in mapped.values())
    for path in [ONTOLOGY_DIR / "schema.ttl", ONTOLOGY_DIR / "cases.ttl", *sorted((ONTOLOGY_DIR / "vocab").glob("*.ttl"))]:
        assert "a owl:Ontology" in path.read_text(encoding="utf-8"), path


def test_a_case_whose_model_is_not_a_utilization_model_is_reported(tmp_path):
    body = ('mk:case_new a mk:Case ;\n    skos:prefLabel "新案例"@zh , "New case"@en ;\n'
            '    mk:place "某地" ; mk:utilization "改造为公园。"@zh ; mk:citesSeed "seed:000 表3" ;\n'
            '    mk:became mk:coal .\n')
    problems = check_ontology(_extend(tmp_path, body), reasoner=False)
    assert [(p.kind, p.term, p.line) for p in problems] == [("shacl", "mk:case_new", 4)]
    assert "utilization model" in problems[0].message


def test_a_module_without_an_ontology_header_gets_a_protege_warning(tmp_path):
    root = _extend(tmp_path, _good())
    warnings = [p for p in _check_all(root, reasoner=False) if p.severity == "warning"]
    ours = [p for p in warnings if p.file == "ontology/vocab/extension.ttl"]
    assert len(ours) == 1 and ours[0].kind == "module"
    assert "<https://w3id.org/minekb/ont/vocab/extension> a owl:Ontology" in ours[0].fix
