"""The server under faults: several workers, an ingest running beside it, a second ingest refused."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request

import pytest

from minekb import kb as kbmod
from minekb.home import HomeLockedError, KnowledgeBaseHome
from webui_helpers import running_server


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=20) as resp:
        return json.loads(resp.read())


@pytest.fixture()
def server(kb_home):
    with running_server(kb_home.path, workers=2, probe="/api/search?q=%E5%85%89%E4%BC%8F") as (base, proc):
        yield base, proc


def test_two_worker_processes_serve_and_stop_on_sigterm(server):
    base, proc = server
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 2
    results = [_get(base + "/api/search?q=%E7%94%9F%E6%80%81%E4%BF%9D%E6%8A%A4%E7%BA%A2%E7%BA%BF")
               for _ in range(10)]
    assert all(r["total"] > 0 for r in results)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)


def test_searches_keep_answering_while_an_ingest_runs(server, kb_home, seeds_dir, tmp_path):
    base, _ = server
    errors: list[str] = []
    done = threading.Event()
    answered = 0

    def ingest():
        try:
            # a copy of the session KB: the running server reads the session one
            home = KnowledgeBaseHome(tmp_path / "home")
            kbmod.build(home)
            kbmod.ingest([seeds_dir], home)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            done.set()

    worker = threading.Thread(target=ingest)
    worker.start()
    while not done.is_set():
        assert _get(base + "/api/search?q=%E5%A4%8D%E5%9E%A6")["total"] > 0
        answered += 1
    worker.join()
    assert not errors
    assert answered >= 3


def test_a_second_ingest_at_the_same_time_is_refused_with_a_clear_message(tmp_path):
    home = KnowledgeBaseHome(tmp_path / "home")
    kbmod.build(home)
    doc = tmp_path / "a.txt"
    doc.write_text("某县矿山修复通知\n\n第一条 禁止在生态保护红线内新建矿山。\n", encoding="utf-8")
    with home.lock():  # another process's ingest holds the home
        result = subprocess.run([sys.executable, "-m", "minekb.cli", "--home", str(home.path), "ingest", str(doc)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "another minekb process is writing" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(HomeLockedError):
        with home.lock():
            with KnowledgeBaseHome(home.path).lock():
                pass
