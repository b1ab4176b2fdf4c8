"""The follow-through counters (`DocumentProgress`, `ReportingObligation.unfiled_count`,
`ReportDuty.organization_id`) stay equal to a recount from the base rows after every
service that changes distributions, duties or reports; concurrent acknowledgements
on PostgreSQL add up."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from models import Distribution, DocumentProgress, ReportDuty, ReportingObligation, db
from tests.conftest import USE_PG
from tests.models.test_migrations import empty_url  # noqa: F401  (a fixture: an empty database)
from tests.factories import make_org, make_user
from workflow import progress, services, tracking
from workflow.document_page import distribution_totals
from workflow.reminders import send_due_reminders
from workflow.services import followup

from .conftest import at, issue_plan, recipient_user

MULTI_YEAR = "Kế hoạch thực hiện phong trào giai đoạn 2026 – 2030"
TWO = [("quý I", "2026-03-31"), ("6 tháng", "2026-06-15")]

# Each scenario: the plan's deadlines and title, then steps (action, recipient index, Vietnam day).
# Recipient 3 is a unit sent the plan again (`send`); `remind` runs the reminders (and renewals).
SCENARIOS = {
    "acknowledge and refuse": (TWO, "", [
        ("ack", 0, "2026-01-06"), ("ack", 1, "2026-01-06"), ("refuse", 2, "2026-01-07")]),
    "file on time, late, twice": (TWO, "", [
        ("file", 0, "2026-03-01"), ("file", 0, "2026-05-01"), ("file", 1, "2026-04-02"),
        ("again", 1, "2026-04-03"), ("file", 1, "2026-06-20"), ("refuse", 2, "2026-06-21")]),
    "everything filed: reported": ([("năm", "2026-11-25")], "", [
        ("file", 0, "2026-11-01"), ("refuse", 1, "2026-11-02"), ("file", 2, "2026-12-01")]),
    "sent again": (TWO, "", [
        ("ack", 0, "2026-01-06"), ("send", 3, "2026-02-01"), ("ack", 3, "2026-02-02"),
        ("file", 3, "2026-05-01"), ("send", 4, "2026-04-01"), ("refuse", 4, "2026-04-02")]),
    "periodic, renewed by filing and by remind": ([("năm", "2026-11-25")], MULTI_YEAR, [
        ("file", 0, "2026-11-20"), ("refuse", 1, "2026-11-21"), ("remind", 0, "2026-11-26"),
        ("file", 2, "2026-11-27"), ("remind", 0, "2029-01-10"), ("file", 0, "2029-01-11"),
        ("send", 3, "2029-01-12"), ("file", 3, "2029-01-13")]),
    "quarterly series caught up by remind": ([("quý I", "2026-03-31")], "Kế hoạch năm 2026", [
        ("ack", 1, "2026-02-01"), ("remind", 0, "2027-02-01"), ("file", 0, "2027-02-02"),
        ("file", 0, "2027-02-03"), ("refuse", 2, "2027-02-04")]),
}


def counters_match(session, doc) -> dict:
    session.flush()
    stored, recounted = progress.stored(session, doc.id), progress.recount(session, doc.id)
    assert stored == recounted
    unmatched = session.scalar(select(ReportDuty.id).join(Distribution, Distribution.id == ReportDuty.distribution_id)
                               .where(ReportDuty.organization_id != Distribution.organization_id).limit(1))
    assert unmatched is None
    return stored


def _unit(session, commune, i):
    if i < len(commune["recipients"]):
        return commune["recipients"][i]
    org = make_org(session, f"Thôn gửi bổ sung {i}", parent=commune["ubnd"], kind="village")
    commune["recipients"].append(org)
    commune["people"][f"recipient_{org.id}"] = make_user(session, org, roles=("recipient",))
    return org


def run_step(session, commune, doc, action, i, day):
    from workflow import clock
    clock.set_now(at(day))
    if action == "remind":
        send_due_reminders(session, now=at(day))
        return
    org = _unit(session, commune, i)
    if action == "send":
        followup.send_again(session, doc, commune["people"]["clerk"], [{"organization_id": org.id, "purpose": "t/h"}])
        return
    dist = session.scalars(select(Distribution).where(Distribution.document_id == doc.id,
                                                      Distribution.organization_id == org.id)).one()
    user = recipient_user(commune, org)
    if action == "ack":
        services.acknowledge(session, dist, user)
    elif action == "refuse":
        services.refuse(session, dist, user, "Không thuộc thẩm quyền")
    elif action == "file":
        services.file_report(session, dist, user, "Báo cáo kết quả")
    elif action == "again":
        filed = next(d for d in dist.duties if d.filed_at is not None)
        services.file_report(session, dist, user, "Báo cáo bổ sung", duty_id=filed.id)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_counters_equal_a_recount_after_every_step(session, commune, name):
    deadlines, title, steps = SCENARIOS[name]
    doc = issue_plan(session, commune, deadlines=deadlines, title=title or "Kế hoạch thử nghiệm")
    other = issue_plan(session, commune, deadlines=deadlines, title="Kế hoạch khác")
    before = counters_match(session, other)
    first = counters_match(session, doc)
    assert (first["recipients"], first["acknowledged"], first["filed"]) == (3, 0, 0)
    for action, i, day in steps:
        run_step(session, commune, doc, action, i, day)
        counters_match(session, doc)
    after = counters_match(session, other)
    if all(action != "remind" for action, _, _ in steps):  # (remind renews every plan's series)
        assert after == before  # another document's counters are untouched


def test_the_counts_the_pages_show_come_from_the_counters(session, commune):
    doc = issue_plan(session, commune, deadlines=TWO)
    for step in SCENARIOS["file on time, late, twice"][2]:
        run_step(session, commune, doc, *step)
    session.flush()
    for today in (date(2026, 1, 1), date(2026, 4, 1), date(2026, 6, 22), date(2027, 1, 1)):
        duties = list(session.scalars(select(ReportDuty).where(ReportDuty.document_id == doc.id)))
        status = [d.status(today) for d in duties]
        overdue_units = {d.distribution_id for d, s in zip(duties, status) if s == "overdue"}
        expected = (3, 2, 1, len(duties), status.count("filed"), status.count("late"), status.count("overdue"),
                    status.count("due"), 0, len(overdue_units))
        totals = distribution_totals(session, doc, today)
        assert (totals.recipients, totals.acknowledged, totals.refused, totals.reports_owed, totals.on_time,
                totals.late, totals.overdue, totals.due, totals.unacknowledged_recipients,
                totals.overdue_recipients) == expected, today
        tracked = tracking.document_tracking(session, doc, today).progress
        next_due = min((d.due_date for d, s in zip(duties, status) if s in ("due", "overdue")), default=None)
        assert (tracked.recipients, tracked.acknowledged, tracked.refused, tracked.reports_owed, tracked.filed,
                tracked.late, tracked.overdue, tracked.next_due) == \
            (3, 2, 1, len(duties), expected[4] + expected[5], expected[5], expected[6], next_due), today


def test_backfill_matches_the_services(session, commune):
    """The migration's backfill (the same recount in SQL) gives the counters the services keep."""
    from migrations.versions.c5a1e0f3d2b4_follow_through_counters import BACKFILL
    docs = [issue_plan(session, commune, deadlines=TWO, title=f"Kế hoạch {n}") for n in range(2)]
    for step in SCENARIOS["file on time, late, twice"][2]:
        run_step(session, commune, docs[0], *step)
    session.flush()
    kept = [progress.stored(session, d.id) for d in docs]
    session.execute(DocumentProgress.__table__.delete())
    session.execute(ReportDuty.__table__.update().values(organization_id=commune["ubnd"].id))
    session.execute(ReportingObligation.__table__.update().values(unfiled_count=0))
    for statement in BACKFILL:
        session.execute(db.text(statement))
    assert [progress.stored(session, d.id) for d in docs] == kept
    counters_match(session, docs[0])


