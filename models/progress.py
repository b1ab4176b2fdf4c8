"""The running counts of an issued document's follow-through (one row per document)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from .base import Base


def _count() -> Mapped[int]:
    return mapped_column(default=0, server_default=text("0"))


class DocumentProgress(Base):
    """What an issued document's recipients have done, counted as it happens.

    Written at issue and kept exact by the services that change distributions,
    duties and reports, in the same transaction (`workflow.progress`), with
    `UPDATE … SET n = n + 1` so that concurrent acknowledgements add up. The
    lists read it instead of counting a million distributions.

    `unfiled` is `reports_owed - filed`; `next_due` and `last_due` are the
    earliest and latest due dates of the reports still owed (None when none
    is): how many are overdue on a given day follows from them without a
    write when a due date passes (all when `last_due` is past, none when
    `next_due` is not, otherwise the obligations tell). `issuer_id`,
    `author_id` and `issued_at` are the document's, copied at issue (they do
    not change after it), so that the tracking lists rank and filter this row
    alone; so are `drafting_unit_id` and `followers`, the ids of the author and
    of everyone assigned to or deciding a step of the chain (its steps do not
    change after issue either), whom the worklist's overdue panel serves
    (`follows`).
    """

    __tablename__ = "document_progress"
    __table_args__ = (
        Index("ix_document_progress_last_due", "last_due", postgresql_where=text("unfiled > 0"),
              sqlite_where=text("unfiled > 0")),
    )

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    issued_at: Mapped[datetime]
    recipients: Mapped[int] = _count()
    acknowledged: Mapped[int] = _count()
    refused: Mapped[int] = _count()
    reports_owed: Mapped[int] = _count()
    filed: Mapped[int] = _count()
    late: Mapped[int] = _count()
    unfiled: Mapped[int] = _count()
    next_due: Mapped[Optional[date]] = mapped_column(Date)
    last_due: Mapped[Optional[date]] = mapped_column(Date)
    drafting_unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"))
    followers: Mapped[Optional[list[int]]] = mapped_column(JSON().with_variant(ARRAY(Integer), "postgresql"))


class follows(ColumnElement):
    """`user_id` (an expression) is one of `column`'s ids (`DocumentProgress.followers`):
    `= ANY (…)` on PostgreSQL, over `json_each` on SQLite."""

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("user_id", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, user_id):
        self.column, self.user_id = column, user_id


@compiles(follows)
def _follows_json(element, compiler, **kw):
    return (f"EXISTS (SELECT 1 FROM json_each({compiler.process(element.column, **kw)}) "
            f"WHERE json_each.value = {compiler.process(element.user_id, **kw)})")


@compiles(follows, "postgresql")
def _follows_array(element, compiler, **kw):
    return f"({compiler.process(element.user_id, **kw)} = ANY ({compiler.process(element.column, **kw)}))"


# The orders of the tracking dashboard (`workflow.tracking.ranked_progress`), so that a
# page is read from an index: those with every owed report overdue (most first), and
# those with none overdue (the next due first); then the newest issued first. The
# second also answers how many are overdue for a user (`next_due` past, who follows
# them) from the index alone; the first carries what a user's filter reads (PostgreSQL),
# as a department head's first page may skip thousands of other units' documents.
Index("ix_document_progress_unfiled_ranking", DocumentProgress.unfiled.desc(), DocumentProgress.next_due,
      DocumentProgress.issued_at.desc(), DocumentProgress.document_id.desc(),
      postgresql_where=text("unfiled > 0"), sqlite_where=text("unfiled > 0"),
      postgresql_include=["last_due", "author_id", "issuer_id", "drafting_unit_id", "followers"])
Index("ix_document_progress_next_due_ranking", DocumentProgress.next_due, DocumentProgress.issued_at.desc(),
      DocumentProgress.document_id.desc(), DocumentProgress.issuer_id, DocumentProgress.author_id)
