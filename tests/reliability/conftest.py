"""Real servers for the reliability tests: a fresh database and gunicorn processes.

Each test module gets its own database (a new PostgreSQL database when the
suite runs on PostgreSQL, else a SQLite file), migrated with `flask db upgrade`
exactly as a deployment is, and gunicorn instances started as subprocesses.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import json
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, USE_PG

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A migrated, empty database for the module."""
    if USE_PG:
        name = f"rel_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('rel') / 'rel.sqlite3'}"
    env = dict(os.environ, DATABASE_URL=url)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    yield url
    if USE_PG:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Server:
    """One gunicorn instance (several workers) of the app on a free port."""

    def __init__(self, database_url: str, workers: int = 2, threads: int = 4):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="reliability-test-secret",
                   APP_ENV="development")
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.proc.stderr.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in time")

    def kill9(self) -> None:
        """Kill the whole process group with SIGKILL, as a crash would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()


@pytest.fixture
def servers():
    """Start gunicorn instances with `servers(url, count)`; all are stopped afterwards."""
    started: list[Server] = []

    def start(database_url: str, count: int = 1, **kw) -> list[Server]:
        new = [Server(database_url, **kw) for _ in range(count)]
        started.extend(new)
        return new
    yield start
    for server in started:
        server.stop()


def call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None,
         timeout: float = 120) -> tuple[int, dict]:
    """A JSON request with the standard library: (status, decoded body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def token(server_url: str, username: str, password: str = "demo") -> str:
    status, body = call(f"{server_url}/api/v1/tokens", "POST", {"username": username, "password": password})
    assert status == 201, body
    return body["token"]
