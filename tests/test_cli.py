"""The CLI mirrors the library: every command has help, and is documented."""
from __future__ import annotations

import argparse

import pytest

from minekb.cli import build_parser, main


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_has_help(capsys):
    parser = build_parser()
    commands = _commands(parser)
    assert "bench" in commands
    for name, sub in commands.items():
        with pytest.raises(SystemExit) as exc:
            main([name, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "usage: minekb" in out and name in out


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 1
    assert "usage: minekb" in capsys.readouterr().out


def test_a_broken_rule_file_is_a_clean_error_not_a_traceback(tmp_path, capsys, monkeypatch):
    from minekb import kb as kbmod

    bad = tmp_path / "rules"
    bad.mkdir()
    (bad / "bad.yaml").write_text(
        "rules:\n  - id: x.bad\n    title: {zh: 坏规则, en: bad}\n    when: \"minerl == 'coal'\"\n"
        "    then: {measure: afforestation}\n    sources: [nowhere~art_1]\n", encoding="utf-8")
    monkeypatch.setattr(kbmod, "BUNDLED_RULES", bad)
    profile = tmp_path / "m.json"
    profile.write_text('{"id": "m1"}', encoding="utf-8")
    code = main(["--home", str(tmp_path / "home"), "advise", str(profile), "--json"])
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err
    assert "bad.yaml" in err and "minerl" in err


def test_a_closed_pipe_ends_quietly_without_a_traceback(tmp_path):
    """`minekb rules list | head -1`: the reader goes away; no BrokenPipeError."""
    import subprocess
    import sys as _sys

    proc = subprocess.Popen(
        [_sys.executable, "-m", "minekb.cli", "--home", str(tmp_path / "kb"), "rules", "list"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()  # like `head -1` exiting
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 0
