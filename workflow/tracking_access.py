"""Who follows which issued document up: the rule for one document (`can_track`) and the
same rule as a SQL condition across documents (`scope_condition`), used by the lists of
`workflow.tracking` (which re-exports these names)."""
from __future__ import annotations

from sqlalchemy import and_, or_, select, union
from sqlalchemy.orm import Session, joinedload

from models import ApprovalStep, Distribution, Document, User

from .errors import NotFound, PermissionDenied
from .permissions import principals
from .queries import issuing_scope

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
                               .options(joinedload(Document.issuer), joinedload(Document.steps))).unique().first()
    if document is None:
        raise NotFound("Không tìm thấy văn bản.")
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
    copies = select(Distribution.document_id).where(Distribution.organization_id == user.organization_id)
    involved = union(select(ApprovalStep.document_id).where(ApprovalStep.assignee_id == user.id),
                     select(ApprovalStep.document_id).where(ApprovalStep.decided_by_id == user.id))
    # Uncorrelated sets (each read once, and only when needed), the issuing-body arm
    # first: it holds for most documents a member follows and arms are tried in order.
    return and_(issued, or_(and_(Document.issuer_id.in_(issuing_scope(user)), Document.id.not_in(copies)),
                            Document.author_id == user.id, Document.id.in_(involved)))
