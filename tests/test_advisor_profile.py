"""Profile validation and input readers: every kind of bad input gets a clear error naming record and field."""
from __future__ import annotations

import json

import pytest

from advisor.profile import ProfileError, coerce_text_record, validate_profile
from advisor.readers import InputFileError, read_profiles


def _fields(exc: ProfileError) -> list[str]:
    return [d["field"] for d in exc.details]


def test_a_valid_profile_is_normalized():
    p = validate_profile({"id": "m1", "province": "Jiangxi", "mineral": "rare_earth", "control_zones": ["scenic_area"],
                          "area_ha": 12.5, "had_mining_license": False, "name": None})
    assert p == {"id": "m1", "province": "江西", "mineral": "rare_earth", "control_zones": ["scenic_area"],
                 "area_ha": 12.5, "had_mining_license": False}


@pytest.mark.parametrize("spelling", ["江西", "江西省", "Jiangxi", "jiangxi", "JX"])
def test_province_names_in_any_usual_form_map_to_one_region(spelling):
    assert validate_profile({"id": "m", "province": spelling})["province"] == "江西"


def test_id_is_required():
    with pytest.raises(ProfileError) as e:
        validate_profile({"province": "北京"})
    assert _fields(e.value) == ["id"]


def test_unknown_field_is_rejected_by_name_with_a_suggestion():
    with pytest.raises(ProfileError) as e:
        validate_profile({"id": "m", "provnce": "北京"})
    d = e.value.details[0]
    assert d["field"] == "provnce" and "province" in d["message"] and d["record"] == "m"


def test_every_error_of_a_record_is_reported_at_once():
    with pytest.raises(ProfileError) as e:
        validate_profile({"id": "m", "mineral": "unobtanium", "area_ha": 0, "vegetation_cover_pct": 120,
                          "had_mining_license": "yes", "hazards": ["collapse", "meteor"], "province": "Atlantis",
                          "control_zones": "ecological_redline", "distance_to_city_km": -1, "typo": 1})
    assert set(_fields(e.value)) == {"mineral", "area_ha", "vegetation_cover_pct", "had_mining_license", "hazards",
                                     "province", "control_zones", "distance_to_city_km", "typo"}
    assert "meteor" in next(d["message"] for d in e.value.details if d["field"] == "hazards")


@pytest.mark.parametrize("field,value", [("area_ha", True), ("area_ha", "12"), ("area_ha", float("nan")),
                                         ("id", 12), ("mining_method", 3), ("terrain", [1])])
def test_wrong_types_are_rejected(field, value):
    raw = {"id": "m", field: value}
    with pytest.raises(ProfileError) as e:
        validate_profile(raw)
    assert field in _fields(e.value)


def test_null_means_unknown_and_chinese_value_labels_are_accepted():
    p = validate_profile({"id": "m", "mining_method": "露天", "terrain": ["高陡边坡", "open_pit"], "city": None})
    assert p == {"id": "m", "mining_method": "open_pit", "terrain": ["high_steep_slope", "open_pit"]}


def test_a_profile_that_is_not_an_object_is_rejected():
    with pytest.raises(ProfileError):
        validate_profile(["id", "m"])


def test_csv_text_is_coerced_to_types():
    raw = coerce_text_record({"id": "m", "area_ha": "3.5", "waste_rock_m3": "1000", "had_mining_license": "否",
                              "terrain": "open_pit; high_steep_slope", "city": "", "water_accumulated": "TRUE"})
    assert raw == {"id": "m", "area_ha": 3.5, "waste_rock_m3": 1000, "had_mining_license": False,
                   "terrain": ["open_pit", "high_steep_slope"], "water_accumulated": True}


def test_csv_text_that_is_not_its_type_is_reported_by_field():
    with pytest.raises(ProfileError) as e:
        validate_profile(coerce_text_record({"id": "m", "area_ha": "big", "had_mining_license": "maybe"}))
    assert set(_fields(e.value)) == {"area_ha", "had_mining_license"}


# ---------------------------------------------------------------- readers
def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_one_json_object(tmp_path):
    recs = read_profiles(_write(tmp_path, "m.json", json.dumps({"id": "a", "province": "北京"})))
    assert [r.profile for r in recs] == [{"id": "a", "province": "北京"}]


