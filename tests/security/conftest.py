"""Helpers of the security tests: requests that each start with a fresh `g`."""
from __future__ import annotations

import re

import pytest
from flask import g

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def fresh_g() -> None:
    """Forget what the previous request left on `g` (the `app` fixture keeps one
    application context for the whole test; a server gives each request its own)."""
    for key in list(vars(g)):
        delattr(g, key)


@pytest.fixture
def call(client):
    """`call("post", url, **kw)`: a test-client request with a fresh `g`."""
    def run(method: str, url: str, **kwargs):
        fresh_g()
        return getattr(client, method)(url, **kwargs)
    return run


@pytest.fixture
def login(call):
    """`login(username, password)` → the response of POST /api/v1/tokens."""
    def run(username: str, password: str = "demo", **kwargs):
        return call("post", "/api/v1/tokens", json={"username": username, "password": password}, **kwargs)
    return run


@pytest.fixture
def ui_login(app, call):
    """`ui_login(username, password)` → the response of the browser login form."""
    def run(username: str, password: str = "demo"):
        page = call("get", "/login")
        token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
        return call("post", "/login", data={"username": username, "password": password,
                                            "csrf_token": token})
    return run
