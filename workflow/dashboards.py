"""Read-only queries behind the browser's pages: worklists, widgets, tables, registers.

Every function answers with a fixed number of statements whatever the number of
rows (eager loads, aggregates, pagination); none of them changes anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import (ApprovalStep, Distribution, Document, DocumentRecipient, DocumentRevision,
                    HistoryEntry, NumberSequence, Organization, RecipientGroup, ReportDuty,
                    User, fold)

from . import clock
from .services.delegation import active_delegations


@dataclass
class Page:
    """One page of a longer list: its items, the total count and where it is."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _offset(page: int, per_page: int) -> int:
    return (max(page, 1) - 1) * per_page


# --- the worklist ("Việc cần xử lý") -----------------------------------------------

WORK_KINDS = ("review", "sign", "issue", "returned", "draft")


@dataclass
class WorkItem:
    """A document waiting for the user and why: review, sign, issue, returned or draft."""

    document: Document
    kind: str
    returned_step: ApprovalStep | None = None


def _waiting_condition(session: Session, user: User):
    people = [user.id] + [d.delegator_id for d in active_delegations(session, user, clock.now())]
    mine = select(ApprovalStep.id).where(ApprovalStep.assignee_id.in_(people))
    return or_(Document.current_step_id.in_(mine),
               and_(Document.author_id == user.id, Document.state == "draft"))


def worklist_counts(session: Session, user: User) -> dict[str, int]:
    """How many documents wait for *this* user, by kind of work, with a `total`."""
    rows = session.execute(
        select(Document.state, Document.chain_round, ApprovalStep.kind, func.count(Document.id))
        .select_from(Document).outerjoin(ApprovalStep, Document.current_step_id == ApprovalStep.id)
        .where(_waiting_condition(session, user))
        .group_by(Document.state, Document.chain_round, ApprovalStep.kind)).all()
    counts = {k: 0 for k in WORK_KINDS}
    for state, chain_round, step_kind, n in rows:
        kind = ("returned" if chain_round else "draft") if state == "draft" else step_kind
        if kind in counts:
            counts[kind] += n
    counts["total"] = sum(counts[k] for k in WORK_KINDS)
    return counts


def worklist_page(session: Session, user: User, *, kind: str | None = None, page: int = 1,
                  per_page: int = 20) -> Page:
    """The documents waiting for *this* user (their steps, their delegators' steps,
    their drafts), returned drafts first, then oldest waiting first."""
    where = [_waiting_condition(session, user)]
    if kind in ("review", "sign", "issue"):
        where += [Document.state != "draft", ApprovalStep.kind == kind]
    elif kind == "returned":
        where += [Document.state == "draft", Document.chain_round > 0]
    elif kind == "draft":
        where += [Document.state == "draft", Document.chain_round == 0]
    base = select(Document).outerjoin(ApprovalStep, Document.current_step_id == ApprovalStep.id) \
        .where(*where)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    priority = case((and_(Document.state == "draft", Document.chain_round > 0), 0),
                    (Document.state == "draft", 2), else_=1)
    docs = list(session.scalars(
        base.options(joinedload(Document.issuer), joinedload(Document.author),
                     joinedload(Document.current_step).joinedload(ApprovalStep.assignee))
        .order_by(priority, Document.updated_at.asc(), Document.id)
        .limit(per_page).offset(_offset(page, per_page))).unique())
    returned = last_returns(session, [d.id for d in docs if d.state == "draft" and d.chain_round])
    items = []
    for doc in docs:
        if doc.state == "draft":
            work = "returned" if doc.chain_round else "draft"
        else:
            work = doc.current_step.kind if doc.current_step else "review"
        items.append(WorkItem(doc, work, returned.get(doc.id)))
    return Page(items, total, page, per_page)


def last_returns(session: Session, doc_ids: list[int]) -> dict[int, ApprovalStep]:
    """For each document id, the latest step that returned it to the drafter."""
    if not doc_ids:
        return {}
    steps = session.scalars(
        select(ApprovalStep).where(ApprovalStep.document_id.in_(doc_ids),
                                   ApprovalStep.decision == "returned")
        .options(joinedload(ApprovalStep.decided_by))
        .order_by(ApprovalStep.decided_at, ApprovalStep.id))
    return {s.document_id: s for s in steps}


# --- reporting duties: near-due and overdue widgets ---------------------------------

@dataclass
class DueWidgets:
    """The user's organization's unfiled reports: soon due and overdue, with totals."""

    near: list[ReportDuty] = field(default_factory=list)
    overdue: list[ReportDuty] = field(default_factory=list)
    near_total: int = 0
    overdue_total: int = 0


