"""Read-side queries of the UI (workflow/dashboards.py), without the browser."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from models import ReportDuty, db
from tests.factories import make_draft, run_chain
from workflow import clock, dashboards, services


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
    assert dashboards.last_seen_revision(db.session, doc, users["truongphong"]) is None
    frozen_clock(t0 + timedelta(hours=1))
    services.transition(db.session, doc, users["truongphong"], "return", comment="Sửa.")
    frozen_clock(t0 + timedelta(hours=2))
    data = services.parse_draft_input({"title": "Mới", "recipients": [
        {"organization_id": orgs["binhlu_mttq"].id, "purpose": "t/h"}]})
    services.update_draft(db.session, doc, users["chuyenvien"], data)
    services.submit(db.session, doc, users["chuyenvien"])
    assert dashboards.last_seen_revision(db.session, doc, users["truongphong"]) == 1
    assert [r.number for r in dashboards.revisions_of(db.session, doc)] == [1, 2]


def test_distribution_totals(demo, frozen_clock):
    users, orgs = demo["users"], demo["organizations"]
    frozen_clock(datetime(2026, 3, 2, 2, 0))
    doc = make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"], orgs["binhlu_ttdv"]],
                     deadlines=[("quý I", "2026-03-01"), ("năm", "2026-12-01")])
    run_chain(db.session, doc)
    dists = {d.organization_id: d for d in dashboards.distribution_page(
        db.session, doc, today=clock.local_date()).items}
    mttq = dists[orgs["binhlu_mttq"].id]
    services.file_report(db.session, mttq, users["mttq"], "Muộn.", duty_id=min(
        mttq.duties, key=lambda d: d.due_date).id)
    today = clock.local_date()
    totals = dashboards.distribution_totals(db.session, doc, today)
    statuses = [d.status(today) for d in db.session.scalars(
        select(ReportDuty).where(ReportDuty.document_id == doc.id))]
    assert (totals.recipients, totals.acknowledged, totals.reports_owed) == (2, 1, len(statuses))
    assert (totals.on_time, totals.late, totals.overdue, totals.due) == (
        statuses.count("filed"), statuses.count("late"), statuses.count("overdue"), statuses.count("due"))
    assert totals.late == 1 and totals.overdue == 1
    overdue = dashboards.distribution_page(db.session, doc, view="overdue", today=clock.local_date())
    assert [d.organization_id for d in overdue.items] == [orgs["binhlu_ttdv"].id]
