"""Read-side queries shared by the API and the UI: loading, visibility, worklists.

Each list is built with a fixed number of statements (eager loading), never
one query per row.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import Integer, and_, bindparam, func, literal, or_, select, union
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from models import (ApprovalStep, Distribution, Document, DocumentRecipient, HistoryEntry,
                    Organization, Report, ReportDuty, ReportingObligation, User, fold)

from . import clock
from .errors import NotFound, PermissionDenied
from .paging import Page, by_id, capped_count, capped_page, offset
from .permissions import HEAD_POSITIONS, ISSUED, can_view


def document_options():
    """Eager loads for one document page: the chain in the document's own statement (a
    few steps per round), the recipient lines (there may be many) in a second one."""
    return [
        joinedload(Document.issuer), joinedload(Document.drafting_unit), joinedload(Document.author),
        joinedload(Document.current_step).joinedload(ApprovalStep.assignee),
        joinedload(Document.steps).joinedload(ApprovalStep.assignee),
        joinedload(Document.steps).joinedload(ApprovalStep.decided_by),
        selectinload(Document.recipients).joinedload(DocumentRecipient.organization),
        selectinload(Document.recipients).joinedload(DocumentRecipient.group),
    ]


def get_document(session: Session, doc_id: int, user: User) -> Document:
    """Load a document the user may view; raise `NotFound` or `PermissionDenied`."""
    return load_viewable(session, _document_query(), doc_id, user)


def load_viewable(session: Session, query, doc_id: int, user: User) -> Document:
    """Run `query` (a SELECT of one document by its `doc_id` parameter) and check that
    `user` may view the document; raise `NotFound` or `PermissionDenied`."""
    document = session.scalars(query, {"doc_id": doc_id}).unique().first()
    if document is None:
        raise NotFound("Không tìm thấy văn bản.")
    if not can_view(session, user, document):
        raise PermissionDenied("Bạn không có quyền xem văn bản này.")
    return document


@cache
def _document_query():
    """The SELECT of `get_document` (built once, so that its cache key is computed once)."""
    return select(Document).where(Document.id == bindparam("doc_id")).options(*document_options())


def history_of(session: Session, document: Document) -> list[HistoryEntry]:
    """The document's history, oldest first, with actors loaded."""
    return list(session.scalars(
        select(HistoryEntry).where(HistoryEntry.document_id == document.id)
        .options(joinedload(HistoryEntry.actor), joinedload(HistoryEntry.on_behalf_of))
        .order_by(HistoryEntry.seq)))


def obligations_of(session: Session, document: Document) -> list[ReportingObligation]:
    """The document's reporting obligations by due date."""
    return list(session.scalars(
        select(ReportingObligation).where(ReportingObligation.document_id == document.id)
        .options(joinedload(ReportingObligation.units))
        .order_by(ReportingObligation.due_date, ReportingObligation.id)).unique())


def _issuing_body(user: User):
    """A SELECT of the id of the user's issuing body (none when no unit above issues
    documents), walked up the tree in SQL as `Organization.issuing_body` does."""
    org = Organization.__table__
    up = select(org.c.id, org.c.parent_id, org.c.issues_documents) \
        .where(org.c.id == user.organization_id).cte("scope_up", recursive=True)
    parent = org.alias("scope_parent")
    up = up.union(select(parent.c.id, parent.c.parent_id, parent.c.issues_documents)
                  .join(up, parent.c.id == up.c.parent_id).where(up.c.issues_documents.is_(False)))
    return select(up.c.id).where(up.c.issues_documents.is_(True))


def issuing_scope(user: User):
    """A SELECT of the ids of the user's issuing body and every unit below it (just the
    user's own unit when no parent issues documents), walked up and down the tree in SQL
    as `Organization.issuing_body` and its children would be."""
    org = Organization.__table__
    body = _issuing_body(user)
    down = body.cte("scope_down", recursive=True)
    child = org.alias("scope_child")
    down = down.union(select(child.c.id).join(down, child.c.parent_id == down.c.id))
    alone = select(literal(user.organization_id, Integer)).where(~body.exists())
    return union(select(down.c.id), alone)


