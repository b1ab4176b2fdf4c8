"""Read-only queries behind the document page: its revisions and what the user last saw,
its history, and for an issued document the distribution table with its totals.

Every function answers with a fixed number of statements whatever the number of rows
(eager loads, aggregates, pagination); none of them changes anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import and_, bindparam, case, exists, func, literal, literal_column, select, union, union_all
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from models import (ApprovalStep, Distribution, Document, DocumentProgress, DocumentRecipient, DocumentRevision,
                    HistoryEntry, NumberSequence, Organization, RecipientGroup, Report, ReportDuty,
                    ReportingObligation, User)

from . import progress
from .paging import Page, offset, window_total
from .tracking import (COPY_WIDTH, DUTY_WIDTH, DutyRow, RecipientRow, copy_row, copy_source, duty_columns,
                       duty_line)

# --- the distribution table of a document -------------------------------------------

RECIPIENT_VIEWS = ("all", "unacknowledged", "overdue")


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
    document, from its counters (`DocumentProgress`), in one statement."""
    row = session.execute(totals_query(document.id, today)).one_or_none()
    return totals_of(row._mapping if row is not None else {})


def totals_query(document_id: int, today: date):
    """The SELECT behind `distribution_totals` (one row, none before issue)."""
    p = DocumentProgress.__table__
    return select(*_totals_columns(p, today)).where(p.c.document_id == document_id)


def _totals_columns(p, today: date) -> list:
    o, duty = ReportingObligation.__table__, ReportDuty.__table__
    overdue = progress.overdue_expression(p, today)
    late_obligations = select(func.count()).where(o.c.document_id == p.c.document_id, o.c.unfiled_count > literal_column("0"),
                                                  o.c.due_date < today).scalar_subquery()
    # A recipient owes one report per obligation: with one obligation overdue, one per recipient.
    late_units = select(func.count(duty.c.distribution_id.distinct())).where(
        duty.c.document_id == p.c.document_id, duty.c.filed_at.is_(None), duty.c.due_date < today).scalar_subquery()
    return [p.c.recipients, p.c.acknowledged, p.c.refused, p.c.reports_owed, p.c.filed, p.c.late, p.c.unfiled,
            overdue.label("overdue"),
            case((late_obligations <= 1, overdue), else_=late_units).label("overdue_recipients")]


def totals_of(row) -> DistributionTotals:
    """The `DistributionTotals` of a row of `totals_query` (all zero for an empty one)."""
    n = {key: int(row.get(key) or 0) for key in ("recipients", "acknowledged", "refused", "reports_owed", "filed",
                                                 "late", "unfiled", "overdue", "overdue_recipients")}
    return DistributionTotals(
        recipients=n["recipients"], acknowledged=n["acknowledged"], refused=n["refused"],
        reports_owed=n["reports_owed"], on_time=n["filed"] - n["late"], late=n["late"], overdue=n["overdue"],
        due=n["unfiled"] - n["overdue"], unacknowledged_recipients=n["recipients"] - n["acknowledged"] - n["refused"],
        overdue_recipients=n["overdue_recipients"])


def distribution_page(session: Session, document: Document, *, view: str = "all", today: date,
                      page: int = 1, per_page: int = 50, total: int | None = None,
                      organization_id: int | None = None) -> Page:
    """A page of a document's distributions, in id order, as `tracking.RecipientRow`s
    (the copy, then each duty with its status today and its reports' attachments);
    `view` keeps the not yet acknowledged ones or those with an overdue report,
    `organization_id` the copies of one unit (a recipient's own).

    One statement reads the page with everything it shows, as rows (no model
    instances); `total`, when the caller has the totals
    (`DistributionTotals.in_view`), saves the counting one.
    """
    view = view if view in RECIPIENT_VIEWS else "all"
    params = {"doc_id": document.id, "today": today, "org_id": organization_id}
    own = organization_id is not None
    if total is None and not own:  # a unit has one copy of a document at most: no need to count it
        total = session.scalar(select(func.count(Distribution.id)).where(*_distribution_filter(view, own)), params)
    rows: dict[int, RecipientRow] = {}
    duties: dict[int, DutyRow] = {}
    for r in session.execute(_distribution_page_query(view, own), {
            **params, "limit": per_page, "offset": offset(page, per_page)}):
        row = rows.get(r[0])
        if row is None:
            row = rows[r[0]] = RecipientRow(copy_row(r[:COPY_WIDTH]))
        duty_id = r[COPY_WIDTH]
        if duty_id is None:
            continue
        duty = duties.get(duty_id)
        if duty is None:
            duty = duties[duty_id] = DutyRow(*r[COPY_WIDTH:COPY_WIDTH + DUTY_WIDTH], attachments=[])
            row.duties.append(duty_line(duty, today))
        if r[-2] is not None:
            duty.attachments.append((r[-2], r[-1]))
    items = list(rows.values())
    return Page(items, len(items) if total is None else total, page, per_page)


