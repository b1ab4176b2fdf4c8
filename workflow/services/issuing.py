"""Issuing a signed document: its number, its date, and one distribution per recipient."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from models import (Distribution, Document, DocumentRecipient, HistoryEntry, RecipientGroup,
                    ReportDuty, ReportingObligation, User)

from .. import clock
from ..errors import ValidationFailed
from ..events import emit
from ..history import record
from ..machine import fire
from ..numbering import next_number
from .chain import _on_behalf, begin, decide

ACTION_PURPOSES = (None, "t/h")


def expand_recipients(session: Session, document: Document) -> list[tuple[int, str | None, int | None]]:
    """(organization id, purpose, via group id) for each recipient, groups expanded.

    An organization named twice (directly and through a group) is sent one
    copy, with the purpose of its first mention.
    """
    group_ids = [r.group_id for r in document.recipients if r.group_id]
    groups = {g.id: g for g in session.scalars(
        select(RecipientGroup).where(RecipientGroup.id.in_(group_ids))
        .options(selectinload(RecipientGroup.members)))} if group_ids else {}
    seen: dict[int, tuple[int, str | None, int | None]] = {}
    for line in document.recipients:
        if line.organization_id is not None:
            members, via = [line.organization_id], None
        else:
            members, via = [m.id for m in groups[line.group_id].members], line.group_id
        for org_id in members:
            if org_id not in seen and org_id != document.issuer_id:
                seen[org_id] = (org_id, line.purpose, via)
    return list(seen.values())


def issue_document(session: Session, document: Document, actor: User, *, comment: str = "",
                   expected_version: int | None = None, now: datetime | None = None) -> HistoryEntry:
    """Give the signed document its number and date and send it to every recipient.

    The clerk of the chain only. The number comes from the issuing body's
    yearly sequence; one distribution row per recipient organization (groups
    expanded) and one report duty per owed report are written in the same
    transaction as the state change, so an interrupted issue leaves the
    document `signed` with no number used.
    """
    ctx = begin(session, document, actor, comment, expected_version, now)
    comment, now = ctx.comment, ctx.now
    step = document.current_step
    targets = expand_recipients(session, document)
    if not targets:
        raise ValidationFailed("Văn bản không có nơi nhận nào để phát hành.", code="no_recipients")
    source, dest = fire(ctx, "issue")
    issue_day = clock.local_date(now)
    document.year = issue_day.year
    document.number = next_number(session, f"org-{document.issuer_id}", issue_day.year)
    document.issue_date, document.issued_at = issue_day, now
    document.refresh_search_text()
    decide(step, "issued", actor, now, comment)
    document.current_step = None
    document.updated_at = now
    session.flush()
    rows = session.execute(
        insert(Distribution).returning(Distribution.id, Distribution.organization_id, Distribution.purpose),
        [{"document_id": document.id, "organization_id": org, "purpose": purpose,
          "via_group_id": via, "status": "sent", "sent_at": now, "version": 1}
         for org, purpose, via in targets]).all()
    create_duties(session, document, rows)
    from ..documents_io import freeze
    freeze(session, document)
    entry = record(session, document, actor, "issue", source, dest, now, comment=comment,
                   step=step, on_behalf_of=_on_behalf(step, actor))
    session.flush()
    emit(session, "document_issued", document=document, actor=actor, now=now,
         distribution_ids=[row[0] for row in rows])
    return entry


def create_duties(session: Session, document: Document, distributions) -> int:
    """Write the report duties owed by the given (id, organization_id, purpose) rows.

    An obligation naming units binds those units; one naming none binds every
    recipient that must act (t/h or unmarked), not those informed (b/c, để biết).
    """
    obligations = list(session.scalars(
        select(ReportingObligation).where(ReportingObligation.document_id == document.id)
        .options(selectinload(ReportingObligation.units))))
    duties = []
    for obligation in obligations:
        named = {u.id for u in obligation.units}
        for dist_id, org_id, purpose in distributions:
            owes = org_id in named if named else purpose in ACTION_PURPOSES
            if owes:
                duties.append({"obligation_id": obligation.id, "distribution_id": dist_id,
                               "document_id": document.id, "due_date": obligation.due_date})
    if duties:
        session.execute(insert(ReportDuty), duties)
    return len(duties)
