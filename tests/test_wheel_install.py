"""`pip install .` then `minekb serve`: the built wheel carries the bundled knowledge as package data.

Builds the wheel from a fresh copy of the repository, installs it into a new
virtualenv (dependencies from the configured index, as a user's pip would),
and runs the installed `minekb` from a folder outside the repository: advice
for an example profile, then the server answering a search and an advice.
Takes about a minute (the dependencies' install), hence ``slow``; it runs in CI.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_readme_commands import _fresh_copy

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_wheel_installs_and_serves_the_bundled_knowledge(tmp_path):
    src = _fresh_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = dist.glob("minekb-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                         capture_output=True, text=True, timeout=1200)
    assert pip.returncode == 0, pip.stderr[-3000:]
    minekb = venv / "bin" / "minekb"
    assert minekb.exists()

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINEKB_", "PYTHON", "VIRTUAL_ENV"))}
    env["MINEKB_HOME"] = str(tmp_path / "home")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import minekb, corpus; print(minekb.__file__)"],
                           cwd=outside, env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where  # the installed copy, not a checkout

    advice = subprocess.run([str(minekb), "advise", str(REPO / "examples" / "mine.json"), "--json"],
                            cwd=outside, env=env, capture_output=True, text=True, timeout=600)
    assert advice.returncode == 0, advice.stderr[-3000:]
    result = json.loads(advice.stdout)
    assert result["mine_id"] == "JX-GZ-2019-017" and result["restoration_category"]["reasons"][0]["sources"]

    port = _free_port()
    proc = subprocess.Popen([str(minekb), "serve", "--port", str(port)], cwd=outside, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/api/search?q=%E5%85%89%E4%BC%8F", timeout=20) as resp:
                    hits = json.loads(resp.read())
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail("minekb serve did not start: " + proc.stderr.read().decode()[-3000:])
                time.sleep(0.3)
        assert hits["total"] > 0
        body = (REPO / "examples" / "mines" / "pit-photovoltaic.json").read_bytes()
        req = urllib.request.Request(base + "/api/advise", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            answer = json.loads(resp.read())
        assert answer["intended_use"][0]["id"] == "photovoltaic"
        with urllib.request.urlopen(base + "/", timeout=20) as resp:
            assert resp.status == 200 and "text/html" in resp.headers["Content-Type"]
    finally:
        proc.terminate()
        proc.wait(20)
        proc.stderr.close()
