"""The recipient's side: acknowledging receipt, refusing, filing reports."""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models import Distribution, Document, Organization, Report, ReportDuty, User
from models.history import CHAIN_SLOTS, chain_payload_pieces

from .. import clock
from ..errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ..guards import GuardContext
from ..events import emit, subscribed
from ..history import append, record
from ..machine import fire
from ..queries import get_distribution
from ..tracking_access import ISSUED
from .. import progress, registry
from ..versioning import versioned_change, versioned_row_change

MAX_REPORT = 20000
MAX_FILE = 10 * 1024 * 1024


def _check_recipient(distribution: Distribution, actor: User) -> Document:
    if actor.organization_id != distribution.organization_id:
        raise PermissionDenied("Chỉ cán bộ của đơn vị nhận mới được thực hiện thao tác này.")
    document = distribution.document
    if document.state not in ISSUED:
        raise InvalidTransition("Văn bản chưa được phát hành.")
    return document


def acknowledge(session: Session, distribution: Distribution, actor: User, *,
                now: datetime | None = None) -> Distribution:
    """Confirm receipt for the actor's organization (a user of the recipient unit).

    Raises `Conflict` when it was already acknowledged (by whom and when is in
    the message) or another acknowledgement won the race (the row version), and
    `PermissionDenied` for a user of another organization.
    """
    now = now or clock.now()
    document = _check_recipient(distribution, actor)
    if distribution.status == "acknowledged":
        who = distribution.acknowledged_by.full_name if distribution.acknowledged_by else ""
        raise Conflict(f"Văn bản đã được xác nhận nhận bởi {who} lúc "
                       f"{distribution.acknowledged_at:%H:%M %d/%m/%Y} (UTC).", code="already_acknowledged")
    if distribution.status == "refused":
        raise Conflict("Đơn vị đã từ chối tiếp nhận văn bản này.", code="refused")
    record(session, document, actor, "acknowledge", document.state, document.state, now,
           distribution=distribution, comment=distribution.organization.name,
           guard=versioned_change(distribution, status="acknowledged", acknowledged_at=now,
                                  acknowledged_by_id=actor.id),
           also=(progress.acknowledgement(distribution.document_id),))
    set_committed_value(distribution, "acknowledged_by", actor)
    session.flush()
    emit(session, "distribution_acknowledged", document=document, distribution=distribution,
         actor=actor, now=now)
    return distribution


class Acknowledged(NamedTuple):
    """What `acknowledge_copy` answers: the copy, its document and when."""

    distribution_id: int
    document_id: int
    title: str
    acknowledged_at: datetime


def acknowledge_copy(session: Session, dist_id: int, actor: User, *,
                     now: datetime | None = None) -> Acknowledged:
    """`acknowledge` for a copy known by its id, as the recipient's handlers call it.

    The common case, a copy still waiting for the actor's own unit, is one statement on
    PostgreSQL (`_acknowledge_in_one_statement`: read, write and hash at once); elsewhere,
    or when that statement found nothing to do, the copy, its document's state and history
    anchor and the unit's name are read in one statement, then the copy, the counter and
    the history row written in one more (PostgreSQL), without loading model instances.
    Anything else (no such copy, another unit's, already acknowledged or refused, not
    issued) goes through `acknowledge`, which raises the error it answers, and so does
    every copy while something subscribes to `distribution_acknowledged` (its handlers
    take the instances). A copy loaded in the session before is not updated.
    """
    now = now or clock.now()
    connection = session.connection()  # Core statements need none of the session's ORM execution
    if connection.dialect.name == "postgresql" and not subscribed("distribution_acknowledged"):
        done = _acknowledge_in_one_statement(session, connection, dist_id, actor, now)
        if done is not None:
            return done
    row = connection.execute(_copy_query(), {"dist_id": dist_id}).first()
    common = (row is not None and row.organization_id == actor.organization_id and row.status == "sent"
              and row.state in ISSUED and not subscribed("distribution_acknowledged"))
    if not common:
        acknowledge(session, get_distribution(session, dist_id), actor, now=now)
        raise AssertionError("acknowledge accepted a copy the fast path refused")  # pragma: no cover
    append(session, row.document_id, row.history_head_seq, row.history_head_hash, actor.id, "acknowledge",
           row.state, row.state, now, distribution_id=dist_id, comment=row.name,
           guard=versioned_row_change(Distribution, dist_id, row.version, status="acknowledged",
                                      acknowledged_at=now, acknowledged_by_id=actor.id),
           also=(progress.acknowledgement(row.document_id),))
    return Acknowledged(dist_id, row.document_id, row.title, now)


