"""Writing and verifying the append-only, hash-chained document history.

Each document's rows form a chain (`prev_hash` → `hash`), and the document
itself keeps the chain's anchor (`history_head_seq`, `history_head_hash`):
the seq and hash of its last row, written in the same transaction as the
row. An edited or inserted row breaks the chain; a deleted row leaves a gap;
deleted rows at the end no longer match the anchor.
"""
from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache

from sqlalchemy import bindparam, exists, func, insert, literal_column, select, true
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from models import Document, HistoryEntry, User
from models.history import chain_hash

from .errors import Conflict
from .versioning import Change

CONFLICT_MESSAGE = "Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại rồi thực hiện lại."


def record(session: Session, document: Document, actor: User | None, trigger: str,
           from_state: str, to_state: str, now: datetime, *, comment: str = "",
           step=None, distribution=None, on_behalf_of: User | None = None,
           first: bool = False, guard: Change | None = None, also: tuple[Change, ...] = ()) -> HistoryEntry:
    """Append a history row for `document`, chained to the row its anchor names
    (`first`: the document was created in this transaction, its chain is empty).

    `guard` (a compare-and-set, `versioning.versioned_change`) and `also` (writes
    such as counters, `progress.acknowledgement`) are written first, in that
    order, in the same statement as the row on PostgreSQL: when the guard
    matches no row this raises `Conflict` and nothing at all is written.

    The row is written at once, in the caller's transaction, together with a
    compare-and-set that moves the document's anchor to it from the anchor
    loaded with the document (one statement on PostgreSQL). When another
    transaction appended since, the anchor is read afresh and the write tried
    once more; when that loses too this raises `Conflict` (409) and nothing
    is written. A stale row version of the document still fails (409) when
    the state change is flushed. The anchor update does not bump the
    document's row version, so acknowledgements do not invalidate the version
    a client holds. Answers the row, persistent in the session.
    """
    row = append(session, document.id, document.history_head_seq, document.history_head_hash,
                 actor.id if actor else None, trigger, from_state, to_state, now, comment=comment,
                 step_id=step.id if step is not None else None,
                 distribution_id=distribution.id if distribution is not None else None,
                 on_behalf_of_id=on_behalf_of.id if on_behalf_of else None, first=first,
                 guard=guard, also=also)
    set_committed_value(document, "history_head_seq", row["seq"])
    set_committed_value(document, "history_head_hash", row["hash"])
    entry = HistoryEntry(**row)
    make_transient_to_detached(entry)
    session.add(entry)
    return entry


def append(session: Session, document_id: int, head_seq: int, head_hash: str, actor_id: int | None,
           trigger: str, from_state: str, to_state: str, now: datetime, *, comment: str = "",
           step_id: int | None = None, distribution_id: int | None = None, on_behalf_of_id: int | None = None,
           first: bool = False, guard: Change | None = None, also: tuple[Change, ...] = ()) -> dict:
    """`record` for a document known by its id and the anchor read with it (`head_seq`,
    `head_hash`), without its model instance: writes the row the same way and answers its
    column values, with its id (nothing else of the document is touched).

    No `HistoryEntry` is built: an acknowledgement has no use for one, and building it
    (instance state, an attribute event per column) was 8% of an acknowledgement's
    instructions (callgrind, bench/chain.py's acknowledgements)."""
    if not head_seq and not first:
        head_seq, head_hash = _head(session, document_id)
    row = _sealed({
        "document_id": document_id, "seq": head_seq + 1, "actor_id": actor_id, "on_behalf_of_id": on_behalf_of_id,
        "trigger": trigger, "from_state": from_state, "to_state": to_state, "comment": comment or "",
        "step_id": step_id, "distribution_id": distribution_id, "created_at": now, "prev_hash": head_hash})
    if not _append(session, document_id, head_seq, row, guard, also):
        # The anchor read with the document is stale: chain to the row it names now.
        head_seq, head_hash = _head(session, document_id)
        row = _sealed({**row, "seq": head_seq + 1, "prev_hash": head_hash})
        if not _append(session, document_id, head_seq, row):
            raise Conflict(CONFLICT_MESSAGE)
    return row


def _sealed(row: dict) -> dict:
    """`row` (a history row's column values but its id) with its `hash`."""
    row["hash"] = chain_hash(row)
    return row


