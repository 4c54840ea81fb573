"""Shared fixtures: one knowledge base built once per test session.

``kb_home`` is a MINEKB_HOME built from the bundled knowledge in a temporary
folder; ``kb`` opens it. Tests that write (ingest) build their own home.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
if not SEEDS.is_dir():  # CI clones main with shared/ beside it
    SEEDS = Path(os.environ.get("MINEKB_SEEDS", "/work/shared/seeds"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
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