def _unfiled_of(user: User):
    return [ReportDuty.filed_at.is_(None),
            ReportDuty.distribution_id.in_(select(Distribution.id).where(
                Distribution.organization_id == user.organization_id,
                Distribution.status != "refused"))]


def due_widgets(session: Session, user: User, today: date, days: int, *, limit: int = 8) -> DueWidgets:
    """Reports the user's organization owes: due within `days` days, and overdue."""
    unfiled = _unfiled_of(user)
    near_cond = [*unfiled, ReportDuty.due_date >= today, ReportDuty.due_date <= today + timedelta(days=days)]
    over_cond = [*unfiled, ReportDuty.due_date < today]
    options = [joinedload(ReportDuty.obligation),
               joinedload(ReportDuty.distribution).joinedload(Distribution.document)
               .joinedload(Document.issuer)]
    widgets = DueWidgets()
    for cond, attr in ((near_cond, "near"), (over_cond, "overdue")):
        setattr(widgets, f"{attr}_total", session.scalar(select(func.count(ReportDuty.id)).where(*cond)))
        setattr(widgets, attr, list(session.scalars(
            select(ReportDuty).where(*cond).options(*options)
            .order_by(ReportDuty.due_date, ReportDuty.id).limit(limit))))
    return widgets


def followed_overdue(session: Session, user: User, today: date, *, limit: int = 8) -> list[tuple[Document, int]]:
    """Issued documents the user follows (author, chain member, head of the drafting
    unit; every document for an admin) with how many recipients' reports are overdue."""
    late = select(ReportDuty.document_id, func.count(ReportDuty.id).label("n")) \
        .where(ReportDuty.filed_at.is_(None), ReportDuty.due_date < today) \
        .group_by(ReportDuty.document_id).subquery()
    query = select(Document, late.c.n).join(late, late.c.document_id == Document.id) \
        .order_by(late.c.n.desc(), Document.id).limit(limit)
    if not user.is_admin:
        from .permissions import HEAD_POSITIONS
        involved = exists().where(ApprovalStep.document_id == Document.id,
                                  or_(ApprovalStep.assignee_id == user.id,
                                      ApprovalStep.decided_by_id == user.id))
        follows = [Document.author_id == user.id, involved]
        if user.position in HEAD_POSITIONS:
            follows.append(Document.drafting_unit_id == user.organization_id)
        query = query.where(or_(*follows))
    return [(doc, n) for doc, n in session.execute(query.options(joinedload(Document.issuer)))]


# --- incoming documents (văn bản đến) -------------------------------------------------

INBOX_VIEWS = ("all", "unacknowledged", "due", "overdue")


def _inbox_filter(user: User, view: str, today: date):
    where = [Distribution.organization_id == user.organization_id]
    unfiled = and_(ReportDuty.distribution_id == Distribution.id, ReportDuty.filed_at.is_(None))
    if view == "unacknowledged":
        where.append(Distribution.status == "sent")
    elif view == "due":
        where.append(exists().where(unfiled, ReportDuty.due_date >= today))
    elif view == "overdue":
        where.append(exists().where(unfiled, ReportDuty.due_date < today))
    return where


def inbox_counts(session: Session, user: User, today: date,
                 views: tuple[str, ...] = INBOX_VIEWS) -> dict[str, int]:
    """How many incoming documents of the user's organization are in each inbox view."""
    return {view: session.scalar(select(func.count(Distribution.id))
                                 .where(*_inbox_filter(user, view, today)))
            for view in views}


def inbox_page(session: Session, user: User, *, view: str = "all", today: date,
               page: int = 1, per_page: int = 20) -> Page:
    """A page of the distributions addressed to the user's organization, newest first."""
    where = _inbox_filter(user, view if view in INBOX_VIEWS else "all", today)
    total = session.scalar(select(func.count(Distribution.id)).where(*where))
    items = list(session.scalars(
        select(Distribution).where(*where)
        .options(joinedload(Distribution.document).joinedload(Document.issuer),
                 joinedload(Distribution.acknowledged_by),
                 selectinload(Distribution.duties).joinedload(ReportDuty.obligation))
        .order_by(Distribution.sent_at.desc(), Distribution.id.desc())
        .limit(per_page).offset(_offset(page, per_page))).unique())
    return Page(items, total, page, per_page)


def distribution_detail(session: Session, dist_id: int) -> Distribution | None:
    """One distribution with its document, recipient, duties and their reports."""
    return session.scalars(
        select(Distribution).where(Distribution.id == dist_id)
        .options(joinedload(Distribution.document), joinedload(Distribution.organization),
                 joinedload(Distribution.acknowledged_by),
                 selectinload(Distribution.duties).joinedload(ReportDuty.obligation),
                 selectinload(Distribution.duties).selectinload(ReportDuty.reports))).first()


