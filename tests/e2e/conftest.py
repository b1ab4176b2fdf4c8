"""Fixtures of the real-browser tests: the app served on a free port, Chromium via Playwright."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from models import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=vi-VN"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def live_server(app, demo):
    """The app (fresh database, demo data and sample plans) served on 127.0.0.1:<free port>."""
    from werkzeug.serving import make_server
    from web.demo_documents import create_demo_documents
    create_demo_documents(db.session, demo)
    db.session.commit()
    db.session.remove()  # the test thread holds no transaction while the server writes
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def chromium():
    """Debian's Chromium driven by Playwright; a missing browser fails loudly, never skips."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make test` (it installs it) "
                    "or `apt-get install chromium`.", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def shots():
    """`shots(page, "01-login")` saves a full-page screenshot under tests/e2e/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path
    return take
