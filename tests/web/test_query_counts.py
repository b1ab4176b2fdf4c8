"""Pages stay fast with many rows: the number of SQL statements does not grow with the rows."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select

from models import Document, User, db
from tests.factories import make_draft, make_org, make_user, run_chain


@contextmanager
def counting():
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def statements_for(b, url: str) -> int:
    b.get(url)  # warm up: first-request work (e.g. loading definitions) is not per row
    with counting() as statements:
        assert b.get(url).status_code == 200, url
    return len(statements)


def issued_plans(demo, n: int):
    orgs = demo["organizations"]
    for i in range(n):
        doc = make_draft(db.session, demo["users"]["chuyenvien"],
                         [orgs["binhlu_mttq"], orgs["binhlu_ttdv"]], title=f"Kế hoạch số {i}",
                         deadlines=[("6 tháng", "2026-06-30"), ("năm", "2026-12-15")])
        run_chain(db.session, doc)
    db.session.commit()


def waiting_plans(demo, n: int):
    for i in range(n):
        doc = make_draft(db.session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]],
                         title=f"Dự thảo chờ duyệt {i}")
        run_chain(db.session, doc, until="in_review")
    db.session.commit()


def test_lists_do_not_query_per_row(browser, demo):
    issued_plans(demo, 2)
    waiting_plans(demo, 2)
    pages = {"truongphong": ["/"], "chuyenvien": ["/", "/documents", "/documents?q=ke+hoach"],
             "mttq": ["/", "/inbox", "/inbox?view=due"], "vanthu": ["/registers/outgoing"]}
    browsers = {user: browser(user) for user in pages}
    few = {(u, url): statements_for(browsers[u], url) for u, urls in pages.items() for url in urls}
    issued_plans(demo, 12)
    waiting_plans(demo, 12)
    many = {(u, url): statements_for(browsers[u], url) for u, urls in pages.items() for url in urls}
    assert many == few


def test_document_page_does_not_query_per_recipient(browser, demo):
    parent = demo["organizations"]["binhlu"]

    def plan(n):
        units = [make_org(db.session, f"Đơn vị nhận {n}-{i}", parent=parent, kind="village") for i in range(n)]
        doc = make_draft(db.session, demo["users"]["chuyenvien"], units, deadlines=[("năm", "2026-12-31")])
        run_chain(db.session, doc)
        db.session.commit()
        return doc
    small, large = plan(3), plan(45)
    b = browser("chuyenvien")
    assert statements_for(b, f"/documents/{small.id}") == statements_for(b, f"/documents/{large.id}")


def test_admin_lists_do_not_query_per_row(browser, demo, monkeypatch):
    b = browser("admin")
    monkeypatch.setattr(User, "set_password", lambda self, pw: setattr(self, "password_hash", "-"))
    org = demo["organizations"]["binhlu_vp"]
    few = [statements_for(b, "/admin/users"), statements_for(b, "/admin/organizations"),
           statements_for(b, "/admin/groups")]
    for i in range(40):
        make_user(db.session, org, username=f"nguoidung{i:02d}")
        make_org(db.session, f"Tổ dân phố {i}", parent=org)
    db.session.commit()
    many = [statements_for(b, "/admin/users"), statements_for(b, "/admin/organizations"),
            statements_for(b, "/admin/groups")]
    assert many == few


def test_follow_up_pages_do_not_query_per_row(browser, demo):
    """The incoming views and the tracking API stay at a fixed number of statements."""
    issued_plans(demo, 2)
    pages = {"mttq": ["/inbox?view=unacknowledged", "/inbox?view=due", "/inbox?view=overdue", "/inbox?page=2"],
             "chuyenvien": ["/?kind=draft", "/api/v1/tracking", "/api/v1/tracking?overdue=1"]}
    browsers = {user: browser(user) for user in pages}
    few = {(u, url): statements_for(browsers[u], url) for u, urls in pages.items() for url in urls}
    issued_plans(demo, 12)
    many = {(u, url): statements_for(browsers[u], url) for u, urls in pages.items() for url in urls}
    assert many == few


def test_busy_pages_stay_within_six_statements(browser, demo):
    """The pages people open all day: the worklist, the incoming list, an issued document's
    page and tracking, and the dashboard (the login's user load included)."""
    issued_plans(demo, 3)
    waiting_plans(demo, 3)
    doc = db.session.scalars(select(Document.id).where(Document.state == "distributed")).first()
    pages = {"truongphong": ["/"], "mttq": ["/", "/inbox"],
             "chuyenvien": [f"/documents/{doc}", f"/api/v1/documents/{doc}/tracking", "/api/v1/tracking?overdue=1"]}
    counts = {}
    for user, urls in pages.items():
        b = browser(user)
        for url in urls:
            b.get(url)
            with counting() as statements:
                assert b.get(url).status_code == 200, url
            counts[user, url] = sum(not s.startswith("BEGIN") for s in statements)  # SQLite's own
    assert max(counts.values()) <= 6, counts


def test_document_views_do_not_query_per_recipient(browser, demo):
    """The distribution table's filters and the tracking API, on 3 and on 45 recipients."""
    parent = demo["organizations"]["binhlu"]

    def plan(n):
        units = [make_org(db.session, f"Đơn vị {n}-{i}", parent=parent, kind="village") for i in range(n)]
        doc = make_draft(db.session, demo["users"]["chuyenvien"], units, deadlines=[("năm", "2026-01-01")])
        run_chain(db.session, doc)
        db.session.commit()
        return doc
    small, large = plan(3), plan(45)
    b = browser("chuyenvien")
    for suffix in ("?recipients=unacknowledged", "?recipients=overdue", "/tracking", "/tracking?per_page=2&page=2"):
        urls = [f"/documents/{d.id}{suffix}" if suffix.startswith("?") else f"/api/v1/documents/{d.id}{suffix}"
                for d in (small, large)]
        assert statements_for(b, urls[0]) == statements_for(b, urls[1]), suffix