# --- the distribution table of a document -------------------------------------------

RECIPIENT_VIEWS = ("all", "unacknowledged", "overdue")


@dataclass
class DistributionTotals:
    """Counts for the distribution table's header and progress bars."""

    recipients: int = 0
    acknowledged: int = 0
    refused: int = 0
    reports_owed: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    due: int = 0

    @property
    def filed(self) -> int:
        return self.on_time + self.late

    def percent(self, part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0


def distribution_totals(session: Session, document: Document, today: date) -> DistributionTotals:
    """Recipients, acknowledgements and reports (on time, late, overdue, due) of a document."""
    row = session.execute(select(
        func.count(Distribution.id),
        func.coalesce(func.sum(case((Distribution.status == "acknowledged", 1), else_=0)), 0),
        func.coalesce(func.sum(case((Distribution.status == "refused", 1), else_=0)), 0))
        .where(Distribution.document_id == document.id)).one()
    totals = DistributionTotals(recipients=row[0], acknowledged=row[1], refused=row[2])
    for duty in session.scalars(select(ReportDuty).where(ReportDuty.document_id == document.id)):
        totals.reports_owed += 1
        status = duty.status(today)
        attr = {"filed": "on_time", "late": "late", "overdue": "overdue"}.get(status, "due")
        setattr(totals, attr, getattr(totals, attr) + 1)
    return totals


def distribution_page(session: Session, document: Document, *, view: str = "all", today: date,
                      page: int = 1, per_page: int = 50) -> Page:
    """A page of a document's distributions; `view` keeps the not yet acknowledged ones
    or those with an overdue report."""
    where = [Distribution.document_id == document.id]
    if view == "unacknowledged":
        where.append(Distribution.status == "sent")
    elif view == "overdue":
        where.append(exists().where(ReportDuty.distribution_id == Distribution.id,
                                    ReportDuty.filed_at.is_(None), ReportDuty.due_date < today))
    total = session.scalar(select(func.count(Distribution.id)).where(*where))
    items = list(session.scalars(
        select(Distribution).where(*where)
        .options(joinedload(Distribution.organization), joinedload(Distribution.acknowledged_by),
                 joinedload(Distribution.via_group),
                 selectinload(Distribution.duties).joinedload(ReportDuty.obligation),
                 selectinload(Distribution.duties).selectinload(ReportDuty.reports))
        .order_by(Distribution.id).limit(per_page).offset(_offset(page, per_page))).unique())
    return Page(items, total, page, per_page)


# --- history and revisions ------------------------------------------------------------

def history_page(session: Session, document: Document, *, page: int = 1, per_page: int = 50,
                 newest_first: bool = False) -> Page:
    """A page of the document's history with actors loaded."""
    total = session.scalar(select(func.count(HistoryEntry.id)).where(HistoryEntry.document_id == document.id))
    order = HistoryEntry.seq.desc() if newest_first else HistoryEntry.seq
    items = list(session.scalars(
        select(HistoryEntry).where(HistoryEntry.document_id == document.id)
        .options(joinedload(HistoryEntry.actor), joinedload(HistoryEntry.on_behalf_of))
        .order_by(order).limit(per_page).offset(_offset(page, per_page))))
    return Page(items, total, page, per_page)


def last_seen_revision(session: Session, document: Document, user: User) -> int | None:
    """The revision number current when `user` last acted on `document`, or None.

    Derived from the history: the newest revision written no later than the
    user's latest history row (a decision, a submission, a save is not needed:
    a reviewer cannot change the text, so what they saw is what was current).
    """
    last_act = session.scalar(select(func.max(HistoryEntry.created_at)).where(
        HistoryEntry.document_id == document.id, HistoryEntry.actor_id == user.id,
        HistoryEntry.trigger != "create"))
    if last_act is None:
        return None
    return session.scalar(select(func.max(DocumentRevision.number)).where(
        DocumentRevision.document_id == document.id, DocumentRevision.created_at <= last_act))


def revisions_of(session: Session, document: Document) -> list[DocumentRevision]:
    """Every revision of the document, oldest first, with its author."""
    return list(session.scalars(
        select(DocumentRevision).where(DocumentRevision.document_id == document.id)
        .options(joinedload(DocumentRevision.author)).order_by(DocumentRevision.number)))


# --- the outgoing register (sổ văn bản đi, Phụ lục IV) --------------------------------

@dataclass
class RegisterRow:
    """One line of the outgoing register."""

    document: Document
    copies: int
    acknowledged: int


def register_bodies(session: Session, user: User) -> list[Organization]:
    """The issuing bodies whose outgoing register `user` may read (all for an admin)."""
    if user.is_admin:
        return list(session.scalars(select(Organization).where(Organization.issues_documents.is_(True))
                                    .order_by(Organization.id)))
    body = user.organization.issuing_body()
    return [body] if body is not None else []


def outgoing_register(session: Session, issuer_id: int, year: int, *, page: int = 1,
                      per_page: int = 50) -> Page:
    """The numbered documents of `issuer_id` in `year` by number, with copies sent and
    acknowledged."""
    where = [Document.issuer_id == issuer_id, Document.year == year, Document.number.isnot(None)]
    total = session.scalar(select(func.count(Document.id)).where(*where))
    docs = list(session.scalars(
        select(Document).where(*where)
        .options(joinedload(Document.drafting_unit), joinedload(Document.issuer),
                 selectinload(Document.recipients).joinedload(DocumentRecipient.organization),
                 selectinload(Document.recipients).joinedload(DocumentRecipient.group))
        .order_by(Document.number).limit(per_page).offset(_offset(page, per_page))).unique())
    counts = {}
    if docs:
        counts = {doc_id: (n, acked) for doc_id, n, acked in session.execute(
            select(Distribution.document_id, func.count(Distribution.id),
                   func.sum(case((Distribution.status == "acknowledged", 1), else_=0)))
            .where(Distribution.document_id.in_([d.id for d in docs]))
            .group_by(Distribution.document_id))}
    rows = [RegisterRow(d, counts.get(d.id, (0, 0))[0] + len(d.archive or []),
                        int(counts.get(d.id, (0, 0))[1] or 0)) for d in docs]
    return Page(rows, total, page, per_page)


def register_years(session: Session, issuer_id: int) -> list[int]:
    """The years in which `issuer_id` numbered documents, newest first."""
    return [y for y in session.scalars(select(Document.year).where(
        Document.issuer_id == issuer_id, Document.year.isnot(None)).distinct()
        .order_by(Document.year.desc()))]


def next_number_preview(session: Session, document: Document, year: int) -> int:
    """The number the clerk's next issue would give (a forecast: someone may be quicker)."""
    last = session.scalar(select(NumberSequence.last_number).where(
        NumberSequence.series == f"org-{document.issuer_id}", NumberSequence.year == year))
    return (last or 0) + 1


# --- directory and administration lists ----------------------------------------------

def _matching_ids(session: Session, model, columns, q: str) -> list[int] | None:
    """Ids of rows whose columns contain every word of `q`, ignoring case and diacritics
    (None when there is no query). One narrow statement: directories are small."""
    words = fold(q).split()
    if not words:
        return None
    rows = session.execute(select(model.id, *columns).order_by(model.id))
    return [row[0] for row in rows if all(w in fold(" ".join(str(v or "") for v in row[1:])) for w in words)]


def _directory_page(session: Session, model, columns, order, q: str, page: int, per_page: int,
                    options=()) -> Page:
    ids = _matching_ids(session, model, columns, q)
    where = [model.id.in_(ids)] if ids is not None else []
    total = len(ids) if ids is not None else session.scalar(select(func.count(model.id)))
    items = list(session.scalars(select(model).where(*where).options(*options).order_by(order)
                                 .limit(per_page).offset(_offset(page, per_page))))
    return Page(items, total, page, per_page)


def organizations_page(session: Session, *, q: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Organizations by id with their parent, filtered by name or abbreviation (no diacritics needed)."""
    return _directory_page(session, Organization, [Organization.name, Organization.short_name,
                                                   Organization.abbreviation],
                           Organization.id, q, page, per_page, [joinedload(Organization.parent)])


def users_page(session: Session, *, q: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Users by username with their organization, filtered by username or name (no diacritics needed)."""
    return _directory_page(session, User, [User.username, User.full_name], User.username, q, page, per_page)


def groups_with_counts(session: Session) -> list[tuple[RecipientGroup, int]]:
    """Every recipient group with its owner and number of members."""
    from models import group_members
    members = select(group_members.c.group_id, func.count().label("n")) \
        .group_by(group_members.c.group_id).subquery()
    rows = session.execute(select(RecipientGroup, func.coalesce(members.c.n, 0))
                           .outerjoin(members, members.c.group_id == RecipientGroup.id)
                           .options(joinedload(RecipientGroup.owner)).order_by(RecipientGroup.id))
    return [(g, n) for g, n in rows]


def directory(session: Session) -> tuple[list[Organization], list[RecipientGroup]]:
    """Every organization and group, for choosing recipients (two statements)."""
    orgs = list(session.scalars(select(Organization).order_by(Organization.name)))
    groups = list(session.scalars(select(RecipientGroup).order_by(RecipientGroup.name)))
    return orgs, groups

