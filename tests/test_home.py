"""The knowledge-base home swaps whole generations: never half of one."""
from __future__ import annotations

import pytest

from minekb.home import HomeLockedError, KnowledgeBaseHome


def test_failed_write_leaves_previous_generation_live(tmp_path):
    home = KnowledgeBaseHome(tmp_path / "h")
    with home.new_generation() as gen:
        (gen / "a.txt").write_text("old")
    live = home.current()
    with pytest.raises(RuntimeError):
        with home.new_generation() as gen:
            (gen / "a.txt").write_text("new")
            raise RuntimeError("crash in the middle")
    assert home.current() == live
    assert (live / "a.txt").read_text() == "old"
    assert not [p for p in home.generations_dir.iterdir() if p.name.endswith(".partial")]


def test_successful_write_copies_and_swaps(tmp_path):
    home = KnowledgeBaseHome(tmp_path / "h")
    with home.new_generation() as gen:
        (gen / "a.txt").write_text("one")
    with home.new_generation() as gen:
        assert (gen / "a.txt").read_text() == "one"
        (gen / "b.txt").write_text("two")
    assert (home.current() / "b.txt").read_text() == "two"


def test_second_writer_gets_clear_lock_error(tmp_path):
    home = KnowledgeBaseHome(tmp_path / "h")
    with home.lock():
        other = KnowledgeBaseHome(tmp_path / "h")
        with pytest.raises(HomeLockedError, match="another minekb process"):
            with other.lock():
                pass
