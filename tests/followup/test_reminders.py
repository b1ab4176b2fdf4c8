"""Reminders: due in N days, every overdue day, then the sender (đôn đốc); counted;
never twice for the same duty, target and day, even from two runs at once."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Distribution, Notification, Reminder, ReportDuty, db
from tests.conftest import PG_URL, USE_PG
from workflow import clock, services
from workflow.reminders import send_due_reminders

from .conftest import at, issue_plan, notes, recipient_user

ROOT = Path(__file__).resolve().parents[2]

# day, (due_soon, overdue, escalation) sent that day for the three villages
CALENDAR = [
    ("2026-06-11", (0, 0, 0)),
    ("2026-06-12", (3, 0, 0)),  # 3 days before 15/6
    ("2026-06-13", (0, 0, 0)),  # once is enough before the due date
    ("2026-06-15", (0, 0, 0)),
    ("2026-06-16", (0, 3, 0)),  # overdue: every day
    ("2026-06-17", (0, 3, 0)),
    ("2026-06-18", (0, 3, 3)),  # overdue by a second period: the sender is chased too
    ("2026-06-19", (0, 3, 3)),
]


def counts(run):
    return run.due_soon, run.overdue, run.escalation


def test_reminder_calendar(session, commune, plan):
    for day, expected in CALENDAR:
        assert counts(send_due_reminders(session, now=at(day), days_before=3)) == expected, day
        assert counts(send_due_reminders(session, now=at(day, 16), days_before=3)) == (0, 0, 0), day
    duty = session.scalars(select(ReportDuty).order_by(ReportDuty.id)).first()
    assert (duty.reminder_count, duty.escalation_count) == (5, 2)
    chases = session.execute(select(Reminder.kind, Reminder.chase, Reminder.target_kind)
                             .where(Reminder.duty_id == duty.id).order_by(Reminder.id)).all()
    assert chases == [("due_soon", 1, "unit"), ("overdue", 1, "unit"), ("overdue", 2, "unit"),
                      ("overdue", 3, "unit"), ("escalation", 1, "user"), ("overdue", 4, "unit"),
                      ("escalation", 2, "user")]
    village = commune["recipients"][0]
    texts = [n.message for n in notes(session, recipient_user(commune, village))
             if n.kind in ("due_soon", "overdue")]
    assert texts[0].startswith("Nhắc hạn") and "15/06/2026" in texts[0] and "còn 3 ngày" in texts[0]
    assert "Nhắc lần 4" in texts[-1]
    chased = notes(session, commune["people"]["drafter"], "escalation")
    assert len(chased) == 6 and all("Đôn đốc" in n.message for n in chased)
    assert {n.url for n in chased} == {f"/documents/{plan.id}"}
    assert notes(session, commune["people"]["clerk"], "escalation") == []


def test_days_before_is_configurable_and_filed_reports_are_left_alone(session, commune, plan):
    assert counts(send_due_reminders(session, now=at("2026-06-09"), days_before=5)) == (0, 0, 0)
    a = commune["recipients"][0]
    dist = session.scalars(select(Distribution).where(Distribution.organization_id == a.id)).one()
    clock.set_now(at("2026-06-10", 8))
    services.file_report(session, dist, recipient_user(commune, a), "Đã xong")
    assert counts(send_due_reminders(session, now=at("2026-06-10"), days_before=5)) == (2, 0, 0)
    assert notes(session, recipient_user(commune, a), "due_soon") == []


def test_refused_copies_and_reported_documents_are_not_chased(session, commune):
    a, b = commune["recipients"][:2]
    doc = issue_plan(session, commune, recipients=[a, b])
    dists = {d.organization_id: d for d in session.scalars(select(Distribution))}
    services.refuse(session, dists[a.id], recipient_user(commune, a), "Không phải của thôn")
    clock.set_now(at("2026-06-01"))
    services.file_report(session, dists[b.id], recipient_user(commune, b), "Xong")
    assert doc.state == "reported"
    assert counts(send_due_reminders(session, now=at("2026-07-01"))) == (0, 0, 0)


def test_remind_command(runner, session, commune, plan):
    session.commit()
    first = runner.invoke(args=["remind", "--at", "2026-06-16T02:00:00", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["overdue"] == 3
    again = runner.invoke(args=["remind", "--at", "2026-06-16T09:00:00+07:00"])
    assert again.exit_code == 0 and "0 due soon, 0 overdue" in again.output
    bad = runner.invoke(args=["remind", "--at", "yesterday"])
    assert bad.exit_code != 0 and "ISO" in bad.output


def _totals(session):
    return (session.scalar(select(func.count(Reminder.id))),
            session.scalar(select(func.count(Notification.id)).where(
                Notification.kind.in_(("due_soon", "overdue", "escalation")))),
            sorted(session.scalars(select(ReportDuty.reminder_count))),
            sorted(session.scalars(select(ReportDuty.escalation_count))))


@pytest.mark.parametrize("runs", [2, 4])
def test_concurrent_runs_send_each_reminder_once(app, session, commune, plan, runs):
    """Threads with their own connections run `remind` at the same moment (a SQLite
    file in the first CI run, PostgreSQL in the second)."""
    session.commit()
    session.remove()
    days = ["2026-06-12", "2026-06-16", "2026-06-18"]
    for day in days:
        barrier, errors, results = threading.Barrier(runs), [], []

        def run():
            with app.app_context():
                try:
                    barrier.wait(timeout=30)
                    results.append(counts(send_due_reminders(db.session, now=at(day))))
                    db.session.commit()
                except Exception as exc:  # asserted below
                    db.session.rollback()
                    errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(runs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        assert len(results) == runs
    # 3 due soon + 3 overdue + (3 overdue + 3 escalations), whatever the number of runs
    reminders, notifications, reminded, escalated = _totals(db.session)
    assert reminders == 12
    assert notifications == 3 + 3 + 3 + 3
    assert reminded == [3, 3, 3] and escalated == [1, 1, 1]


@pytest.mark.skipif(not USE_PG, reason="two processes racing need PostgreSQL (CI's second run)")
def test_two_remind_processes_on_postgresql(session, commune, plan):
    session.commit()
    env = dict(os.environ, DATABASE_URL=PG_URL, APP_ENV="development", REDIS_URL="", MAIL_SERVER="")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "remind", "--json"]
    for day in ("2026-06-12T02:00", "2026-06-16T02:00", "2026-06-18T02:00", "2026-06-18T08:00"):
        procs = [subprocess.Popen(flask + ["--at", day], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outputs
    session.expire_all()
    reminders, notifications, reminded, escalated = _totals(session)
    assert reminders == 12 and notifications == 12
    assert reminded == [3, 3, 3] and escalated == [1, 1, 1]
