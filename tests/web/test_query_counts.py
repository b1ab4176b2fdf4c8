"""Pages stay fast with many rows: the number of SQL statements does not grow with the rows."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from models import User, db
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
