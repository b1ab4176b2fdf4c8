"""Read-only queries behind the browser's lists: the worklist, the badges and widgets of
the home page, and the incoming list.

Every function answers with a fixed number of statements whatever the number of
rows (eager loads, aggregates, pagination), and the counts a page shows come from
one statement (`badge_counts`); none of them changes anything. The document page's
queries are in `workflow.document_page`, the register in `workflow.registers`, the
directory in `workflow.directory`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from types import SimpleNamespace

from sqlalchemy import Integer, and_, bindparam, case, exists, func, literal_column, or_, select, true, union_all
from sqlalchemy.orm import Session, joinedload, lazyload, load_only, selectinload

from models import (ApprovalStep, Delegation, Distribution, Document, DocumentProgress, Notification, ReportDuty,
                    User)
from models.progress import follows

from .directory import directory  # noqa: F401  (the recipient choices of several forms)
from .paging import COUNT_CAP, Page, capped_count, capped_page, count_cap, offset
from .permissions import HEAD_POSITIONS

# --- the worklist ("Việc cần xử lý") -----------------------------------------------

WORK_KINDS = ("review", "sign", "issue", "returned", "draft")


@dataclass
class WorkItem:
    """A document waiting for the user and why: review, sign, issue, returned or draft."""

    document: Document
    kind: str
    returned_step: ApprovalStep | None = None


def delegators_of(user: User, today: date):
    """A SELECT of the users who delegated their steps to `user` for `today` (the
    delegations `services.delegation.active_delegations` answers)."""
    return _delegators_of(user.id, today)


def _delegators_of(user_id, today):
    return select(Delegation.delegator_id).where(
        Delegation.delegate_id == user_id, Delegation.revoked_at.is_(None),
        Delegation.starts_on <= today, Delegation.ends_on >= today)


def _waiting(user: User, today: date):
    """`_waiting_of` the user on `today`."""
    return _waiting_of(user.id, today)


def _waiting_of(user_id, today):
    """A subquery of the documents waiting for user `user_id` (id, state, chain_round, updated_at and
    the current step's kind): those whose current step is theirs or a delegator's (a
    current step is always pending), and their drafts (which have no current step, so
    the three parts never overlap)."""
    columns = [Document.id, Document.state, Document.chain_round, Document.updated_at, ApprovalStep.kind]

    def current(assignee):
        return select(*columns).select_from(ApprovalStep) \
            .join(Document, Document.current_step_id == ApprovalStep.id) \
            .where(ApprovalStep.decision == literal_column("'pending'"), assignee)  # the partial index's own
    drafts = select(*columns).select_from(Document) \
        .outerjoin(ApprovalStep, Document.current_step_id == ApprovalStep.id) \
        .where(Document.author_id == user_id, Document.state == "draft")
    return union_all(current(ApprovalStep.assignee_id == user_id),
                     current(ApprovalStep.assignee_id.in_(_delegators_of(user_id, today))), drafts).subquery("waiting")


def _work_kind(waiting, kind: str):
    """The condition on a row of `_waiting` for one kind of work."""
    if kind in ("review", "sign", "issue"):
        return and_(waiting.c.state != "draft", waiting.c.kind == kind)
    if kind == "returned":
        return and_(waiting.c.state == "draft", waiting.c.chain_round > 0)
    return and_(waiting.c.state == "draft", waiting.c.chain_round == 0)


# --- the counts of a page, in one statement -----------------------------------------

INBOX_VIEWS = ("all", "unacknowledged", "due", "overdue")


def _work_counts(user: User, today: date):
    waiting = _waiting(user, today)
    return select(*[func.count(waiting.c.id).filter(_work_kind(waiting, k)).label(k) for k in WORK_KINDS]) \
        .subquery("work")


def _inbox_counts(user: User, today: date, views: tuple[str, ...]) -> list:
    """One-row subqueries counting the copies of the user's organization in `views`, each
    up to `COUNT_CAP + 1` (a commune receives every document of its province)."""
    mine = Distribution.organization_id == user.organization_id
    parts = []
    if "all" in views:
        parts.append(capped_count(select(Distribution.id).where(mine), COUNT_CAP, "all").subquery("copies"))
    if "unacknowledged" in views:
        parts.append(capped_count(select(Distribution.id).where(mine, Distribution.status == "sent"),
                                  COUNT_CAP, "unacknowledged").subquery("unacknowledged"))
    for view, when in (("due", ReportDuty.due_date >= today), ("overdue", ReportDuty.due_date < today)):
        if view in views:  # copies with a report still owed due from today on, or overdue
            owing = select(ReportDuty.distribution_id).where(*_unfiled_of(user), when).distinct()
            parts.append(capped_count(owing, COUNT_CAP, view).subquery(f"owing_{view}"))
    return parts


def _unfiled_of(user: User):
    """The reports the user's organization still owes (a refusal drops those it owed)."""
    return [ReportDuty.organization_id == user.organization_id, ReportDuty.filed_at.is_(None)]


def _report_counts(user: User, today: date, until: date):
    due = ReportDuty.due_date
    return select(func.count().filter(due >= today, due <= until).label("near"),
                  func.count().filter(due < today).label("overdue")) \
        .where(*_unfiled_of(user)).subquery("reports")


def _bell(user: User):
    return select(func.count(Notification.id).label("unread")).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).subquery("bell")


