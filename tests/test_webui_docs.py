"""docs/webui.md documents every setting, route and option of the web UI (Datasette's test_docs)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from minekb.cli import main
from webui import DEFAULT_SETTINGS
from webui_helpers import app  # noqa: F401  (fixture)

DOC = (Path(__file__).resolve().parent.parent / "docs" / "webui.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in [*DEFAULT_SETTINGS, "SECRET_KEY", "MINEKB_ADMIN_TOKEN", "MINEKB_HOME"]:
        assert f"`{name}`" in DOC, name


def test_every_route_is_documented(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        stem = path.split("<")[0].rstrip("/") or "/"
        assert f"`{stem}" in DOC or f"{stem}`" in DOC or f" {stem}" in DOC, path


def test_serve_has_help_for_every_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--threads"):
        assert option in out and f"`{option}`" in DOC


def test_serve_refuses_a_bad_port_with_a_clean_error(capsys):
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