def issuers_in_scope(user: User, issuer_column):
    """A SELECT of the values of `issuer_column` (an indexed column of organization ids,
    e.g. `Document.issuer_id`) that lie in `issuing_scope(user)`, found from the other
    end: the distinct issuers (a few, read by skipping along the column's index), each
    walked up to see whether the user's issuing body is among its parents. A province's
    scope is thousands of units; its issuers, the bodies that issue, are a hundred."""
    org = Organization.__table__
    body = _issuing_body(user)
    issuers = select(func.min(issuer_column).label("id")).cte("issuers", recursive=True)
    following = select(func.min(issuer_column)).where(issuer_column > issuers.c.id) \
        .correlate(issuers).scalar_subquery()  # never to the caller's own table
    issuers = issuers.union_all(select(following).where(issuers.c.id.isnot(None)))
    chain = select(issuers.c.id.label("issuer"), issuers.c.id.label("node")) \
        .where(issuers.c.id.isnot(None)).cte("issuer_chain", recursive=True)
    parent = select(org.c.parent_id).where(org.c.id == chain.c.node).scalar_subquery()  # one index lookup
    chain = chain.union(select(chain.c.issuer, parent).where(chain.c.node.isnot(None)))
    alone = select(literal(user.organization_id, Integer)).where(~body.exists())
    return union(select(chain.c.issuer).where(chain.c.node.in_(body)), alone)


def issuing_scope_ids(session: Session, user: User) -> list[int]:
    """Ids of the user's issuing body and every unit below it (one statement)."""
    return list(session.scalars(issuing_scope(user)))


def visible_filter(user: User):
    """A SQL condition selecting the documents `user` may see in lists.

    Each arm is a set read once, not a subquery run per document (uncorrelated
    `IN`s, hashed by PostgreSQL): the documents of the user's chain steps, those
    sent to the user's unit, and those of the issuers within the user's issuing
    body, found by `issuers_in_scope` (a province's scope is thousands of units,
    and a list of their ids, thousands of parameters, is searched element by
    element under a generic plan: the documents list once took 7.7 s).
    """
    if user.is_admin:
        return Document.id.isnot(None)
    involved = union(select(ApprovalStep.document_id).where(ApprovalStep.assignee_id == user.id),
                     select(ApprovalStep.document_id).where(ApprovalStep.decided_by_id == user.id))
    received = select(Distribution.document_id).where(Distribution.organization_id == user.organization_id)
    conditions = [Document.author_id == user.id, Document.id.in_(involved),
                  and_(Document.state.in_(("signed", "distributed", "reported")),
                       Document.issuer_id.in_(issuers_in_scope(user, Document.issuer_id))),
                  and_(Document.state.in_(ISSUED), Document.id.in_(received))]
    if user.position in HEAD_POSITIONS:
        conditions.append(Document.drafting_unit_id == user.organization_id)
    return or_(*conditions)


def list_documents(session: Session, user: User, *, state: str | None = None, q: str | None = None,
                   page: int = 1, per_page: int = 20, cap: int | None = None) -> Page:
    """A page of documents visible to `user`, newest first, with the total count (counted up
    to `cap`, see `paging.capped_count`; exactly without it).

    `q` matches title, number and type ignoring diacritics and case. The page's ids are
    found first, newest first along the (updated_at, id) index, and only those documents
    are then loaded with their issuer and current step: a province sees seventy thousand.
    """
    where = [visible_filter(user)]
    if state:
        where.append(Document.state == state)
    if q:
        for word in fold(q).split()[:8]:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(Document.search_text.like(f"%{escaped}%", escape="\\"))
    newest = (Document.updated_at.desc(), Document.id.desc())
    ids = list(session.scalars(select(Document.id).where(*where).order_by(*newest)
                               .limit(per_page).offset(offset(page, per_page))))
    counted = session.scalar(capped_count(select(Document.id).where(*where), cap))
    items = _in_order(session, Document, ids, joinedload(Document.issuer),
                      joinedload(Document.current_step).joinedload(ApprovalStep.assignee))
    return capped_page(items, counted, page, per_page, cap)


