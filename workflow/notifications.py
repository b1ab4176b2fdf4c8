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
from functools import cache

from sqlalchemy import (Date, Integer, String, Text, and_, bindparam, case, cast, exists, func, insert,
                        literal, or_, select)
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.orm import Session, aliased, joinedload

from models import Delegation, Distribution, Document, Notification, User

from . import clock, jobs
from .events import subscribe
from .mail import MailSettings

RECEIVING_ROLES = ("recipient", "clerk")
INBOX_URL = "/inbox/"  # a recipient's copy: INBOX_URL + the distribution's id


def document_url(document: Document) -> str:
    return f"/documents/{document.id}"


def distribution_url(distribution_id: int) -> str:
    return f"{INBOX_URL}{distribution_id}"


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
    if _mail_enabled():
        for row in rows:
            if (row.user.email or "").strip():
                jobs.enqueue(session, "workflow.mail.deliver_notification", row.id)
    return rows


def _mail_enabled() -> bool:
    return MailSettings.from_mapping(jobs.settings()).enabled


def _queue_mail(session: Session, written) -> None:
    """Queue the e-mail copy of each written (notification id, user id) whose user has
    an address."""
    written = sorted(written)
    if not written:
        return
    emails = dict(session.execute(select(User.id, User.email)
                                  .where(User.id.in_({user_id for _, user_id in written}))).all())
    for notification_id, user_id in written:
        if (emails.get(user_id) or "").strip():
            jobs.enqueue(session, "workflow.mail.deliver_notification", notification_id)


