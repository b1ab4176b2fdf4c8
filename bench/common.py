"""Shared helpers of the benchmark scripts: databases, the app, a small world, timing,
counting, JSON.

Every script measures something against a baseline taken in the same process
run and prints one JSON object (`report`) with the figures, the ratios, the
goal and `meets_goal`, plus the machine's load before and after, since the
two cores are shared with other work.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
import timeit
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import event

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
_LOAD_AT_START = None


def loadavg() -> list[float]:
    """The 1, 5 and 15-minute load averages (empty where /proc is missing)."""
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def conninfo(dbname: str) -> str:
    """A libpq connection string for `dbname` on the benchmark server."""
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={dbname}"


def sqlalchemy_url(dbname: str) -> str:
    """The SQLAlchemy URL (psycopg 3) of `dbname`."""
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}"


def database_exists(dbname: str) -> bool:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone() is not None


def recreate_database(dbname: str) -> None:
    """Drop `dbname` (closing its connections) and create it empty."""
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')


def make_app(dbname: str, **settings):
    """The application built by `create_app` on `dbname` (CSRF off), its tables created."""
    from config.settings import TestConfig
    from models import db
    from web import create_app
    attrs = {"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(dbname), "WTF_CSRF_ENABLED": False,
             "RATELIMIT_ENABLED": False, **settings}
    app = create_app(type("BenchConfig", (TestConfig,), attrs))
    with app.app_context():
        db.create_all()
    return app


def build_world(session, recipients: int, *, under_issuer: bool = True) -> dict:
    """A commune UBND, its people (one per step) and `recipients` units with one user each:
    villages of the commune, or (`under_issuer=False`) units elsewhere in the province."""
    from models import Organization, RecipientGroup, User
    ubnd = Organization(name="Ủy ban nhân dân xã Bình Lư", short_name="UBND xã", abbreviation="UBND",
                        kind="commune", issues_documents=True, place="Bình Lư",
                        header_lines=["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"])
    dept = Organization(name="Phòng Văn hóa - Xã hội", abbreviation="VHXH", kind="department", parent=ubnd)
    office = Organization(name="Văn phòng", abbreviation="VP", kind="office", parent=ubnd)
    parent = ubnd if under_issuer else Organization(name="Tỉnh Lai Châu", kind="province")
    villages = [Organization(name=f"Thôn {i:03d}", short_name=f"Thôn {i:03d}", abbreviation=f"T{i:03d}",
                             kind="village", parent=parent) for i in range(1, recipients + 1)]
    spec = {"drafter": (dept, "Chuyên viên", "drafter"), "head": (dept, "Trưởng phòng", "reviewer"),
            "office": (office, "Chánh Văn phòng", "format_checker"),
            "deputy": (office, "Phó Chánh Văn phòng", "reviewer"),
            "signer": (ubnd, "Phó Chủ tịch", "signer"), "clerk": (office, "Văn thư", "clerk")}
    people = {k: User(username=k, full_name=f"Cán bộ {k}", organization=o, position=p, roles=[r])
              for k, (o, p, r) in spec.items()}
    readers = [User(username=f"thon{i:03d}", full_name=f"Trưởng thôn {i:03d}", organization=v,
                    position="Cán bộ", roles=["recipient"]) for i, v in enumerate(villages, 1)]
    group = RecipientGroup(name="Các thôn", owner=ubnd, members=villages)
    session.add_all([ubnd, dept, office, *villages, *people.values(), *readers, group])
    session.commit()
    return {"ids": {k: u.id for k, u in people.items()}, "group": group.id, "ubnd": ubnd.id,
            "dept": dept.id, "readers": {r.organization_id: r.id for r in readers}}


def draft_input(world: dict, n: int) -> dict:
    return {"doc_type": "KH", "title": f"Kế hoạch tổ chức Ngày hội đại đoàn kết số {n}",
            "sections": [{"heading": "I. MỤC ĐÍCH, YÊU CẦU", "paragraphs": ["Nội dung kế hoạch."] * 3}],
            "recipients": [{"group_id": world["group"], "purpose": "t/h"}],
            "report_deadlines": [{"period": "6 tháng", "due": "2099-06-15"}]}


class StatementCounter:
    """Counts the statements sent to the database through an engine, by
    `before_cursor_execute` (an executemany counts once: one round of the protocol)."""

    def __init__(self, engine):
        self.engine, self.count, self.statements = engine, 0, []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if self.keep:
            self.statements.append(statement.split("\n")[0][:160])

    def reset(self) -> int:
        """Answer the count so far and start again from zero."""
        n, self.count, self.statements = self.count, 0, []
        return n

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


class DriverStatementCounter:
    """Counts the statements psycopg sends, in the whole process while it is installed (a
    `Cursor.execute` once, an `executemany` once: what `StatementCounter` counts), for timed
    work. An engine event listener turns on SQLAlchemy's event dispatch around every
    statement, BEGIN and COMMIT of the engine: on bench/chain.py's acknowledgements that
    was 8% more instructions than the same work unobserved (callgrind), paid by our side
    only, since the floor counts its own statements. Read it only around our actions."""

    def __init__(self):
        self.count = 0
        self._execute, self._executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany
        counter, execute, executemany = self, self._execute, self._executemany

        def counted_execute(cursor, *args, **kwargs):
            counter.count += 1
            return execute(cursor, *args, **kwargs)

        def counted_executemany(cursor, *args, **kwargs):
            counter.count += 1
            return executemany(cursor, *args, **kwargs)
        psycopg.Cursor.execute, psycopg.Cursor.executemany = counted_execute, counted_executemany

    def reset(self) -> int:
        """Answer the count so far and start again from zero."""
        n, self.count = self.count, 0
        return n

    def close(self) -> None:
        psycopg.Cursor.execute, psycopg.Cursor.executemany = self._execute, self._executemany


class DatabaseWait:
    """The seconds spent waiting for PostgreSQL (the network and the server's work), summed
    over every psycopg connection of the process while it is installed: psycopg's blocking
    connection runs each exchange with the server (a statement, BEGIN, COMMIT) in
    `Connection.wait`, so what a timing spends outside it is the client's own work (Python:
    the application, SQLAlchemy, psycopg's adaptation). The same meter serves both sides."""

    def __init__(self):
        self.seconds = 0.0
        self._wait = psycopg.Connection.wait
        meter, wait = self, self._wait

        def timed(conn, gen, *args, **kwargs):
            started = time.perf_counter()
            try:
                return wait(conn, gen, *args, **kwargs)
            finally:
                meter.seconds += time.perf_counter() - started
        psycopg.Connection.wait = timed

    def reset(self) -> float:
        """Answer the seconds so far and start again from zero."""
        seconds, self.seconds = self.seconds, 0.0
        return seconds

    def close(self) -> None:
        psycopg.Connection.wait = self._wait


@contextmanager
def stopwatch(into: list):
    """Append the elapsed seconds of the `with` block to `into`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        into.append(time.perf_counter() - start)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation."""
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict:
    """Median, p95, min and max of timings given in seconds, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2),
            "min_ms": round(min(ms), 2), "max_ms": round(max(ms), 2)}


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("inf")


def start() -> None:
    """Note the load when the measuring begins (called at the top of `main`)."""
    global _LOAD_AT_START
    _LOAD_AT_START = loadavg()


def docx_render_ms(app, doc_id: int, n: int = 10) -> float:
    """The median time to render `doc_id`'s .docx, which issuing does once to freeze it."""
    from models import Document, db
    from workflow.docio import render_docx
    from workflow.documents_io import render_spec
    with app.app_context():
        spec, runs = render_spec(db.session.get(Document, doc_id)), []
        for _ in range(n):
            with stopwatch(runs):
                render_docx(spec)
    return round(statistics.median(runs) * 1000, 1)


def roundtrip_ms(dbname: str = "postgres", n: int = 200) -> float:
    """The median time of one `SELECT 1` round trip to the server now (how loaded it is)."""
    with psycopg.connect(conninfo(dbname), autocommit=True) as conn:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 3)


def report(name: str, result: dict, *, goal: str, meets_goal: bool) -> None:
    """Print the script's one JSON object on stdout."""
    out = {"benchmark": name, "goal": goal, "meets_goal": bool(meets_goal), **result,
           "machine": {"loadavg_start": _LOAD_AT_START, "loadavg_end": loadavg(),
                       "pg_roundtrip_ms_end": roundtrip_ms(), "cpus": os.cpu_count(),
                       "python": sys.version.split()[0], "python_loop_ms": python_loop_ms()}}
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))


def python_loop_ms() -> float:
    """The best of five `sum(range(10**6))` in ms: how fast this machine runs Python, so that
    absolute figures of different machines (or sessions on shared hosts) can be compared;
    the ratios to a baseline run in the same process need no such correction."""
    best = min(timeit.repeat("sum(range(10**6))", number=1, repeat=5))
    return round(best * 1000, 1)


def log(message: str) -> None:
    """Progress on stderr, so stdout stays one JSON object."""
    print(message, file=sys.stderr, flush=True)