@pytest.mark.skipif(not USE_PG, reason="row locks and concurrent transactions: PostgreSQL")
def test_concurrent_acknowledgements_are_all_counted(app, session, commune):
    units = [make_org(session, f"Thôn đồng thời {i}", parent=commune["ubnd"], kind="village") for i in range(8)]
    users = {org.id: make_user(session, org, roles=("recipient",)).id for org in units}
    doc = issue_plan(session, commune, recipients=units)
    session.commit()
    dist_ids = {d.id: d.organization_id for d in session.scalars(
        select(Distribution).where(Distribution.document_id == doc.id))}
    barrier, errors = threading.Barrier(len(dist_ids)), []

    def acknowledge(dist_id):
        from models import User
        with app.app_context():
            try:
                dist = db.session.get(Distribution, dist_id)
                user = db.session.get(User, users[dist_ids[dist_id]])
                dist.document, dist.organization  # loaded before the race
                barrier.wait(timeout=10)
                services.acknowledge(db.session, dist, user)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()
    threads = [threading.Thread(target=acknowledge, args=(i,)) for i in dist_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    session.expire_all()
    assert counters_match(session, doc)["acknowledged"] == len(dist_ids)


def _served(session, ids):
    return [tuple(session.execute(select(DocumentProgress.followers, DocumentProgress.drafting_unit_id)
                                  .where(DocumentProgress.document_id == i)).one()) for i in ids]


def test_the_migration_fills_the_counters_from_the_rows_already_there(empty_url):
    """Rows written before the counters existed: downgrade a database with issued plans to
    the previous revision and upgrade it again; the backfill equals the services' counts."""
    from flask_migrate import downgrade, upgrade

    from config.settings import TestConfig
    from tests.factories import make_commune
    from web import create_app
    from workflow import clock
    app = create_app(type("M", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_url}))
    try:
        with app.app_context():
            upgrade()
            commune = make_commune(db.session)
            docs = [issue_plan(db.session, commune, deadlines=TWO, title=f"Kế hoạch {n}") for n in range(2)]
            for step in SCENARIOS["file on time, late, twice"][2]:
                run_step(db.session, commune, docs[0], *step)
            db.session.commit()
            kept = [progress.stored(db.session, d.id) for d in docs]
            assert kept == [progress.recount(db.session, d.id) for d in docs]
            ids = [d.id for d in docs]
            served = _served(db.session, ids)
            assert all(followers and unit for followers, unit in served)
            db.session.remove()
            downgrade(revision="b78dd21477a9")
            upgrade()
            assert [progress.stored(db.session, i) for i in ids] == kept
            assert _served(db.session, ids) == served  # followers and drafting unit, as issue wrote them
            db.session.remove()
            db.engine.dispose()
    finally:
        clock.set_now(None)
