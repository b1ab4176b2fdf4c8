"""Fixtures of the view tests: a logged-in browser-like client and the demo plans."""
from __future__ import annotations

import re

import pytest

from models import db

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def fresh_request_globals() -> None:
    """Forget what the previous request left on `g`.

    The `app` fixture keeps one application context pushed for the whole test,
    so every test-client request shares its `g` (CSRF token cache, locale cache,
    rollback flag…); in a server each request has its own.
    """
    from flask import g
    for key in list(vars(g)):
        delattr(g, key)


class Browser:
    """A test client that logs in through the form and sends the CSRF token like a browser."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def get(self, url, **kw):
        fresh_request_globals()
        response = self.client.get(url, **kw)
        if response.mimetype == "text/html":
            match = CSRF_RE.search(response.get_data(as_text=True))
            if match:
                self.token = match.group(1)
        return response

    def post(self, url, data=None, *, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        fresh_request_globals()
        return self.client.post(url, data=data, **kw)

    def login(self, username, password="demo"):
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        self.get("/")
        return self

    def text(self, url, status=200):
        response = self.get(url)
        assert response.status_code == status, (url, response.status_code)
        return response.get_data(as_text=True)


@pytest.fixture
def browser(app, demo):
    """`browser("chuyenvien")` → a `Browser` logged in as that demo user."""
    def make(username=None):
        b = Browser(app)
        return b.login(username) if username else b
    return make


@pytest.fixture
def plans(demo):
    """The four sample plans of the demo (issued, waiting for review, signed, draft)."""
    from sqlalchemy import select
    from models import Document
    from web.demo_documents import create_demo_documents
    create_demo_documents(db.session, demo)
    db.session.commit()
    docs = list(db.session.scalars(select(Document).order_by(Document.id)))
    return {"issued": docs[0], "in_review": docs[1], "signed": docs[2], "draft": docs[3]}