def _distribution_filter(view: str, own: bool = False) -> list:
    where = [Distribution.document_id == bindparam("doc_id")]
    if own:
        where.append(Distribution.organization_id == bindparam("org_id"))
    if view == "unacknowledged":
        where.append(Distribution.status == "sent")
    elif view == "overdue":
        where.append(_has_overdue(bindparam("today")))
    return where


@cache
def _distribution_page_query(view: str, own: bool):
    """The SELECT of a page of `distribution_page` in `view` (built once per view): the
    copies' columns (`tracking.copy_columns`), then each duty's (`tracking.DutyRow`'s),
    then the id and file name of each of its reports with an attachment, a row per
    (copy, duty, attachment) in copy id, due date and duty id order."""
    d, duty, o = Distribution.__table__, ReportDuty.__table__, ReportingObligation.__table__
    attached = Report.__table__.alias("attached")
    ids = select(d.c.id).where(*_distribution_filter(view, own)).order_by(d.c.id) \
        .limit(bindparam("limit")).offset(bindparam("offset")).subquery("page_ids")
    columns, source = copy_source()
    return select(*columns, *duty_columns(duty, o), attached.c.id, attached.c.file_name) \
        .select_from(source.join(ids, ids.c.id == d.c.id)
                     .outerjoin(duty, duty.c.distribution_id == d.c.id)
                     .outerjoin(o, o.c.id == duty.c.obligation_id)
                     .outerjoin(attached, and_(attached.c.duty_id == duty.c.id, attached.c.file_name != ""))) \
        .order_by(d.c.id, duty.c.due_date, duty.c.id, attached.c.id)


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
    total = window_total(session, rows, page, per_page,
                         select(func.count(HistoryEntry.id)).where(HistoryEntry.document_id == document.id))
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


# --- sending again ----------------------------------------------------------------------

def send_again_choices(session: Session, document: Document) -> tuple[list, list]:
    """Who the document may still be sent to: the units without a copy (not its issuer)
    and every group, by name, as rows with `id` and `name` (one statement)."""
    org, group = Organization.__table__, RecipientGroup.__table__
    has_copy = exists().where(Distribution.document_id == document.id, Distribution.organization_id == org.c.id)
    orgs = select(literal("o").label("kind"), org.c.id, org.c.name).where(~has_copy, org.c.id != document.issuer_id)
    groups = select(literal("g").label("kind"), group.c.id, group.c.name)
    both = union_all(groups, orgs).subquery()
    rows = session.execute(select(both).order_by(both.c.kind, both.c.name, both.c.id)).all()
    return [r for r in rows if r.kind == "o"], [r for r in rows if r.kind == "g"]


# --- the page's own statements ------------------------------------------------------------

@dataclass
class DocumentHead:
    """The document with what the page shows of one row: how many revisions there are and
    the latest one, the one the user last saw, the distribution's totals (issued
    documents), and the `extra` columns the caller asked for (the navigation's badges)."""

    document: Document
    revision_count: int
    latest_revision: int | None
    seen_revision: int | None
    totals: DistributionTotals | None
    extra: dict


def load_document(session: Session, doc_id: int, user: User, today: date, *, nav: bool = False) -> DocumentHead:
    """Load a document the user may view (its chain and people, as `queries.get_document`
    does, but not its recipient lines: see `side_lists`) with the page's one-row figures
    and, with `nav`, the navigation's badges (`dashboards.nav_columns`, in `extra`), in
    one statement; raise `NotFound` or `PermissionDenied`."""
    from .dashboards import nav_params
    from .errors import NotFound, PermissionDenied
    from .permissions import can_view
    params = {"doc_id": doc_id, **nav_params(user, today)}
    rows = session.execute(_load_document_query(nav), params).unique().all()
    if not rows:
        raise NotFound("Không tìm thấy văn bản.")
    row = rows[0]._mapping
    document = row[Document]
    if not can_view(session, user, document):
        raise PermissionDenied("Bạn không có quyền xem văn bản này.")
    return DocumentHead(document, int(row["revision_count"] or 0), row["latest_revision"], row["seen_revision"],
                        totals_of(row) if row["progress_id"] is not None else None,
                        {key: row[key] for key in NAV_KEYS} if nav else {})


NAV_KEYS = ("nav_work", "nav_inbox", "nav_bell")