def unit_contacts(session: Session, org_ids: Iterable[int]) -> dict[int, list[User]]:
    """For each organization, the users who receive its documents: those with the
    `recipient` or `clerk` role, or every active user when none has one (one statement)."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    by_org: dict[int, list[User]] = {i: [] for i in ids}
    contacts = select(User).where(User.organization_id.in_(ids), _is_contact(_dialect(session), User))
    for user in session.scalars(contacts.order_by(User.id)):
        by_org[user.organization_id].append(user)
    return by_org


def _is_contact(dialect: str, user):
    """SQL condition on `user` (the User entity or an alias): active, and holding a
    receiving role, or in a unit where no active user holds one."""
    colleague = aliased(User)
    return and_(user.active.is_(True), or_(
        _holds_receiving_role(dialect, user.roles),
        ~exists().where(colleague.organization_id == user.organization_id, colleague.active.is_(True),
                        _holds_receiving_role(dialect, colleague.roles))))


def _holds_receiving_role(dialect: str, roles):
    """SQL condition: the JSON list `roles` names one of `RECEIVING_ROLES`."""
    if dialect == "postgresql":
        return cast(roles, JSONB).has_any(array(RECEIVING_ROLES, type_=Text))
    held = func.json_each(roles).table_valued("value")
    return exists().select_from(held).where(held.c.value.in_(RECEIVING_ROLES))


def _title(document: Document) -> str:
    title = document.title if len(document.title) <= 120 else document.title[:117] + "…"
    ref = f"{document.number_symbol} " if document.number else ""
    return f"{ref}“{title}”"


def _turn(session, document, actor, now, kind, text) -> int:
    """Tell the current step's assignee, and the colleagues acting for them today, that
    it is their turn: one INSERT … SELECT (active users, not the actor); answers how many."""
    step = document.current_step
    if step is None or step.assignee_id is None:
        return 0
    params = {"n_assignee": step.assignee_id, "n_day": clock.local_date(now), "n_actor": actor.id,
              "n_document": document.id, "n_kind": kind, "n_url": document_url(document),
              "n_message": f"{text} Đến lượt anh/chị: {step.label}."[:2000], "n_created": now}
    if _mail_enabled():
        written = session.execute(_turn_statement(True), params).all()
        _queue_mail(session, written)
        return len(written)
    return session.execute(_turn_statement(False), params).rowcount


@cache
def _turn_statement(returning: bool):
    """The INSERT … SELECT of `_turn` (built once; its values are parameters named `n_…`)."""
    columns = Notification.__table__.c
    assignee, day = bindparam("n_assignee", type_=Integer), bindparam("n_day", type_=Date)
    delegates = select(Delegation.delegate_id).where(
        Delegation.delegator_id == assignee, Delegation.revoked_at.is_(None),
        Delegation.starts_on <= day, Delegation.ends_on >= day)
    users = select(User.id, *[bindparam(name, type_=columns[column].type) for name, column in (
        ("n_document", "document_id"), ("n_kind", "kind"), ("n_message", "message"), ("n_url", "url"),
        ("n_created", "created_at"))]) \
        .where(or_(User.id == assignee, User.id.in_(delegates)), User.active.is_(True),
               User.id != bindparam("n_actor", type_=Integer)) \
        .order_by(case((User.id == assignee, 0), else_=1), User.id)
    statement = insert(Notification.__table__).from_select(
        ["user_id", "document_id", "kind", "message", "url", "created_at"], users)
    return statement.returning(columns.id, columns.user_id) if returning else statement


def on_submitted(session, *, document, actor, now=None, **_):
    return _turn(session, document, actor, now or clock.now(), "submitted",
                 f"{actor.full_name} đã trình văn bản {_title(document)}.")


def on_approved(session, *, document, actor, now=None, **_):
    return _turn(session, document, actor, now or clock.now(), "approved",
                 f"{actor.full_name} đã duyệt văn bản {_title(document)}.")


def on_signed(session, *, document, actor, now=None, **_):
    return _turn(session, document, actor, now or clock.now(), "signed",
                 f"{actor.full_name} đã ký văn bản {_title(document)}.")


def _tell_sender(session, document, actor, now, kind, text, *, skip_actor: bool = True) -> int:
    """Tell the document's sender (its author, see `sender_of`) if active and, with
    `skip_actor`, not the actor: one INSERT … SELECT, without loading the user; answers
    how many were told (0 or 1)."""
    params = {"s_user": document.author_id, "s_document": document.id, "s_kind": kind,
              "s_message": text[:2000], "s_url": document_url(document), "s_created": now or clock.now()}
    if skip_actor:
        params["s_actor"] = actor.id
    if _mail_enabled():
        written = session.execute(_sender_statement(skip_actor, True), params).all()
        _queue_mail(session, written)
        return len(written)
    return session.execute(_sender_statement(skip_actor, False), params).rowcount


@cache
def _sender_statement(skip_actor: bool, returning: bool):
    """The INSERT … SELECT of `_tell_sender` (built once per variant; values are `s_…`
    parameters)."""
    columns = Notification.__table__.c
    told = select(User.id, *[bindparam(name, type_=columns[column].type) for name, column in (
        ("s_document", "document_id"), ("s_kind", "kind"), ("s_message", "message"), ("s_url", "url"),
        ("s_created", "created_at"))]) \
        .where(User.id == bindparam("s_user", type_=Integer), User.active.is_(True))
    if skip_actor:
        told = told.where(User.id != bindparam("s_actor", type_=Integer))
    statement = insert(Notification.__table__).from_select(
        ["user_id", "document_id", "kind", "message", "url", "created_at"], told)
    return statement.returning(columns.id, columns.user_id) if returning else statement


def on_returned(session, *, document, actor, comment="", now=None, **_):
    text = f"{actor.full_name} đã trả lại văn bản {_title(document)}: {comment}".rstrip(": ")
    return _tell_sender(session, document, actor, now, "returned", text)


def _arrivals(session, document, actor, distribution_ids, now) -> int:
    """Tell the contacts of each receiving unit (see `unit_contacts`) that the document
    has arrived, with a link to their copy (not the actor): one INSERT … SELECT through
    the document's distributions (those of `distribution_ids` when given); answers how
    many were told."""
    params = {"a_document": document.id, "a_actor": actor.id, "a_created": now,
              "a_message": f"Văn bản đến: {_title(document)} của {document.issuer.name}."[:2000]}
    if distribution_ids is not None:
        params["a_ids"] = list(distribution_ids)
    mail = _mail_enabled()
    statement = _arrivals_statement(_dialect(session), distribution_ids is not None, mail)
    result = session.execute(statement, params)
    if not mail:
        return result.rowcount
    written = result.all()
    _queue_mail(session, written)
    return len(written)


@cache
def _arrivals_statement(dialect: str, some: bool, returning: bool):
    """The INSERT … SELECT of `_arrivals` (built once per variant; values are `a_…` parameters)."""
    columns = Notification.__table__.c
    told = select(User.id, bindparam("a_document", type_=Integer), literal("arrived", columns.kind.type),
                  bindparam("a_message", type_=columns.message.type),
                  literal(INBOX_URL, String) + cast(Distribution.id, String),
                  bindparam("a_created", type_=columns.created_at.type)) \
        .join(Distribution, Distribution.organization_id == User.organization_id) \
        .where(Distribution.document_id == bindparam("a_document"),
               User.id != bindparam("a_actor", type_=Integer), _is_contact(dialect, User)) \
        .order_by(Distribution.id, User.id)
    if some:
        told = told.where(Distribution.id.in_(bindparam("a_ids", expanding=True)))
    statement = insert(Notification.__table__).from_select(
        ["user_id", "document_id", "kind", "message", "url", "created_at"], told)
    return statement.returning(columns.id, columns.user_id) if returning else statement


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def on_issued(session, *, document, actor, now=None, **_):
    """Tell the author, and every recipient unit: at issue all of the document's
    distributions are new, so they are found by the document, not by a list of ids."""
    now = now or clock.now()
    told = _tell_sender(session, document, actor, now, "issued",
                        f"Văn bản {_title(document)} đã được phát hành.")
    return told + _arrivals(session, document, actor, None, now)


def on_recipients_added(session, *, document, actor, distribution_ids=(), now=None, **_):
    return _arrivals(session, document, actor, list(distribution_ids or []), now or clock.now())


def on_refused(session, *, document, distribution, actor, reason="", now=None, **_):
    text = (f"{distribution.organization.name} từ chối tiếp nhận văn bản {_title(document)}. "
            f"Lý do: {reason}")
    return _tell_sender(session, document, actor, now, "refused", text)


def on_report_filed(session, *, document, distribution, duty, report, actor, now=None, **_):
    timing = "nộp muộn" if report.late else "đúng hạn"
    text = (f"{distribution.organization.name} đã gửi báo cáo {duty.obligation.period} "
            f"({timing}) cho văn bản {_title(document)}.")
    return _tell_sender(session, document, actor, now, "report_filed", text)


def on_reported(session, *, document, actor, now=None, **_):
    return _tell_sender(session, document, actor, now, "reported",
                        f"Đã nhận đủ báo cáo cho văn bản {_title(document)}.", skip_actor=False)


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
