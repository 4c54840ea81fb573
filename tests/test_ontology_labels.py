"""The labels of the Turtle model: the user dictionary and synonym table other stages rely on."""
from __future__ import annotations

import collections

import pytest

from ontology.labels import concept_by_label, concept_terms, labels
from rules.schema import PROFILE_FIELDS, PROVINCES
from tests.ontology_helpers import copy_ontology


def _contract_concepts():
    import pyoxigraph as ox

    from ontology.labels import ttl_files
    from ontology.namespaces import MK, local_name

    found = {}
    for path in ttl_files():
        for q in ox.parse(path=str(path)):
            if q.predicate.value in (MK + "contractField", MK + "contractValue"):
                found.setdefault(local_name(q.subject.value), {})[q.predicate.value[len(MK):]] = q.object.value
    return {(v["contractField"], v["contractValue"]): cid for cid, v in found.items() if len(v) == 2}


@pytest.mark.parametrize("field", [f.name for f in PROFILE_FIELDS.values() if f.kind in ("enum", "list")
                                   and f.name not in ("natural_recovery_conditions", "road_access",
                                                      "landscape_value", "public_support")])
def test_every_contract_value_of_a_categorical_field_is_a_labelled_concept(field):
    mapping = _contract_concepts()
    for value in PROFILE_FIELDS[field].values:
        # intended_uses takes the utilization models' own concept ids
        cid = value if field == "intended_uses" else mapping.get((field, value))
        assert cid, f"no concept with mk:contractField {field!r} and mk:contractValue {value!r}"
        lab = labels(cid)
        assert lab["zh"] and lab["en"] and lab["definition"]


def test_every_provincial_level_division_is_a_region_with_its_short_and_full_name():
    for short, (full, en, code) in PROVINCES.items():
        cid = concept_by_label(full)
        assert cid, full
        lab = labels(cid)
        assert lab["zh"] == full and lab["en"] == en and short in lab["alt"]
        assert concept_by_label(short) == cid and concept_by_label(en) == cid


def test_terms_cover_pref_and_alt_labels_in_both_languages():
    terms = concept_terms()
    kinds = collections.Counter((t.kind, t.lang) for t in terms)
    assert kinds[("pref", "zh")] > 200 and kinds[("pref", "en")] > 200 and kinds[("alt", "zh")] > 200
    by_text = {(t.text, t.concept) for t in terms}
    assert ("采空区", "goaf_subsidence") in by_text            # an altLabel
    assert ("矿山公园", "mine_park") in by_text                  # from concepts/advice.ttl
    assert ("潘安湖", "case_xuzhou_pan_an_lake") in by_text      # a precedent case's altLabel


def test_no_label_is_a_single_character_that_would_split_words_wrongly():
    short = [t for t in concept_terms() if t.lang == "zh" and len(t.text) < 2]
    assert short == []


def test_a_concept_is_found_by_any_of_its_labels_and_pref_wins():
    assert concept_by_label("露天开采") == "open_pit"
    assert concept_by_label("生态保护红线") == "ecological_redline"
    assert concept_by_label("Ecological protection red line") == "ecological_redline"
    assert concept_by_label("无此词条") is None
    with pytest.raises(KeyError, match="unknown concept id"):
        labels("no_such_concept")


def test_an_edited_turtle_file_is_read_again_without_restarting(tmp_path):
    root = copy_ontology(tmp_path)
    assert not any(t.text == "测试新词条" for t in concept_terms(root))
    extra = root / "vocab" / "extra.ttl"
    extra.write_text('@prefix mk: <https://w3id.org/minekb/ont#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
                     'mk:test_term a skos:Concept ; skos:inScheme mk:scheme_terrain ;\n'
                     '  skos:prefLabel "测试新词条"@zh , "Test term"@en ; skos:definition "测试。"@zh .\n', encoding="utf-8")
    assert any(t.text == "测试新词条" and t.concept == "test_term" for t in concept_terms(root))


def test_a_turtle_typo_stops_label_loading_with_the_file_and_line(tmp_path):
    from ontology.labels import OntologySyntaxError

    root = copy_ontology(tmp_path)
    (root / "vocab" / "broken.ttl").write_text("@prefix mk: <https://w3id.org/minekb/ont#> .\nmk:a mk:b \"x .\n",
                                               encoding="utf-8")
    with pytest.raises(OntologySyntaxError, match=r"broken\.ttl:2: Turtle syntax error.*minekb ontology check"):
        concept_terms(root)
