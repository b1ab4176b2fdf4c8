"""Read-side queries of the UI (workflow/dashboards.py, workflow/document_page.py), without the browser."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from models import Distribution, ReportDuty, db
from tests.factories import make_draft, run_chain
from workflow import clock, dashboards, document_page, services


def test_worklist_counts_by_kind(demo):
    users, orgs = demo["users"], demo["organizations"]
    make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]], title="A")
    b = make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]], title="B")
    run_chain(db.session, b, until="in_review")
    assert dashboards.worklist_counts(db.session, users["chuyenvien"])["draft"] == 1
    assert dashboards.worklist_counts(db.session, users["truongphong"])["review"] == 1
    services.transition(db.session, b, users["truongphong"], "return", comment="Sửa lại.")
    counts = dashboards.worklist_counts(db.session, users["chuyenvien"])
    assert counts["returned"] == 1 and counts["draft"] == 1 and counts["total"] == 2
    page = dashboards.worklist_page(db.session, users["chuyenvien"])
    assert [(i.document.title, i.kind) for i in page.items] == [("B", "returned"), ("A", "draft")]
    assert page.items[0].returned_step.comment == "Sửa lại."


def test_last_seen_revision_is_the_one_current_at_the_users_last_act(demo, frozen_clock):
    users, orgs = demo["users"], demo["organizations"]
    t0 = datetime(2026, 3, 2, 2, 0)
    frozen_clock(t0)
    doc = make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]])
    services.submit(db.session, doc, users["chuyenvien"])
    assert document_page.last_seen_revision(db.session, doc, users["truongphong"]) is None
    assert document_page.revisions_seen_by(db.session, doc, users["truongphong"])[1] is None
    frozen_clock(t0 + timedelta(hours=1))
    services.transition(db.session, doc, users["truongphong"], "return", comment="Sửa.")
    frozen_clock(t0 + timedelta(hours=2))
    data = services.parse_draft_input({"title": "Mới", "recipients": [
        {"organization_id": orgs["binhlu_mttq"].id, "purpose": "t/h"}]})
    services.update_draft(db.session, doc, users["chuyenvien"], data)
    services.submit(db.session, doc, users["chuyenvien"])
    assert document_page.last_seen_revision(db.session, doc, users["truongphong"]) == 1
    assert [r.number for r in document_page.revisions_of(db.session, doc)] == [1, 2]
    revisions, seen = document_page.revisions_seen_by(db.session, doc, users["truongphong"])
    assert ([r.number for r in revisions], seen) == ([1, 2], 1)


def test_distribution_totals(demo, frozen_clock):
    users, orgs = demo["users"], demo["organizations"]
    frozen_clock(datetime(2026, 3, 2, 2, 0))
    doc = make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"], orgs["binhlu_ttdv"]],
                     deadlines=[("quý I", "2026-03-01"), ("năm", "2026-12-01")])
    run_chain(db.session, doc)
    rows = {r.distribution.organization_id: r for r in document_page.distribution_page(
        db.session, doc, today=clock.local_date()).items}
    mttq = db.session.get(Distribution, rows[orgs["binhlu_mttq"].id].distribution.id)
    services.file_report(db.session, mttq, users["mttq"], "Muộn.", duty_id=min(
        mttq.duties, key=lambda d: d.due_date).id)
    today = clock.local_date()
    page = document_page.distribution_page(db.session, doc, today=today)
    assert {(line.duty.id, line.status) for r in page.items for line in r.duties} == {
        (d.id, d.status(today)) for d in db.session.scalars(select(ReportDuty).where(ReportDuty.document_id == doc.id))}
    totals = document_page.distribution_totals(db.session, doc, today)
    statuses = [d.status(today) for d in db.session.scalars(
        select(ReportDuty).where(ReportDuty.document_id == doc.id))]
    assert (totals.recipients, totals.acknowledged, totals.reports_owed) == (2, 1, len(statuses))
    assert (totals.on_time, totals.late, totals.overdue, totals.due) == (
        statuses.count("filed"), statuses.count("late"), statuses.count("overdue"), statuses.count("due"))
    assert totals.late == 1 and totals.overdue == 1
    overdue = document_page.distribution_page(db.session, doc, view="overdue", today=clock.local_date())
    assert [r.distribution.organization_id for r in overdue.items] == [orgs["binhlu_ttdv"].id]


def _walk_down(org) -> set[int]:
    """The ids of `org`'s issuing body and everything below it, walked in Python."""
    body = org.issuing_body()
    if body is None:
        return {org.id}
    ids, frontier = {body.id}, [body]
    while frontier:
        frontier = [c for o in frontier for c in o.children if c.id not in ids]
        ids.update(c.id for c in frontier)
    return ids


def test_issuing_scope_is_the_tree_below_the_issuing_body(demo):
    from models import User
    from tests.factories import make_org, make_user
    from workflow import queries
    loose = make_org(db.session, "Tổ công tác không trực thuộc")
    nested = make_org(db.session, "Tổ thuộc thôn", parent=make_org(
        db.session, "Thôn trong xã", parent=demo["organizations"]["binhlu"], kind="village"))
    people = list(db.session.scalars(select(User))) + [make_user(db.session, loose), make_user(db.session, nested)]
    db.session.flush()
    assert {u.organization.issuing_body() is None for u in people} == {True, False}
    for user in people:
        assert set(queries.issuing_scope_ids(db.session, user)) == _walk_down(user.organization), user.username


def test_history_page_counts_the_whole_history_on_every_page(demo):
    users, orgs = demo["users"], demo["organizations"]
    doc = make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]])
    run_chain(db.session, doc)
    whole = document_page.history_page(db.session, doc, per_page=100)
    assert whole.total == len(whole.items) > 3
    second = document_page.history_page(db.session, doc, page=2, per_page=2, newest_first=True)
    assert second.total == whole.total and [h.seq for h in second.items] == [whole.total - 2, whole.total - 3]
    past = document_page.history_page(db.session, doc, page=50, per_page=2)
    assert past.items == [] and past.total == whole.total


def test_worklist_pages_and_counts_agree(demo):
    users, orgs = demo["users"], demo["organizations"]
    for i in range(3):
        run_chain(db.session, make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]], title=f"R{i}"),
                  until="in_review")
    make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]], title="D")
    head = users["truongphong"]
    page, counts = dashboards.worklist(db.session, head, per_page=2)
    assert counts == dashboards.worklist_counts(db.session, head) and counts["review"] == counts["total"] == 3
    assert page.total == 3 and len(page.items) == 2
    rest, _ = dashboards.worklist(db.session, head, per_page=2, page=2)
    assert [i.document.title for i in page.items + rest.items] == ["R0", "R1", "R2"]
    assert dashboards.worklist(db.session, head, kind="sign")[0].total == 0
    empty, counted = dashboards.worklist(db.session, head, page=9)
    assert empty.items == [] and counted["review"] == 3
    assert dashboards.worklist(db.session, users["chuyenvien"], kind="draft")[0].total == 1