def badge_counts(session: Session, user: User, today: date, *, work: bool = True,
                 inbox_views: tuple[str, ...] = ("unacknowledged",), due_days: int | None = None,
                 bell: bool = False) -> dict:
    """The counts a page shows, in one statement: `work`, the documents waiting for the
    user by kind (see `WORK_KINDS`) with a `total`; `inbox`, the copies sent to the
    user's organization in each of `inbox_views` (`COUNT_CAP + 1` standing for
    more than `COUNT_CAP`); with `due_days`, `reports`: the
    reports it owes due within that many days (`near`) and `overdue`; with `bell`,
    `bell.unread`: the user's unread notifications (as `notifications.unread_count`)."""
    params = {"me": user.id, "my_org": user.organization_id, "today": today}
    if due_days is not None:
        params["until"] = today + timedelta(days=due_days)
    query = _badge_query(work, tuple(inbox_views), due_days is not None, bell)
    row = session.execute(query, params).one()._mapping
    answer: dict = {}
    for key, value in row.items():
        group, name = key.split("_", 1)
        answer.setdefault(group, {})[name] = int(value or 0)
    if work:
        answer["work"]["total"] = sum(answer["work"][k] for k in WORK_KINDS)
    return answer


# Who and when in the statements built once: `_badge_query`'s parts read `id` and
# `organization_id` of a user, here the parameters `me` and `my_org`.
_ME = SimpleNamespace(id=bindparam("me"), organization_id=bindparam("my_org"))


@cache
def _badge_query(work: bool, inbox_views: tuple[str, ...], reports: bool, bell: bool):
    """The SELECT of `badge_counts` for one choice of counts (built once: the user, the
    unit, the day and the end of the near-due window are parameters `me`, `my_org`,
    `today` and `until`)."""
    today = bindparam("today")
    parts, columns = [], []
    if work:
        counts = _work_counts(_ME, today)
        parts.append(counts)
        columns += [counts.c[k].label(f"work_{k}") for k in WORK_KINDS]
    if inbox_views:
        counted = _inbox_counts(_ME, today, inbox_views)
        parts += counted
        columns += [next(p.c[v] for p in counted if v in p.c).label(f"inbox_{v}") for v in inbox_views]
    if reports:
        due = _report_counts(_ME, today, bindparam("until"))
        parts.append(due)
        columns += [due.c.near.label("reports_near"), due.c.overdue.label("reports_overdue")]
    if bell:
        unread = _bell(_ME)
        parts.append(unread)
        columns.append(unread.c.unread.label("bell_unread"))
    one_row = parts[0]
    for part in parts[1:]:  # each part is one row of aggregates
        one_row = one_row.join(part, true())
    return select(*columns).select_from(one_row)


def nav_columns(user: User, today: date) -> list:
    """The navigation's badges as labelled scalar subqueries, for a page to read them with
    a statement of its own: the documents waiting for the user (`nav_work`), the copies of
    the user's organization not acknowledged (`nav_inbox`, up to `COUNT_CAP + 1`) and the
    unread notifications (`nav_bell`), counted as `badge_counts` counts them;
    `nav_counts_of` reads them back. `nav_params` and `nav_columns_of(bindparam("me"), …)`
    give the same columns for a statement built once."""
    return nav_columns_of(user.id, user.organization_id, today)


def nav_params(user: User, today: date) -> dict:
    """The values for `user` on `today` of the parameters `me`, `my_org` and `today` of
    `nav_columns_of(bindparam("me"), bindparam("my_org"), bindparam("today"))`."""
    return {"me": user.id, "my_org": user.organization_id, "today": today}


def nav_columns_of(user_id, organization_id, today) -> list:
    """`nav_columns` of a user id, an organization id and a day (values or bound parameters)."""
    waiting = _waiting_of(user_id, today)
    work = func.count().filter(or_(*[_work_kind(waiting, k) for k in WORK_KINDS]))
    unacknowledged = select(Distribution.id).where(Distribution.organization_id == organization_id,
                                                   Distribution.status == "sent")
    unread = select(func.count(Notification.id)).where(Notification.user_id == user_id,
                                                       Notification.read_at.is_(None))
    return [select(work).select_from(waiting).scalar_subquery().label("nav_work"),
            capped_count(unacknowledged, COUNT_CAP).scalar_subquery().label("nav_inbox"),
            unread.scalar_subquery().label("nav_bell")]


