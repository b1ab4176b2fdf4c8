"""Who may view, edit and comment on a document in its current state.

The principals named in a definition's `permissions` are resolved here; the
same predicates decide what the UI shows and what a request may do.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Distribution, Document, User

from . import clock, registry

HEAD_POSITIONS = ("Trưởng phòng", "Phó Trưởng phòng")
ISSUED = ("distributed", "reported")  # the states of a document sent to its recipients


def principals(session: Session, user: User, document: Document, *, recipient: bool = True) -> set[str]:
    """The principals `user` is for `document` (author, chain_member, recipient, …);
    `recipient=False` leaves out the one that needs a query (see `is_recipient`)."""
    found: set[str] = set()
    if user.is_admin:
        found.add("admin")
    if document.author_id == user.id:
        found.add("author")
    if user.organization_id == document.drafting_unit_id and user.position in HEAD_POSITIONS:
        found.add("drafting_unit_head")
    if any(s.assignee_id == user.id or s.decided_by_id == user.id for s in document.steps):
        found.add("chain_member")
    elif document.current_step is not None and document.current_step.assignee_id != user.id:
        # A delegate acting for the current step's assignee sees what they see.
        from .services.delegation import active_delegations
        if any(d.delegator_id == document.current_step.assignee_id
               for d in active_delegations(session, user, clock.now())):
            found.add("chain_member")
    if user.organization.is_within(document.issuer):
        found.add("issuer_member")
    if recipient and is_recipient(session, user, document):
        found.add("recipient")
    return found


def is_recipient(session: Session, user: User, document: Document) -> bool:
    """True when the issued `document` was sent to the user's organization (one query)."""
    if document.state not in ISSUED:
        return False
    return session.scalar(select(Distribution.id).where(
        Distribution.document_id == document.id,
        Distribution.organization_id == user.organization_id).limit(1)) is not None


def can(session: Session, user: User, action: str, document: Document) -> bool:
    """True when `user` may `action` (view, edit, comment) `document` now."""
    definition = registry.get(document.workflow)
    allowed = set(definition.permissions.get(document.state, {}).get(action, ()))
    if principals(session, user, document, recipient=False) & allowed:
        return True  # (without asking whether the user's unit received it)
    return "recipient" in allowed and is_recipient(session, user, document)


def can_view(session: Session, user: User, document: Document) -> bool:
    """True when `user` may open `document`."""
    return can(session, user, "view", document)


def can_edit(session: Session, user: User, document: Document) -> bool:
    """True when `user` may change the draft's content."""
    return can(session, user, "edit", document)