def _acknowledge_in_one_statement(session: Session, connection, dist_id: int, actor: User,
                                  now: datetime) -> Acknowledged | None:
    """The common case of `acknowledge_copy` in one PostgreSQL statement, which reads the
    copy and its document's anchor and writes the copy, the counter and the history row,
    hashed in SQL (`chain_payload_pieces`: the same text `chain_hash` covers). Answers None,
    with nothing written, when the copy is not one waiting for the actor's unit in an issued
    document or another writer changed it meanwhile: the general path then answers.

    When another acknowledgement of the document moved its anchor meanwhile, the copy and
    the counter stay written and the row is chained to the anchor as it is now (`append`),
    as `record` does."""
    comment = actor.organization.name
    pieces = chain_payload_pieces({
        "actor_id": actor.id, "on_behalf_of_id": None, "trigger": "acknowledge", "comment": comment,
        "distribution_id": dist_id, "created_at": now})
    params = {f"a_p{i}": piece for i, piece in enumerate(pieces)}
    params.update(a_dist=dist_id, a_org=actor.organization_id, a_actor=actor.id, a_now=now, a_comment=comment)
    found = connection.execute(_one_statement(), params).first()
    if found is None or not found.matched:
        return None
    if found.entry_id is None:
        append(session, found.document_id, 0, "", actor.id, "acknowledge", found.state, found.state, now,
               distribution_id=dist_id, comment=comment)
    return Acknowledged(dist_id, found.document_id, found.title, now)


@cache
def _one_statement():
    """The statement of `_acknowledge_in_one_statement` (built once). Its writes run in the
    order of the separate statements of `history.record` (the copy, the counter, the
    document's anchor), each only if the one before matched."""
    issued = ", ".join(f"'{state}'" for state in ISSUED)
    payload = " || ".join(
        f":a_p{i} || {slot}" for i, slot in enumerate((
            "CAST(target.document_id AS TEXT)", "CAST(target.seq0 + 1 AS TEXT)", "to_json(target.state)::text",
            "to_json(target.state)::text", "to_json(target.prev)::text"))) + f" || :a_p{len(CHAIN_SLOTS)}"
    return text(f"""
        WITH target AS (
            SELECT c.id, c.document_id, c.version, d.state, d.title, d.history_head_seq AS seq0,
                   d.history_head_hash AS prev
            FROM distribution c JOIN document d ON d.id = c.document_id
            WHERE c.id = :a_dist AND c.organization_id = :a_org AND c.status = 'sent'
              AND d.state IN ({issued}) AND d.history_head_seq > 0),
        sealed AS (
            SELECT target.*, target.seq0 + 1 AS seq,
                   encode(sha256(convert_to({payload}, 'UTF8')), 'hex') AS hash
            FROM target),
        guarded AS (
            UPDATE distribution SET status = 'acknowledged', acknowledged_at = :a_now,
                   acknowledged_by_id = :a_actor, version = sealed.version + 1
            FROM sealed WHERE distribution.id = sealed.id AND distribution.version = sealed.version
            RETURNING distribution.id),
        counted AS (
            UPDATE document_progress SET acknowledged = document_progress.acknowledged + 1
            FROM sealed WHERE document_progress.document_id = sealed.document_id
              AND EXISTS (SELECT 1 FROM guarded)
            RETURNING 1),
        moved AS (
            UPDATE document SET history_head_seq = sealed.seq, history_head_hash = sealed.hash
            FROM sealed WHERE document.id = sealed.document_id AND document.history_head_seq = sealed.seq0
              AND EXISTS (SELECT 1 FROM guarded) AND (SELECT count(*) FROM counted) >= 0
            RETURNING document.id),
        inserted AS (
            INSERT INTO history_entry (document_id, seq, actor_id, on_behalf_of_id, trigger, from_state,
                                       to_state, comment, step_id, distribution_id, created_at, prev_hash, hash)
            SELECT sealed.document_id, sealed.seq, :a_actor, NULL, 'acknowledge', sealed.state, sealed.state,
                   :a_comment, NULL, sealed.id, :a_now, sealed.prev, sealed.hash
            FROM sealed JOIN moved ON moved.id = sealed.document_id
            RETURNING id)
        SELECT sealed.document_id, sealed.title, sealed.state, EXISTS (SELECT 1 FROM guarded) AS matched,
               (SELECT id FROM inserted) AS entry_id
        FROM sealed""")


