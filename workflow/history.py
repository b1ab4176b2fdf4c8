"""Writing and verifying the append-only, hash-chained document history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Document, HistoryEntry, User


def record(session: Session, document: Document, actor: User | None, trigger: str,
           from_state: str, to_state: str, now: datetime, *, comment: str = "",
           step=None, distribution=None, on_behalf_of: User | None = None) -> HistoryEntry:
    """Append a history row for `document`, chained to the previous row's hash.

    The row is added to the session (flushed with the state change, in the
    same transaction); the document's row version serialises writers, so two
    rows never get the same `seq`.
    """
    last = session.execute(
        select(HistoryEntry.seq, HistoryEntry.hash)
        .where(HistoryEntry.document_id == document.id)
        .order_by(HistoryEntry.seq.desc()).limit(1)).first()
    entry = HistoryEntry(
        document_id=document.id, seq=(last.seq + 1) if last else 1,
        actor_id=actor.id if actor else None,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        trigger=trigger, from_state=from_state, to_state=to_state, comment=comment or "",
        step_id=step.id if step is not None else None,
        distribution_id=distribution.id if distribution is not None else None,
        created_at=now, prev_hash=last.hash if last else "")
    entry.seal()
    session.add(entry)
    return entry


def verify(session: Session, document_id: int | None = None) -> list[str]:
    """Problems found in the hash chains (all documents, or one): empty when intact."""
    query = select(HistoryEntry).order_by(HistoryEntry.document_id, HistoryEntry.seq)
    if document_id is not None:
        query = query.where(HistoryEntry.document_id == document_id)
    problems, prev_doc, prev_hash, prev_seq = [], None, "", 0
    for entry in session.scalars(query):
        if entry.document_id != prev_doc:
            prev_doc, prev_hash, prev_seq = entry.document_id, "", 0
        where = f"document {entry.document_id}, history row {entry.seq} (id {entry.id})"
        if entry.seq != prev_seq + 1:
            problems.append(f"{where}: rows {prev_seq + 1}..{entry.seq - 1} are missing")
        if entry.prev_hash != prev_hash:
            problems.append(f"{where}: does not follow the previous row (inserted or reordered)")
        expected = entry.hash
        entry_copy = HistoryEntry(**{c.key: getattr(entry, c.key) for c in HistoryEntry.__table__.columns})
        entry_copy.seal()
        if entry_copy.hash != expected:
            problems.append(f"{where}: content was edited after it was written")
        prev_hash, prev_seq = entry.hash, entry.seq
    return problems