def _append(session: Session, document_id: int, head_seq: int, row: dict,
            guard: Change | None = None, also: tuple[Change, ...] = ()) -> bool:
    """Move the document's anchor from `head_seq` to `row` (compare-and-set) and insert
    `row`, setting its id; False, with nothing written, when the anchor had moved.
    `guard` and `also` (see `record`) are written first, and stay written then."""
    connection = session.connection()
    anchor = {"anchor_doc": document_id, "anchor_from": head_seq, "anchor_seq": row["seq"],
              "anchor_hash": row["hash"]}
    if connection.dialect.name == "postgresql":
        anchor.update({f"row_{k}": row[k] for k in _row_keys()})
        if guard is None and not also:
            entry_id = connection.execute(_move_and_insert(), anchor).scalar()
        else:
            statement = _guarded_move_and_insert(guard.statement if guard else None,
                                                 tuple(c.statement for c in also))
            for change in ((guard,) if guard else ()) + also:
                anchor.update(change.params)
            matched, entry_id = connection.execute(statement, anchor).one()
            if guard is not None and not matched:
                raise Conflict(CONFLICT_MESSAGE)
            _applied(guard)
        if entry_id is None:
            return False
    else:
        if guard is not None and connection.execute(guard.statement, guard.params).rowcount != 1:
            raise Conflict(CONFLICT_MESSAGE)
        _applied(guard)
        for change in also:
            connection.execute(change.statement, change.params)
        if connection.execute(_move(), anchor).rowcount != 1:
            return False
        table = HistoryEntry.__table__
        entry_id = connection.execute(insert(table).returning(table.c.id),
                                      {k: row[k] for k in _row_keys()}).scalar_one()
    row["id"] = entry_id
    return True


def _applied(change: Change | None) -> None:
    if change is not None and change.applied is not None:
        change.applied()


@cache
def _row_keys() -> tuple[str, ...]:
    """The columns of a history row that its INSERT writes (all but the id)."""
    return tuple(c.key for c in HistoryEntry.__table__.columns if c.key != "id")


@cache
def _move():
    """UPDATE of the anchor from `anchor_from` to (`anchor_seq`, `anchor_hash`), keeping
    `updated_at` (built once, so that its cache key is computed once)."""
    doc = Document.__table__
    return doc.update() \
        .where(doc.c.id == bindparam("anchor_doc"), doc.c.history_head_seq == bindparam("anchor_from")) \
        .values(history_head_seq=bindparam("anchor_seq"), history_head_hash=bindparam("anchor_hash"),
                updated_at=doc.c.updated_at)


@cache
def _move_and_insert():
    """`_move` and the INSERT of the row (`row_<column>`) in one PostgreSQL statement: the row
    is selected from the moved anchor, so nothing is inserted when the anchor had moved."""
    rows = HistoryEntry.__table__
    names = list(_row_keys())
    moved = _move().returning(Document.__table__.c.id).cte("moved")
    row = select(*[bindparam(f"row_{k}", type_=rows.c[k].type) for k in names]).select_from(moved)
    return insert(rows).from_select(names, row).returning(rows.c.id)


@lru_cache(maxsize=32)
def _guarded_move_and_insert(guard, also: tuple):
    """`_move_and_insert` preceded by `guard` and `also` (UPDATEs) in one PostgreSQL statement,
    answering (whether the guard matched, the new row's id or NULL).

    Everything is written only if the guard matched. The order of the row locks is the
    order of the separate statements (the guard's row, the others', the document's):
    the select list reads the guard first, and the anchor's UPDATE evaluates its
    condition, which reads the others, before it locks the document."""
    rows = HistoryEntry.__table__
    names = list(_row_keys())
    matched = true()
    parts = []
    if guard is not None:
        guarded = guard.returning(literal_column("1").label("ok")).cte("guarded")
        matched = exists(select(guarded.c.ok))
        parts.append(guarded)
    written = [statement.where(matched).returning(literal_column("1").label("ok")).cte(f"also_{i}")
               for i, statement in enumerate(also)]
    moved = _move().where(matched, *[select(func.count()).select_from(w).scalar_subquery() >= 0
                                     for w in written]) \
        .returning(Document.__table__.c.id).cte("moved")
    row = select(*[bindparam(f"row_{k}", type_=rows.c[k].type) for k in names]).select_from(moved)
    inserted = insert(rows).from_select(names, row).returning(rows.c.id).cte("inserted")
    first = select(func.count()).select_from(parts[0]).scalar_subquery() if parts else literal_column("1")
    return select(first.label("matched"), select(inserted.c.id).scalar_subquery().label("id"))


def _head(session: Session, document_id: int) -> tuple[int, str]:
    """The anchor as stored now (read afresh).

    A document written before anchors existed (anchor 0 with rows present)
    adopts its last row, so old data keeps working until it is backfilled.
    """
    seq, digest = session.execute(
        select(Document.history_head_seq, Document.history_head_hash)
        .where(Document.id == document_id)).one()
    if seq:
        return seq, digest
    last = session.execute(
        select(HistoryEntry.seq, HistoryEntry.hash).where(HistoryEntry.document_id == document_id)
        .order_by(HistoryEntry.seq.desc()).limit(1)).first()
    if last is None:
        return 0, ""
    # Legacy chain: anchor it first, so the compare-and-set below applies.
    session.execute(Document.__table__.update()
                    .where(Document.__table__.c.id == document_id)
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
        if chain_hash({c.key: getattr(entry, c.key) for c in HistoryEntry.__table__.columns}) != entry.hash:
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