def nav_counts_of(row) -> dict:
    """The `nav_columns` of a result row, shaped as `badge_counts` answers them."""
    return {"work": {"total": int(row["nav_work"] or 0)}, "inbox": {"unacknowledged": int(row["nav_inbox"] or 0)},
            "bell": {"unread": int(row["nav_bell"] or 0)}}


def worklist_counts(session: Session, user: User, today: date | None = None) -> dict[str, int]:
    """How many documents wait for *this* user, by kind of work, with a `total`."""
    from . import clock
    return badge_counts(session, user, today or clock.local_date(), inbox_views=())["work"]


def inbox_counts(session: Session, user: User, today: date,
                 views: tuple[str, ...] = INBOX_VIEWS) -> dict[str, int]:
    """How many incoming documents of the user's organization are in each inbox view."""
    return badge_counts(session, user, today, work=False, inbox_views=views)["inbox"]


# --- the worklist page ---------------------------------------------------------------

def worklist(session: Session, user: User, *, kind: str | None = None, page: int = 1, per_page: int = 20,
             today: date | None = None) -> tuple[Page, dict[str, int]]:
    """A page of the documents waiting for *this* user (their steps, their delegators'
    steps, their drafts; of one `kind` of work if given), returned drafts first, then
    oldest waiting first; and how many wait of each kind (`WORK_KINDS`, with `total`).

    One statement counts and pages together (the counts come with every row); a
    second counts when a filtered or later page is empty, another finds the comments
    of returned drafts.
    """
    from . import clock
    today = today or clock.local_date()
    found = session.execute(_worklist_query(kind if kind in WORK_KINDS else None), {
        "me": user.id, "today": today, "limit": per_page, "offset": offset(page, per_page)}).all()
    if found:
        counts = {k: int(found[0]._mapping[f"n_{k}"]) for k in WORK_KINDS}
        counts["total"] = sum(counts.values())
    elif kind in WORK_KINDS or page > 1:
        counts = worklist_counts(session, user, today)
    else:  # the first page of everything is empty: nothing waits
        counts = dict.fromkeys((*WORK_KINDS, "total"), 0)
    docs = [row[0] for row in found]
    returned = last_returns(session, [d.id for d in docs if d.state == "draft" and d.chain_round])
    items = []
    for doc in docs:
        if doc.state == "draft":
            work = "returned" if doc.chain_round else "draft"
        else:
            work = doc.current_step.kind if doc.current_step else "review"
        items.append(WorkItem(doc, work, returned.get(doc.id)))
    return Page(items, counts[kind] if kind in WORK_KINDS else counts["total"], page, per_page), counts


@cache
def _worklist_query(kind: str | None):
    """The SELECT of `worklist` for one kind of work or all (built once: the user, the day
    and the page are parameters `me`, `today`, `limit` and `offset`)."""
    waiting = _waiting_of(bindparam("me"), bindparam("today"))
    counted = select(waiting, *[func.count().filter(_work_kind(waiting, k)).over().label(f"n_{k}")
                                for k in WORK_KINDS]).subquery("counted")
    priority = case((and_(counted.c.state == "draft", counted.c.chain_round > 0), 0),
                    (counted.c.state == "draft", 2), else_=1)
    rows = select(counted.c.id, priority.label("priority"), counted.c.updated_at,
                  *[counted.c[f"n_{k}"] for k in WORK_KINDS]) \
        .where(*([_work_kind(counted, kind)] if kind else [])) \
        .order_by(priority, counted.c.updated_at, counted.c.id) \
        .limit(bindparam("limit")).offset(bindparam("offset")).subquery("page_rows")
    return select(Document, *[rows.c[f"n_{k}"] for k in WORK_KINDS]).join(rows, rows.c.id == Document.id) \
        .options(joinedload(Document.issuer), joinedload(Document.current_step)) \
        .order_by(rows.c.priority, rows.c.updated_at, rows.c.id)


def worklist_page(session: Session, user: User, *, kind: str | None = None, page: int = 1,
                  per_page: int = 20, today: date | None = None) -> Page:
    """The page of `worklist` alone."""
    return worklist(session, user, kind=kind, page=page, per_page=per_page, today=today)[0]


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


