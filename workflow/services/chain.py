"""The approval chain: submit, approve, return to the drafter, sign."""
from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from models import ApprovalStep, Document, HistoryEntry, User

from .. import clock, registry
from ..errors import Conflict, ValidationFailed
from ..guards import GuardContext
from ..events import emit
from ..history import record
from ..machine import check, fire
from ..queries import load_viewable
from .assignment import resolve_chain_ids, signature_block

MAX_COMMENT = 4000


def ensure_version(document: Document, expected_version: int | None) -> None:
    """Raise `Conflict` when the caller saw an older version of the document."""
    if expected_version is not None and expected_version != document.version:
        raise Conflict("Văn bản vừa được người khác thay đổi. Vui lòng tải lại trang rồi thực hiện lại.")


def context(session: Session, document: Document, actor: User, *, comment: str = "",
            now: datetime | None = None) -> GuardContext:
    """The guard context for `actor` acting on `document` now.

    The actor's active delegations are read only if a guard needs them (when
    the actor is not the assignee it checks).
    """
    from .delegation import active_delegations
    now = now or clock.now()
    return GuardContext(document=document, actor=actor, definition=registry.get(document.workflow),
                        now=now, comment=comment or "",
                        load_delegations=lambda: active_delegations(session, actor, now))


def begin(session: Session, document: Document, actor: User, comment: str,
          expected_version: int | None, now: datetime | None) -> GuardContext:
    """Common start of a chain action: version check, comment check, guard context."""
    ensure_version(document, expected_version)
    return context(session, document, actor, comment=_check_comment(comment), now=now or clock.now())


def point_at(session: Session, document: Document, step: ApprovalStep | None) -> None:
    """Make `step` (already flushed, or None) the document's current step.

    Sets the column, so that it is written in the same UPDATE as the document's
    other changes, and lets the relationship load again from it (from the
    identity map, without a statement) instead of assigning it, which would
    cost a separate post-update.
    """
    document.current_step_id = step.id if step is not None else None
    session.expire(document, ["current_step"])


def decide(step: ApprovalStep, decision: str, actor: User, now: datetime, comment: str) -> None:
    """Record `actor`'s decision on `step` (approved, returned, signed, issued)."""
    step.decision, step.decided_by, step.decided_at, step.comment = decision, actor, now, comment


def _on_behalf(step: ApprovalStep | None, actor: User) -> User | None:
    if step is not None and step.assignee_id is not None and step.assignee_id != actor.id:
        return step.assignee
    return None


def _check_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(f"Ý kiến dài quá {MAX_COMMENT} ký tự.")
    return comment


def submit(session: Session, document: Document, actor: User, *, comment: str = "",
           expected_version: int | None = None, now: datetime | None = None) -> HistoryEntry:
    """Send a draft to the first review step (the author only).

    Starts a new round of the chain, finding each step's person now, so that
    worklists show the document to that person and not to a whole role.
    """
    ctx = begin(session, document, actor, comment, expected_version, now)
    comment, now = ctx.comment, ctx.now
    check(ctx, "submit")
    with session.no_autoflush:
        assignees = resolve_chain_ids(session, document, ctx.definition.chain)
    chain_round = document.chain_round + 1
    steps = [ApprovalStep(document=document, round=chain_round, position=i, key=s.key,
                          label=s.label, kind=s.kind, assignee_id=who)
             for i, (s, who) in enumerate(zip(ctx.definition.chain, assignees))]
    session.add_all(steps)
    session.flush()  # the steps get their ids; the document is written once, below
    source, dest = fire(ctx, "submit")
    document.chain_round = chain_round
    point_at(session, document, steps[0])
    document.updated_at = now
    entry = record(session, document, actor, "submit", source, dest, now, comment=comment, step=steps[0])
    session.flush()
    emit(session, "document_submitted", document=document, actor=actor, step=steps[0], now=now)
    return entry


def _advance(session: Session, document: Document, step: ApprovalStep) -> None:
    chain = document.chain()
    later = [s for s in chain if s.position > step.position]
    point_at(session, document, later[0] if later else None)


