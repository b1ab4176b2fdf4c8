"""Writing and verifying the append-only, hash-chained document history.

Each document's rows form a chain (`prev_hash` → `hash`), and the document
itself keeps the chain's anchor (`history_head_seq`, `history_head_hash`):
the seq and hash of its last row, written in the same transaction as the
row. An edited or inserted row breaks the chain; a deleted row leaves a gap;
deleted rows at the end no longer match the anchor.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models import Document, HistoryEntry, User

from .errors import Conflict

CONFLICT_MESSAGE = "Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại rồi thực hiện lại."


def record(session: Session, document: Document, actor: User | None, trigger: str,
           from_state: str, to_state: str, now: datetime, *, comment: str = "",
           step=None, distribution=None, on_behalf_of: User | None = None) -> HistoryEntry:
    """Append a history row for `document`, chained to the row its anchor names.

    The row is added to the session (flushed with the state change, in the
    same transaction) and the document's anchor moves to it with a
    compare-and-set: when another transaction appended first, this raises
    `Conflict` (409) and nothing is written. The anchor update does not bump
    the document's row version, so acknowledgements do not invalidate the
    version a client holds.
    """
    head_seq, head_hash = _head(session, document)
    entry = HistoryEntry(
        document_id=document.id, seq=head_seq + 1,
        actor_id=actor.id if actor else None,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        trigger=trigger, from_state=from_state, to_state=to_state, comment=comment or "",
        step_id=step.id if step is not None else None,
        distribution_id=distribution.id if distribution is not None else None,
        created_at=now, prev_hash=head_hash)
    entry.seal()
    table = Document.__table__
    moved = session.execute(
        table.update()
        .where(table.c.id == document.id, table.c.history_head_seq == head_seq)
        .values(history_head_seq=entry.seq, history_head_hash=entry.hash,
                updated_at=table.c.updated_at))
    if moved.rowcount != 1:
        raise Conflict(CONFLICT_MESSAGE)
    set_committed_value(document, "history_head_seq", entry.seq)
    set_committed_value(document, "history_head_hash", entry.hash)
    session.add(entry)
    return entry


def _head(session: Session, document: Document) -> tuple[int, str]:
    """The anchor as stored now (read afresh, after flushing pending changes).

    A document written before anchors existed (anchor 0 with rows present)
    adopts its last row, so old data keeps working until it is backfilled.
    """
    seq, digest = session.execute(
        select(Document.history_head_seq, Document.history_head_hash)
        .where(Document.id == document.id)).one()
    if seq:
        return seq, digest
    last = session.execute(
        select(HistoryEntry.seq, HistoryEntry.hash).where(HistoryEntry.document_id == document.id)
        .order_by(HistoryEntry.seq.desc()).limit(1)).first()
    if last is None:
        return 0, ""
    # Legacy chain: anchor it first, so the compare-and-set below applies.
    session.execute(Document.__table__.update()
                    .where(Document.__table__.c.id == document.id)
                    .values(history_head_seq=last.seq, history_head_hash=last.hash,
                            updated_at=Document.__table__.c.updated_at))
    return last.seq, last.hash


def verify(session: Session, document_id: int | None = None) -> list[str]:
    """Problems found in the hash chains (all documents, or one): empty when intact.

    Reports rows edited after they were written, rows inserted or reordered,
    rows missing inside a chain, and rows missing at (or added past) the end
    of a chain, which only the document's anchor can reveal.
    """
    query = select(HistoryEntry).order_by(HistoryEntry.document_id, HistoryEntry.seq)
    if document_id is not None:
        query = query.where(HistoryEntry.document_id == document_id)
    problems, prev_doc, prev_hash, prev_seq = [], None, "", 0
    ends: dict[int, tuple[int, str]] = {}
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
        ends[entry.document_id] = (entry.seq, entry.hash)
    problems.extend(_check_anchors(session, ends, document_id))
    return problems


def _check_anchors(session: Session, ends: dict[int, tuple[int, str]],
                   document_id: int | None) -> list[str]:
    """Compare each document's anchor with the last row actually stored."""
    query = select(Document.id, Document.history_head_seq, Document.history_head_hash) \
        .order_by(Document.id)
    if document_id is not None:
        query = query.where(Document.id == document_id)
    problems = []
    for doc_id, head_seq, head_hash in session.execute(query):
        last_seq, last_hash = ends.get(doc_id, (0, ""))
        if (last_seq, last_hash) == (head_seq, head_hash):
            continue
        where = f"document {doc_id}"
        if head_seq > last_seq:
            problems.append(f"{where}: history rows {last_seq + 1}..{head_seq} at the end are "
                            f"missing (deleted); the chain now ends at row {last_seq}")
        elif last_seq > head_seq:
            problems.append(f"{where}: history rows {head_seq + 1}..{last_seq} are not anchored "
                            f"(added outside the application)")
        else:
            problems.append(f"{where}: history row {last_seq} is not the row the document "
                            f"anchored (replaced)")
    return problems
