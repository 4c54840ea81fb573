"""Fixtures and data of the web UI tests: the app on the session knowledge base, a real seed case."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from typing import Iterator

import pytest

# Seed 002 §1.1 (寻乌县): a historical abandoned in-situ-leaching rare-earth mine in 赣州, acidified soil and
# landslides, restored by "山上山下、地上地下、流域上下" joint governance (三同治).
XUNWU_CASE = {
    "id": "JX-XW-001", "name": "寻乌县废弃稀土矿区", "province": "江西", "city": "赣州", "county": "寻乌县",
    "status": "historical_abandoned", "mineral": "rare_earth", "mining_method": "in_situ_leaching",
    "pollution": ["soil_acidification"], "hazards": ["landslide"],
}

ERROR_KEYS = {"error", "details"}


@pytest.fixture(scope="module")
def app(kb):
    from webui import create_app

    return create_app(kb, {"TESTING": True, "SECRET_KEY": "test-only-secret", "MINEKB_ADMIN_TOKEN": None})


@pytest.fixture()
def client(app):
    return app.test_client()


def assert_error_shape(response, status: int) -> dict:
    """The one JSON error body: ``{"error": str, "details": [{"record", "field", "message"}]}``."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body is not None, f"not JSON: {response.get_data(as_text=True)[:200]}"
    assert set(body) == ERROR_KEYS
    assert isinstance(body["error"], str) and body["error"]
    for d in body["details"]:
        assert set(d) == {"record", "field", "message"}
        assert isinstance(d["message"], str)
    return body


def csrf_from(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "the form carries no CSRF token"
    return m.group(1)


def a_clause(kb):
    """A clause with text, of a document in force (stable across corpus changes)."""
    for doc in kb.documents.values():
        for c in doc.clauses:
            if c.text and len(c.text) > 10:
                return doc, c
    raise AssertionError("the knowledge base has no clause with text")


@contextmanager
def running_server(home, *, workers: int = 1, probe: str = "/api/documents",
                   drop_env: tuple[str, ...] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real ``minekb serve`` on a free loopback port over the knowledge base ``home``: (base URL, process).

    Waits until ``probe`` answers (the test fails with the server's stderr if it never does) and stops the
    server with SIGTERM afterwards, unless the test already stopped it.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, MINEKB_HOME=str(home))
    for name in drop_env:
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "minekb.cli", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + probe, timeout=20).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    try:
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
        proc.stderr.close()
