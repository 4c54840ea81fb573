"""Shared fixtures: one knowledge base built once per test session.

``kb_home`` is a MINEKB_HOME built from the bundled knowledge in a temporary
folder; ``kb`` opens it. Tests that write (ingest) build their own home.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The seed documents are not in the repository: $MINEKB_SEEDS, $MINEKB_SHARED/seeds, or a
# folder named shared beside the checkout (CI clones main with it beside); else those tests skip.
from minekb.shared import SEEDS_HELP, seeds_dir as _find_seeds  # noqa: E402

SEEDS = _find_seeds()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if SEEDS is None:
        pytest.skip(SEEDS_HELP)
    return SEEDS


@pytest.fixture(scope="session")
def kb_home(tmp_path_factory):
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import build

    home = KnowledgeBaseHome(tmp_path_factory.mktemp("kb-home"))
    build(home)
    return home


@pytest.fixture(scope="session")
def kb(kb_home):
    from minekb.kb import KnowledgeBase

    return KnowledgeBase.open(kb_home)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test ever touches the user's real ~/.minekb."""
    monkeypatch.setenv("MINEKB_HOME", str(tmp_path / "minekb-home"))
    warnings.simplefilter("default")
