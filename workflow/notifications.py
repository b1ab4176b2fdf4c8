"""Who is told what: domain events become notifications for the person whose turn it is.

Each subscriber writes `Notification` rows in the service's transaction (so a
rolled-back action tells nobody) for exactly the people who must act next:
the current step's assignee (and a colleague acting for them under an active
delegation), never the whole role; the drafter when a document is returned or
issued; the recipient units on arrival; the sender (the document's author)
when a recipient refuses or a report arrives. An e-mail copy is queued as a
job when SMTP is configured and the person has an address.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from models import Delegation, Distribution, Document, Notification, User

from . import clock, jobs
from .events import subscribe
from .mail import MailSettings

RECEIVING_ROLES = ("recipient", "clerk")


def document_url(document: Document) -> str:
    return f"/documents/{document.id}"


def distribution_url(distribution_id: int) -> str:
    return f"/inbox/{distribution_id}"


def sender_of(document: Document) -> User:
    """The person who follows a document up once issued: its author (the drafter)."""
    return document.author


def notify(session: Session, users: Iterable[User | None], document: Document | None, kind: str,
           message: str, url: str, *, now: datetime | None = None,
           skip: User | None = None) -> list[Notification]:
    """Write one notification per distinct active user (except `skip`, the actor) and
    queue its e-mail copy; flushes so that the rows have ids."""
    now = now or clock.now()
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.active and user.id not in seen and (skip is None or user.id != skip.id):
            seen[user.id] = user
    rows = [Notification(user=u, document=document, kind=kind, message=message[:2000], url=url,
                         created_at=now) for u in seen.values()]
    if not rows:
        return rows
    session.add_all(rows)
    session.flush()
    if MailSettings.from_mapping(jobs.settings()).enabled:
        for row in rows:
            if (row.user.email or "").strip():
                jobs.enqueue(session, "workflow.mail.deliver_notification", row.id)
    return rows


def with_delegates(session: Session, users: list[User], now: datetime) -> list[User]:
    """`users` and the colleagues who may act for them today (active delegations)."""
    ids = [u.id for u in users if u is not None]
    if not ids:
        return []
    day = clock.local_date(now)
    delegates = session.scalars(
        select(User).join(Delegation, Delegation.delegate_id == User.id)
        .where(Delegation.delegator_id.in_(ids), Delegation.revoked_at.is_(None),
               Delegation.starts_on <= day, Delegation.ends_on >= day))
    return [u for u in users if u is not None] + list(delegates)


def unit_contacts(session: Session, org_ids: Iterable[int]) -> dict[int, list[User]]:
    """For each organization, the users who receive its documents: those with the
    `recipient` or `clerk` role, or every active user when none has one (one statement)."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    by_org: dict[int, list[User]] = {i: [] for i in ids}
    for user in session.scalars(select(User).where(User.organization_id.in_(ids), User.active.is_(True))
                                .order_by(User.id)):
        by_org[user.organization_id].append(user)
    return {org: [u for u in users if set(u.roles or ()) & set(RECEIVING_ROLES)] or users
            for org, users in by_org.items()}


def _title(document: Document) -> str:
    title = document.title if len(document.title) <= 120 else document.title[:117] + "…"
    ref = f"{document.number_symbol} " if document.number else ""
    return f"{ref}“{title}”"


def _turn(session, document, actor, now, kind, text):
    step = document.current_step
    if step is None or step.assignee is None:
        return []
    users = with_delegates(session, [step.assignee], now)
    return notify(session, users, document, kind, f"{text} Đến lượt anh/chị: {step.label}.",
                  document_url(document), now=now, skip=actor)


def on_submitted(session, *, document, actor, now=None, **_):
    return _turn(session, document, actor, now or clock.now(), "submitted",
                 f"{actor.full_name} đã trình văn bản {_title(document)}.")


def on_approved(session, *, document, actor, now=None, **_):
    return _turn(session, document, actor, now or clock.now(), "approved",
                 f"{actor.full_name} đã duyệt văn bản {_title(document)}.")


def on_signed(session, *, document, actor, now=None, **_):
    return _turn(session, document, actor, now or clock.now(), "signed",
                 f"{actor.full_name} đã ký văn bản {_title(document)}.")


def on_returned(session, *, document, actor, comment="", now=None, **_):
    text = f"{actor.full_name} đã trả lại văn bản {_title(document)}: {comment}".rstrip(": ")
    return notify(session, [document.author], document, "returned", text, document_url(document),
                  now=now, skip=actor)


def _arrivals(session, document, actor, distribution_ids, now):
    dists = list(session.execute(select(Distribution.id, Distribution.organization_id)
                                 .where(Distribution.id.in_(list(distribution_ids or [])))))
    contacts = unit_contacts(session, [org for _, org in dists])
    text = f"Văn bản đến: {_title(document)} của {document.issuer.name}."
    rows = []
    for dist_id, org_id in dists:
        rows += notify(session, contacts.get(org_id, []), document, "arrived", text,
                       distribution_url(dist_id), now=now, skip=actor)
    return rows


def on_issued(session, *, document, actor, distribution_ids=(), now=None, **_):
    now = now or clock.now()
    rows = notify(session, [document.author], document, "issued",
                  f"Văn bản {_title(document)} đã được phát hành.", document_url(document),
                  now=now, skip=actor)
    return rows + _arrivals(session, document, actor, distribution_ids, now)


def on_recipients_added(session, *, document, actor, distribution_ids=(), now=None, **_):
    return _arrivals(session, document, actor, distribution_ids, now or clock.now())


def on_refused(session, *, document, distribution, actor, reason="", now=None, **_):
    text = (f"{distribution.organization.name} từ chối tiếp nhận văn bản {_title(document)}. "
            f"Lý do: {reason}")
    return notify(session, [sender_of(document)], document, "refused", text, document_url(document),
                  now=now, skip=actor)


def on_report_filed(session, *, document, distribution, duty, report, actor, now=None, **_):
    timing = "nộp muộn" if report.late else "đúng hạn"
    text = (f"{distribution.organization.name} đã gửi báo cáo {duty.obligation.period} "
            f"({timing}) cho văn bản {_title(document)}.")
    return notify(session, [sender_of(document)], document, "report_filed", text,
                  document_url(document), now=now, skip=actor)


def on_reported(session, *, document, actor, now=None, **_):
    return notify(session, [sender_of(document)], document, "reported",
                  f"Đã nhận đủ báo cáo cho văn bản {_title(document)}.", document_url(document),
                  now=now)


HANDLERS = {
    "document_submitted": on_submitted, "document_approved": on_approved,
    "document_signed": on_signed, "document_returned": on_returned,
    "document_issued": on_issued, "recipients_added": on_recipients_added,
    "distribution_refused": on_refused, "report_filed": on_report_filed,
    "document_reported": on_reported,
}


def install() -> None:
    """Subscribe the handlers to the domain events (idempotent)."""
    for name, handler in HANDLERS.items():
        subscribe(name, handler)


# --- the bell: read side --------------------------------------------------------------

def unread_count(session: Session, user: User) -> int:
    """How many of the user's notifications are unread (one statement)."""
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(session: Session, user: User, *, unread_only: bool = False, limit: int = 20,
           before_id: int | None = None) -> list[Notification]:
    """The user's notifications, newest first, with their documents (one statement);
    `before_id` pages back through older ones."""
    query = select(Notification).where(Notification.user_id == user.id) \
        .options(joinedload(Notification.document)) \
        .order_by(Notification.id.desc()).limit(max(1, min(limit, 100)))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(session.scalars(query))


install()
