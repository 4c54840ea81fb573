"""docs/profile.md is generated from rules/schema.py and the committed file is up to date."""
from __future__ import annotations

from rules.profile_doc import DOC_PATH, render
from rules.schema import PROFILE_FIELDS


def test_the_committed_reference_is_up_to_date():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/profile.md is out of date: run `minekb rules doc -o docs/profile.md`")


def test_every_field_and_value_is_documented():
    text = render()
    for spec in PROFILE_FIELDS.values():
        assert f"| `{spec.name}` | {spec.label_zh} |" in text
        for value in spec.values:
            assert f"`{value}`" in text, value


def test_the_command_prints_and_checks(tmp_path, capsys):
    from minekb.cli import main

    assert main(["rules", "doc"]) == 0
    assert capsys.readouterr().out == render()
    out = tmp_path / "profile.md"
    assert main(["rules", "doc", "-o", str(out), "--check"]) == 1
    assert main(["rules", "doc", "-o", str(out)]) == 0
    assert main(["rules", "doc", "-o", str(out), "--check"]) == 0
