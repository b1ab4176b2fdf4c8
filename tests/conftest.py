"""Fixtures: an app per test with a fresh database (SQLite file, or PostgreSQL
when DATABASE_URL points at one), a client, the demo data and API helpers."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from config.settings import TestConfig, normalise_database_url
from models import db
from workflow import clock

PG_URL = normalise_database_url(os.environ.get("DATABASE_URL", ""))
USE_PG = PG_URL.startswith("postgresql")
CORPUS_DIR = Path(os.environ.get("CORPUS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
_pg_schema_ready = False


def database_url(tmp_path: Path) -> str:
    """The database a test runs on: PostgreSQL if configured, else a new SQLite file."""
    return PG_URL if USE_PG else f"sqlite:///{tmp_path / 'test.sqlite3'}"


def reset_database() -> None:
    """Every table, empty, in the current app's database: SQLite creates them; PostgreSQL
    creates them once per run, then truncates them."""
    global _pg_schema_ready
    if USE_PG:
        if not _pg_schema_ready:
            db.drop_all()
            db.create_all()
            _pg_schema_ready = True
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
    else:
        db.create_all()


@pytest.fixture
def app(tmp_path):
    """A new application on an empty database with every table created."""
    from web import create_app
    application = create_app(type("T", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
                                                       "WTF_CSRF_ENABLED": True}))
    with application.app_context():
        reset_database()
        yield application
        db.session.remove()
        clock.set_now(None)


@pytest.fixture
def session(app):
    """The request-independent database session of the test's app."""
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# A salted hash of "demo" with few iterations, computed once: hashing the
# password of ~50 demo users with the default (deliberately slow) method would
# cost seconds per test.
_FAST_DEMO_HASH = generate_password_hash("demo", method="pbkdf2:sha256:1000")


@pytest.fixture
def demo(app, monkeypatch):
    """The demo organizations, groups and users (password "demo"), committed."""
    from models import User
    from web.seed import load_demo
    monkeypatch.setattr(User, "set_password", lambda self, pw: setattr(
        self, "password_hash", _FAST_DEMO_HASH if pw == "demo" else generate_password_hash(pw)))
    data = load_demo(db.session)
    db.session.commit()
    monkeypatch.undo()
    return data


class ApiClient:
    """A test client that sends a bearer token for one user."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def _call(self, method, url, **kwargs):
        headers = kwargs.pop("headers", {})
        headers["Authorization"] = f"Bearer {self.token}"
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self._call("get", url, **kw)

    def post(self, url, **kw):
        return self._call("post", url, **kw)

    def put(self, url, **kw):
        return self._call("put", url, **kw)


@pytest.fixture
def api(client, demo):
    """`api("chuyenvien")` → an `ApiClient` logged in as that demo user."""
    tokens = {}

    def login(username: str, password: str = "demo") -> ApiClient:
        if username not in tokens:
            response = client.post("/api/v1/tokens", json={"username": username, "password": password})
            assert response.status_code == 201, response.get_json()
            tokens[username] = response.get_json()["token"]
        return ApiClient(client, tokens[username])
    return login


@pytest.fixture
def frozen_clock():
    """Control the engine's clock: `frozen_clock(datetime(...))` sets it (naive UTC)."""
    def set_to(moment):
        clock.set_now(moment)
    yield set_to
    clock.set_now(None)
