"""The real thing: gunicorn with two worker processes on a fresh database (a SQLite
file; a new PostgreSQL database in CI's PostgreSQL run), after `flask db upgrade`
and `seed-demo`, as docs/DEPLOY.md describes.

A token issued by one worker is accepted by the other (and the reverse), so
nothing about logins lives in a process's memory; with Redis reachable the
login throttle is shared by the workers too. The gunicorn access log, with
the worker's pid on each line, tells which worker answered which request.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, USE_PG

REPO = Path(__file__).resolve().parents[2]
USERS = ("chuyenvien", "vanthu", "truongphong", "mttq")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str | None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return "redis://127.0.0.1:6379/14"
    except OSError:
        return None


@contextmanager
def _fresh_database(tmp_path: Path):
    """The URL of an empty database: a new PostgreSQL database when the tests run on
    PostgreSQL (dropped afterwards), else a new SQLite file."""
    if not USE_PG:
        yield f"sqlite:///{tmp_path / 'vanban.sqlite3'}"
        return
    name, server = f"deploy_{uuid.uuid4().hex[:10]}", PG_URL.rsplit("/", 1)[0]
    admin = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _environment(tmp_path: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "RATELIMIT"))}
    env.update(APP_ENV="production", SECRET_KEY="deploy-test-" + uuid.uuid4().hex, DATABASE_URL=database_url,
               RATELIMIT_KEY_PREFIX="deploytest-" + uuid.uuid4().hex[:12], PYTHONUNBUFFERED="1")
    redis = _redis_url()
    if redis:
        env["REDIS_URL"] = redis
    return env


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Server:
    """A gunicorn master with its workers; `request` tags each call with a probe id."""

    def __init__(self, tmp_path: Path, env: dict):
        self.port, self.access, self.errors = _free_port(), tmp_path / "access.log", tmp_path / "error.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
             "--access-logfile", str(self.access), "--error-logfile", str(self.errors),
             "--access-logformat", "%(p)s %(U)s %(q)s %(s)s", "wsgi:app"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def workers(self) -> set[str]:
        text = self.errors.read_text() if self.errors.exists() else ""
        return set(re.findall(r"Booting worker with pid: (\d+)", text))

    def wait_ready(self, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.process.poll() is None, self.errors.read_text()[-3000:]
            if len(self.workers()) == 2:
                try:
                    if self.request("GET", "/api/v1/openapi.json")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not start: " + self.errors.read_text()[-3000:])

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """(status, JSON body, probe id) of one request on a new connection."""
        probe = uuid.uuid4().hex
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, f"{path}?probe={probe}", json.dumps(body) if body else None, headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(data) if is_json else None, probe

    def served_by(self, probes: list[str], timeout: float = 5) -> dict[str, str]:
        """Which worker pid answered each probe (from the access log)."""
        end = time.monotonic() + timeout
        while True:
            found = {}
            if self.access.exists():
                for line in self.access.read_text().splitlines():
                    match = re.match(r"<(\d+)> \S+ probe=([0-9a-f]+) \d+", line)
                    if match:
                        found[match.group(2)] = match.group(1)
            if all(p in found for p in probes) or time.monotonic() > end:
                return found
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One deployment for the module: migrate, seed, start (seeding hashes ~40 passwords)."""
    tmp_path = tmp_path_factory.mktemp("deploy")
    with _fresh_database(tmp_path) as url:
        env = _environment(tmp_path, url)
        _flask(env, "db", "upgrade")
        assert "Demo data loaded" in _flask(env, "seed-demo", "--no-documents")
        running = Server(tmp_path, env)
        try:
            running.wait_ready()
            yield running
        finally:
            running.stop()


@pytest.mark.slow
def test_tokens_work_across_two_gunicorn_workers(server):
    """Tokens are asked for four at a time: a sync worker serves one request at once, so
    while one hashes a password the other accepts the next (asked one by one, the kernel
    may hand every request to the same worker, as it once did in CI)."""
    workers = server.workers()
    pairs = {(a, b) for a in workers for b in workers if a != b}
    issued: dict[str, tuple[str, str]] = {}   # token -> (username, pid that issued it)
    crossed: set[tuple[str, str]] = set()      # (issuing pid, answering pid) of accepted tokens
    deadline = time.monotonic() + 40
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(8):  # 8 tokens per account, under its 10 logins a minute
            if pairs <= crossed or time.monotonic() > deadline:
                break
            asked = list(pool.map(lambda user: (user, server.request(
                "POST", "/api/v1/tokens", {"username": user, "password": "demo"})), USERS))
            pids = server.served_by([probe for _, (_, _, probe) in asked])
            for user, (status, body, probe) in asked:
                assert status == 201, body
                issued[body["token"]] = (user, pids[probe])
            calls = [(token, user) for token, (user, _) in issued.items()] * 2
            results = list(pool.map(lambda c: (c, server.request("GET", "/api/v1/me", token=c[0])), calls))
            pids = server.served_by([r[2] for _, r in results])
            for (token, user), (status, body, probe) in results:
                assert status == 200 and body["username"] == user, (status, body)
                crossed.add((issued[token][1], pids[probe]))
    assert {pid for _, pid in issued.values()} <= workers
    assert pairs <= crossed, f"each worker should accept the other's tokens; seen {crossed} with workers {workers}"


@pytest.mark.slow
def test_production_headers_and_lockout_under_gunicorn(server):
    status, body, _ = server.request("POST", "/api/v1/tokens", {"username": "vanphong", "password": "sai"})
    assert status == 401 and body["error"] == "invalid_credentials"
    for _ in range(4):
        status, body, _ = server.request("POST", "/api/v1/tokens", {"username": "vanphong", "password": "sai"})
    assert status == 403 and body["error"] == "account_locked"  # the 5th failure, whichever worker saw it
    status, body, _ = server.request("POST", "/api/v1/tokens", {"username": "vanphong", "password": "demo"})
    assert status == 403 and "tạm thời bị khóa" in body["message"]
    connection = HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/api/v1/openapi.json")
    headers = {k.lower(): v for k, v in connection.getresponse().getheaders()}
    connection.close()
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "unsafe-inline" not in headers["content-security-policy"]


@pytest.mark.slow
def test_login_throttle_is_shared_by_the_workers_through_redis(server):
    """10 logins a minute per account: the 11th is refused whichever worker gets it."""
    if _redis_url() is None:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    body = {"username": "danguy", "password": "demo"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: server.request("POST", "/api/v1/tokens", body), range(11)))
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [201] * 10 + [429], statuses
    refused = next(b for s, b, _ in results if s == 429)
    assert refused["error"] == "too_many_requests"
    pids = set(server.served_by([probe for _, _, probe in results]).values())
    assert pids == server.workers(), "both workers answered, so the count lives in Redis"
