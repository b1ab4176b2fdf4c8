"""Keeping `DocumentProgress` and `ReportingObligation.unfiled_count` exact.

The services call one of these functions in the transaction of every change to
distributions, duties or reports; each adds to the counters with
`UPDATE … SET n = n + k`, so that concurrent acknowledgements and filings add up
(an acknowledgement's UPDATE, `acknowledgement`, is run by `history.record` in
the statement that writes its history row).
Whatever changes an obligation's `unfiled_count` first updates the document's
progress row: that row lock orders the writers of one document, so that
`next_due` and `last_due`, read back from the obligations afterwards, see every
committed change. `recount` computes every counter from the base rows again (the
migration's backfill does the same in SQL; the tests compare the two).
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from functools import cache

from sqlalchemy import and_, bindparam, case, exists, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models import (ApprovalStep, Distribution, Document, DocumentProgress, Report, ReportDuty,
                    ReportingObligation)

from .versioning import Change

P, O = DocumentProgress.__table__, ReportingObligation.__table__


def _add(session: Session, document_id: int, **deltas: int) -> None:
    """Add `deltas` to the document's counters (the row lock every writer takes first)."""
    change = _addition(document_id, **deltas)
    session.connection().execute(change.statement, change.params)


def _addition(document_id: int, **deltas: int) -> Change:
    """`_add` as a prepared write."""
    params = {f"p_{name}": delta for name, delta in deltas.items()}
    params["p_document"] = document_id
    return Change(_add_statement(tuple(sorted(deltas))), params)


@cache
def _add_statement(names: tuple[str, ...]):
    """The UPDATE of `_add` for these counters (built once per set of names, so that its
    cache key is computed once); the amounts are `p_<name>` parameters."""
    return update(P).where(P.c.document_id == bindparam("p_document")) \
        .values({name: P.c[name] + bindparam(f"p_{name}", type_=P.c[name].type) for name in names})


def _add_unfiled(session: Session, by_obligation: dict[int, int]) -> None:
    """Add to the obligations' unfiled counts (one statement per distinct amount)."""
    by_amount: dict[int, list[int]] = {}
    for obligation_id, delta in by_obligation.items():
        if delta:
            by_amount.setdefault(delta, []).append(obligation_id)
    for delta, ids in by_amount.items():
        session.connection().execute(_add_unfiled_statement(), {"o_ids": ids, "o_delta": delta})


@cache
def _add_unfiled_statement():
    """The UPDATE of `_add_unfiled` (built once)."""
    return update(O).where(O.c.id.in_(bindparam("o_ids", expanding=True))) \
        .values(unfiled_count=O.c.unfiled_count + bindparam("o_delta", type_=O.c.unfiled_count.type))


def _refresh_due(session: Session, document_id: int) -> None:
    """Read `next_due` and `last_due` back from the obligations still owed."""
    session.connection().execute(_refresh_due_statement(), {"p_document": document_id})


@cache
def _refresh_due_statement():
    """The UPDATE of `_refresh_due` (built once)."""
    document = bindparam("p_document")
    owed = select(O.c.due_date).where(O.c.document_id == document, O.c.unfiled_count > 0)
    return update(P).where(P.c.document_id == document).values(
        next_due=select(func.min(owed.c.due_date)).scalar_subquery(),
        last_due=select(func.max(owed.c.due_date)).scalar_subquery())


def _owed_by_obligation(session: Session, document_id: int, distribution_ids=None) -> dict[int, int]:
    query = select(ReportDuty.obligation_id, func.count()).where(
        ReportDuty.document_id == document_id, ReportDuty.filed_at.is_(None))
    if distribution_ids is not None:
        query = query.where(ReportDuty.distribution_id.in_(list(distribution_ids)))
    return dict(session.execute(query.group_by(ReportDuty.obligation_id)).all())


def issued(session: Session, document: Document, *, recipients: int) -> None:
    """Start the counts of a document just issued to `recipients` units (none has acted
    yet), with the duties written for them: no one else can see these rows yet."""
    d = ReportDuty.__table__
    session.execute(update(O).where(O.c.document_id == document.id).values(unfiled_count=select(
        func.count()).where(d.c.obligation_id == O.c.id).scalar_subquery()))
    mine = O.c.document_id == document.id
    owed = select(func.coalesce(func.sum(O.c.unfiled_count), 0)).where(mine).scalar_subquery()
    due = select(O.c.due_date).where(mine, O.c.unfiled_count > 0).subquery()
    session.execute(insert(P).values(
        document_id=document.id, issuer_id=document.issuer_id, author_id=document.author_id,
        drafting_unit_id=document.drafting_unit_id, followers=followers(session, document),
        issued_at=document.issued_at, recipients=recipients, acknowledged=0, refused=0,
        reports_owed=owed, filed=0, late=0, unfiled=owed,
        next_due=select(func.min(due.c.due_date)).scalar_subquery(),
        last_due=select(func.max(due.c.due_date)).scalar_subquery()))


def followers(session: Session, document: Document) -> list[int]:
    """The ids of the document's author and of everyone assigned to or deciding one of its
    steps, in any round (`permissions.principals`' author and chain members), ascending;
    from the loaded steps, or one statement (call after the steps' decisions are flushed)."""
    if "steps" in document.__dict__:
        pairs = [(s.assignee_id, s.decided_by_id) for s in document.steps]
    else:
        pairs = session.execute(select(ApprovalStep.assignee_id, ApprovalStep.decided_by_id)
                                .where(ApprovalStep.document_id == document.id)).all()
    ids = {document.author_id, *(i for pair in pairs for i in pair)}
    return sorted(i for i in ids if i is not None)


