"""Tracking issued documents: who received, acknowledged, refused, and which reports came in.

Read-only queries for the sender's side: one document's recipients
(`document_tracking`), the dashboard across documents (`dashboard`), the
recipient units (`units`) and what one unit still owes (`unit_items`). Each
answers with a fixed number of statements whatever the number of rows; lists
put what is overdue first, then what is due soonest. XLSX files of the same
lists are built by `workflow.tracking_export`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from models import ApprovalStep, Distribution, Document, Organization, Report, ReportDuty, User, fold

from . import clock
from .dashboards import Page
from .errors import NotFound, PermissionDenied
from .permissions import principals
from .queries import issuing_scope_ids

TRACKING_PRINCIPALS = {"author", "chain_member", "issuer_member", "drafting_unit_head", "admin"}
ISSUED = ("distributed", "reported")


def can_track(session: Session, user: User, document: Document) -> bool:
    """True when `user` may follow `document` up: its author, a member of its chain,
    the head of its drafting unit, an administrator, or a member of its issuing body
    whose own unit is not one of the recipients (a recipient sees only its own copy,
    in the inbox, not the other recipients)."""
    found = principals(session, user, document)
    if "recipient" in found:
        found.discard("issuer_member")
    return bool(found & TRACKING_PRINCIPALS)


def get_tracked_document(session: Session, doc_id: int, user: User) -> Document:
    """Load a document the user may track; raise `NotFound` or `PermissionDenied`."""
    document = session.scalars(select(Document).where(Document.id == doc_id)
                               .options(joinedload(Document.issuer))).first()
    if document is None:
        raise NotFound("Không tìm thấy văn bản.")
    if not can_track(session, user, document):
        raise PermissionDenied("Bạn không theo dõi văn bản này.")
    return document


def local_time(moment: datetime | None) -> datetime | None:
    """A stored naive-UTC moment as naive Vietnam time (for display and files)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(clock.VN_TZ).replace(tzinfo=None)


def duty_status(duty: ReportDuty, today: date) -> str:
    """`filed` (on time), `late` (filed after due), `overdue` (missing) or `due`.

    Whether a filing was late is taken from its reports, judged on the Vietnam
    calendar day as when it was filed.
    """
    if duty.filed_at is not None:
        return "late" if duty.reports and all(r.late for r in duty.reports) else "filed"
    return "overdue" if today > duty.due_date else "due"


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

    duty: ReportDuty
    status: str
    days: int

    @property
    def period(self) -> str:
        return self.duty.obligation.period


@dataclass
class RecipientRow:
    """One recipient of a document: its copy (status, by whom, when) and its reports."""

    distribution: Distribution
    duties: list[DutyLine] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.duties if d.status == "overdue")

    @property
    def next_due(self) -> date | None:
        return min((d.duty.due_date for d in self.duties if d.status in ("due", "overdue")), default=None)


@dataclass
class DocumentTracking:
    """A document's tracking page: totals, then one row per recipient, overdue first."""

    document: Document
    progress: Progress
    rows: list[RecipientRow]


def document_tracking(session: Session, document: Document, today: date | None = None) -> DocumentTracking:
    """Every recipient of `document` with its acknowledgement and reports.

    Rows with an overdue report come first, then those not yet acknowledged,
    then the rest, each by the earliest report still due.
    """
    today = today or clock.local_date()
    dists = list(session.scalars(
        select(Distribution).where(Distribution.document_id == document.id)
        .options(joinedload(Distribution.organization), joinedload(Distribution.acknowledged_by),
                 joinedload(Distribution.via_group), joinedload(Distribution.sent_by),
                 selectinload(Distribution.duties).joinedload(ReportDuty.obligation),
                 selectinload(Distribution.duties).selectinload(ReportDuty.reports))
        .order_by(Distribution.id)).unique())
    progress, rows = Progress(), []
    for dist in dists:
        row = RecipientRow(dist)
        for duty in sorted(dist.duties, key=lambda d: (d.due_date, d.id)):
            status = duty_status(duty, today)
            days = (today - duty.due_date).days if status == "overdue" else (duty.due_date - today).days
            row.duties.append(DutyLine(duty, status, days))
            progress.reports_owed += 1
            progress.filed += status in ("filed", "late")
            progress.late += status == "late"
            progress.overdue += status == "overdue"
        progress.recipients += 1
        progress.acknowledged += dist.status == "acknowledged"
        progress.refused += dist.status == "refused"
        if row.next_due and (progress.next_due is None or row.next_due < progress.next_due):
            progress.next_due = row.next_due
        rows.append(row)
    rows.sort(key=lambda r: (0 if r.overdue else 1 if r.distribution.status == "sent" else 2,
                             r.next_due or date.max, r.distribution.id))
    return DocumentTracking(document, progress, rows)