def approve(session: Session, document: Document, actor: User, *, comment: str = "",
            expected_version: int | None = None, now: datetime | None = None) -> HistoryEntry:
    """Approve the current review step (its assignee, or their delegate).

    The last review step moves the document to `reviewed`. Raises `Conflict`
    when another approval of the same step won the race.
    """
    ctx = begin(session, document, actor, comment, expected_version, now)
    comment, now = ctx.comment, ctx.now
    step = document.current_step
    source, dest = fire(ctx, "approve")
    decide(step, "approved", actor, now, comment)
    _advance(session, document, step)
    document.updated_at = now
    entry = record(session, document, actor, "approve", source, dest, now, comment=comment,
                   step=step, on_behalf_of=_on_behalf(step, actor))
    session.flush()
    emit(session, "document_approved", document=document, actor=actor, step=step, now=now)
    return entry


def return_to_drafter(session: Session, document: Document, actor: User, *, comment: str = "",
                      expected_version: int | None = None, now: datetime | None = None) -> HistoryEntry:
    """Return the document to `draft` with a required comment; the chain restarts.

    Any reviewer or the signer of the current round may return it.
    """
    ctx = begin(session, document, actor, comment, expected_version, now)
    comment, now = ctx.comment, ctx.now
    step = document.current_step
    source, dest = fire(ctx, "return")
    if step is not None:
        decide(step, "returned", actor, now, comment)
    point_at(session, document, None)
    document.updated_at = now
    entry = record(session, document, actor, "return", source, dest, now, comment=comment, step=step)
    session.flush()
    emit(session, "document_returned", document=document, actor=actor, step=step, comment=comment, now=now)
    return entry


def sign(session: Session, document: Document, actor: User, *, comment: str = "",
         expected_version: int | None = None, now: datetime | None = None) -> HistoryEntry:
    """Sign a reviewed document (the signer of the chain, or their delegate).

    The signature block is derived from the signer's authority: "TM. … / KT. …"
    from the definition, "TUQ." when signed under a delegation.
    """
    ctx = begin(session, document, actor, comment, expected_version, now)
    comment, now = ctx.comment, ctx.now
    step = document.current_step
    source, dest = fire(ctx, "sign")
    on_behalf = _on_behalf(step, actor)
    authority, position = signature_block(ctx.definition, on_behalf or actor)
    if on_behalf is not None:
        authority = [f"TUQ. {on_behalf.position.upper()}"]
        position = actor.position.upper()
    document.signer = actor
    document.signer_authority, document.signer_position = authority, position
    document.signer_name = actor.full_name
    decide(step, "signed", actor, now, comment)
    _advance(session, document, step)
    document.updated_at = now
    entry = record(session, document, actor, "sign", source, dest, now, comment=comment,
                   step=step, on_behalf_of=on_behalf)
    session.flush()
    emit(session, "document_signed", document=document, actor=actor, step=step, now=now)
    return entry


def load_for_transition(session: Session, doc_id: int, actor: User) -> Document:
    """Load the document `actor` is about to act on with its issuer and its steps, in one
    statement: what the guards and the chain read; raise `NotFound` or
    `PermissionDenied` as the document page's loader does.

    The rest (recipients, author, the .docx's parts at issue) loads when a
    service needs it; a handler that answers with the whole document loads it
    with `queries.get_document` instead.
    """
    return load_viewable(session, _transition_query(), doc_id, actor)


@cache
def _transition_query():
    """The SELECT of `load_for_transition` (built once, so that its cache key is computed once)."""
    return select(Document).where(Document.id == bindparam("doc_id")) \
        .options(joinedload(Document.issuer), joinedload(Document.steps))


def transition(session: Session, document: Document, actor: User, trigger: str, *,
               comment: str = "", expected_version: int | None = None,
               now: datetime | None = None) -> HistoryEntry:
    """Run the service for `trigger` (submit, approve, return, sign, issue)."""
    from .issuing import issue_document
    services = {"submit": submit, "approve": approve, "return": return_to_drafter,
                "sign": sign, "issue": issue_document}
    if trigger not in services:
        raise ValidationFailed(f"Thao tác không hợp lệ: {trigger!r}.", code="unknown_trigger")
    return services[trigger](session, document, actor, comment=comment,
                             expected_version=expected_version, now=now)
