"""Every cited source says whether its document's facts are confirmed, and the page shows it."""
from __future__ import annotations

import re

from webui import create_app

PROFILE = {"id": "P1", "province": "湖南", "mineral": "construction_stone", "mining_method": "open_pit",
           "status": "historical_abandoned", "responsible_party": "none", "hazards": ["collapse"],
           "hazard_threatens_people": True, "control_zones": ["ecological_redline"]}


def _sources(advice):
    for key in ("restoration_category", "priority", "responsibility"):
        if advice[key]:
            for r in advice[key]["reasons"]:
                yield from r["sources"]
    for key in ("utilization_models", "excluded_models", "incentives", "constraints", "measures"):
        for item in advice[key]:
            for r in item["reasons"]:
                yield from r["sources"]


def test_sources_carry_the_documents_verified_flag_and_status(kb):
    advice = kb.advisor.advise(PROFILE)
    sources = list(_sources(advice))
    assert sources
    for s in sources:
        doc = kb.documents[s["doc_id"]]
        assert s["verified"] is bool(doc.verified)
        assert s["doc_status"] == doc.status
    assert any(not s["verified"] for s in sources), "this mine's advice rests partly on unconfirmed documents"


def test_the_advice_page_marks_unverified_sources(kb):
    client = create_app(kb, {"TESTING": True, "SECRET_KEY": "test-only"}).test_client()
    from urllib.parse import urlencode

    query = [(k, v) for k, val in PROFILE.items() for v in (val if isinstance(val, list) else [val])]
    body = client.get("/advice/result?" + urlencode([(k, str(v).lower() if isinstance(v, bool) else v)
                                                      for k, v in query])).get_data(as_text=True)
    assert 'class="tag unverified"' in body


def test_a_digest_source_says_so_and_names_the_document_it_restates(kb):
    sources = list(_sources(kb.advisor.advise(PROFILE)))
    for s in sources:
        doc = kb.documents[s["doc_id"]]
        assert s["content"] == doc.content == "digest"      # every bundled record is the project's digest
        assert s["official_text"] is False
        assert s["official_source"].startswith(f"《{doc.title}》")
        assert s["text_note_zh"].startswith("本库转述，非") and s["official_source"] in s["text_note_zh"]
        label = s["clause_label"] or ""
        # 第N条 only where the official text is numbered so (laws, regulations, rules); parts read 第一部分
        assert not re.match(r"^(附件\d+)?第[零〇一二两三四五六七八九十百千\d]+条", label) or doc.level in (
            "national_law", "state_council", "ministry"), (s["clause_id"], label)
    assert any(s["clause_id"].split("~")[1].startswith("pt_") and s["clause_label"].startswith("要点") for s in sources)
