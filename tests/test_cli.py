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
