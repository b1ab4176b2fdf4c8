"""Read-only queries behind the document page: its revisions and what the user last saw,
its history, and for an issued document the distribution table with its totals.

Every function answers with a fixed number of statements whatever the number of rows
(eager loads, aggregates, pagination); none of them changes anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, exists, func, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.functions import FunctionElement

from models import (Distribution, Document, DocumentRevision, HistoryEntry, NumberSequence,
                    ReportDuty, User)
from models.report import VN_OFFSET

from .paging import Page, offset

# --- the distribution table of a document -------------------------------------------

RECIPIENT_VIEWS = ("all", "unacknowledged", "overdue")


class vn_day(FunctionElement):
    """The Vietnam calendar day of a naive-UTC timestamp, in SQL (as `ReportDuty.status`
    judges a filing: on the day it was in Vietnam)."""

    type = Date()
    inherit_cache = True


_VN_HOURS = int(VN_OFFSET.total_seconds() // 3600)


@compiles(vn_day)
def _vn_day(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '{_VN_HOURS} hours') AS DATE)"


@compiles(vn_day, "sqlite")
def _vn_day_sqlite(element, compiler, **kw):
    return f"DATE({compiler.process(element.clauses, **kw)}, '+{_VN_HOURS} hours')"


@dataclass
class DistributionTotals:
    """Counts for the distribution table's header and progress bars, and how many
    recipients each of its views (`RECIPIENT_VIEWS`) lists."""

    recipients: int = 0
    acknowledged: int = 0
    refused: int = 0
    reports_owed: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    due: int = 0
    unacknowledged_recipients: int = 0
    overdue_recipients: int = 0

    @property
    def filed(self) -> int:
        return self.on_time + self.late

    def percent(self, part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    def in_view(self, view: str) -> int:
        """How many recipients the table lists in `view`."""
        return {"unacknowledged": self.unacknowledged_recipients,
                "overdue": self.overdue_recipients}.get(view, self.recipients)


def _has_overdue(today: date):
    return exists().where(ReportDuty.distribution_id == Distribution.id,
                          ReportDuty.filed_at.is_(None), ReportDuty.due_date < today)


def distribution_totals(session: Session, document: Document, today: date) -> DistributionTotals:
    """Recipients, acknowledgements and reports (on time, late, overdue, due) of a
    document, in one statement."""
    status, filed, due = Distribution.status, ReportDuty.filed_at, ReportDuty.due_date
    copies = select(func.count().label("recipients"),
                    func.count().filter(status == "acknowledged").label("acknowledged"),
                    func.count().filter(status == "refused").label("refused"),
                    func.count().filter(status == "sent").label("unacknowledged_recipients")) \
        .where(Distribution.document_id == document.id).subquery()
    duties = select(func.count(ReportDuty.id).label("reports_owed"),
                    func.count(ReportDuty.id).filter(filed.isnot(None), vn_day(filed) <= due).label("on_time"),
                    func.count(ReportDuty.id).filter(filed.isnot(None), vn_day(filed) > due).label("late"),
                    func.count(ReportDuty.id).filter(filed.is_(None), due < today).label("overdue"),
                    func.count(ReportDuty.id).filter(filed.is_(None), due >= today).label("due"),
                    func.count(ReportDuty.distribution_id.distinct()).filter(filed.is_(None), due < today)
                    .label("overdue_recipients")) \
        .where(ReportDuty.document_id == document.id).subquery()
    row = session.execute(select(copies, duties).select_from(copies.join(duties, true()))).one()._mapping
    return DistributionTotals(**{key: int(value or 0) for key, value in row.items()})


def distribution_page(session: Session, document: Document, *, view: str = "all", today: date,
                      page: int = 1, per_page: int = 50, total: int | None = None) -> Page:
    """A page of a document's distributions with their duties and reports; `view` keeps
    the not yet acknowledged ones or those with an overdue report.

    `total`, when the caller has the totals (`DistributionTotals.in_view`), saves a statement.
    """
    where = [Distribution.document_id == document.id]
    if view == "unacknowledged":
        where.append(Distribution.status == "sent")
    elif view == "overdue":
        where.append(_has_overdue(today))
    if total is None:
        total = session.scalar(select(func.count(Distribution.id)).where(*where))
    items = list(session.scalars(
        select(Distribution).where(*where)
        .options(joinedload(Distribution.organization), joinedload(Distribution.acknowledged_by),
                 joinedload(Distribution.via_group),
                 joinedload(Distribution.duties).joinedload(ReportDuty.obligation),
                 joinedload(Distribution.duties).joinedload(ReportDuty.reports))
        .order_by(Distribution.id).limit(per_page).offset(offset(page, per_page))).unique())
    return Page(items, total, page, per_page)


# --- history and revisions ------------------------------------------------------------

def history_page(session: Session, document: Document, *, page: int = 1, per_page: int = 50,
                 newest_first: bool = False) -> Page:
    """A page of the document's history with actors loaded (one statement, the total
    counted alongside; a second only for a page past the end)."""
    order = HistoryEntry.seq.desc() if newest_first else HistoryEntry.seq
    rows = session.execute(
        select(HistoryEntry, func.count().over().label("total"))
        .where(HistoryEntry.document_id == document.id)
        .options(joinedload(HistoryEntry.actor), joinedload(HistoryEntry.on_behalf_of))
        .order_by(order).limit(per_page).offset(offset(page, per_page))).all()
    if rows:
        total = rows[0].total
    else:
        total = session.scalar(select(func.count(HistoryEntry.id))
                               .where(HistoryEntry.document_id == document.id)) if page > 1 else 0
    return Page([row[0] for row in rows], total, page, per_page)


def _last_act(document: Document, user: User):
    return select(func.max(HistoryEntry.created_at)).where(
        HistoryEntry.document_id == document.id, HistoryEntry.actor_id == user.id,
        HistoryEntry.trigger != "create").scalar_subquery()


def last_seen_revision(session: Session, document: Document, user: User) -> int | None:
    """The revision number current when `user` last acted on `document`, or None.

    Derived from the history: the newest revision written no later than the
    user's latest history row (a decision, a submission, a save is not needed:
    a reviewer cannot change the text, so what they saw is what was current).
    """
    return session.scalar(select(func.max(DocumentRevision.number)).where(
        DocumentRevision.document_id == document.id, DocumentRevision.created_at <= _last_act(document, user)))


def revisions_of(session: Session, document: Document) -> list[DocumentRevision]:
    """Every revision of the document, oldest first, with its author."""
    return revisions_seen_by(session, document, None)[0]


def revisions_seen_by(session: Session, document: Document,
                      user: User | None) -> tuple[list[DocumentRevision], int | None]:
    """Every revision of the document, oldest first, with its author, and the one
    `user` last saw (as `last_seen_revision` answers), in one statement."""
    last_act = _last_act(document, user) if user is not None else None
    columns = [DocumentRevision] + ([last_act.label("last_act")] if last_act is not None else [])
    rows = session.execute(
        select(*columns).where(DocumentRevision.document_id == document.id)
        .options(joinedload(DocumentRevision.author)).order_by(DocumentRevision.number)).all()
    revisions = [row[0] for row in rows]
    seen = None
    if user is not None and rows and rows[0].last_act is not None:
        seen = max((r.number for r in revisions if r.created_at <= rows[0].last_act), default=None)
    return revisions, seen


def next_number_preview(session: Session, document: Document, year: int) -> int:
    """The number the clerk's next issue would give (a forecast: someone may be quicker)."""
    last = session.scalar(select(NumberSequence.last_number).where(
        NumberSequence.series == f"org-{document.issuer_id}", NumberSequence.year == year))
    return (last or 0) + 1
