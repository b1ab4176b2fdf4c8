"""Reminders about reports (nhắc hạn) and chasing overdue ones (đôn đốc).

`send_due_reminders` is what `flask remind` runs, from cron every few minutes:

- a report due within `days_before` days (REMIND_DAYS_BEFORE, default 3)
  reminds the recipient unit's users once;
- an overdue report reminds them again every `repeat_days` days (default 1);
- once it is overdue by a second period (`escalate_after` days, default the
  same as `days_before`), its sender (the document's author) is chased too,
  on the same rhythm.

Each reminder is one row of the reminder log, inserted with ON CONFLICT DO
NOTHING against the unique key (duty, target, Vietnam day, kind): two runs at
the same moment, in two processes, cannot both send it, because only the run
whose row went in notifies anyone and counts the chase. Periodic reports
whose period has ended are renewed first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from models import Distribution, Document, Reminder, ReportDuty

from . import clock
from .notifications import distribution_url, document_url, notify, sender_of, unit_contacts


@dataclass
class ReminderRun:
    """What one run did: reminders per kind, notifications written, periods renewed."""

    due_soon: int = 0
    overdue: int = 0
    escalation: int = 0
    notifications: int = 0
    renewed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _log(session: Session, duty: ReportDuty, kind: str, target_kind: str, target_id: int,
         day: date, chase: int, now: datetime) -> bool:
    """Write the reminder row; False when another run wrote it first."""
    inserted = session.execute(
        _insert(session)(Reminder).values(duty_id=duty.id, document_id=duty.document_id, kind=kind,
                                          target_kind=target_kind, target_id=target_id, day=day,
                                          chase=chase, created_at=now)
        .on_conflict_do_nothing(index_elements=["duty_id", "target_kind", "target_id", "day", "kind"])
        .returning(Reminder.id)).scalar()
    return inserted is not None


def _history(session: Session, duty_ids: list[int]) -> dict[tuple[int, str], tuple[date, int]]:
    """(duty id, kind) → (last day reminded, how many times), one statement."""
    if not duty_ids:
        return {}
    rows = session.execute(select(Reminder.duty_id, Reminder.kind, func.max(Reminder.day), func.count(Reminder.id))
                           .where(Reminder.duty_id.in_(duty_ids)).group_by(Reminder.duty_id, Reminder.kind))
    return {(duty_id, kind): (day, n) for duty_id, kind, day, n in rows}


def due_kinds(duty: ReportDuty, today: date, past: dict, *, days_before: int, repeat_days: int,
              escalate_after: int) -> list[str]:
    """The reminders `duty` should get today, given `past` reminders ((id, kind) → (day, n))."""
    kinds = []
    if duty.due_date - timedelta(days=days_before) <= today <= duty.due_date:
        if (duty.id, "due_soon") not in past:
            kinds.append("due_soon")
    if today > duty.due_date:
        last = past.get((duty.id, "overdue"))
        if last is None or (today - last[0]).days >= repeat_days:
            kinds.append("overdue")
    if (today - duty.due_date).days >= max(escalate_after, 1):
        last = past.get((duty.id, "escalation"))
        if last is None or (today - last[0]).days >= repeat_days:
            kinds.append("escalation")
    return kinds


def _message(duty: ReportDuty, kind: str, today: date, chase: int) -> str:
    document = duty.distribution.document
    ref = f"{document.number_symbol} " if document.number else ""
    what = f"báo cáo {duty.obligation.period} theo văn bản {ref}“{document.title[:120]}”"
    due = f"{duty.due_date:%d/%m/%Y}"
    if kind == "due_soon":
        left = (duty.due_date - today).days
        return f"Nhắc hạn: {what} đến hạn ngày {due}" + (f" (còn {left} ngày)." if left else " (hôm nay).")
    late = (today - duty.due_date).days
    if kind == "overdue":
        return f"Quá hạn {late} ngày: {what} (hạn {due}) chưa được gửi. Nhắc lần {chase}."
    return (f"Đôn đốc lần {chase}: {duty.distribution.organization.name} chưa gửi {what}, "
            f"quá hạn {late} ngày (hạn {due}).")


def candidates(session: Session, today: date, days_before: int) -> list[ReportDuty]:
    """Unfiled duties of issued documents, not refused, due by `today + days_before`,
    oldest due first, with what the messages need (one statement)."""
    return list(session.scalars(
        select(ReportDuty).join(Distribution, Distribution.id == ReportDuty.distribution_id)
        .join(Document, Document.id == ReportDuty.document_id)
        .where(ReportDuty.filed_at.is_(None), Distribution.status != "refused",
               Document.state == "distributed",
               ReportDuty.due_date <= today + timedelta(days=days_before))
        .options(joinedload(ReportDuty.obligation),
                 joinedload(ReportDuty.distribution).joinedload(Distribution.organization),
                 joinedload(ReportDuty.distribution).joinedload(Distribution.document)
                 .joinedload(Document.author))
        .order_by(ReportDuty.due_date, ReportDuty.id)))


def send_due_reminders(session: Session, *, now: datetime | None = None, days_before: int = 3,
                       repeat_days: int = 1, escalate_after: int | None = None) -> ReminderRun:
    """Send today's reminders once (see the module's description); flushes, the
    caller commits. Safe to run again the same day, and from two processes at once."""
    from .services.followup import renew_ended_periods
    now = now or clock.now()
    today = clock.local_date(now)
    escalate_after = days_before if escalate_after is None else escalate_after
    run = ReminderRun(renewed=renew_ended_periods(session, today))
    duties = candidates(session, today, days_before)
    past = _history(session, [d.id for d in duties])
    contacts = unit_contacts(session, {d.distribution.organization_id for d in duties})
    for duty in duties:
        for kind in due_kinds(duty, today, past, days_before=days_before, repeat_days=repeat_days,
                              escalate_after=escalate_after):
            chase = past.get((duty.id, kind), (None, 0))[1] + 1
            document = duty.distribution.document
            if kind == "escalation":
                target_kind, target_id, users = "user", sender_of(document).id, [sender_of(document)]
                url = document_url(document)
                counter = {"escalation_count": ReportDuty.escalation_count + 1}
            else:
                target_kind, target_id = "unit", duty.distribution.organization_id
                users, url = contacts.get(target_id, []), distribution_url(duty.distribution_id)
                counter = {"reminder_count": ReportDuty.reminder_count + 1}
            if not _log(session, duty, kind, target_kind, target_id, today, chase, now):
                run.skipped += 1
                continue
            session.execute(update(ReportDuty).where(ReportDuty.id == duty.id)
                            .values(last_reminded_at=now, **counter)
                            .execution_options(synchronize_session=False))
            rows = notify(session, users, document, kind, _message(duty, kind, today, chase), url, now=now)
            setattr(run, kind, getattr(run, kind) + 1)
            run.notifications += len(rows)
    session.flush()
    for duty in duties:
        session.expire(duty, ["reminder_count", "escalation_count", "last_reminded_at"])
    return run
