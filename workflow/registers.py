"""The outgoing register (sổ văn bản đi, ND30 Phụ lục IV): numbered documents of an
issuing body by year, with the copies sent and acknowledged.

Every function answers with a fixed number of statements whatever the number of rows.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import Distribution, Document, DocumentRecipient, Organization, User

from .paging import Page, offset


@dataclass
class RegisterRow:
    """One line of the outgoing register."""

    document: Document
    copies: int
    acknowledged: int


def register_bodies(session: Session, user: User) -> list[Organization]:
    """The issuing bodies whose outgoing register `user` may read (all for an admin)."""
    if user.is_admin:
        return list(session.scalars(select(Organization).where(Organization.issues_documents.is_(True))
                                    .order_by(Organization.id)))
    body = user.organization.issuing_body()
    return [body] if body is not None else []


def outgoing_register(session: Session, issuer_id: int, year: int, *, page: int = 1,
                      per_page: int = 50) -> Page:
    """The numbered documents of `issuer_id` in `year` by number, with copies sent and
    acknowledged."""
    where = [Document.issuer_id == issuer_id, Document.year == year, Document.number.isnot(None)]
    total = session.scalar(select(func.count(Document.id)).where(*where))
    docs = list(session.scalars(
        select(Document).where(*where)
        .options(joinedload(Document.drafting_unit), joinedload(Document.issuer),
                 selectinload(Document.recipients).joinedload(DocumentRecipient.organization),
                 selectinload(Document.recipients).joinedload(DocumentRecipient.group))
        .order_by(Document.number).limit(per_page).offset(offset(page, per_page))).unique())
    counts = {}
    if docs:
        counts = {doc_id: (n, acked) for doc_id, n, acked in session.execute(
            select(Distribution.document_id, func.count(),
                   func.sum(case((Distribution.status == "acknowledged", 1), else_=0)))
            .where(Distribution.document_id.in_([d.id for d in docs]))
            .group_by(Distribution.document_id))}
    rows = [RegisterRow(d, counts.get(d.id, (0, 0))[0] + len(d.archive or []),
                        int(counts.get(d.id, (0, 0))[1] or 0)) for d in docs]
    return Page(rows, total, page, per_page)


def register_years(session: Session, issuer_id: int) -> list[int]:
    """The years in which `issuer_id` numbered documents, newest first."""
    return [y for y in session.scalars(select(Document.year).where(
        Document.issuer_id == issuer_id, Document.year.isnot(None)).distinct()
        .order_by(Document.year.desc()))]
