"""The bundled records say where their facts come from in words a user can follow, and carry the right tier.

A record's user-facing fields (title, issuer, source, summary, relation notes, clause text) name real public
sources only: never a path into the project's working material, a notes file or a seed number.
"""
from __future__ import annotations

import re

import pytest

INTERNAL = re.compile(r"\.\./|shared/|facts\.md|种子文献|seed", re.I)


def _bundled(kb):
    docs = dict(kb.documents)             # the session knowledge base holds the bundled records only
    assert len(docs) >= 60
    return docs


def _user_facing(doc):
    yield "title", doc.title
    yield "issuer", doc.issuer
    yield "source", doc.source
    yield "summary", doc.summary
    for rel in doc.relations:
        yield "relation note", rel.note
    for clause in doc.clauses:
        yield clause.id, clause.text
        yield clause.id + " heading", " ".join(clause.heading_path)


def test_no_user_facing_field_names_internal_material(kb):
    found = {}
    for doc in _bundled(kb).values():
        for where, text in _user_facing(doc):
            m = INTERNAL.search(text or "")
            if m:
                found.setdefault(doc.id, []).append(f"{where}: …{text[max(0, m.start() - 20):m.end() + 20]}…")
    assert found == {}


@pytest.mark.parametrize("doc_id, tier", [
    ("cn-19th-congress-report-2017", "party"),
    ("cn-property-rights-reform-2019", "regulation"),
    ("bj-mine-plan-2021", "plan"), ("bj-master-plan-2016-2035", "plan"), ("bj-14th-five-year-outline", "plan"),
    ("cn-coal-12th-five-year-plan", "plan"), ("cn-ecosystem-plan-2021-2035", "plan"), ("cn-sc-2018-22", "plan"),
    ("cn-mnr-2019-33", "plan"),
    ("cn-mnr-2019-6", "ministry"), ("cn-gbf-2021-40", "regulation"), ("gb-t-43933-2024", "standard"),
    ("research-wu-2025-abandoned-mine-utilization", "research"), ("us-smcra-1977", "foreign"),
])
def test_each_record_has_its_binding_tier(kb, doc_id, tier):
    assert kb.documents[doc_id].binding_tier == tier


def test_foreign_records_are_tier_foreign_and_party_reports_never_bind(kb):
    docs = _bundled(kb)
    assert {d.id for d in docs.values() if d.region != "CN" and d.level == "foreign" and d.binding_tier != "foreign"} == set()
    assert not docs["cn-19th-congress-report-2017"].binding


def test_the_records_the_domain_review_found_wrong_are_corrected(kb):
    docs = kb.documents
    reform = docs["cn-property-rights-reform-2019"]
    assert (reform.issuer, reform.level, reform.issued) == ("中共中央办公厅、国务院办公厅", "state_council", "2019-04")
    assert docs["cn-mnr-2020-38"].issuer == "自然资源部办公厅、财政部办公厅、生态环境部办公厅"
    safety = docs["jp-mine-safety-act-1972"]
    assert safety.title.startswith("鉱山保安法") and safety.issued == "1949"
    assert docs["jp-mining-act-1950"].title.startswith("鉱業法")
    assert docs["jp-national-land-use-planning-act-1986"].issued == "1974"
    assert not any(d.verified for d in docs.values() if d.id.startswith("jp-"))
    assert "未能核实" in docs["jp-abandoned-mine-restoration-act-1993"].title


def test_the_2019_stone_provision_is_its_own_and_the_trading_platform_belongs_to_2024_39(kb):
    stone_2019 = kb.clauses["cn-mnr-2019-6~pt_13"][1].text
    assert "对外销售" in stone_2019 and "生态修复" in stone_2019
    assert "交易平台" not in stone_2019 and "交易平台" not in kb.documents["cn-mnr-2019-6"].summary
    assert "公共资源交易平台" in kb.clauses["cn-mnr-2024-39~pt_4"][1].text


def test_title_only_records_are_never_verified(kb):
    title_only = [d for d in kb.documents.values() if d.title_only]
    assert len(title_only) >= 6
    assert [d.id for d in title_only if d.verified] == []


PLACEHOLDER_ISSUER = re.compile(r"不详|未能|未知|作者|姓名|unknown", re.I)


def test_every_record_is_a_digest_and_names_no_placeholder_issuer(kb):
    for doc in _bundled(kb).values():
        assert doc.content in ("digest", "title_only"), doc.id
        assert not PLACEHOLDER_ISSUER.search(doc.issuer), (doc.id, doc.issuer)   # unknown: left empty


def test_only_checked_laws_and_regulations_number_articles_the_rest_number_points(kb):
    """第N条 means the official article N: only records whose official numbering was checked use it."""
    for doc in _bundled(kb).values():
        tops = {c.path.split("__", 1)[0].split("_", 1)[0] for c in doc.clauses}
        if "art" in tops:
            assert doc.level in ("national_law", "state_council", "ministry"), doc.id
            assert "核对" in doc.source and "不对应原条号" not in doc.source, doc.id   # numbers checked, said so
            assert "pt" not in tops, doc.id
        headings = [c.heading for c in doc.clauses if c.path.startswith("pt_") and "__" not in c.path]
        assert all(h.startswith("要点") for h in headings), doc.id
