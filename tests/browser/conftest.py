"""A real ``minekb serve`` (waitress) on loopback, and Debian's chromium driven by Playwright."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(kb_home, tmp_path_factory):
    """``minekb serve`` as a user starts it, on a free loopback port; yields its base URL."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = dict(os.environ, MINEKB_HOME=str(kb_home.path), SECRET_KEY="browser-test-secret")
    env.pop("MINEKB_ADMIN_TOKEN", None)
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "minekb.cli", "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--threads", "4"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "ready in" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"minekb serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup installs it)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context
        context.close()


@pytest.fixture()
def page(browser, server):
    browser.clear_cookies()   # each journey starts as a new visitor: Chinese, no remembered language or profile
    page = browser.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.close()


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (look at them: the pages must read well)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