def _in_order(session: Session, entity, ids: list[int], *options) -> list:
    """The `entity` instances of `ids` (a page found first, by id alone), in that order,
    loaded with `options` (`paging.by_id`)."""
    found = by_id(session, entity, ids, *options)
    return [found[i] for i in ids if i in found]


def worklist(session: Session, user: User) -> list[Document]:
    """Documents waiting for *this* user: their current step, or their returned drafts."""
    from .services.delegation import active_delegations
    people = [user.id] + [d.delegator_id for d in active_delegations(session, user, clock.now())]
    waiting = select(Document).join(ApprovalStep, Document.current_step_id == ApprovalStep.id) \
        .where(ApprovalStep.assignee_id.in_(people))
    returned = select(Document).where(Document.author_id == user.id, Document.state == "draft")
    options = [joinedload(Document.issuer),
               joinedload(Document.current_step).joinedload(ApprovalStep.assignee)]
    docs = list(session.scalars(waiting.options(*options)).unique()) + \
        list(session.scalars(returned.options(*options)).unique())
    return sorted({d.id: d for d in docs}.values(), key=lambda d: d.updated_at, reverse=True)


def incoming(session: Session, user: User, *, status: str | None = None, page: int = 1,
             per_page: int = 20) -> Page:
    """A page of the distributions addressed to the user's organization, newest first, with
    their documents, duties and reports (a commune receives every document of its province:
    the page's ids first, then those copies loaded), and the exact total."""
    where = [Distribution.organization_id == user.organization_id]
    if status:
        where.append(Distribution.status == status)
    ids = list(session.scalars(select(Distribution.id).where(*where)
                               .order_by(Distribution.sent_at.desc(), Distribution.id.desc())
                               .limit(per_page).offset(offset(page, per_page))))
    total = session.scalar(select(func.count(Distribution.id)).where(*where))
    items = _in_order(session, Distribution, ids, joinedload(Distribution.document).joinedload(Document.issuer),
                      joinedload(Distribution.organization), joinedload(Distribution.acknowledged_by),
                      selectinload(Distribution.duties).joinedload(ReportDuty.obligation),
                      selectinload(Distribution.duties).selectinload(ReportDuty.reports).joinedload(Report.filed_by))
    return Page(items, total, page, per_page)


# What a recipient's actions never read of the document: loaded only if something asks.
DISTRIBUTION_DEFERRED = (Document.sections, Document.archive, Document.signer_authority,
                         Document.search_text)


def get_distribution(session: Session, dist_id: int) -> Distribution:
    """Load a distribution with its document (one statement); raise `NotFound`.

    Its duties load when first used (filing a report, refusing), not for an
    acknowledgement, which does not need them; so do the document's text and
    signature (`DISTRIBUTION_DEFERRED`), which the recipient's actions do not read.
    """
    dist = session.scalars(_distribution_query(), {"dist_id": dist_id}).first()
    if dist is None:
        raise NotFound("Không tìm thấy bản phát hành.")
    return dist


@cache
def _distribution_query():
    """The SELECT of `get_distribution` (built once, so that its cache key is computed once)."""
    return select(Distribution).where(Distribution.id == bindparam("dist_id")) \
        .options(joinedload(Distribution.document).options(*[defer(c) for c in DISTRIBUTION_DEFERRED]))


def available_triggers(session: Session, document: Document, user: User) -> list[str]:
    """The triggers `user` may fire on `document` now (the same check the POST runs).

    A state no transition leaves (but `complete_reporting`, which no one fires)
    answers at once, without building the guard context.
    """
    from . import machine, registry
    from .services.chain import context
    definition = registry.get(document.workflow)
    if not any(t.trigger != "complete_reporting" and document.state in t.sources
               for t in definition.transitions):
        return []
    ctx = context(session, document, user, comment="x")
    return [t for t in ctx.definition.triggers()
            if t != "complete_reporting" and machine.allowed(ctx, t)]
