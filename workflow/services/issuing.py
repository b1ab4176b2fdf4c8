"""Issuing a signed document: its number, its date, and one distribution per recipient."""
from __future__ import annotations

from datetime import date, datetime
from functools import cache

from sqlalchemy import and_, bindparam, exists, insert, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from models import (Distribution, Document, DocumentRecipient, HistoryEntry, ReportDuty,
                    ReportingObligation, User, group_members, obligation_units)

from .. import clock, progress
from ..bulk import insert_columns
from ..errors import ValidationFailed
from ..events import emit
from ..history import record
from ..machine import fire
from ..numbering import next_number
from .chain import _on_behalf, begin, decide, point_at

ACTION_PURPOSES = (None, "t/h")


def expand_recipients(session: Session, document: Document) -> list[tuple[int, str | None, int | None]]:
    """(organization id, purpose, via group id) for each recipient, groups expanded.

    An organization named twice (directly and through a group) is sent one
    copy, with the purpose of its first mention. Reads the groups' member ids
    in one statement, without loading the organizations.
    """
    group_ids = [r.group_id for r in document.recipients if r.group_id]
    members: dict[int, list[int]] = {}
    if group_ids:
        for group_id, org_id in session.execute(
                select(group_members.c.group_id, group_members.c.organization_id)
                .where(group_members.c.group_id.in_(group_ids))
                .order_by(group_members.c.group_id, group_members.c.organization_id)):
            members.setdefault(group_id, []).append(org_id)
    seen: dict[int, tuple[int, str | None, int | None]] = {}
    for line in document.recipients:
        if line.organization_id is not None:
            orgs, via = [line.organization_id], None
        else:
            orgs, via = members.get(line.group_id, []), line.group_id
        for org_id in orgs:
            if org_id not in seen and org_id != document.issuer_id:
                seen[org_id] = (org_id, line.purpose, via)
    return list(seen.values())


def load_recipient_lines(session: Session, document: Document) -> None:
    """Load the document's Nơi nhận lines with their organizations and groups in one
    statement (the .docx names each of them), unless they are loaded already."""
    if "recipients" in document.__dict__:
        return
    lines = session.scalars(_recipient_lines_query(), {"r_document": document.id}).all()
    set_committed_value(document, "recipients", list(lines))


@cache
def _recipient_lines_query():
    """The SELECT of `load_recipient_lines` (built once)."""
    return select(DocumentRecipient).where(DocumentRecipient.document_id == bindparam("r_document")) \
        .options(joinedload(DocumentRecipient.organization), joinedload(DocumentRecipient.group)) \
        .order_by(DocumentRecipient.position, DocumentRecipient.id)


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
    load_recipient_lines(session, document)
    targets = expand_recipients(session, document)
    if not targets:
        raise ValidationFailed("Văn bản không có nơi nhận nào để phát hành.", code="no_recipients")
    source, dest = fire(ctx, "issue")
    issue_day = clock.local_date(now)
    with session.no_autoflush:  # the document is written once, below
        document.number = next_number(session, f"org-{document.issuer_id}", issue_day.year)
    document.year = issue_day.year
    document.issue_date, document.issued_at = issue_day, now
    document.refresh_search_text()
    decide(step, "issued", actor, now, comment)
    point_at(session, document, None)
    document.updated_at = now
    from ..documents_io import freeze
    with session.no_autoflush:  # rendering may load recipients' names; still one UPDATE
        freeze(session, document)
    session.flush()
    orgs, purposes, vias = zip(*targets)
    rows = insert_columns(
        session, Distribution.__table__,
        {"organization_id": orgs, "purpose": purposes, "via_group_id": vias},
        {"document_id": document.id, "status": "sent", "sent_at": now, "version": 1},
        returning=("id", "organization_id", "purpose"))
    rows = sorted(tuple(row) for row in rows)
    create_duties(session, document)  # every distribution of the document is new
    progress.issued(session, document, recipients=len(rows))
    entry = record(session, document, actor, "issue", source, dest, now, comment=comment,
                   step=step, on_behalf_of=_on_behalf(step, actor))
    session.flush()
    emit(session, "document_issued", document=document, actor=actor, now=now,
         distribution_ids=[row[0] for row in rows])
    return entry


def create_duties(session: Session, document: Document, distribution_ids=None, *,
                  due_from: date | None = None) -> int:
    """Write the report duties owed by the document's distributions (those of
    `distribution_ids` when given) for its obligations (those due on or after
    `due_from` when given), in one INSERT … SELECT; answers how many.

    An obligation naming units binds those units; one naming none binds every
    recipient that must act (t/h or unmarked), not those informed (b/c, để biết).
    """
    params = {"d_document": document.id}
    if distribution_ids is not None:
        params["d_ids"] = list(distribution_ids)
    if due_from is not None:
        params["d_from"] = due_from
    statement = _duties_statement(distribution_ids is not None, due_from is not None)
    return session.execute(statement, params).rowcount


@cache
def _duties_statement(some: bool, later: bool):
    """The INSERT … SELECT of `create_duties` (built once per variant; values are `d_…` parameters)."""
    o, d, units = ReportingObligation.__table__, Distribution.__table__, obligation_units
    named = exists().where(units.c.obligation_id == o.c.id)
    names_it = exists().where(units.c.obligation_id == o.c.id, units.c.organization_id == d.c.organization_id)
    acts = or_(d.c.purpose.is_(None), d.c.purpose.in_([p for p in ACTION_PURPOSES if p is not None]))
    owed = select(o.c.id, d.c.id, d.c.document_id, d.c.organization_id, o.c.due_date) \
        .select_from(o.join(d, d.c.document_id == o.c.document_id)) \
        .where(o.c.document_id == bindparam("d_document"), or_(names_it, and_(~named, acts))) \
        .order_by(o.c.id, d.c.id)
    if some:
        owed = owed.where(d.c.id.in_(bindparam("d_ids", expanding=True)))
    if later:
        owed = owed.where(o.c.due_date >= bindparam("d_from"))
    return insert(ReportDuty.__table__).from_select(
        ["obligation_id", "distribution_id", "document_id", "organization_id", "due_date"], owed)
