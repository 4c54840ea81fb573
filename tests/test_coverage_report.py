"""``minekb coverage``: provisions counted per document and seed, encoded vs marked vs open, and the work lists."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.model import Clause, Document
from minekb.cli import main
from rules.coverage import (NOT_DECIDABLE_FILE, CoverageError, Mark, compute_coverage, load_marks, render_text,
                            seeds_of)
from rules.model import Then


class _Rule:
    """The two things coverage reads from a compiled rule: its sources and its conclusions (plus tests)."""

    def __init__(self, rid, sources, then=(), tests=("t",)):
        self.id, self.sources, self.then, self.tests = rid, tuple(sources), tuple(then), list(tests)


class _Concept:
    def __init__(self, cid, zh, scheme, broader=()):
        self.id, self.pref, self.schemes, self.broader = cid, {"zh": zh}, [scheme], list(broader)


def _doc(doc_id="demo", source="minekb 转述，依据种子文献 003"):
    clauses = [
        Clause(f"{doc_id}~chap_1", doc_id, "chap_1", "第一章", ["第一章"], "总则", type="principle"),
        Clause(f"{doc_id}~art_1", doc_id, "art_1", "第一条", ["第一章", "第一条"], "鼓励社会资本参与修复。",
               parent=f"{doc_id}~chap_1", type="incentive"),
        Clause(f"{doc_id}~art_2", doc_id, "art_2", "第二条", ["第一章", "第二条"], "不得占用永久基本农田。",
               parent=f"{doc_id}~chap_1", type="constraint"),
        Clause(f"{doc_id}~art_3", doc_id, "art_3", "第三条", ["第一章", "第三条"], "到2025年历史遗留矿山修复率达到60%。",
               parent=f"{doc_id}~chap_1", type="obligation"),
        Clause(f"{doc_id}~art_4", doc_id, "art_4", "第四条", ["第一章", "第四条"], "全市关停矿山12个。",
               parent=f"{doc_id}~chap_1", type="background"),
    ]
    return Document(doc_id, "示例规划", source=source, clauses=clauses)


def test_a_provision_is_encoded_when_a_rule_cites_it_marked_when_listed_and_open_otherwise():
    docs = {"demo": _doc()}
    rules = [_Rule("r.one", ["demo~art_1"])]
    marks = [Mark("demo~art_3", "target", "量化目标针对全市而非单个矿山")]
    report = compute_coverage(docs, rules, marks)
    d = report.documents[0]
    assert d.provisions == ["demo~art_1", "demo~art_2", "demo~art_3"]      # heading and background left out
    assert d.encoded == {"demo~art_1": ["r.one"]}
    assert list(d.marked) == ["demo~art_3"]
    assert d.open == ["demo~art_2"]
    assert round(d.percent) == 67
    assert report.totals() == {"documents": 1, "provisions": 3, "encoded": 1, "marked": 1, "open": 1, "percent": 66.7}
    text = render_text(report)
    assert "demo~art_2 [constraint] 不得占用永久基本农田" in text


def test_documents_are_grouped_under_the_seeds_their_restatement_names():
    assert seeds_of("minekb 转述，依据种子文献 000 表2及种子文献 001 表3") == ["000", "001"]
    assert seeds_of("seeds/003_3b518e528dbd91ac.txt") == ["003"]
    assert seeds_of("facts.md (C)") == []
    docs = {"a": _doc("a", "种子文献 002"), "b": _doc("b", "种子文献 002、种子文献 004"), "c": _doc("c", "facts.md")}
    seeds = compute_coverage(docs, [], []).seeds()
    assert {s: [d.doc_id for d in ds] for s, ds in seeds.items()} == {"002": ["a", "b"], "004": ["b"]}


def test_a_restatement_that_names_a_seed_by_its_real_title_is_grouped_under_that_seed():
    assert seeds_of("依据研究论文 吴家龙、李红举、王凯等《废弃矿山综合利用的系统认知与路径优化——基于要素禀赋差异的理论视角》"
                    "与 秦晴等《比较视野下的中日废弃矿山修复与绿色转型研究》（2024）") == ["000", "001"]
    assert seeds_of('北京市规划和自然资源委员会《北京市矿山生态修复"十四五"规划（2021年-2025年）》') == ["003"]
    assert seeds_of("一篇赣州地区废弃矿山市场化生态修复实践研究论文（题名与作者未能查明）") == ["002"]
    assert seeds_of("Research on Mine Ecological Restoration and Transformation from the Perspective of …") == ["004"]


def test_marks_that_point_nowhere_or_at_encoded_clauses_are_problems():
    docs = {"demo": _doc()}
    rules = [_Rule("r.one", ["demo~art_1"])]
    marks = [Mark("demo~art_9", "procedure", "没有这一条"), Mark("demo~art_1", "general", "已被规则引用")]
    problems = compute_coverage(docs, rules, marks).problems
    assert any("demo~art_9 is not a clause" in p for p in problems)
    assert any("demo~art_1 is marked but rules cite it (r.one)" in p for p in problems)


def test_concepts_no_rule_concludes_are_listed_unless_a_narrower_one_is_concluded():
    index = {
        "ecological_landscape": _Concept("ecological_landscape", "生态景观", "UtilizationModels"),
        "wetland_park": _Concept("wetland_park", "湿地公园", "UtilizationModels", ["ecological_landscape"]),
        "golf": _Concept("golf", "高尔夫", "UtilizationModels", ["ecological_landscape"]),
        "carbon_sink": _Concept("carbon_sink", "碳汇", "Incentives"),
        "coal": _Concept("coal", "煤", "scheme_mineral"),          # not an advice concept
    }
    rules = [_Rule("r.w", ["demo~art_1"], [Then("recommend", "wetland_park", 1.0)]), _Rule("r.x", ["demo~art_1"], tests=())]
    report = compute_coverage({"demo": _doc()}, rules, [], index)
    assert [c[0] for c in report.concepts_without_rule] == ["golf", "carbon_sink"]
    assert report.rules_without_test == ["r.x"]


def test_a_malformed_mark_is_an_error_naming_the_file_and_the_entry(tmp_path):
    bad = tmp_path / "marks.yaml"
    bad.write_text("not_decidable:\n  - {clause: demo~art_3, kind: guess, reason: 不知道为什么}\n", encoding="utf-8")
    with pytest.raises(CoverageError, match=r"marks.yaml: entry 1 \(demo~art_3\): 'kind' must be one of"):
        load_marks(bad)
    bad.write_text("not_decidable:\n  - {clause: demo~art_3, kind: target}\n", encoding="utf-8")
    with pytest.raises(CoverageError, match="'reason' must say"):
        load_marks(bad)


def test_the_bundled_marks_all_resolve_and_the_knowledge_covers_the_key_policies(kb):
    from rules.coverage import build_report
    from minekb.kb import BUNDLED_RULES

    report = build_report(kb, BUNDLED_RULES)
    assert report.problems == []
    assert report.rules >= 120 and report.rules_without_test == []
    by_doc = {d.doc_id: d for d in report.documents}
    key = ["bj-mine-plan-2021", "cn-mnr-2019-6", "cn-mnr-2024-39", "cn-mnr-2023-12", "cn-mof-2021-65",
           "gd-natural-resources-opinion", "sd-nr-2021-2", "hlj-market-restoration-opinion",
           "gz-market-restoration-measures", "jx-nr-2020-1", "jx-mine-restoration-regulation-2022"]
    assert {k: by_doc[k].open for k in key} == {k: [] for k in key}
    assert report.totals()["percent"] >= 90


def test_minekb_coverage_prints_json_totals_and_fails_on_an_unknown_document(kb_home, monkeypatch, capsys):
    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))
    assert main(["coverage", "--json", "--doc", "cn-mnr-2019-6"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["doc_id"] for d in data["documents"]] == ["cn-mnr-2019-6"]
    doc = data["documents"][0]
    assert doc["provisions"] == doc["encoded"] + doc["marked"] + len(doc["open"])
    assert "cn.incentive.stone_sale_2019" in doc["encoded_by"]["cn-mnr-2019-6~pt_13"]
    assert main(["coverage", "--summary", "--doc", "no-such-doc"]) == 1
    assert "no-such-doc: no such document" in capsys.readouterr().out


def test_the_marks_file_is_where_the_command_looks():
    assert NOT_DECIDABLE_FILE == Path(__file__).resolve().parent.parent / "rules" / "not_decidable.yaml"
    assert len(load_marks()) >= 50


def test_a_seed_ingested_as_it_is_counts_its_clauses_through_the_restatements_and_stays_out_of_the_totals():
    bundled = _doc("bj-plan", "minekb 转述，依据种子文献 003")
    raw = Document("seed-003", "北京市矿山生态修复规划", source="file:003_3b518e528dbd91ac.txt", clauses=[
        Clause("seed-003~para_1", "seed-003", "para_1", "", [], "为推进修复，鼓励社会资本参与修复，并创新模式。", type="incentive"),
        Clause("seed-003~para_2", "seed-003", "para_2", "", [], "到2025年，全市历史遗留矿山修复率达到60%，全面完成各项任务。", type="obligation"),
        Clause("seed-003~para_3", "seed-003", "para_3", "", [], "开展矿山地质环境监测综合研究并建立动态数据库。", type="measure"),
    ])
    rules = [_Rule("r.one", ["bj-plan~art_1"])]
    marks = [Mark("bj-plan~art_3", "target", "量化目标针对全市而非单个矿山")]
    report = compute_coverage({"bj-plan": bundled, "seed-003": raw}, rules, marks)
    seed = report.raw_seeds()[0]
    assert seed.raw_seed == "003" and seed.encoded == {"seed-003~para_1": ["r.one"]}
    assert list(seed.marked) == ["seed-003~para_2"] and seed.open == ["seed-003~para_3"]
    assert seed.restated_by == {"seed-003~para_1": ["bj-plan~art_1"], "seed-003~para_2": ["bj-plan~art_3"]}
    assert report.totals()["documents"] == 1                      # the raw seed is not counted twice
    assert [d.doc_id for d in report.seeds()["003"]] == ["bj-plan"]
    assert "seed-003~para_3 [measure] 开展矿山地质环境监测综合研究并建立动态数据库。  ← no restatement found" in render_text(report)


def test_the_beijing_plan_seed_is_mostly_encoded_through_its_restatement(tmp_path, seeds_dir):
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import BUNDLED_RULES, KnowledgeBase, build
    from rules.coverage import build_report

    home = KnowledgeBaseHome(tmp_path / "home")
    build(home, extra_paths=[seeds_dir / "003_3b518e528dbd91ac.txt"])
    report = build_report(KnowledgeBase.open(home), BUNDLED_RULES)
    (seed,) = report.raw_seeds()
    assert seed.raw_seed == "003"
    assert len(seed.restated_by) >= 20 and seed.percent >= 50
    restated = {b for bs in seed.restated_by.values() for b in bs}
    assert {"bj-mine-plan-2021~pt_45", "bj-mine-plan-2021~pt_65"} <= restated   # 削坡卸载; 市级财政出资


def test_rules_cite_documents_of_their_own_scope(kb):
    """A provincial rule rests on national, research or same-province texts; a national rule never on a
    province's text (derived facts excepted: they borrow the Beijing plan's definitions of its terms)."""
    from minekb.kb import BUNDLED_RULES
    from rules.loader import load_rules_and_problems

    rules, problems = load_rules_and_problems(BUNDLED_RULES, kb=kb)
    assert problems == []
    wrong = []
    for r in rules:
        for cid in r.sources:
            doc = kb.documents[cid.split("~")[0]]
            if doc.region == "CN" or doc.level == "research" or doc.region in r.region:
                continue
            if not r.region and r.id.startswith("fact."):
                continue
            wrong.append((r.id, cid))
    assert wrong == []
