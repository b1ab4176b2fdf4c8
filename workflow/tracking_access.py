"""Who follows which issued document up: the rule for one document (`can_track`) and the
same rule as a SQL condition across documents (`scope_condition`), used by the lists of
`workflow.tracking` (which re-exports these names)."""
from __future__ import annotations

from sqlalchemy import and_, or_, select, true, union
from sqlalchemy.orm import Session, joinedload

from models import ApprovalStep, Distribution, Document, DocumentProgress, User

from .errors import InvalidTransition, NotFound, PermissionDenied
from .permissions import ISSUED, can_view, is_recipient, principals
from .queries import issuers_in_scope

TRACKING_PRINCIPALS = {"author", "chain_member", "issuer_member", "drafting_unit_head", "admin"}


def can_track(session: Session, user: User, document: Document) -> bool:
    """True when `user` may follow `document` up: its author, a member of its chain,
    the head of its drafting unit, an administrator, or a member of its issuing body
    whose own unit is not one of the recipients (a recipient sees only its own copy,
    in the inbox, not the other recipients)."""
    found = principals(session, user, document, recipient=False)
    if found & (TRACKING_PRINCIPALS - {"issuer_member"}):
        return True
    return "issuer_member" in found and not is_recipient(session, user, document)


def get_tracked_document(session: Session, doc_id: int, user: User) -> Document:
    """Load an issued document the user may track; raise `NotFound`, `PermissionDenied`, or
    `InvalidTransition` when one the user may view is not issued yet (nothing to follow up:
    before issue only the workflow's `view` permission says who may see it)."""
    document = session.scalars(select(Document).where(Document.id == doc_id)
                               .options(joinedload(Document.issuer), joinedload(Document.steps))).unique().first()
    if document is None:
        raise NotFound("Không tìm thấy văn bản.")
    if document.state not in ISSUED:
        if not can_view(session, user, document):
            raise PermissionDenied("Bạn không theo dõi văn bản này.")
        raise InvalidTransition("Văn bản chưa được phát hành.")
    if not can_track(session, user, document):
        raise PermissionDenied("Bạn không theo dõi văn bản này.")
    return document


def scope_condition(session: Session, user: User):
    """Issued documents `user` follows (as `can_track` decides for one): those the user
    wrote or acted on in the chain, and those of the user's issuing body (and the
    units under it) not addressed to the user's own unit; all for an administrator."""
    issued = Document.state.in_(ISSUED)
    if user.is_admin:
        return issued
    return and_(issued, _followed(user, Document.id, Document.issuer_id, Document.author_id))


def progress_scope_condition(user: User):
    """The documents `user` follows (as `scope_condition`), as a condition on their
    `DocumentProgress` rows (which issued documents alone have)."""
    if user.is_admin:
        return true()
    return _followed(user, DocumentProgress.document_id, DocumentProgress.issuer_id, DocumentProgress.author_id)


def _followed(user: User, doc_id, issuer_id, author_id):
    copies = select(Distribution.document_id).where(Distribution.organization_id == user.organization_id)
    involved = union(select(ApprovalStep.document_id).where(ApprovalStep.assignee_id == user.id),
                     select(ApprovalStep.document_id).where(ApprovalStep.decided_by_id == user.id))
    # Uncorrelated sets (each read once, and only when needed), the issuing-body arm
    # first: it holds for most documents a member follows and arms are tried in order.
    return or_(and_(issuer_id.in_(issuers_in_scope(user, issuer_id)), doc_id.not_in(copies)),
               author_id == user.id, doc_id.in_(involved))
