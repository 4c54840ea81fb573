"""`minekb advise --text`: the advice as readable Chinese, every conclusion with its cited clauses."""
from __future__ import annotations

import json

from minekb.cli import main

HUNAN = {"id": "HN-1", "province": "湖南", "mineral": "construction_stone", "mining_method": "open_pit",
         "status": "historical_abandoned", "responsible_party": "none", "hazards": ["collapse"],
         "hazard_threatens_people": True}


def test_text_output_names_each_conclusion_with_its_rule_and_clauses(kb_home, tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(HUNAN, ensure_ascii=False), encoding="utf-8")
    assert main(["--home", str(kb_home.path), "advise", str(path), "--text"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("矿山 HN-1 的修复与利用建议")
    assert "修复类型：人工修复" in text and "修复优先级：优先修复" in text
    assert "规则 cn.category.artificial.threatening_hazard" in text
    assert "依据：［部门规章/规范性文件］《矿山地质环境保护规定》 国土资源部令第44号" in text and "[cn-mlr-order-44~pt_1]" in text
    assert "（待核实）" in text  # a source whose facts are unconfirmed is marked
    assert "{" not in text.splitlines()[0]


def test_text_output_reports_a_bad_record_on_stderr(kb_home, tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"id": "X", "minral": "coal"}), encoding="utf-8")
    assert main(["--home", str(kb_home.path), "advise", str(path), "--text"]) == 1
    captured = capsys.readouterr()
    assert "minral" in captured.err and captured.out == ""


def test_text_answers_the_intended_use_first_with_its_clauses(kb_home, tmp_path, capsys):
    path = tmp_path / "pv.json"
    profile = {"id": "PV-1", "province": "河南", "status": "historical_abandoned", "responsible_party": "none",
               "control_zones": ["permanent_basic_farmland"], "current_land_use": "cultivated",
               "intended_uses": ["photovoltaic"]}
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    assert main(["--home", str(kb_home.path), "advise", str(path), "--text"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "拟利用方向能否实施："
    assert lines[3].strip() == "光伏电站：禁止"
    assert any("依据：" in line and "cn-mnr-2023-12~" in line for line in lines[4:12])


def test_text_says_which_cited_clauses_are_the_projects_digest_and_names_the_original(kb_home, tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(HUNAN, ensure_ascii=False), encoding="utf-8")
    assert main(["--home", str(kb_home.path), "advise", str(path), "--text"]) == 0
    text = capsys.readouterr().out
    # an article numbered as the official text (第N条) and a digest point (要点N), both restated by the project
    assert "《地质灾害防治条例》 国务院令第394号 第" in text and "（本库转述，非官方原文）" in text
    assert "要点1" in text
    tail = text[text.index("说明："):]
    assert "“要点N”是本库的要点序号，不是原文条号" in tail
    assert "《矿山地质环境保护规定》（国土资源部令第44号，国土资源部，2009）" in tail
