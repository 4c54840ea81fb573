"""`minekb advise` and `minekb report` on the real knowledge base, as a user runs them."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from minekb.cli import main

BJ = {"id": "BJ-1", "name": "门头沟采石场", "province": "北京市", "status": "historical_abandoned",
      "responsible_party": "none", "had_mining_license": False, "terrain": ["bare_rock_wall", "open_pit"],
      "visible_from_traffic_or_scenic": True, "planned_land_use": "forest_grass", "location_zone": "suburban"}


@pytest.fixture(autouse=True)
def _home(kb_home, monkeypatch):
    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_one_profile_prints_one_advice_object(tmp_path, capsys):
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.json", json.dumps(BJ, ensure_ascii=False)),
                          "--as-of", "2023-06-01")
    assert code == 0, err
    advice = json.loads(out)
    assert advice["mine_id"] == "BJ-1" and advice["restoration_category"]["id"] == "artificial_restoration"
    assert "district_finance_unlicensed" in advice["responsibility"]["ids"]


def test_a_batch_is_advised_in_input_order_and_bad_records_go_to_stderr(tmp_path, capsys):
    batch = [BJ | {"id": "a"}, {"id": "b", "area_ha": -3}, BJ | {"id": "c", "province": "江西"}]
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.json", json.dumps(batch, ensure_ascii=False)),
                          "--json")
    assert code == 1
    assert [a["mine_id"] for a in json.loads(out)] == ["a", "c"]
    assert "index 1 (id b)" in err and "area_ha" in err


def test_json_lines_in_and_out_with_the_bad_line_named(tmp_path, capsys):
    text = json.dumps(BJ | {"id": "a"}, ensure_ascii=False) + "\n{bad\n" + json.dumps({"id": "c"}) + "\n"
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.jsonl", text), "--jsonl")
    assert code == 1 and "line 2" in err
    assert [json.loads(line)["mine_id"] for line in out.splitlines()] == ["a", "c"]


def test_csv_in_csv_summary_out(tmp_path, capsys):
    text = ("id,province,status,terrain,planned_land_use,had_mining_license\n"
            "A,北京,historical_abandoned,bare_rock_wall;open_pit,construction,是\n")
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.csv", text), "--csv", "--as-of", "2023-06-01")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["mine_id"] == "A" and rows[0]["restoration_category"] == "comprehensive_utilization"
    assert "municipal_finance_licensed" in rows[0]["responsibility"]


def test_parallel_workers_give_the_same_output_in_the_same_order(tmp_path, capsys):
    from advisor.bench import write_batch

    src = tmp_path / "b.jsonl"
    write_batch(src, 120, seed=4)
    _, one, _ = _run(capsys, "advise", str(src), "--jsonl", "--workers", "1", "--as-of", "2023-06-01")
    _, two, _ = _run(capsys, "advise", str(src), "--jsonl", "--workers", "2", "--as-of", "2023-06-01")
    assert one == two and len(one.splitlines()) == 120


def test_vary_shows_what_changes_item_by_item(tmp_path, capsys):
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.json", json.dumps(BJ, ensure_ascii=False)),
                          "--as-of", "2023-06-01", "--vary", "planned_land_use=construction")
    assert code == 0, err
    res = json.loads(out)
    assert res["changes"] == {"planned_land_use": "construction"}
    assert any(d["section"] == "restoration_category" and d["after"] == "comprehensive_utilization"
               for d in res["diff"])


def test_compare_provinces_side_by_side(tmp_path, capsys):
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.json", json.dumps(BJ, ensure_ascii=False)),
                          "--as-of", "2023-06-01", "--compare-provinces", "北京,江西")
    assert code == 0, err
    res = json.loads(out)
    assert res["provinces"] == ["北京", "江西"]
    row = next(r for r in res["sections"]["responsibility"] if r["id"] == "district_finance_unlicensed")
    assert row["in"] == {"北京": True, "江西": False}


@pytest.mark.parametrize("text,needle", [("", "empty"), ("[1, ", "invalid JSON")])
def test_an_unreadable_file_fails_with_a_clear_message(tmp_path, capsys, text, needle):
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.json", text))
    assert code == 2 and needle in err and out == ""


def test_a_bad_vary_field_is_a_clear_error(tmp_path, capsys):
    code, _, err = _run(capsys, "advise", _write(tmp_path, "m.json", json.dumps(BJ)), "--vary", "planed=1")
    assert code == 2 and "planed" in err


def test_markdown_report_has_every_part(tmp_path, capsys):
    code, out, err = _run(capsys, "report", _write(tmp_path, "m.json", json.dumps(BJ, ensure_ascii=False)),
                          "--format", "md", "--as-of", "2023-06-01")
    assert code == 0, err
    for part in ("矿山概况", "要素指纹", "修复与利用建议", "相似案例", "待查明的信息", "情景分析", "《北京市矿山生态修复"):
        assert part in out
    # a cited clause of the Beijing plan's digest is a point (要点N) and says it is the project's restatement
    assert "要点" in out and "（本库转述，非官方原文；官方原文：《北京市矿山生态修复" in out


def test_html_report_embeds_the_radar_chart(tmp_path, capsys):
    out_file = tmp_path / "r.html"
    code, _, err = _run(capsys, "report", _write(tmp_path, "m.json", json.dumps(BJ, ensure_ascii=False)),
                        "--format", "html", "-o", str(out_file), "--as-of", "2023-06-01")
    assert code == 0, err
    html = out_file.read_text(encoding="utf-8")
    assert "<svg" in html and "要素指纹雷达图" in html and "区级财政出资" in html


def test_pdf_report_renders_chinese_text_and_cited_clauses(tmp_path, capsys):
    from pypdf import PdfReader

    out_file = tmp_path / "r.pdf"
    code, _, err = _run(capsys, "report", _write(tmp_path, "m.json", json.dumps(BJ, ensure_ascii=False)),
                        "--format", "pdf", "-o", str(out_file), "--as-of", "2023-06-01")
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(str(out_file)).pages).replace("\n", "")
    assert "一矿一策" in text and "门头沟采石场" in text
    assert "区级财政出资治理" in text          # the cited clause text of the Beijing plan (第六十六条)


def test_explain_lists_why_rules_did_not_fire_in_chinese(tmp_path, capsys):
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.json", json.dumps(BJ, ensure_ascii=False)),
                          "--as-of", "2023-06-01", "--explain")
    assert code == 0, err
    ex = json.loads(out)["explain"]
    assert ex["not_fired"] and all(set(nf) == {"rule", "why_zh"} for nf in ex["not_fired"])
    assert any("不满足" in nf["why_zh"] for nf in ex["not_fired"])


def test_entropy_weights_option_weighs_the_batch_by_its_own_spread(tmp_path, capsys):
    batch = [{"id": f"m{i}", "location_zone": z, "road_access": r}
             for i, (z, r) in enumerate([("urban", "good"), ("remote_mountain", "poor"), ("rural", "fair")])]
    code, out, err = _run(capsys, "advise", _write(tmp_path, "m.json", json.dumps(batch)), "--weights", "entropy")
    assert code == 0, err
    pots = [a["potential"] for a in json.loads(out)]
    assert {p["method"] for p in pots} == {"entropy"}
    weights = pots[0]["factors"]
    assert max(weights, key=lambda f: weights[f]["weight"]) == "space"   # the only factor that varies


def test_bench_advise_runs_the_real_command_and_prints_its_figures(capsys):
    code, out, err = _run(capsys, "bench", "advise", "--sizes", "30", "--latency-n", "20", "--per-mine",
                          "--input", "csv", "--web-n", "50")
    assert code == 0, err
    rows = [line for line in out.splitlines() if "mines/s" in line and " -> " in line]
    assert len(rows) == 3 * 2, out          # three outputs x (columnar, per-mine)
    for mode in ("jsonl", "compact", "csv"):
        assert sum(f"-> {mode} " in r for r in rows) == 2
    assert all("peak memory" in r and "kB a mine" in r for r in rows)
    assert "p95" in out and "50 advised" in out


def test_parallel_chunks_come_back_through_spool_files_that_are_removed(kb, tmp_path):
    import glob
    import tempfile

    from advisor.batch import WARM_CHUNKS, ParallelBatch
    from advisor.bench import synthetic_profile
    from advisor.readers import InputRecord
    import random

    rng = random.Random(3)
    records = [InputRecord(i, f"line {i + 1}", synthetic_profile(rng, i), "json") for i in range(90)]
    outputs = {}
    for workers in (1, 2):
        batch = ParallelBatch(kb.advisor, dumps=None, workers=workers, chunk_size=20, as_of="2024-06-01")
        path = tmp_path / f"out{workers}.jsonl"
        with open(path, "wb") as out:
            spooled = 0
            for _chunk, res in batch.run_chunks(records):
                spooled += res.spool is not None
                res.copy_payload_to(out)
                out.write(b"\n")
        outputs[workers] = path.read_bytes()
        assert spooled == (5 - WARM_CHUNKS if workers == 2 else 0)   # the first chunks warm the parent
    assert outputs[1] == outputs[2] and outputs[1].count(b"\n") == 90
    assert not glob.glob(str(Path(tempfile.gettempdir()) / "minekb-batch-*"))