def test_reads_a_json_array_and_names_bad_records_by_index(tmp_path):
    recs = read_profiles(_write(tmp_path, "m.json", json.dumps([{"id": "a"}, {"id": "b", "mineral": "x"}, {"id": "c"}])))
    assert [r.profile and r.profile["id"] for r in recs] == ["a", None, "c"]
    assert recs[1].error.details[0]["record"] == "index 1 (id b)"


def test_reads_json_lines_and_names_bad_lines(tmp_path):
    text = '{"id": "a"}\n\n{"id": "b", "area_ha": -2}\n{not json\n{"id": "d"}\n'
    recs = read_profiles(_write(tmp_path, "m.jsonl", text))
    assert [r.profile["id"] if r.profile else None for r in recs] == ["a", None, None, "d"]
    assert recs[1].error.details[0]["record"].startswith("line 3")
    assert recs[2].error.details[0]["record"] == "line 4" and "invalid JSON" in recs[2].error.details[0]["message"]


def test_reads_csv_with_list_cells_and_names_bad_rows_by_line(tmp_path):
    text = "id,province,terrain,area_ha\na,江西省,open_pit;tailings,2\nb,北京,cliff,3\n"
    recs = read_profiles(_write(tmp_path, "m.csv", text))
    assert recs[0].profile == {"id": "a", "province": "江西", "terrain": ["open_pit", "tailings"], "area_ha": 2}
    assert recs[1].error.details[0]["record"] == "line 3 (id b)" and recs[1].error.details[0]["field"] == "terrain"


def test_csv_with_an_unknown_column_reports_the_column(tmp_path):
    recs = read_profiles(_write(tmp_path, "m.csv", "id,minral\na,coal\n"))
    assert recs[0].error.details[0]["field"] == "minral"


@pytest.mark.parametrize("name,text,needle", [
    ("e.json", "", "empty"), ("e.csv", "  \n", "empty"), ("bad.json", '{"id": ', "invalid JSON"),
    ("n.json", "42", "expected a JSON object"), ("a.json", "[]", "empty"), ("h.csv", "province\n北京\n", "'id'"),
])
def test_an_unreadable_file_is_a_clear_error_naming_the_file(tmp_path, name, text, needle):
    p = _write(tmp_path, name, text)
    with pytest.raises(InputFileError) as e:
        read_profiles(p)
    assert needle in str(e.value) and name in str(e.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_profiles(tmp_path / "nope.json")


def test_csv_row_with_more_cells_than_the_header_is_reported(tmp_path):
    recs = read_profiles(_write(tmp_path, "m.csv", "id,province\na,北京,extra\nb,江西\n"))
    assert recs[0].error is not None and "extra" in recs[0].error.details[0]["field"]
    assert recs[1].profile == {"id": "b", "province": "江西"}


def test_csv_saved_by_chinese_excel_in_gb18030_with_tabs_is_read(tmp_path):
    p = tmp_path / "m.csv"
    p.write_bytes("id\tprovince\tmining_method\n甲-1\t江西省\t露天\n".encode("gb18030"))
    assert read_profiles(p)[0].profile == {"id": "甲-1", "province": "江西", "mining_method": "open_pit"}


def test_csv_with_a_byte_order_mark_is_read(tmp_path):
    p = tmp_path / "m.csv"
    p.write_bytes("\ufeffid,province\na,北京\n".encode("utf-8"))
    assert read_profiles(p)[0].profile == {"id": "a", "province": "北京"}


def test_a_json_array_item_that_is_not_an_object_is_reported_by_index(tmp_path):
    recs = read_profiles(_write(tmp_path, "m.json", '[{"id": "a"}, "b", {"id": "c"}]'))
    assert recs[1].error.details[0]["record"] == "index 1" and recs[2].profile == {"id": "c"}


def test_several_objects_one_a_line_in_a_json_file_are_read_as_json_lines(tmp_path):
    recs = read_profiles(_write(tmp_path, "m.json", '{"id": "a"}\n{"id": "b"}\n'))
    assert [r.profile["id"] for r in recs] == ["a", "b"]


def test_profile_error_has_the_api_error_shape():
    with pytest.raises(ProfileError) as e:
        validate_profile({"id": "m", "area_ha": -1})
    body = e.value.to_dict()
    assert set(body) == {"error", "details"} and body["details"] == [
        {"record": "m", "field": "area_ha", "message": "must be greater than 0, got -1"}]
