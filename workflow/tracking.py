"""Tracking issued documents: who received, acknowledged, refused, and which reports came in.

Read-only queries for the sender's side: one document's recipients
(`document_tracking`), the dashboard across documents (`dashboard`), the
recipient units (`units`) and what one unit still owes (`unit_items`). Each
answers a page with a fixed number of statements whatever the number of rows
(a unit's whole list, as exported, loads a thousand rows per statement); lists
put what is overdue first, then what is due soonest. Who may follow what
(`can_track`, `get_tracked_document`, `scope_condition`) is decided in
`workflow.tracking_access` and available here too; XLSX files of the same lists
are built by `workflow.tracking_export`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache

from sqlalchemy import bindparam, case, exists, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from models import (Distribution, Document, DocumentProgress, Organization, RecipientGroup, Report, ReportDuty,
                    ReportingObligation, User, fold, vn_day)
from models.report import duty_status as report_duty_status

from . import clock, progress
from .errors import NotFound
from .paging import Page, by_id, capped_count, capped_page, count_cap, offset, window_total
from .tracking_access import (ISSUED, can_track, get_tracked_document, progress_scope_condition,  # noqa: F401
                              scope_condition)

__all__ = ["ISSUED", "can_track", "get_tracked_document", "scope_condition", "local_time", "duty_line",
           "Progress", "DutyLine", "RecipientRow", "DocumentTracking", "document_tracking", "copies",
           "DocumentProgressRow", "dashboard", "UnitRow", "units", "UnitItem", "unit_items"]


def local_time(moment: datetime | None) -> datetime | None:
    """A stored naive-UTC moment as naive Vietnam time (for display and files)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(clock.VN_TZ).replace(tzinfo=None)


def duty_line(duty: DutyRow, today: date) -> DutyLine:
    """The duty with its status today and the days left (or overdue, when it is)."""
    status = duty.status(today)
    days = (today - duty.due_date).days if status == "overdue" else (duty.due_date - today).days
    return DutyLine(duty, status, days)


@dataclass
class Progress:
    """Counts for one document (or any set of distributions) and the two shares."""

    recipients: int = 0
    acknowledged: int = 0
    refused: int = 0
    reports_owed: int = 0
    filed: int = 0
    late: int = 0
    overdue: int = 0
    next_due: date | None = None

    @property
    def unacknowledged(self) -> int:
        return self.recipients - self.acknowledged - self.refused

    @property
    def due(self) -> int:
        return self.reports_owed - self.filed - self.overdue

    @property
    def on_time(self) -> int:
        return self.filed - self.late

    @property
    def acknowledged_percent(self) -> int:
        """Acknowledged among the recipients that did not refuse."""
        whole = self.recipients - self.refused
        return round(100 * self.acknowledged / whole) if whole else 0

    @property
    def reported_percent(self) -> int:
        return round(100 * self.filed / self.reports_owed) if self.reports_owed else 0

    def as_dict(self) -> dict:
        return {"recipients": self.recipients, "acknowledged": self.acknowledged,
                "unacknowledged": self.unacknowledged, "refused": self.refused,
                "acknowledged_percent": self.acknowledged_percent, "reports_owed": self.reports_owed,
                "filed": self.filed, "on_time": self.on_time, "late": self.late,
                "overdue": self.overdue, "due": self.due, "reported_percent": self.reported_percent,
                "next_due": self.next_due.isoformat() if self.next_due else None}


@dataclass
class DutyLine:
    """One report a recipient owes, with its status today and how often it was chased."""

    duty: DutyRow
    status: str
    days: int

    @property
    def period(self) -> str:
        return self.duty.period


@dataclass
class RecipientRow:
    """One recipient of a document: its copy (status, by whom, when) and its reports."""

    distribution: CopyRow
    duties: list[DutyLine] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.duties if d.status == "overdue")

    @property
    def next_due(self) -> date | None:
        return min((d.duty.due_date for d in self.duties if d.status in ("due", "overdue")), default=None)


