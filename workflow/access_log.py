"""The access log: who opened which document, when and from where (ND30)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import ACCESS_ACTIONS, AccessLog, Document, User

from . import clock


def record_access(session: Session, user: User, document: Document, action: str,
                  ip: str | None = None, *, now: datetime | None = None) -> AccessLog:
    """Add a row saying `user` opened `document` (`view`) or downloaded it (`download`).

    Call it after the access was authorised, from every place that shows or
    sends a document (API and browser). The row is committed with the request;
    a request that fails writes none. Raises `ValueError` for an unknown action.
    """
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    row = AccessLog(user_id=user.id, document_id=document.id, action=action,
                    at=now or clock.now(), ip=(ip or "")[:45])
    session.add(row)
    return row


def accesses_of(session: Session, document: Document, *, limit: int = 200) -> list[AccessLog]:
    """The latest accesses to `document`, newest first, with their users loaded."""
    return list(session.scalars(
        select(AccessLog).where(AccessLog.document_id == document.id)
        .options(joinedload(AccessLog.user))
        .order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit)))