@cache
def _load_document_query(nav: bool):
    """The SELECT of `load_document` (built once; the document, the user, the user's unit
    and the day are parameters `doc_id`, `me`, `my_org` and `today`)."""
    from .dashboards import nav_columns_of
    p, me, today = DocumentProgress.__table__, bindparam("me"), bindparam("today")
    mine = DocumentRevision.document_id == Document.id
    last_act = select(func.max(HistoryEntry.created_at)).where(
        HistoryEntry.document_id == Document.id, HistoryEntry.actor_id == me,
        HistoryEntry.trigger != "create").correlate(Document).scalar_subquery()
    figures = [
        select(func.count()).where(mine).correlate(Document).scalar_subquery().label("revision_count"),
        select(func.max(DocumentRevision.number)).where(mine).correlate(Document).scalar_subquery()
        .label("latest_revision"),
        select(func.max(DocumentRevision.number)).where(mine, DocumentRevision.created_at <= last_act)
        .correlate(Document).scalar_subquery().label("seen_revision"),
        p.c.document_id.label("progress_id"), *_totals_columns(p, today)]
    extra = nav_columns_of(me, bindparam("my_org"), today) if nav else []
    return select(Document, *figures, *extra).outerjoin(p, p.c.document_id == Document.id) \
        .where(Document.id == bindparam("doc_id")).options(*_head_options())


def _head_options() -> list:
    """`queries.document_options` but the recipient lines (`side_lists` reads them)."""
    return [joinedload(Document.issuer), joinedload(Document.drafting_unit), joinedload(Document.author),
            joinedload(Document.current_step).joinedload(ApprovalStep.assignee),
            joinedload(Document.steps).joinedload(ApprovalStep.assignee),
            joinedload(Document.steps).joinedload(ApprovalStep.decided_by)]


@dataclass
class SideLists:
    """The document page's short lists: Nơi nhận, the reports asked for, the latest history."""

    recipients: list[DocumentRecipient]
    obligations: list[ReportingObligation]
    history: Page


def side_lists(session: Session, document: Document, *, history_size: int = 8) -> SideLists:
    """The document's recipient lines (also set on `document.recipients`), its reporting
    obligations with their named units, and its `history_size` latest history entries with
    the number of all of them, in one statement: the three lists are numbered and joined
    on their numbers, so row i holds the i-th of each (as many rows as the longest)."""
    rows = session.execute(_side_lists_query(), {"doc_id": document.id, "history_size": history_size}) \
        .unique().all()
    lists: tuple[dict, dict, dict] = ({}, {}, {})
    for row in rows:
        for found, items in zip(row[1:4], lists):
            if found is not None:
                items.setdefault(id(found), found)
    recipients, obligations, history = (list(items.values()) for items in lists)
    set_committed_value(document, "recipients", recipients)
    total = next((row.total for row in rows if row.total is not None), 0)
    return SideLists(recipients, obligations, Page(history, int(total), 1, history_size))


@cache
def _side_lists_query():
    """The SELECT of `side_lists` (built once: its aliases of three numbered subqueries
    took longer to build than the statement takes to run)."""
    doc_id = bindparam("doc_id")

    def numbered(entity, order, *more):
        return select(entity, func.row_number().over(order_by=order).label("rn"), *more) \
            .where(entity.document_id == doc_id).subquery()
    r = numbered(DocumentRecipient, (DocumentRecipient.position, DocumentRecipient.id))
    o = numbered(ReportingObligation, (ReportingObligation.due_date, ReportingObligation.id))
    every = numbered(HistoryEntry, HistoryEntry.seq.desc(), func.count().over().label("total"))
    h = select(every).where(every.c.rn <= bindparam("history_size")).subquery()
    n = union(select(r.c.rn), select(o.c.rn), select(h.c.rn)).subquery()
    line, obligation, entry = (aliased(DocumentRecipient, r), aliased(ReportingObligation, o),
                               aliased(HistoryEntry, h))
    return select(n.c.rn, line, obligation, entry, h.c.total).select_from(n) \
        .outerjoin(r, r.c.rn == n.c.rn).outerjoin(o, o.c.rn == n.c.rn).outerjoin(h, h.c.rn == n.c.rn) \
        .options(joinedload(line.organization), joinedload(line.group), joinedload(obligation.units),
                 joinedload(entry.actor), joinedload(entry.on_behalf_of)) \
        .order_by(n.c.rn)


def revisions_numbered(session: Session, document: Document, numbers: list[int]) -> dict[int, DocumentRevision]:
    """Some revisions of the document by number, with their authors."""
    return {r.number: r for r in session.scalars(
        select(DocumentRevision).where(DocumentRevision.document_id == document.id,
                                       DocumentRevision.number.in_(numbers))
        .options(joinedload(DocumentRevision.author)))}
