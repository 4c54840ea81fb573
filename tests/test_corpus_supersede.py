"""The official text supersedes the bundled digest under the same id; rules check then verifies every anchor."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.supersede import number_key, title_key
from minekb.home import KnowledgeBaseHome
from minekb.kb import BUNDLED_RULES, KnowledgeBase, build, ingest, refresh_bundled
from minekb.shared import shared_dir
from rules.anchors import holds
from rules.check import check

REALDOCS = (shared_dir() / "realdocs") if shared_dir() else None
# the real texts of the shared folder's realdocs/ that the bundled corpus holds a digest of, and that digest's id
SUPERSEDING = {"土地复垦条例(2011-03-05).md": "cn-sc-order-592", "地质灾害防治条例(2003-11-24).md": "cn-geohazard-regulation",
               "草原法(2021-04-29).md": "cn-grassland-law", "湿地保护法(2021-12-24).md": "cn-wetland-law",
               "土壤污染防治法(2018-08-31).md": "cn-soil-pollution-law",
               "矿产资源法(2024-11-08).md": "cn-mineral-resources-law-2024"}


@pytest.fixture(scope="module")
def digest_kb(tmp_path_factory):
    home = KnowledgeBaseHome(tmp_path_factory.mktemp("digest-home"))
    build(home)
    return KnowledgeBase.open(home)


def _home(tmp_path):
    home = KnowledgeBaseHome(tmp_path / "home")
    build(home)
    return home


def _official_592(digest_kb, swap_article_3: bool) -> str:
    """土地复垦条例 as a file that states its 文号 plainly: the digest's 44 articles as plain official-style text,
    article 3 optionally another provision (as if the numbering had moved)."""
    doc = digest_kb.documents["cn-sc-order-592"]
    lines = ["土地复垦条例", "", "国务院令第592号", "", "国务院", ""]
    for c in doc.clauses:
        if c.path.startswith("art_"):
            n = int(c.path[4:])
            text = "国务院国土资源主管部门负责全国土地复垦的监督管理工作。" if swap_article_3 and n == 3 else c.text
            lines += [f"{c.heading.split(' ')[0]}　{text}", ""]
    return "\n".join(lines)


def test_keys_fold_number_and_title_variants():
    assert number_key("国务院令第592号") == number_key("国务院令592号")
    assert number_key("自然资规〔2019〕6号") == number_key("自然资规[2019]6号") == number_key("自然资规（2019）6号")
    assert title_key("《中华人民共和国矿产资源法（2024年修订）》") == title_key("中华人民共和国矿产资源法") == "矿产资源法"


def test_a_file_stating_the_same_number_replaces_the_digest_under_its_id(digest_kb, tmp_path):
    home = _home(tmp_path)
    path = tmp_path / "土地复垦条例.txt"
    path.write_text(_official_592(digest_kb, swap_article_3=False), encoding="utf-8")
    report = ingest([path], home=home)
    result = report.files[0]
    assert (result.status, result.doc_id) == ("replaced", "cn-sc-order-592"), result.line()
    assert "supersedes the project's digest" in result.message
    kb = KnowledgeBase.open(home)
    doc = kb.documents["cn-sc-order-592"]
    assert doc.content == "official" and doc.number == "国务院令第592号"
    assert doc.level == "state_council" and doc.title == "土地复垦条例"        # the digest's curated metadata kept
    assert [d for d in kb.documents if d.startswith("cn-sc-order-592")] == ["cn-sc-order-592"]   # no copy beside it
    assert kb.clause("cn-sc-order-592~art_44") is not None
    assert check(BUNDLED_RULES, kb=kb).ok


def test_a_moved_provision_fails_rules_check_naming_exactly_the_rules_citing_it(digest_kb, tmp_path):
    home = _home(tmp_path)
    path = tmp_path / "土地复垦条例.txt"
    path.write_text(_official_592(digest_kb, swap_article_3=True), encoding="utf-8")
    ingest([path], home=home)
    report = check(BUNDLED_RULES, kb=KnowledgeBase.open(home))
    citing = {r.id for r in digest_kb.ruleset.rules if "cn-sc-order-592~art_3" in r.sources}
    assert citing and not report.ok
    assert set(report.repoint) == citing
    assert all("cn-sc-order-592~art_3 no longer contains its anchor" in line for line in report.anchor_problems)


def test_refreshing_the_bundled_knowledge_keeps_the_official_text(digest_kb, tmp_path):
    home = _home(tmp_path)
    path = tmp_path / "土地复垦条例.txt"
    path.write_text(_official_592(digest_kb, swap_article_3=False), encoding="utf-8")
    ingest([path], home=home)
    refresh_bundled(home)
    assert KnowledgeBase.open(home).documents["cn-sc-order-592"].content == "official"


def test_a_digest_numbered_by_points_is_not_replaced_the_official_text_goes_beside_it(tmp_path):
    home = _home(tmp_path)
    path = tmp_path / "6号.txt"
    path.write_text("关于探索利用市场化方式推进矿山生态修复的意见\n\n自然资规〔2019〕6号\n\n自然资源部\n\n"
                    "一、构建政策激励机制\n\n（一）鼓励矿山土地综合利用。历史遗留矿山废弃国有建设用地修复后拟改为经营性建设用地的，"
                    "在符合国土空间规划前提下，可以由地方政府整体修复后，进行土地前期开发，以公开竞争方式分宗确定土地使用权人。\n",
                    encoding="utf-8")
    result = ingest([path], home=home).files[0]
    assert (result.status, result.doc_id) == ("added", "cn-mnr-2019-6-official"), result.line()
    kb = KnowledgeBase.open(home)
    assert kb.documents["cn-mnr-2019-6"].content == "digest" and kb.clause("cn-mnr-2019-6~pt_6") is not None


@pytest.mark.skipif(REALDOCS is None or not REALDOCS.is_dir(),
                    reason="the real documents (the shared folder's realdocs/) are not found; set MINEKB_SHARED")
def test_the_real_texts_replace_their_digests_and_every_anchor_holds_in_the_official_articles(tmp_path):
    expected = {e["file"]: e for e in json.loads((REALDOCS / "expected.json").read_text(encoding="utf-8"))}
    home = _home(tmp_path)
    report = ingest([REALDOCS / name for name in SUPERSEDING], home=home)
    by_file = {r.path.rsplit("/", 1)[-1]: r for r in report.files}
    kb = KnowledgeBase.open(home)
    for name, doc_id in SUPERSEDING.items():
        assert (by_file[name].status, by_file[name].doc_id) == ("replaced", doc_id), by_file[name].line()
        doc = kb.documents[doc_id]
        articles = [c for c in doc.clauses if c.path.startswith("art_") and "__" not in c.path]
        assert doc.content == "official" and len(articles) == expected[name]["articles"], (doc_id, len(articles))
    result = check(BUNDLED_RULES, kb=kb)
    # rules check passes or names exactly the rules whose anchors are gone from the official articles
    gone = {r.id for r in kb.ruleset.rules for cid in r.sources
            if cid in kb.clauses and r.anchors.get(cid) and kb.documents[cid.split("~")[0]].content == "official"
            and not holds(r.anchors[cid], "\n".join(c.text for c in kb.documents[cid.split("~")[0]].clauses
                                                    if c.id == cid or c.id.startswith(cid + "__")))}
    assert set(result.repoint) == gone
    assert result.ok, result.lines()[:5]      # the bundled anchors were chosen in words the official texts hold


EXAM = Path(__file__).resolve().parent / "fixtures" / "reading_exam"


def test_the_exam_s_laws_replace_their_digests_and_their_regulations_rest_on_them(tmp_path):
    """Real texts (tests/fixtures/reading_exam): 矿产资源法 as amended in 2009 is the 1996/2009 digest's text,
    not the 2024 revision's nor a record of its own; the 实施细则 then rests on it."""
    home = _home(tmp_path)
    names = ["矿产资源法(2009-08-27).md", "土地管理法(2019-08-26).md", "矿产资源法实施细则(1994-03-26).md",
             "探矿权采矿权转让管理办法(2014-07-29).md"]
    report = ingest([EXAM / name for name in names], home=home)
    by_file = {r.path.rsplit("/", 1)[-1]: r for r in report.files}
    assert (by_file[names[0]].status, by_file[names[0]].doc_id) == ("replaced", "cn-mineral-resources-law")
    assert (by_file[names[1]].status, by_file[names[1]].doc_id) == ("replaced", "cn-land-administration-law")
    kb = KnowledgeBase.open(home)
    mineral_laws = [d.id for d in kb.documents.values() if "矿产资源法" in d.title and "实施" not in d.title]
    assert sorted(mineral_laws) == ["cn-mineral-resources-law", "cn-mineral-resources-law-2024"]
    assert kb.documents["cn-mineral-resources-law"].issued == "2009-08-27"
    assert kb.documents["cn-mineral-resources-law-2024"].content == "digest"
    assert kb.documents["cn-land-administration-law"].issued == "2019-08-26"
    for name in names[2:]:
        relations = {(r.type, r.target) for r in kb.documents[by_file[name].doc_id].relations}
        assert ("based_on", "cn-mineral-resources-law") in relations, name
    assert check(BUNDLED_RULES, kb=kb).ok


def test_an_earlier_date_read_from_a_superseding_file_does_not_replace_the_digest_s(tmp_path):
    text = (EXAM / "土地管理法(2019-08-26).md").read_text(encoding="utf-8")
    older = "\n".join(line for line in text.split("\n") if not line.startswith(("2019年", "〈中华人民共和国城市房地产")))
    path = tmp_path / "土地管理法.md"
    path.write_text(older, encoding="utf-8")        # as if the latest amendment line had not been read
    home = _home(tmp_path)
    result = ingest([path], home=home).files[0]
    assert (result.status, result.doc_id) == ("replaced", "cn-land-administration-law"), result.line()
    assert any(w.startswith("issued 2004-08-28 read from the file is earlier than the digest's 2019-08-26")
               for w in result.warnings)
    doc = KnowledgeBase.open(home).documents["cn-land-administration-law"]
    assert doc.issued == "2019-08-26"
    assert doc.metadata_origin["issued"] == "superseded_digest (the file gave 2004-08-28)"
