"""Named permission predicates of the browser pages.

A template shows a button only when the predicate that guards the matching
POST allows it. The services check again (they are the authority); these
predicates mirror their rules so that no button leads to a refusal.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from models import Distribution, Document, Report, User
from workflow import permissions, registry
from workflow.permissions import ISSUED
from workflow.tracking_access import can_track



def can_create_draft(user: User) -> bool:
    """Drafters (and administrators) may start a new document."""
    return user.has_role("drafter")


def can_edit_draft(session: Session, user: User, document: Document) -> bool:
    """The definition's `edit` permission for the document's state (the author of a draft).

    A state in which nobody may edit answers at once, without resolving who the user is
    for the document (which reads the distributions of an issued one).
    """
    if not registry.get(document.workflow).permissions.get(document.state, {}).get("edit"):
        return False
    return permissions.can_edit(session, user, document)


def can_view_register(user: User) -> bool:
    """Clerks (and administrators) read and export the outgoing register."""
    return user.has_role("clerk")


def can_administer(user: User) -> bool:
    """Only administrators manage organizations, groups, users and see definitions."""
    return user.is_admin


def is_recipient_of(user: User, distribution: Distribution) -> bool:
    """True when the user belongs to the organization the copy was sent to."""
    return user.organization_id == distribution.organization_id


def can_acknowledge(user: User, distribution: Distribution) -> bool:
    """A member of the recipient unit may confirm receipt of an issued, unconfirmed copy."""
    return (is_recipient_of(user, distribution) and distribution.status == "sent"
            and distribution.document.state in ISSUED)


def can_refuse(user: User, distribution: Distribution) -> bool:
    """A member of the recipient unit may refuse a copy not yet acknowledged."""
    return can_acknowledge(user, distribution)


def can_file_report(user: User, distribution: Distribution) -> bool:
    """A member of the recipient unit may file reports while the copy is not refused."""
    return (is_recipient_of(user, distribution) and distribution.status != "refused"
            and distribution.document.state in ISSUED and bool(distribution.duties))


def can_read_report(session: Session, user: User, report: Report) -> bool:
    """The filing unit and those who follow the document up (its sender's side) may read a
    report; other recipients of the same document may not."""
    distribution = report.duty.distribution
    return is_recipient_of(user, distribution) or can_track(session, user, distribution.document)