def due_widgets(session: Session, user: User, today: date, days: int, *, limit: int = 8,
                totals: dict[str, int] | None = None) -> DueWidgets:
    """Reports the user's organization owes: due within `days` days, and overdue.

    `totals` (`badge_counts(…, due_days=days)["reports"]`) saves the counting
    statement, and the list's too when there is nothing to list.
    """
    if totals is None:
        totals = badge_counts(session, user, today, work=False, inbox_views=(), due_days=days)["reports"]
    widgets = DueWidgets(near_total=totals["near"], overdue_total=totals["overdue"])
    if not widgets.near_total and not widgets.overdue_total:
        return widgets
    unfiled, due = _unfiled_of(user), ReportDuty.due_date
    first = [select(ReportDuty.id).where(*unfiled, *cond).order_by(due, ReportDuty.id).limit(limit).subquery()
             for cond in ([due < today], [due >= today, due <= today + timedelta(days=days)])]
    duties = session.scalars(
        select(ReportDuty).where(ReportDuty.id.in_(union_all(*[select(s.c.id) for s in first])))
        .options(joinedload(ReportDuty.obligation),
                 joinedload(ReportDuty.distribution).joinedload(Distribution.document)
                 .joinedload(Document.issuer))
        .order_by(due, ReportDuty.id))
    for duty in duties:
        (widgets.overdue if duty.due_date < today else widgets.near).append(duty)
    return widgets


def followed_overdue(session: Session, user: User, today: date, *, limit: int = 8) -> list[tuple[Document, int]]:
    """Issued documents the user follows (author, chain member, head of the drafting
    unit; every document for an admin) with how many recipients' reports are overdue,
    most first (then as the tracking dashboard orders them), from their counters."""
    query = _followed_overdue_query(user.is_admin, user.position in HEAD_POSITIONS, limit)
    return [(doc, n) for doc, n in session.execute(
        query, {"me": user.id, "my_org": user.organization_id, "today": today})]


@cache
def _followed_overdue_query(admin: bool, head: bool, limit: int):
    """The SELECT of `followed_overdue` (built once per kind of user: the user, the unit
    and the day are parameters `me`, `my_org` and `today`). Whom a document's row
    serves is on the row (`followers`, `drafting_unit_id`), which the ranking index
    carries on PostgreSQL: a page is read from the index alone."""
    from .tracking import ranked_progress
    p, today = DocumentProgress.__table__, bindparam("today")
    where = []
    if not admin:
        arms = [follows(p.c.followers, bindparam("me", type_=Integer))]
        if head:
            arms.append(p.c.drafting_unit_id == bindparam("my_org"))
        where.append(or_(*arms))
    late = ranked_progress(today, where, overdue_only=True, limit=limit)
    late = select(late).order_by(late.c.overdue.desc(), late.c.next_due, late.c.issued_at.desc(), late.c.id.desc()) \
        .limit(limit).subquery("late")
    return select(Document, late.c.overdue).join(late, late.c.id == Document.id) \
        .order_by(late.c.overdue.desc(), late.c.next_due, late.c.issued_at.desc(), late.c.id.desc()) \
        .options(joinedload(Document.issuer))


# --- incoming documents (văn bản đến) -------------------------------------------------

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


def inbox_page(session: Session, user: User, *, view: str = "all", today: date,
               page: int = 1, per_page: int = 20, total: int | None = None) -> Page:
    """A page of the distributions addressed to the user's organization, newest first.

    `total`, when the caller already counted the view (`badge_counts`), saves a statement.
    The total is counted up to `paging.count_cap` (`Page.capped` beyond it).
    """
    where = _inbox_filter(user, view if view in INBOX_VIEWS else "all", today)
    cap = count_cap(page, per_page)
    if total is None or (total > COUNT_CAP and cap > COUNT_CAP):
        total = session.scalar(capped_count(select(Distribution.id).where(*where), cap))
    items = list(session.scalars(
        select(Distribution).where(*where)
        .options(joinedload(Distribution.document).joinedload(Document.issuer),
                 joinedload(Distribution.acknowledged_by).options(  # a name only
                     load_only(User.id, User.username, User.full_name, User.position), lazyload(User.organization)),
                 selectinload(Distribution.duties).joinedload(ReportDuty.obligation))
        .order_by(Distribution.sent_at.desc(), Distribution.id.desc())
        .limit(per_page).offset(offset(page, per_page))).unique())
    return capped_page(items, total, page, per_page, cap)


def distribution_detail(session: Session, dist_id: int) -> Distribution | None:
    """One distribution with its document, recipient, duties and their reports."""
    return session.scalars(
        select(Distribution).where(Distribution.id == dist_id)
        .options(joinedload(Distribution.document), joinedload(Distribution.organization),
                 joinedload(Distribution.acknowledged_by),
                 selectinload(Distribution.duties).joinedload(ReportDuty.obligation),
                 selectinload(Distribution.duties).selectinload(ReportDuty.reports))).first()
