"""examples/: every profile validates, the Chinese-titled CSV reads as the JSON files say, the policy file ingests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.readers import header_field, read_profiles

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SINGLES = [EXAMPLES / "mine.json", *sorted((EXAMPLES / "mines").glob("*.json"))]


@pytest.mark.parametrize("path", SINGLES, ids=lambda p: p.name)
def test_each_single_profile_validates(path):
    [record] = read_profiles(path)
    assert record.error is None, record.error
    assert record.profile["id"]


def test_one_example_asks_about_an_intended_use():
    assert any(json.loads(p.read_text(encoding="utf-8")).get("intended_uses") for p in SINGLES)


def test_the_jsonl_batch_is_the_single_files():
    records = read_profiles(EXAMPLES / "mines.jsonl")
    assert [r.profile for r in records] == [r.profile for p in SINGLES for r in read_profiles(p)]


def test_the_csv_batch_with_chinese_titles_agrees_with_the_json_files():
    rows = {r.profile["id"]: r.profile for r in read_profiles(EXAMPLES / "mines.csv")}
    assert all(r is not None for r in rows.values())
    singles = {r.profile["id"]: r.profile for p in SINGLES for r in read_profiles(p)}
    assert rows.keys() == singles.keys()
    for mid, row in rows.items():
        for field, value in row.items():
            if field in ("name", "county") or field not in singles[mid]:
                continue
            assert value == singles[mid][field], (mid, field)


def test_csv_headers_by_name_chinese_or_english_label():
    assert header_field("矿山编号") == "id"
    assert header_field(" 面积（公顷） ") == "area_ha"
    assert header_field("面积(公顷)") == "area_ha"
    assert header_field("Mining method") == "mining_method"
    assert header_field("mining_method") == "mining_method"
    assert header_field("颜色") == "颜色"  # unknown: left for validation to name


def test_csv_none_and_unknown_cells(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("矿山编号,所在管控区,地质灾害隐患,污染,矿种\nA,无,崩塌、滑坡,不详,不详\n", encoding="utf-8")
    [r] = read_profiles(f)
    assert r.error is None, r.error
    assert r.profile["control_zones"] == []
    assert r.profile["hazards"] == ["collapse", "landslide"]
    assert "pollution" not in r.profile and "mineral" not in r.profile


def test_an_unknown_chinese_title_is_named(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("矿山编号,颜色\nA,红\n", encoding="utf-8")
    [r] = read_profiles(f)
    assert r.error is not None and "颜色" in str(r.error)


def test_the_example_policy_reads_with_its_front_matter():
    from corpus.loaders import load_file, split_front_matter

    [policy] = sorted((EXAMPLES / "policies").glob("*.md"))
    meta, _ = split_front_matter(policy.read_text(encoding="utf-8"), policy)
    assert meta["id"] and "示例" in meta["title"] and meta["verified"] is False
    assert load_file(policy)  # the ingest itself runs in tests/test_readme_commands.py
