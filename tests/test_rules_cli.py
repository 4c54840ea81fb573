"""``minekb rules check|list|show`` and ``minekb bench rules`` as a user runs them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from minekb.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def test_check_passes_on_a_clean_rule_set(capsys):
    assert main(["rules", "check", "--no-kb", "--dir", str(FIXTURES / "engine"),
                 "--gate", str(FIXTURES / "legal_gate_small.yaml")]) == 0
    assert capsys.readouterr().out.strip().endswith(
        "9 rules, 0 load problems, 0 conflicts, 1 tests run, 0 failed; legal gate: 3 cells, 0 problems "
        "(1 rule recommendations it overrides in some zones); "
        "8 rules have no test case; 1 rules are not in force today")


def test_check_names_every_problem_of_the_legal_gate_table(capsys, tmp_path):
    bad = tmp_path / "gate.yaml"
    bad.write_text("zones: {}\ncells:\n  - {model: golf, zone: moon, verdict: forbidden, explain_zh: x, sources: [a~b]}\n",
                   encoding="utf-8")
    assert main(["rules", "check", "--no-kb", "--dir", str(FIXTURES / "engine"), "--gate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "zone 'moon' is not defined under zones" in out and "default needs explain_zh and sources" in out


def test_check_fails_and_lists_each_conflict(capsys):
    assert main(["rules", "check", "--no-kb", "--dir", str(FIXTURES / "conflict")]) == 1
    out = capsys.readouterr().out
    assert "rule c.flooded_pit_natural: field then: restoration_category natural_recovery contradicts" in out
    assert out.strip().splitlines()[-1].startswith("FAILED: 4 rules")


def test_check_json_lists_the_findings(capsys):
    assert main(["rules", "check", "--no-kb", "--json", "--dir", str(FIXTURES / "conflict")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and len(data["conflicts"]) == 1 and data["rules"] == 4


def test_check_resolves_sources_in_the_knowledge_base(kb_home, capsys):
    # the fixture's clause ids are illustrative: against a real knowledge base most do not resolve
    assert main(["--home", str(kb_home.path), "rules", "check", "--dir", str(FIXTURES / "engine")]) == 1
    assert "unresolved source 'bj-mine-plan-2021~chap_4__sec_2__para_3'" in capsys.readouterr().out


def test_list_json_summarizes_each_rule(capsys):
    assert main(["rules", "list", "--json", "--dir", str(FIXTURES / "engine")]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert len(rows) == 9
    assert rows["t.bj.unlicensed_pays"]["region"] == ["北京"]
    assert rows["t.old.tax"]["in_force"] is False
    assert rows["t.zone.core_closure"]["hard"] is True
    assert {"kind": "recommend", "value": "construction_use", "weight": 0.8} in rows["t.category.city_construction"]["concludes"]


def test_show_prints_the_condition_in_chinese(kb_home, capsys):
    assert main(["--home", str(kb_home.path), "rules", "show", "t.recommend.wetland", "--dir", str(FIXTURES / "engine")]) == 0
    out = capsys.readouterr().out
    assert "means:      矿坑积水：是且所在管控区不含自然保护区" in out
    assert "then:       recommend=wetland_park (0.7)" in out


def test_show_an_unknown_rule_suggests_close_ids(capsys):
    assert main(["rules", "show", "t.zone.core_closur", "--dir", str(FIXTURES / "engine")]) == 2
    assert "did you mean t.zone.core_closure" in capsys.readouterr().err


def test_bench_compares_with_rule_engine_and_both_agree(capsys):
    assert main(["bench", "rules", "--n", "300", "--json", "--dir", str(FIXTURES / "engine")]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["profiles"] == 300
    assert figures["disagreements"] == 0
    assert figures["condition_results_compared"] > 300
    assert figures["compiled_conditions_mines_per_s"] > figures["naive_rule_engine_mines_per_s"]


@pytest.mark.parametrize("argv", [["rules", "check"], ["rules", "list"], ["rules", "show"], ["rules", "eval"],
                                  ["bench", "rules"]])
def test_every_rules_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    assert "usage: minekb" in capsys.readouterr().out


def test_eval_traces_one_profile_with_why_not(tmp_path, capsys):
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"id": "m1", "province": "北京市", "control_zones": ["scenic_area"],
                                "had_mining_license": False, "status": "historical_abandoned"}), encoding="utf-8")
    assert main(["rules", "eval", str(mine), "--explain", "--as-of", "2024-06-01",
                 "--dir", str(FIXTURES / "engine")]) == 0
    out = capsys.readouterr().out
    assert "responsibility: district_finance_unlicensed  ← t.bj.unlicensed_pays" in out
    assert "not fired t.zone.redline: 不满足「所在管控区包含生态保护红线」：本矿山所在管控区为风景名胜区" in out
    assert "pending t.farmland.first on current_land_use, reclaimable_to_cultivated" in out


def test_eval_rejects_a_field_outside_the_contract(tmp_path, capsys):
    mine = tmp_path / "mine.json"
    mine.write_text('{"id": "m1", "minerl": "coal"}', encoding="utf-8")
    assert main(["rules", "eval", str(mine), "--dir", str(FIXTURES / "engine")]) == 2
    assert "profile field 'minerl' is not in the contract" in capsys.readouterr().err
