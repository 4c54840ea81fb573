"""The ontology commands: sparql (text, file, example), export, check; clean errors."""
from __future__ import annotations

import json

import rdflib

from minekb.cli import main


def _run(kb_home, capsys, *argv):
    code = main(["--home", str(kb_home.path), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sparql_runs_a_documented_example_as_a_table(kb_home, capsys):
    code, out, err = _run(kb_home, capsys, "sparql", "--example", "implements_mnr_2019_6")
    assert code == 0
    header, *rows = out.strip().splitlines()
    assert header.split("\t")[:2] == ["doc", "number"]
    assert any("赣自然资规〔2020〕1号" in r for r in rows) and "rows)" in err


def test_sparql_reads_a_query_file_and_prints_json(kb_home, capsys, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?n WHERE { mkd:cn-mnr-2019-6 mk:docNumber ?n }", encoding="utf-8")
    code, out, _ = _run(kb_home, capsys, "sparql", str(q), "--json")
    assert code == 0 and json.loads(out) == [{"n": "自然资规〔2019〕6号"}]


def test_sparql_lists_examples_and_answers_ask(kb_home, capsys):
    code, out, _ = _run(kb_home, capsys, "sparql", "--list-examples")
    assert code == 0 and "redline_excluded_models" in out
    code, out, _ = _run(kb_home, capsys, "sparql", "ASK { ?c a mk:Case }")
    assert code == 0 and out.strip() == "yes"


def test_a_bad_query_or_example_is_a_clean_error(kb_home, capsys):
    code, _, err = _run(kb_home, capsys, "sparql", "SELECT ?x WHERE { ?x }")
    assert code == 2 and err.startswith("minekb: SPARQL syntax error")
    code, _, err = _run(kb_home, capsys, "sparql", "--example", "nope")
    assert code == 2 and "examples:" in err


def test_export_writes_a_module_that_reads_back(kb_home, capsys, tmp_path):
    out_file = tmp_path / "cases.xml"
    code, _, err = _run(kb_home, capsys, "ontology", "export", "--format", "xml", "--module", "cases", "-o", str(out_file))
    assert code == 0 and "wrote" in err
    g = rdflib.Graph().parse(out_file, format="xml")
    assert (rdflib.URIRef("https://w3id.org/minekb/ont#case_xuzhou_pan_an_lake"), None, None) in g
    code, out, _ = _run(kb_home, capsys, "ontology", "export", "--list-modules")
    assert "vocab/regions" in out.split() and "instances" in out.split()
    code, _, err = _run(kb_home, capsys, "ontology", "export", "--module", "nope")
    assert code == 2 and "modules:" in err


def test_check_without_reasoner_passes_on_the_bundled_ontology(kb_home, capsys):
    code, out, err = _run(kb_home, capsys, "ontology", "check", "--no-reasoner")
    assert code == 0 and "0 error(s)" in err
    assert all("[module]" in line for line in out.splitlines())   # only Protégé warnings, never an error


def test_concept_is_found_by_id_or_any_label(kb_home, capsys):
    code, out, _ = _run(kb_home, capsys, "ontology", "concept", "矿坑公园")
    assert code == 0 and out.startswith("mk:mine_park  矿山公园 / Mine park") and "broader: ecological_landscape" in out
    code, out, _ = _run(kb_home, capsys, "ontology", "concept", "mine_park", "--json")
    assert json.loads(out)["zh"] == "矿山公园"
    code, _, err = _run(kb_home, capsys, "ontology", "concept", "不存在的词")
    assert code == 2 and "no concept" in err


def test_scheme_prints_the_hierarchy(kb_home, capsys):
    code, out, _ = _run(kb_home, capsys, "ontology", "scheme", "管控区")
    assert code == 0
    assert "\n    - ecological_redline  生态保护红线" in out     # under 三区三线 > 三条控制线
    code, out, _ = _run(kb_home, capsys, "ontology", "scheme")
    assert "scheme_mineral" in out.split()


def test_every_ontology_command_and_option_is_documented():
    from pathlib import Path

    from minekb.cli import build_parser

    docs = (Path(__file__).resolve().parent.parent / "docs" / "ontology.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    ontology = sub.choices["ontology"]
    actions = next(a for a in ontology._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for name, p in actions.items():
        assert f"minekb ontology {name}" in docs, name
        for opt in (o for a in p._actions for o in a.option_strings if o.startswith("--") and o != "--help"):
            assert opt in docs, f"minekb ontology {name} {opt}"
    for opt in (o for a in sub.choices["sparql"]._actions for o in a.option_strings if o.startswith("--") and o != "--help"):
        assert opt in docs, f"minekb sparql {opt}"
    assert "minekb bench kb" in docs
