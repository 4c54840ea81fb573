"""The knowledge-base home swaps whole generations: never half of one."""
from __future__ import annotations

import pytest

from minekb.home import DiscardGeneration, HomeLockedError, KnowledgeBaseHome


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


def test_a_discarded_generation_leaves_the_live_one_and_no_leftovers(tmp_path):
    home = KnowledgeBaseHome(tmp_path / "h")
    with home.new_generation() as gen:
        (gen / "a.txt").write_text("old")
    live = home.current()
    with home.new_generation() as gen:
        (gen / "a.txt").write_text("new")
        raise DiscardGeneration
    assert home.current() == live
    assert (live / "a.txt").read_text() == "old"
    assert [p.name for p in home.generations_dir.iterdir()] == [live.name]


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


def test_home_built_from_older_bundled_knowledge_is_refreshed_keeping_user_documents(tmp_path, monkeypatch):
    """An upgrade that changes the bundled corpus must not leave a stale knowledge base behind."""
    import shutil

    from minekb import kb as kbmod

    bundled = tmp_path / "bundled"
    shutil.copytree(kbmod.BUNDLED_CORPUS, bundled)
    monkeypatch.setattr(kbmod, "BUNDLED_CORPUS", bundled)
    home = KnowledgeBaseHome(tmp_path / "h")
    kbmod.build(home)
    user_doc = tmp_path / "user.txt"
    user_doc.write_text("某市废弃矿山修复办法\n\n第一条 鼓励社会资本参与废弃矿山生态修复。\n", encoding="utf-8")
    kbmod.ingest([user_doc], home)
    before = kbmod.KnowledgeBase.open(home).documents
    victim = sorted(bundled.glob("*.md"))[0]
    victim_id = next(d.id for d in before.values() if d.title and d.id in victim.read_text(encoding="utf-8"))
    victim.unlink()

    after = kbmod.KnowledgeBase.open(home)
    assert victim_id not in after.documents, "a bundled document removed from the checkout must leave the KB"
    assert len(after.documents) == len(before) - 1, "the user's ingested document must survive the refresh"
    assert kbmod._is_fresh(after.gen_dir)


def test_ingesting_an_unchanged_file_keeps_the_live_generation(tmp_path):
    from minekb import kb as kbmod

    home = KnowledgeBaseHome(tmp_path / "h")
    kbmod.build(home)
    doc = tmp_path / "a.txt"
    doc.write_text("某县矿山修复通知\n\n第一条 禁止在生态保护红线内新建矿山。\n", encoding="utf-8")
    kbmod.ingest([doc], home)
    live = home.current()
    report = kbmod.ingest([doc], home)
    assert not report.changed
    assert home.current() == live