@dataclass
class DocumentTracking:
    """A document's tracking page: totals over every recipient, then one row per
    recipient of the page asked for (all of them without `per_page`), overdue first."""

    document: Document
    progress: Progress
    rows: list[RecipientRow]
    page: int = 1
    per_page: int | None = None

    @property
    def total(self) -> int:
        return self.progress.recipients


def _progress(session: Session, document: Document, today: date) -> Progress:
    """The document's totals over every recipient and report: its counters (one statement)."""
    p = DocumentProgress.__table__
    row = session.execute(select(p.c.recipients, p.c.acknowledged, p.c.refused, p.c.reports_owed, p.c.filed,
                                 p.c.late, progress.overdue_expression(p, today).label("overdue"), p.c.next_due)
                          .where(p.c.document_id == document.id)).one_or_none()
    if row is None:
        return Progress()
    return Progress(**{k: int(v or 0) for k, v in row._mapping.items() if k != "next_due"},
                    next_due=_as_date(row.next_due))


@dataclass(frozen=True, slots=True)
class Named:
    """An organization or a recipient group as a tracking row shows it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Person:
    """Who sent or acknowledged a copy, as a tracking row shows them (`S.user_brief`)."""

    id: int
    username: str
    full_name: str
    position: str


@dataclass(frozen=True, slots=True)
class CopyRow:
    """What a document's tracking reads of one distribution (a row, not a model instance)."""

    id: int
    document_id: int
    organization_id: int
    organization: Named
    purpose: str
    via_group_id: int | None
    via_group: Named | None
    status: str
    sent_at: datetime
    added_after_issue: bool
    sent_by: Person | None
    acknowledged_at: datetime | None
    acknowledged_by: Person | None
    refused_at: datetime | None
    refused_reason: str | None
    duties: list[DutyRow] = field(default_factory=list)  # where the reader fills them (`copies`)


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One report filed against a duty, with who filed it (a row, not a model instance)."""

    id: int
    duty_id: int
    text: str
    late: bool
    filed_at: datetime
    filed_by: Person


@dataclass(frozen=True, slots=True)
class DutyRow:
    """What a document's tracking reads of one report duty, with its obligation's period (and
    the reports' attachments, where the document page reads them)."""

    id: int
    distribution_id: int
    due_date: date
    filed_at: datetime | None
    reminder_count: int
    escalation_count: int
    last_reminded_at: datetime | None
    period: str
    attachments: list[tuple[int, str]] = field(default_factory=list)  # (report id, file name), if read
    reports: list[ReportRow] = field(default_factory=list)  # where the reader fills them (`copies`)

    def status(self, today: date) -> str:
        """As `ReportDuty.status`: `filed`, `late`, `overdue` or `due`."""
        return report_duty_status(self.filed_at, self.due_date, today)


def document_tracking(session: Session, document: Document, today: date | None = None, *,
                      page: int = 1, per_page: int | None = None) -> DocumentTracking:
    """The recipients of `document` with their acknowledgement and reports: the totals
    over all of them, and the rows of one page (`per_page=None` for all of them).

    Rows with an overdue report come first, then those not yet acknowledged,
    then the rest, each by the earliest report still due. Three statements,
    read as rows (`CopyRow`, `DutyRow`): a page of 1,000 recipients builds no
    model instances.
    """
    today = today or clock.local_date()
    copies = [copy_row(r) for r in session.execute(_copies_query(bool(per_page)), {
        "doc": document.id, "today": today, "limit": per_page or 0, "offset": offset(page, per_page or 1)})]
    owed: dict[int, list[DutyRow]] = {c.id: [] for c in copies}
    if copies:
        where = {"ids": list(owed)} if per_page else {"doc": document.id}
        for r in session.execute(_duties_query(bool(per_page)), where):
            if r.distribution_id in owed:
                owed[r.distribution_id].append(DutyRow(*r))
    rows = []
    for copy in copies:
        row = RecipientRow(copy)
        row.duties.extend(duty_line(duty, today) for duty in owed[copy.id])
        rows.append(row)
    return DocumentTracking(document, _progress(session, document, today), rows, page, per_page)


def copies(session: Session, document_id: int, *, organization_id: int | None = None,
           copy_id: int | None = None) -> list[CopyRow]:
    """The copies of a document (or only those sent to `organization_id`, or the one `copy_id`)
    by id, each with its duties by due date and their reports, as rows: what the API answers
    about copies (`ReportDuty` and `Report` instances answer the same attributes). Three
    statements at most, whatever the number of copies; no model instances."""
    where = {"doc": document_id, "org": organization_id, "copy": copy_id}
    found = [copy_row(r) for r in session.execute(_copies_of_query(), where)]
    if not found:
        return []
    by_copy = {c.id: c for c in found}
    duties = [DutyRow(*r) for r in session.execute(_copy_duties_query(), where)]
    for duty in duties:
        by_copy[duty.distribution_id].duties.append(duty)
    if any(duty.filed_at is not None for duty in duties):  # the first report sets it
        by_duty = {duty.id: duty for duty in duties}
        for r in session.execute(_copy_reports_query(), where):
            by_duty[r.duty_id].reports.append(ReportRow(r.id, r.duty_id, r.text, r.late, r.filed_at,
                                                        Person(*r[5:])))
    return found


def _narrowed(query, organization_column, copy_column):
    """`query` limited to the `org` and `copy` parameters when they are given."""
    return query.where(or_(bindparam("org", type_=organization_column.type).is_(None),
                           organization_column == bindparam("org")),
                       or_(bindparam("copy", type_=copy_column.type).is_(None), copy_column == bindparam("copy")))


@cache
def _copies_of_query():
    """The SELECT of `copies`' copies (built once, so that its cache key is computed once)."""
    d = Distribution.__table__
    columns, source = copy_source()
    return _narrowed(select(*columns).select_from(source).where(d.c.document_id == bindparam("doc")),
                     d.c.organization_id, d.c.id).order_by(d.c.id)


@cache
def _copy_duties_query():
    """The SELECT of `copies`' duties, due date order, with their obligations' periods."""
    duty, o = ReportDuty.__table__, ReportingObligation.__table__
    return _narrowed(select(*duty_columns(duty, o)).join(o, o.c.id == duty.c.obligation_id)
                     .where(duty.c.document_id == bindparam("doc")), duty.c.organization_id, duty.c.distribution_id) \
        .order_by(duty.c.due_date, duty.c.id)


@cache
def _copy_reports_query():
    """The SELECT of `copies`' reports, in filing order, with who filed each."""
    duty, report, user = ReportDuty.__table__, Report.__table__, User.__table__
    return _narrowed(select(report.c.id, report.c.duty_id, report.c.text, report.c.late, report.c.filed_at,
                            user.c.id, user.c.username, user.c.full_name, user.c.position)
                     .join(duty, duty.c.id == report.c.duty_id).join(user, user.c.id == report.c.filed_by_id)
                     .where(duty.c.document_id == bindparam("doc")), duty.c.organization_id, duty.c.distribution_id) \
        .order_by(report.c.id)


@cache
def _copies_query(paged: bool):
    """The SELECT of a document's copies in tracking order (`doc`, `today`, and `limit` and
    `offset` when `paged`), with their units, groups and people (built once per shape)."""
    d, today = Distribution.__table__, bindparam("today")
    unfiled = select(ReportDuty.distribution_id.label("dist_id"), func.min(ReportDuty.due_date).label("next_due"),
                     func.count().filter(ReportDuty.due_date < today).label("overdue")) \
        .where(ReportDuty.document_id == bindparam("doc"), ReportDuty.filed_at.is_(None)) \
        .group_by(ReportDuty.distribution_id).subquery()
    rank = case((func.coalesce(unfiled.c.overdue, 0) > 0, 0), (d.c.status == "sent", 1), else_=2)
    later = case((unfiled.c.next_due.is_(None), 1), else_=0)
    ranked = select(d.c.id, rank.label("rank"), later.label("later"), unfiled.c.next_due) \
        .outerjoin(unfiled, unfiled.c.dist_id == d.c.id).where(d.c.document_id == bindparam("doc")) \
        .order_by(rank, later, unfiled.c.next_due, d.c.id)
    if paged:
        ranked = ranked.limit(bindparam("limit")).offset(bindparam("offset"))
    ranked = ranked.subquery("ranked")
    columns, source = copy_source()
    return select(*columns).select_from(source.join(ranked, ranked.c.id == d.c.id)) \
        .order_by(ranked.c.rank, ranked.c.later, ranked.c.next_due, ranked.c.id)


@cache
def copy_source():
    """The columns `copy_row` reads (`COPY_WIDTH` of them) and the joins they come from: a
    distribution with its unit, its group, its sender and its acknowledger."""
    d, org, grp = Distribution.__table__, Organization.__table__, RecipientGroup.__table__
    acker, sender = User.__table__.alias("acker"), User.__table__.alias("sender")
    people = [c for u in (sender, acker) for c in (u.c.id, u.c.username, u.c.full_name, u.c.position)]
    columns = [d.c.id, d.c.document_id, d.c.organization_id, org.c.name, d.c.purpose, d.c.via_group_id,
               grp.c.name, d.c.status, d.c.sent_at, d.c.added_after_issue, d.c.acknowledged_at, d.c.refused_at,
               d.c.refused_reason, *people]
    source = d.join(org, org.c.id == d.c.organization_id).outerjoin(grp, grp.c.id == d.c.via_group_id) \
        .outerjoin(sender, sender.c.id == d.c.sent_by_id).outerjoin(acker, acker.c.id == d.c.acknowledged_by_id)
    return columns, source


COPY_WIDTH = 21


def copy_row(r) -> CopyRow:
    """The `CopyRow` of a result row's first `COPY_WIDTH` columns (`copy_source`)."""
    (dist_id, doc_id, org_id, org_name, purpose, group_id, group_name, status, sent_at, added, acked_at,
     refused_at, refused_reason, *people) = r
    sent_by = Person(*people[:4]) if people[0] is not None else None
    acked_by = Person(*people[4:]) if people[4] is not None else None
    return CopyRow(dist_id, doc_id, org_id, Named(org_id, org_name), purpose, group_id,
                   Named(group_id, group_name) if group_id is not None else None, status, sent_at, bool(added),
                   sent_by, acked_at, acked_by, refused_at, refused_reason)


def duty_columns(duty, o) -> list:
    """The columns of a `DutyRow` (but its attachments) of `duty` (the report_duty table) and
    `o` (its obligation, joined by the caller)."""
    return [duty.c.id, duty.c.distribution_id, duty.c.due_date, duty.c.filed_at, duty.c.reminder_count,
            duty.c.escalation_count, duty.c.last_reminded_at, o.c.period]


DUTY_WIDTH = 8


@cache
def _duties_query(paged: bool):
    """The SELECT of the duties of some copies (`ids`, expanding) or of a whole document
    (`doc`), due date order, with the obligation's period and whether all reports were late."""
    duty, o = ReportDuty.__table__, ReportingObligation.__table__
    where = duty.c.distribution_id.in_(bindparam("ids", expanding=True)) if paged \
        else duty.c.document_id == bindparam("doc")
    return select(*duty_columns(duty, o)) \
        .join(o, o.c.id == duty.c.obligation_id).where(where).order_by(duty.c.due_date, duty.c.id)


# --- across documents ------------------------------------------------------------------

@dataclass
class DocumentProgressRow:
    """One line of the dashboard: a document and its progress."""

    document: Document
    progress: Progress


def dashboard(session: Session, user: User, *, today: date | None = None, q: str | None = None,
              overdue_only: bool = False, page: int = 1, per_page: int | None = 20) -> Page:
    """The issued documents the user follows with the share acknowledged and reported,
    overdue first, then by the next report due (`per_page=None` for all).

    `q` matches title and number ignoring diacritics; `overdue_only` keeps the
    documents with a missing report. One statement, read from the documents'
    counters (`DocumentProgress`): the page's documents are taken in order from
    the ranking indexes (`ranked_progress`), the total is counted alongside up to
    `paging.count_cap` (`Page.capped` beyond it; every row for the whole list).
    """
    today = today or clock.local_date()
    p = DocumentProgress.__table__
    where = [progress_scope_condition(user)]
    words = fold(q or "").split()[:8]
    if words:
        likes = [Document.search_text.like(f"%{_escaped(w)}%", escape="\\") for w in words]
        where.append(p.c.document_id.in_(select(Document.id).where(*likes)))
    limit = offset(page, per_page) + per_page if per_page else None
    ranked = ranked_progress(today, where, overdue_only=overdue_only, limit=limit)
    ranked = select(ranked).order_by(*_dashboard_order(ranked.c))
    if per_page:
        ranked = ranked.limit(per_page).offset(offset(page, per_page))
    ranked = ranked.subquery("ranked")
    cap = count_cap(page, per_page)
    counted = capped_count(select(literal(1)).select_from(p)
                           .where(*where, *([p.c.next_due < today] if overdue_only else [])), cap)
    rows = session.execute(
        select(Document, counted.scalar_subquery().label("total"), ranked.c.overdue, p.c.next_due,
               p.c.recipients, p.c.acknowledged, p.c.refused, p.c.reports_owed, p.c.filed, p.c.late)
        .join(ranked, ranked.c.id == Document.id).join(p, p.c.document_id == Document.id)
        .options(joinedload(Document.issuer)).order_by(*_dashboard_order(ranked.c))).all()
    total = window_total(session, rows, page, per_page, counted)
    items = [DocumentProgressRow(row.Document, Progress(
        recipients=row.recipients, acknowledged=row.acknowledged, refused=row.refused,
        reports_owed=row.reports_owed, filed=row.filed, late=row.late, overdue=int(row.overdue or 0),
        next_due=_as_date(row.next_due))) for row in rows]
    return capped_page(items, total, page, per_page or max(total, 1), cap)


def ranked_progress(today: date, where: list, *, overdue_only: bool = False, limit: int | None = None):
    """A subquery of the progress rows matching `where` (id, issued_at, next_due and the
    number of reports `overdue` on `today`), the first `limit` of each part in dashboard
    order: those all of whose owed reports are overdue (read in order from the
    `unfiled` ranking index), those with reports both overdue and still to come (a
    few: their overdue count is summed from their obligations), and unless
    `overdue_only` those with nothing overdue (from the `next_due` ranking index)."""
    p = DocumentProgress.__table__
    keys = [p.c.document_id.label("id"), p.c.issued_at, p.c.next_due]

    def part(conditions, overdue, order):
        query = select(*keys, overdue.label("overdue")).where(*where, *conditions).order_by(*order)
        return select(query.limit(limit).subquery() if limit else query.subquery())
    newest = [p.c.issued_at.desc(), p.c.document_id.desc()]
    # written out, not bound: a prepared statement's generic plan uses the partial indexes
    # (`WHERE unfiled > 0`) only when it sees the constant
    owing = p.c.unfiled > literal_column("0")
    past = part([owing, p.c.last_due < today], p.c.unfiled, [p.c.unfiled.desc(), p.c.next_due, *newest])
    mixed_overdue = progress.overdue_expression(p, today)
    mixed = part([owing, p.c.last_due >= today, p.c.next_due < today], mixed_overdue,
                 [mixed_overdue.desc(), p.c.next_due, *newest])
    parts = [past, mixed]
    if not overdue_only:
        parts.append(part([or_(p.c.next_due.is_(None), p.c.next_due >= today)], literal(0),
                          [p.c.next_due.asc().nulls_last(), *newest]))
    return union_all(*parts).subquery("ranking")


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _dashboard_order(c) -> list:
    """Overdue first (most first), then by the next report due, the newest issued first."""
    return [case((c.overdue > 0, 0), else_=1), c.overdue.desc(), case((c.next_due.is_(None), 1), else_=0),
            c.next_due, c.issued_at.desc(), c.id.desc()]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass
class UnitRow:
    """One recipient unit across the documents followed: what it has not done."""

    organization: Organization
    documents: int
    unacknowledged: int
    refused: int
    reports_owed: int
    overdue: int
    next_due: date | None

    def as_dict(self) -> dict:
        return {"organization": {"id": self.organization.id, "name": self.organization.name},
                "documents": self.documents, "unacknowledged": self.unacknowledged,
                "refused": self.refused, "reports_owed": self.reports_owed, "overdue": self.overdue,
                "next_due": self.next_due.isoformat() if self.next_due else None}


def units(session: Session, user: User, *, today: date | None = None, outstanding_only: bool = False,
          page: int = 1, per_page: int | None = None) -> Page:
    """Each recipient unit of the documents the user follows: documents received, not
    acknowledged, refused, reports still owed and overdue; overdue first, then by the
    next report due (`per_page=None` for every unit).

    One statement: the two aggregates, ordered and cut to the page in SQL, with the
    number of units alongside; only the page's units are loaded.
    """
    today = today or clock.local_date()
    scope = scope_condition(session, user)
    copies = select(Distribution.organization_id.label("org_id"),
                    func.count(Distribution.id).label("documents"),
                    func.sum(case((Distribution.status == "sent", 1), else_=0)).label("unack"),
                    func.sum(case((Distribution.status == "refused", 1), else_=0)).label("refused")) \
        .join(Document, Document.id == Distribution.document_id).where(scope) \
        .group_by(Distribution.organization_id).subquery()
    # by the duty's own unit, a refused copy's duties left out by looking up each copy
    # (not by joining every copy: a province's million copies took a second)
    refused = exists().where(Distribution.id == ReportDuty.distribution_id, Distribution.status == "refused")
    owed = select(ReportDuty.organization_id.label("org_id"), func.count(ReportDuty.id).label("owed"),
                  func.sum(case((ReportDuty.due_date < today, 1), else_=0)).label("overdue"),
                  func.min(ReportDuty.due_date).label("next_due")) \
        .join(Document, Document.id == ReportDuty.document_id) \
        .where(scope, ReportDuty.filed_at.is_(None), ~refused) \
        .group_by(ReportDuty.organization_id).subquery()
    overdue = func.coalesce(owed.c.overdue, 0)
    order = [overdue.desc(), case((owed.c.next_due.is_(None), 1), else_=0), owed.c.next_due,
             copies.c.unack.desc(), Organization.name, Organization.id]
    position = func.row_number().over(order_by=order)
    listed = select(copies.c.org_id, copies.c.documents, copies.c.unack, copies.c.refused, owed.c.owed,
                    overdue.label("overdue"), owed.c.next_due, position.label("position"),
                    func.count().over().label("total")) \
        .join(Organization, Organization.id == copies.c.org_id).outerjoin(owed, owed.c.org_id == copies.c.org_id)
    if outstanding_only:
        listed = listed.where(or_(overdue > 0, func.coalesce(owed.c.owed, 0) > 0, copies.c.unack > 0))
    listed = listed.order_by(position)
    if per_page:
        listed = listed.limit(per_page).offset(offset(page, per_page))
    ranked = listed.subquery("ranked")
    rows = session.execute(select(Organization, ranked).join(ranked, ranked.c.org_id == Organization.id)
                           .order_by(ranked.c.position)).all()
    items = [UnitRow(r.Organization, int(r.documents or 0), int(r.unack or 0), int(r.refused or 0),
                     int(r.owed or 0), int(r.overdue or 0), _as_date(r.next_due)) for r in rows]
    total = window_total(session, rows, page, per_page,
                         select(func.count()).select_from(listed.limit(None).offset(None).subquery()))
    return Page(items, total, page, per_page or max(total, 1))


@dataclass
class UnitItem:
    """Something a unit has not done: acknowledge a document (due the day it was sent)
    or file a report (due on its due date)."""

    kind: str
    distribution: Distribution
    due_date: date
    overdue: bool
    days: int
    duty: ReportDuty | None = None

    @property
    def document(self) -> Document:
        return self.distribution.document


def unit_items(session: Session, user: User, organization_id: int, *, today: date | None = None,
               page: int = 1, per_page: int | None = None) -> tuple[Organization, Page]:
    """The documents a recipient unit has not acknowledged (due the day they were sent,
    in Vietnam) and the reports it owes, among those the user follows: by due date, so
    overdue first, a report before an acknowledgement due the same day (`per_page=None`
    for all of them). Raises `NotFound` for an unknown unit.

    The page's keys are chosen, ordered and counted in SQL (one statement), then only
    its copies and duties are loaded with their documents (two more; a whole list, as
    exported, one more per `paging.LOAD_CHUNK` of either).
    """
    today = today or clock.local_date()
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("Không tìm thấy đơn vị.")
    scope = scope_condition(session, user)
    d = Distribution.__table__
    acknowledge = select(literal(1).label("rank"), d.c.id.label("dist_id"), literal(None).label("duty_id"),
                         vn_day(d.c.sent_at).label("due")) \
        .join(Document, Document.id == d.c.document_id) \
        .where(scope, d.c.organization_id == organization_id, d.c.status == "sent")
    duty = ReportDuty.__table__
    report = select(literal(0).label("rank"), duty.c.distribution_id.label("dist_id"), duty.c.id.label("duty_id"),
                    duty.c.due_date.label("due")) \
        .join(d, d.c.id == duty.c.distribution_id).join(Document, Document.id == duty.c.document_id) \
        .where(scope, duty.c.organization_id == organization_id, duty.c.filed_at.is_(None),
               d.c.status != "refused")
    both = union_all(report, acknowledge).subquery("owed")
    keys = select(both, func.count().over().label("total")) \
        .order_by(both.c.due, both.c.rank, both.c.dist_id, both.c.duty_id)
    if per_page:
        keys = keys.limit(per_page).offset(offset(page, per_page))
    rows = session.execute(keys).all()
    total = window_total(session, rows, page, per_page, select(func.count()).select_from(both))
    copies = by_id(session, Distribution, {r.dist_id for r in rows if r.duty_id is None},
                     joinedload(Distribution.document).joinedload(Document.issuer))
    duties = by_id(session, ReportDuty, {r.duty_id for r in rows if r.duty_id is not None},
                     joinedload(ReportDuty.obligation),
                     joinedload(ReportDuty.distribution).joinedload(Distribution.document)
                     .joinedload(Document.issuer))
    items = []
    for r in rows:
        due = _as_date(r.due)
        if r.duty_id is None:
            items.append(UnitItem("acknowledge", copies[r.dist_id], due, today > due, abs((today - due).days)))
        else:
            owed = duties[r.duty_id]
            items.append(UnitItem("report", owed.distribution, due, today > due, abs((today - due).days), owed))
    return organization, Page(items, total, page, per_page or max(total, 1))
