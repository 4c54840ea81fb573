"""A process killed in the middle of an index build leaves the previous knowledge base whole."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from minekb import kb as kbmod
from minekb.home import KnowledgeBaseHome

SCRIPT = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    import search.index
    from minekb import kb
    from minekb.home import KnowledgeBaseHome

    real = search.index.build_index

    def build_then_hang(gen_dir, documents, progress):
        real(gen_dir, documents, progress)          # the new index is half-way into the new generation
        Path(sys.argv[2]).write_text(str(gen_dir))
        time.sleep(120)                            # killed here, before the swap

    search.index.build_index = build_then_hang
    kb.ingest([sys.argv[3]], KnowledgeBaseHome(sys.argv[1]))
''')


def test_kill_during_index_build_keeps_the_old_generation_live_and_searchable(tmp_path):
    home = KnowledgeBaseHome(tmp_path / "home")
    kbmod.build(home)
    live = home.current()
    before = kbmod.KnowledgeBase.open(home)
    hits_before = before.searcher.search("光伏")["total"]
    docs_before = set(before.documents)

    doc = tmp_path / "new.txt"
    doc.write_text("某县光伏复垦办法\n\n第一条 鼓励在采煤塌陷区建设光伏电站。\n", encoding="utf-8")
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(home.path), str(marker), str(doc)])
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the ingest never reached the index build"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)

    assert home.current() == live, "a killed build must not become live"
    after = kbmod.KnowledgeBase.open(home)
    assert set(after.documents) == docs_before
    assert after.searcher.search("光伏")["total"] == hits_before

    # the next writer clears the dead build's leftovers and succeeds
    kbmod.ingest([doc], home)
    assert home.current() != live
    assert not [p for p in home.generations_dir.iterdir() if p.name.endswith(".partial")]
    assert len(kbmod.KnowledgeBase.open(home).documents) == len(docs_before) + 1
