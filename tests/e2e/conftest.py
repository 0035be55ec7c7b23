"""End-to-end fixtures: a real ``narrascope serve`` on loopback and headless Chromium.

Chromium is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it); Playwright drives it
and never downloads a browser. Every test here skips, saying why, when either is absent.
Screenshots go to ``screenshots/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from e2e_support import CHROMIUM, FLAGS, ROOT, SHOTS, TOKEN  # noqa: F401


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory, browser):
    """A server over a store that holds the web tests' fixture articles; yields its URL."""
    from test_web_fixtures import build_store

    home = tmp_path_factory.mktemp("e2e-home")
    db = home / "e2e.db"
    build_store(db)
    port = _free_port()
    env = {**os.environ, "NARRASCOPE_TOKEN": TOKEN, "NARRASCOPE_HOME": str(home),
           "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    log = open(home / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "narrascope", "serve", "--db", str(db),
                             "--port", str(port), "--quiet"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError("the server exited: " + (home / "server.log").read_text())
            try:
                urllib.request.urlopen(url + "/api/stats/overview", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1300, "height": 900})
    p = ctx.new_page()
    p.console_errors = []
    p.on("console", lambda m: p.console_errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.console_errors.append(str(e)))
    yield p
    ctx.close()
