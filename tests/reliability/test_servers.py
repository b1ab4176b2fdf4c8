"""Under load and faults, with real gunicorn processes sharing one database.

- two gunicorn instances, 200 concurrent issuances → 200 unique, gap-free numbers;
- 50 documents approved twice at once (one request to each instance) →
  exactly 50 transitions and 50 answers 409;
- kill -9 of the server in the middle of issuing to 10,000 recipients → the
  document is either fully distributed or still signed, never partly; issuing
  again completes it.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, insert, select

from config.settings import TestConfig
from models import (Distribution, Document, HistoryEntry, NumberSequence, Organization,
                    RecipientGroup, db, group_members)
from tests.factories import make_draft
from workflow import services

from .conftest import call, token

pytestmark = pytest.mark.slow


def _app(url):
    from web import create_app
    return create_app(type("R", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


def _prepare(url, count, until):
    """Demo data plus `count` plans of UBND xã Bình Lư carried to `until`."""
    from web.seed import load_demo
    app = _app(url)
    with app.app_context():
        demo = load_demo(db.session)
        users, orgs = demo["users"], demo["organizations"]
        ids = []
        for i in range(count):
            doc = make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"], orgs["binhlu_ttdv"]],
                             title=f"Kế hoạch tải {i}")
            services.submit(db.session, doc, users["chuyenvien"])
            if until in ("reviewed", "signed"):
                services.approve(db.session, doc, users["truongphong"])
                services.approve(db.session, doc, users["vanphong"])
            if until == "signed":
                services.sign(db.session, doc, users["phochutich"])
            ids.append(doc.id)
        db.session.commit()
    return app, ids


def test_two_instances_200_concurrent_issuances(database_url, servers):
    app, ids = _prepare(database_url, 200, "signed")
    a, b = servers(database_url, 2)
    clerk = token(a.url, "vanthu")

    def issue(i):
        server = (a, b)[i % 2]
        return call(f"{server.url}/api/v1/documents/{ids[i]}/transitions", "POST", {"trigger": "issue"}, clerk)

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(issue, range(len(ids))))
    assert [s for s, _ in results] == [200] * len(ids), [b for s, b in results if s != 200][:3]
    numbers = sorted(body["number"] for _, body in results)
    assert numbers == list(range(1, len(ids) + 1))
    with app.app_context():
        stored = db.session.scalars(select(Document.number).where(Document.id.in_(ids))).all()
        assert sorted(stored) == numbers
        assert db.session.scalar(select(func.max(NumberSequence.last_number))) == len(ids)


def test_fifty_double_approvals_across_instances(database_url, servers):
    app, ids = _prepare(database_url, 50, "in_review")
    a, b = servers(database_url, 2)
    head = token(a.url, "truongphong")
    with app.app_context():
        versions = dict(db.session.execute(select(Document.id, Document.version).where(Document.id.in_(ids))).all())

    def approve(job):
        doc_id, server = job
        return call(f"{server.url}/api/v1/documents/{doc_id}/transitions", "POST",
                    {"trigger": "approve", "version": versions[doc_id]}, head)

    jobs = [(doc_id, server) for doc_id in ids for server in (a, b)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(approve, jobs))
    codes = [s for s, _ in results]
    assert codes.count(200) == 50 and codes.count(409) == 50, sorted(set(codes))
    for i in range(0, len(results), 2):
        assert sorted([results[i][0], results[i + 1][0]]) == [200, 409]
    with app.app_context():
        approvals = db.session.scalar(select(func.count(HistoryEntry.id)).where(
            HistoryEntry.document_id.in_(ids), HistoryEntry.trigger == "approve"))
        assert approvals == 50


RECIPIENTS = 10_000


def _big_group(app, size):
    with app.app_context():
        ubnd = db.session.scalar(select(Organization).where(Organization.name == "Ủy ban nhân dân xã Bình Lư"))
        first = db.session.scalar(select(func.coalesce(func.max(Organization.id), 0))) + 1
        db.session.execute(insert(Organization), [
            {"id": first + i, "name": f"Tổ dân phố số {i + 1}", "short_name": f"TDP {i + 1}", "abbreviation": "",
             "kind": "village", "parent_id": ubnd.id, "issues_documents": False, "header_lines": [],
             "place": "", "aliases": []} for i in range(size)])
        if db.engine.dialect.name == "postgresql":
            db.session.execute(func.setval("organization_id_seq", first + size))
        group = RecipientGroup(name="Các tổ dân phố (thử tải)", owner_id=ubnd.id, aliases=[])
        db.session.add(group)
        db.session.flush()
        db.session.execute(insert(group_members), [{"group_id": group.id, "organization_id": first + i}
                                                   for i in range(size)])
        db.session.commit()
        return group.id


def _wait_until_writing(app, database_url, timeout=20.0):
    """Return once the issuing request is inside its transaction.

    On PostgreSQL the server's statements are watched in pg_stat_activity
    (the insert of distribution rows); on SQLite, where a request holds the
    write lock from its first statement to its commit, a probe that fails to
    take that lock shows the request inside its transaction (a fixed head
    start was too long once issuing became fast).
    """
    if not database_url.startswith("postgresql"):
        import sqlite3
        path = database_url.split(":///", 1)[1]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:  # "database is locked": the request is writing
                return
            finally:
                probe.close()
            time.sleep(0.002)
        raise AssertionError("the issuing request never started writing")
    from sqlalchemy import text
    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            busy = db.session.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state = 'active' "
                "AND (query ILIKE '%INSERT INTO distribution%' OR query ILIKE '%report_duty%' "
                "OR query ILIKE '%group_member%')"))
            db.session.rollback()
            if busy:
                return
            time.sleep(0.005)
    raise AssertionError("the issuing request never started writing")


def _last_number(issuer_id):
    return db.session.scalar(select(func.coalesce(func.max(NumberSequence.last_number), 0))
                             .where(NumberSequence.series == f"org-{issuer_id}"))


def test_kill_minus_nine_while_issuing_to_10000_recipients(database_url, servers):
    from workflow.services import parse_draft_input
    app, _ = _prepare(database_url, 0, "signed")
    group_id = _big_group(app, RECIPIENTS)
    from web.seed import load_demo
    with app.app_context():
        users = load_demo(db.session)["users"]
        doc = services.create_draft(db.session, users["chuyenvien"], parse_draft_input({
            "title": "Kế hoạch gửi 10.000 tổ dân phố", "recipients": [{"group_id": group_id, "purpose": "t/h"}],
            "report_deadlines": [{"period": "năm", "due": "2099-12-01"}]}))
        for who, trigger in [("chuyenvien", "submit"), ("truongphong", "approve"),
                             ("vanphong", "approve"), ("phochutich", "sign")]:
            services.transition(db.session, doc, users[who], trigger)
        db.session.commit()
        doc_id = doc.id
        used_before = _last_number(doc.issuer_id)
    (server,) = servers(database_url, 1, workers=1, threads=2)
    clerk = token(server.url, "vanthu")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(call, f"{server.url}/api/v1/documents/{doc_id}/transitions", "POST",
                              {"trigger": "issue"}, clerk, 60)
        _wait_until_writing(app, database_url)
        server.kill9()
        try:
            pending.result(timeout=30)
        except Exception:  # the connection dies with the server
            pass
    with app.app_context():
        db.session.remove()
        state = db.session.scalar(select(Document.state).where(Document.id == doc_id))
        sent = db.session.scalar(select(func.count(Distribution.id)).where(Distribution.document_id == doc_id))
        used = _last_number(db.session.get(Document, doc_id).issuer_id) - used_before
        # Killed mid-issue: nothing of it may remain (no rows, no number used).
        assert (state, sent, used) == ("signed", 0, 0), (state, sent, used)
    (again,) = servers(database_url, 1, workers=1, threads=2)
    if state == "signed":
        status, body = call(f"{again.url}/api/v1/documents/{doc_id}/transitions", "POST",
                            {"trigger": "issue"}, token(again.url, "vanthu"), 120)
        assert status == 200, body
    with app.app_context():
        db.session.remove()
        doc = db.session.get(Document, doc_id)
        sent = db.session.scalar(select(func.count(Distribution.id)).where(Distribution.document_id == doc_id))
        assert (doc.state, doc.number, sent) == ("distributed", used_before + 1, RECIPIENTS)
