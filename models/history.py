"""Append-only history of every state change and tracked action of a document."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User


class HistoryEntry(Base):
    """One event in a document's life: who did what, from which state to which.

    Rows are numbered per document (`seq`) and hash-chained (`prev_hash`,
    `hash`) so that an edited, inserted or deleted row can be detected.
    The ORM refuses to update or delete them.
    """

    __tablename__ = "history_entry"
    __table_args__ = (UniqueConstraint("document_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    on_behalf_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    step_id: Mapped[Optional[int]] = mapped_column(ForeignKey("approval_step.id", ondelete="SET NULL"))
    distribution_id: Mapped[Optional[int]] = mapped_column(ForeignKey("distribution.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[Optional[User]] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[Optional[User]] = relationship(foreign_keys=[on_behalf_of_id])

    def payload(self) -> str:
        """The canonical text that the row's hash covers."""
        return chain_payload({c.key: getattr(self, c.key) for c in self.__table__.columns})

    def seal(self) -> None:
        """Compute `hash` from the payload (call once, before the row is flushed)."""
        self.hash = hashlib.sha256(self.payload().encode()).hexdigest()


def chain_payload(row: Mapping) -> str:
    """The canonical text that a history row's hash covers, from its column values (`row`:
    column key → value), so that a row can be written without a model instance."""
    return json.dumps([
        row["document_id"], row["seq"], row["actor_id"], row["on_behalf_of_id"], row["trigger"],
        row["from_state"], row["to_state"], row["comment"] or "", row["distribution_id"],
        row["created_at"].isoformat(timespec="microseconds"), row["prev_hash"],
    ], ensure_ascii=False)


CHAIN_SLOTS = ("document_id", "seq", "from_state", "to_state", "prev_hash")


def chain_payload_pieces(row: Mapping) -> list[str]:
    """`chain_payload` of `row` cut around the values of `CHAIN_SLOTS`, for a statement that
    reads those itself and hashes in SQL: the JSON of each slot's value, in that order, goes
    between the pieces (len(CHAIN_SLOTS) + 1 of them). `row`'s own slot values are ignored."""
    marks = {k: f"\x00{k}\x00" for k in CHAIN_SLOTS}
    rest = chain_payload({**row, **marks, "comment": row.get("comment") or ""})
    pieces = []
    for key in CHAIN_SLOTS:
        before, found, rest = rest.partition(json.dumps(marks[key]))
        assert found, key
        pieces.append(before)
    return pieces + [rest]


def chain_hash(row: Mapping) -> str:
    """The hash of a history row given as its column values (what `HistoryEntry.seal` stores)."""
    return hashlib.sha256(chain_payload(row).encode()).hexdigest()


@event.listens_for(HistoryEntry, "before_update")
def _refuse_update(mapper, connection, target):  # pragma: no cover - guard
    raise RuntimeError("history entries are append-only")


@event.listens_for(HistoryEntry, "before_delete")
def _refuse_delete(mapper, connection, target):  # pragma: no cover - guard
    raise RuntimeError("history entries are append-only")
