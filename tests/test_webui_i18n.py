"""The interface speaks Chinese first and English on the switch; every string exists in both."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from webui.i18n import catalog
from webui_helpers import app, client  # noqa: F401  (fixtures)

TEMPLATES = Path(__file__).resolve().parent.parent / "webui" / "templates"
PY = Path(__file__).resolve().parent.parent / "webui"


def _used_keys() -> tuple[set[str], set[str]]:
    """Keys named literally in templates, and the prefixes of keys built as ``_("prefix." ~ value)``."""
    literal, prefixes = set(), set()
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        literal |= set(re.findall(r"""_\(\s*["']([a-z_]+(?:\.[a-z_]+)*)["']\s*[,)]""", text))
        prefixes |= set(re.findall(r"""_\(\s*["']([a-z_]+\.)["']\s*~""", text))
    return literal, prefixes


def test_every_message_used_by_a_template_exists_in_chinese_and_english():
    messages = catalog()
    literal, prefixes = _used_keys()
    assert literal, "no messages found in the templates"
    missing = sorted(k for k in literal if k not in messages)
    assert not missing, missing
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in messages), prefix
    for key, entry in messages.items():
        assert entry["zh"].strip() and entry["en"].strip(), key


@pytest.mark.parametrize("prefix,vocabulary", [
    ("level.", "LEVELS"), ("status.", "STATUSES"), ("ctype.", "CLAUSE_TYPES"), ("rel.", "RELATION_TYPES"),
    ("relin.", "RELATION_TYPES"),
])
def test_every_corpus_vocabulary_value_has_a_label(prefix, vocabulary):
    import corpus.model as model

    for value in getattr(model, vocabulary):
        assert f"{prefix}{value}" in catalog(), f"{prefix}{value}"


def test_every_rule_conclusion_kind_has_a_label():
    from rules.model import KINDS

    for kind in KINDS:
        assert f"kind.{kind}" in catalog()


def test_the_language_cookie_is_remembered_across_pages(client):
    client.get("/lang/en?next=/")
    for path in ("/", "/documents", "/rules", "/advice/batch"):
        assert '<html lang="en">' in client.get(path).get_data(as_text=True), path


def test_chinese_is_the_default_and_an_unknown_cookie_falls_back_to_it(client):
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)
    client.set_cookie("lang", "xx")
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', text, re.S):
            assert 'name="csrf_token"' in form, path.name