@cache
def _copy_query():
    """The SELECT of `acknowledge_copy` (built once, so that its cache key is computed once)."""
    d, doc, org = Distribution.__table__, Document.__table__, Organization.__table__
    return select(d.c.document_id, d.c.organization_id, d.c.status, d.c.version, doc.c.state, doc.c.title,
                  doc.c.history_head_seq, doc.c.history_head_hash, org.c.name) \
        .join(doc, doc.c.id == d.c.document_id).join(org, org.c.id == d.c.organization_id) \
        .where(d.c.id == bindparam("dist_id"))


def refuse(session: Session, distribution: Distribution, actor: User, reason: str, *,
           now: datetime | None = None) -> Distribution:
    """Refuse a document that is not for the actor's unit, with a reason (required)."""
    now = now or clock.now()
    document = _check_recipient(distribution, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Cần nêu lý do từ chối.")
    if distribution.status != "sent":
        raise Conflict("Chỉ có thể từ chối văn bản chưa xác nhận.")
    distribution.status, distribution.refused_at, distribution.refused_reason = "refused", now, reason[:2000]
    dropped = [duty for duty in distribution.duties if duty.filed_at is None]
    for duty in dropped:
        session.delete(duty)
    progress.refused(session, document.id, dropped)
    record(session, document, actor, "refuse", document.state, document.state, now,
           distribution=distribution, comment=reason[:2000])
    session.flush()
    emit(session, "distribution_refused", document=document, distribution=distribution,
         actor=actor, reason=reason, now=now)
    _complete_if_all_filed(session, document, actor, now)
    return distribution


def file_report(session: Session, distribution: Distribution, actor: User, text: str, *,
                duty_id: int | None = None, file_name: str = "", file_data: bytes | None = None,
                now: datetime | None = None) -> Report:
    """File a report against one of the unit's duties (the earliest unfiled by default).

    Filing also confirms receipt when that was not done yet. A report after the
    due date is kept and marked late. When the last owed report of the
    document arrives, the document moves to `reported` by itself.
    """
    now = now or clock.now()
    document = _check_recipient(distribution, actor)
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise ValidationFailed("Cần nhập nội dung báo cáo.", details={"text": "Bắt buộc nhập."})
    if len(text) > MAX_REPORT or (file_data is not None and len(file_data) > MAX_FILE):
        raise ValidationFailed("Báo cáo hoặc tệp đính kèm quá lớn.")
    duties = sorted(distribution.duties, key=lambda d: (d.due_date, d.id))
    if not duties:
        raise InvalidTransition("Đơn vị không có nghĩa vụ báo cáo cho văn bản này.", code="no_duty")
    if duty_id is not None:
        duty = next((d for d in duties if d.id == duty_id), None)
        if duty is None:
            raise ValidationFailed("Kỳ báo cáo không thuộc đơn vị này.")
    else:
        duty = next((d for d in duties if d.filed_at is None), None)
        if duty is None:
            raise Conflict("Đơn vị đã nộp đủ các báo cáo.", code="all_filed")
    if distribution.status == "sent":
        acknowledge(session, distribution, actor, now=now)
    elif distribution.status == "refused":
        raise Conflict("Đơn vị đã từ chối tiếp nhận văn bản này.", code="refused")
    late = clock.local_date(now) > duty.due_date
    report = Report(duty=duty, text=text, file_name=file_name[:255], file_data=file_data,
                    filed_at=now, filed_by=actor, late=late)
    session.add(report)
    if duty.filed_at is None:
        progress.mark_filed(session, duty, now, late)
    record(session, document, actor, "file_report", document.state, document.state, now,
           distribution=distribution,
           comment=f"{duty.obligation.period} — {'nộp muộn' if late else 'đúng hạn'}")
    session.flush()
    emit(session, "report_filed", document=document, distribution=distribution, duty=duty,
         report=report, actor=actor, now=now)
    _complete_if_all_filed(session, document, actor, now)
    return report


def _complete_if_all_filed(session: Session, document: Document, actor: User, now: datetime) -> None:
    if document.state != "distributed":
        return
    counts = progress.owed_and_unfiled(session, document.id)
    if counts is not None and (counts[0] == 0 or counts[1] > 0):
        return  # the counters say so: no duty to read
    duties = list(session.scalars(select(ReportDuty).where(ReportDuty.document_id == document.id)))
    if not duties or any(d.filed_at is None for d in duties):
        return
    ctx = GuardContext(document=document, actor=actor, definition=registry.get(document.workflow),
                       now=now, extra={"duties": duties})
    source, dest = fire(ctx, "complete_reporting")
    document.updated_at = now
    record(session, document, actor, "complete_reporting", source, dest, now,
           comment="Đã nhận đủ báo cáo")
    session.flush()
    emit(session, "document_reported", document=document, actor=actor, now=now)
