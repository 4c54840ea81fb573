"""A record that holds only a document's title supports no conclusion: rules citing it are errors."""
from __future__ import annotations

import textwrap
from types import SimpleNamespace

import pytest

from corpus.metadata import MetadataError, validate_explicit
from corpus.model import Document
from rules import RuleLoadError, load_ruleset
from rules.title_only import title_only_documents

RULE = """
rules:
  - id: t.rule
    title: {zh: 一条规则, en: A rule}
    when: "status == 'historical_abandoned'"
    then: {responsibility: government_restores_historical}
    sources: [SOURCES]
"""


def _kb(*docs: Document):
    clauses = {f"{d.id}~art_1": (d, None) for d in docs}
    return SimpleNamespace(clauses=clauses, documents={d.id: d for d in docs})


def _load(tmp_path, sources: str, kb):
    (tmp_path / "r.yaml").write_text(textwrap.dedent(RULE.replace("SOURCES", sources)), encoding="utf-8")
    return load_ruleset(tmp_path, kb=kb)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_a_rule_citing_a_title_only_record_is_an_error_naming_the_record(tmp_path):
    kb = _kb(Document("only-title", "某工作方案", content="title_only"), Document("real", "某意见", content="digest"))
    with pytest.raises(RuleLoadError) as info:
        _load(tmp_path, "real~art_1, only-title~art_1", kb)
    (problem,) = info.value.problems
    assert "r.yaml:" in problem and "t.rule" in problem and "sources" in problem
    assert "'only-title~art_1' is a clause of a title-only record (某工作方案)" in problem
    assert "supports no conclusion" in problem


def test_records_with_provisions_or_no_content_key_may_be_cited(tmp_path):
    kb = _kb(Document("real", "某意见", content="digest"), Document("plain", "某通知"))
    assert len(_load(tmp_path, "real~art_1, plain~art_1", kb)) == 1


def test_the_content_key_is_optional_and_validated(tmp_path):
    assert validate_explicit({"content": "title_only"}, tmp_path / "x.md")["content"] == "title_only"
    with pytest.raises(MetadataError, match="'content' 'summary' is not one of official, digest, title_only"):
        validate_explicit({"content": "summary"}, tmp_path / "x.md")
    assert Document("d", "t").content == "" and not Document("d", "t").title_only



def test_the_bundled_rules_cite_no_title_only_record(kb):
    from minekb.kb import BUNDLED_RULES
    from rules.check import load_rules_and_problems

    marked = title_only_documents(kb)
    assert {"cn-mnr-2019-819", "cn-mnr-2020-1759", "cn-mnr-2020-52-social-capital-cases"} <= set(marked)
    _rules, problems = load_rules_and_problems(BUNDLED_RULES, kb)
    assert [p for p in problems if "title-only record" in p] == []