def recipients_added(session: Session, document_id: int, distribution_ids: list[int]) -> None:
    """Count recipients sent the document again (`distribution_ids`, new and unacknowledged)
    and the duties written for them."""
    owed = _owed_by_obligation(session, document_id, distribution_ids)
    n = sum(owed.values())
    _add(session, document_id, recipients=len(distribution_ids), reports_owed=n, unfiled=n)
    if n:
        _add_unfiled(session, owed)
        _refresh_due(session, document_id)


def acknowledgement(document_id: int) -> Change:
    """Count one acknowledgement: a prepared write, for `history.record` to run with the
    acknowledgement's row (after its compare-and-set, before the history row)."""
    return _addition(document_id, acknowledged=1)


def refused(session: Session, document_id: int, dropped: list[ReportDuty]) -> None:
    """Count one refusal and the unfiled duties it dropped."""
    n = len(dropped)
    _add(session, document_id, refused=1, reports_owed=-n, unfiled=-n)
    if n:
        _add_unfiled(session, {k: -v for k, v in Counter(d.obligation_id for d in dropped).items()})
        _refresh_due(session, document_id)


def mark_filed(session: Session, duty: ReportDuty, now: datetime, late: bool) -> bool:
    """Mark `duty` filed at `now` unless a report was filed against it already, and
    count that first report (`late` or on time); answers whether this one was the
    first. The database decides, so that two users filing at once count once."""
    d = ReportDuty.__table__
    first = session.execute(update(d).where(d.c.id == duty.id, d.c.filed_at.is_(None))
                            .values(filed_at=now)).rowcount == 1
    if not first:
        session.refresh(duty, ["filed_at"])
        return False
    set_committed_value(duty, "filed_at", now)
    _add(session, duty.document_id, filed=1, unfiled=-1, late=int(late))
    _add_unfiled(session, {duty.obligation_id: -1})
    _refresh_due(session, duty.document_id)
    return True


def duties_added(session: Session, document_id: int, obligation_id: int, n: int) -> None:
    """Count `n` duties written for a renewed obligation."""
    if n:
        _add(session, document_id, reports_owed=n, unfiled=n)
        _add_unfiled(session, {obligation_id: n})
        _refresh_due(session, document_id)


# --- reading ------------------------------------------------------------------------

def owed_and_unfiled(session: Session, document_id: int) -> tuple[int, int] | None:
    """(reports owed, reports not yet filed) of the document as counted in this
    transaction, or None when it has no counters."""
    row = session.connection().execute(_owed_query(), {"p_document": document_id}).first()
    return None if row is None else (row[0], row[1])


@cache
def _owed_query():
    """The SELECT of `owed_and_unfiled` (built once)."""
    return select(P.c.reports_owed, P.c.unfiled).where(P.c.document_id == bindparam("p_document"))


def overdue_expression(progress, today: date):
    """SQL for the number of reports of a progress row's document overdue on `today`:
    all those owed when the last due date has passed, none when the first has not,
    else the obligations' (a document with reports both past and still to come)."""
    past = select(func.coalesce(func.sum(O.c.unfiled_count), 0)).where(
        O.c.document_id == progress.c.document_id, O.c.unfiled_count > 0, O.c.due_date < today) \
        .correlate(progress).scalar_subquery()
    return case((progress.c.next_due.is_(None), 0), (progress.c.last_due < today, progress.c.unfiled),
                (progress.c.next_due >= today, 0), else_=past)


# --- the oracle ---------------------------------------------------------------------

def recount(session: Session, document_id: int) -> dict:
    """Every counter of one document computed from its distributions, duties and
    reports (what `DocumentProgress` and the obligations must hold)."""
    d = Distribution.__table__
    copies = session.execute(select(
        func.count(), func.count().filter(d.c.status == "acknowledged"),
        func.count().filter(d.c.status == "refused")).where(d.c.document_id == document_id)).one()
    duty = ReportDuty.__table__
    on_time = exists().where(Report.duty_id == duty.c.id, Report.late.is_(False))
    reported = exists().where(Report.duty_id == duty.c.id)
    owed = session.execute(select(
        func.count(), func.count().filter(duty.c.filed_at.isnot(None)),
        func.count().filter(and_(duty.c.filed_at.isnot(None), reported, ~on_time)),
        func.min(duty.c.due_date).filter(duty.c.filed_at.is_(None)),
        func.max(duty.c.due_date).filter(duty.c.filed_at.is_(None))).where(duty.c.document_id == document_id)).one()
    unfiled = dict(session.execute(
        select(O.c.id, func.count(duty.c.id)).select_from(O.outerjoin(
            duty, and_(duty.c.obligation_id == O.c.id, duty.c.filed_at.is_(None))))
        .where(O.c.document_id == document_id).group_by(O.c.id)).all())
    return {"recipients": copies[0], "acknowledged": copies[1], "refused": copies[2],
            "reports_owed": owed[0], "filed": owed[1], "late": owed[2], "unfiled": owed[0] - owed[1],
            "next_due": _as_date(owed[3]), "last_due": _as_date(owed[4]), "obligations": unfiled}


def stored(session: Session, document_id: int) -> dict | None:
    """The counters as stored, in the shape `recount` answers (None without a row)."""
    row = session.execute(select(P).where(P.c.document_id == document_id)).one_or_none()
    if row is None:
        return None
    m = row._mapping
    obligations = dict(session.execute(select(O.c.id, O.c.unfiled_count).where(O.c.document_id == document_id)).all())
    return {**{k: m[k] for k in ("recipients", "acknowledged", "refused", "reports_owed", "filed", "late",
                                 "unfiled")},
            "next_due": _as_date(m["next_due"]), "last_due": _as_date(m["last_due"]), "obligations": obligations}


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
