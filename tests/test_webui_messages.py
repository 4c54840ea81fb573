"""Every error message of the profile checks and of the web UI's own checks reads in Chinese on the Chinese
pages (``advisor.profile.message_zh``, ``webui.errors.message_zh``); the API keeps the English."""
from __future__ import annotations

import re

import pytest

from advisor.profile import ProfileError, coerce_text_record, message_zh, validate_profile
from webui.errors import _ZH, message_zh as page_zh

BAD_PROFILES = [
    ["not", "an", "object"],
    {"name": "no id"},
    {"id": ""},
    {"id": "m", "provnce": "北京", "zzz": 1},
    {"id": "m", "province": "Atlantis", "city": 3},
    {"id": "m", "mineral": "unobtanium", "mining_method": 7},
    {"id": "m", "terrain": "open_pit", "hazards": [1, "x"], "pollution": ["none", "water"]},
    {"id": "m", "had_mining_license": "maybe", "area_ha": 0, "vegetation_cover_pct": 120},
    {"id": "m", "area_ha": "big", "distance_to_city_km": float("inf"), "waste_rock_m3": -1},
    {"id": "m", "area_ha": 1e12, "distance_to_city_km": 1e6, "name": "x" * 500, "county": "a\tb"},
]
_ASCII_WORD = re.compile(r"\b(expected|must|got|unknown|field|item|one of|not|longer|contains|missing)\b")


def _details():
    for raw in BAD_PROFILES:
        with pytest.raises(ProfileError) as err:
            validate_profile(raw)
        yield from err.value.details
    with pytest.raises(ProfileError) as err:
        validate_profile(coerce_text_record({"id": "m", "area_ha": "big", "had_mining_license": "maybe"}))
    yield from err.value.details


def test_every_profile_message_has_chinese():
    seen = 0
    for d in _details():
        zh = message_zh(d["message"], d.get("field"))
        assert re.search(r"[\u4e00-\u9fff]", zh) and not _ASCII_WORD.search(zh), (d["message"], zh)
        seen += 1
    assert seen >= 20


def test_allowed_values_read_as_their_chinese_labels():
    with pytest.raises(ProfileError) as err:
        validate_profile({"id": "m", "mining_method": "strip"})
    zh = message_zh(err.value.details[0]["message"], "mining_method")
    assert "露天" in zh and "open_pit" not in zh


def test_a_profile_error_summary_reads_in_chinese():
    with pytest.raises(ProfileError) as err:
        validate_profile({"id": "m", "area_ha": -1})
    zh = page_zh(str(err.value))
    assert zh.startswith("记录 m，字段 area_ha：") and "必须大于 0" in zh


@pytest.mark.parametrize("pattern, zh", _ZH)
def test_every_web_ui_message_pattern_is_used_by_a_message_in_chinese(pattern, zh):
    assert re.search(r"[\u4e00-\u9fff]", zh)
    groups = re.compile(pattern).groups
    assert all(int(n) <= groups for n in re.findall(r"\{(\d)\}", zh)), "every placeholder is a group"
