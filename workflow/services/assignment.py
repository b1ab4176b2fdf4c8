"""Finding the person for each step of a chain, and the signature block."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Document, Organization, User

from ..definitions import Definition, StepDef
from ..errors import ValidationFailed


def _subtree_ids(session: Session, root: Organization) -> list[int]:
    """Ids of `root` and every organization below it (breadth first)."""
    ids, frontier = [root.id], [root.id]
    while frontier:
        frontier = list(session.scalars(select(Organization.id).where(Organization.parent_id.in_(frontier))))
        frontier = [i for i in frontier if i not in ids]
        ids.extend(frontier)
    return ids


def resolve_assignee(session: Session, document: Document, step: StepDef) -> User:
    """The user who acts on `step` for `document`.

    The signer chosen for the document wins for the `sign` step when it fits
    the rule; otherwise the first active user, by id, in the step's scope
    (the drafting unit, or the issuing body and the units under it) with the
    role and one of the positions the step names.
    """
    root = document.drafting_unit if step.within == "drafting_unit" else document.issuer
    scope = [root.id] if step.within == "drafting_unit" else _subtree_ids(session, root)
    candidates = list(session.scalars(
        select(User).where(User.organization_id.in_(scope), User.active.is_(True)).order_by(User.id)))

    def fits(user: User) -> bool:
        if user.id == document.author_id and step.kind != "issue":
            return False
        if step.role and step.role not in (user.roles or []):
            return False
        return not step.positions or user.position in step.positions

    if step.kind == "sign" and document.signer is not None and fits(document.signer) \
            and document.signer.organization_id in scope:
        return document.signer
    for position in step.positions or (None,):
        for user in candidates:
            if fits(user) and (position is None or user.position == position):
                return user
    raise ValidationFailed(f"Không tìm thấy người thực hiện bước “{step.label}”.",
                           code="no_assignee")


def signature_block(definition: Definition, signer: User) -> tuple[list[str], str]:
    """The authority lines and position line printed for `signer` under `definition`.

    "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a vice chairman of a
    UBND; "CHÁNH VĂN PHÒNG" alone for the head of a non-collective body.
    """
    rule = definition.by_position.get(signer.position) or {}
    authority = ([definition.collective] if definition.collective else []) + list(rule.get("authority") or [])
    position = rule.get("position") or signer.position.upper()
    return authority, position
