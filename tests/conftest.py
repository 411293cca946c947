"""Fixtures shared across test modules."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support import ARGS, CHROMIUM, unavailable

from generator.cli import main
from generator.site.serve import make_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not found: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def sample_url(tmp_path_factory):
    """The sample records alone, as `make site` shows them, served on the loopback
    interface; built once for every browser test that needs them."""
    tmp = tmp_path_factory.mktemp("sample-site")
    args = ["build", "--as-of", "2026-11-29", "--records", str(ROOT / "records")]
    assert main([*args, "--site-dir", str(tmp / "site"), "--build-dir", str(tmp / "b")]) == 0
    server = make_server(tmp / "site", "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