# --- across documents ------------------------------------------------------------------

def scope_condition(session: Session, user: User):
    """Issued documents `user` follows (as `can_track` decides for one): those the user
    wrote or acted on in the chain, and those of the user's issuing body (and the
    units under it) not addressed to the user's own unit; all for an administrator."""
    issued = Document.state.in_(ISSUED)
    if user.is_admin:
        return issued
    copy = aliased(Distribution)
    own_copy = exists().where(copy.document_id == Document.id, copy.organization_id == user.organization_id)
    involved = exists().where(ApprovalStep.document_id == Document.id,
                              or_(ApprovalStep.assignee_id == user.id, ApprovalStep.decided_by_id == user.id))
    return and_(issued, or_(Document.author_id == user.id, involved,
                            and_(Document.issuer_id.in_(issuing_scope_ids(session, user)), ~own_copy)))


def _distribution_counts():
    return select(Distribution.document_id.label("doc_id"),
                  func.count(Distribution.id).label("recipients"),
                  func.sum(case((Distribution.status == "acknowledged", 1), else_=0)).label("acknowledged"),
                  func.sum(case((Distribution.status == "refused", 1), else_=0)).label("refused")) \
        .group_by(Distribution.document_id).subquery()


def _duty_counts(today: date):
    on_time = exists().where(Report.duty_id == ReportDuty.id, Report.late.is_(False))
    unfiled = ReportDuty.filed_at.is_(None)
    return select(ReportDuty.document_id.label("doc_id"),
                  func.count(ReportDuty.id).label("owed"),
                  func.sum(case((ReportDuty.filed_at.isnot(None), 1), else_=0)).label("filed"),
                  func.sum(case((and_(ReportDuty.filed_at.isnot(None), ~on_time), 1), else_=0)).label("late"),
                  func.sum(case((and_(unfiled, ReportDuty.due_date < today), 1), else_=0)).label("overdue"),
                  func.min(case((unfiled, ReportDuty.due_date), else_=None)).label("next_due")) \
        .group_by(ReportDuty.document_id).subquery()


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
    documents with a missing report.
    """
    today = today or clock.local_date()
    dists, duties = _distribution_counts(), _duty_counts(today)
    where = [scope_condition(session, user)]
    for word in fold(q or "").split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(Document.search_text.like(f"%{escaped}%", escape="\\"))
    overdue = func.coalesce(duties.c.overdue, 0)
    if overdue_only:
        where.append(overdue > 0)
    base = select(Document.id).outerjoin(duties, duties.c.doc_id == Document.id).where(*where)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    query = select(Document, dists.c.recipients, dists.c.acknowledged, dists.c.refused, duties.c.owed,
                   duties.c.filed, duties.c.late, overdue, duties.c.next_due) \
        .outerjoin(dists, dists.c.doc_id == Document.id).outerjoin(duties, duties.c.doc_id == Document.id) \
        .where(*where).options(joinedload(Document.issuer)) \
        .order_by(case((overdue > 0, 0), else_=1), overdue.desc(),
                  case((duties.c.next_due.is_(None), 1), else_=0), duties.c.next_due,
                  Document.issued_at.desc(), Document.id.desc())
    if per_page:
        query = query.limit(per_page).offset((max(page, 1) - 1) * per_page)
    items = [DocumentProgressRow(doc, Progress(
        recipients=int(n or 0), acknowledged=int(ack or 0), refused=int(ref or 0), reports_owed=int(owed or 0),
        filed=int(filed or 0), late=int(late or 0), overdue=int(over or 0), next_due=_as_date(next_due)))
        for doc, n, ack, ref, owed, filed, late, over, next_due in session.execute(query)]
    return Page(items, total, page, per_page or max(total, 1))


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


def units(session: Session, user: User, *, today: date | None = None,
          outstanding_only: bool = False) -> list[UnitRow]:
    """Each recipient unit of the documents the user follows: documents received, not
    acknowledged, refused, reports still owed and overdue; overdue first, then by the
    next report due."""
    today = today or clock.local_date()
    scope = scope_condition(session, user)
    copies = select(Distribution.organization_id.label("org_id"),
                    func.count(Distribution.id).label("documents"),
                    func.sum(case((Distribution.status == "sent", 1), else_=0)).label("unack"),
                    func.sum(case((Distribution.status == "refused", 1), else_=0)).label("refused")) \
        .join(Document, Document.id == Distribution.document_id).where(scope) \
        .group_by(Distribution.organization_id).subquery()
    owed = select(Distribution.organization_id.label("org_id"), func.count(ReportDuty.id).label("owed"),
                  func.sum(case((ReportDuty.due_date < today, 1), else_=0)).label("overdue"),
                  func.min(ReportDuty.due_date).label("next_due")) \
        .select_from(ReportDuty).join(Distribution, Distribution.id == ReportDuty.distribution_id) \
        .join(Document, Document.id == ReportDuty.document_id) \
        .where(scope, ReportDuty.filed_at.is_(None), Distribution.status != "refused") \
        .group_by(Distribution.organization_id).subquery()
    overdue = func.coalesce(owed.c.overdue, 0)
    query = select(Organization, copies.c.documents, copies.c.unack, copies.c.refused, owed.c.owed,
                   overdue, owed.c.next_due) \
        .join(copies, copies.c.org_id == Organization.id).outerjoin(owed, owed.c.org_id == Organization.id) \
        .order_by(overdue.desc(), case((owed.c.next_due.is_(None), 1), else_=0), owed.c.next_due,
                  copies.c.unack.desc(), Organization.name)
    if outstanding_only:
        query = query.where(or_(overdue > 0, func.coalesce(owed.c.owed, 0) > 0, copies.c.unack > 0))
    return [UnitRow(org, int(docs or 0), int(unack or 0), int(ref or 0), int(n or 0), int(over or 0),
                    _as_date(next_due))
            for org, docs, unack, ref, n, over, next_due in session.execute(query)]


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


def unit_items(session: Session, user: User, organization_id: int, *,
               today: date | None = None) -> tuple[Organization, list[UnitItem]]:
    """The documents a recipient unit has not acknowledged and the reports it owes,
    among those the user follows: overdue first, then by due date.
    Raises `NotFound` for an unknown unit."""
    today = today or clock.local_date()
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("Không tìm thấy đơn vị.")
    scope = scope_condition(session, user)
    options = [joinedload(Distribution.document).joinedload(Document.issuer)]
    unacknowledged = session.scalars(
        select(Distribution).join(Document, Document.id == Distribution.document_id)
        .where(scope, Distribution.organization_id == organization_id, Distribution.status == "sent")
        .options(*options))
    duties = session.scalars(
        select(ReportDuty).join(Distribution, Distribution.id == ReportDuty.distribution_id)
        .join(Document, Document.id == ReportDuty.document_id)
        .where(scope, Distribution.organization_id == organization_id, Distribution.status != "refused",
               ReportDuty.filed_at.is_(None))
        .options(joinedload(ReportDuty.obligation),
                 joinedload(ReportDuty.distribution).joinedload(Distribution.document)
                 .joinedload(Document.issuer)))
    items = []
    for dist in unacknowledged:
        due = clock.local_date(dist.sent_at)
        items.append(UnitItem("acknowledge", dist, due, today > due, abs((today - due).days)))
    for duty in duties:
        items.append(UnitItem("report", duty.distribution, duty.due_date, today > duty.due_date,
                              abs((today - duty.due_date).days), duty))
    items.sort(key=lambda i: (not i.overdue, i.due_date, i.kind != "report", i.distribution.id))
    return organization, items
