"""Finding the person for each step of a chain, and the signature block."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Document, Organization, User

from ..definitions import Definition, StepDef
from ..errors import ValidationFailed


def _subtree(root_id: int):
    """A recursive CTE of the ids of organization `root_id` and every organization below it."""
    org = Organization.__table__
    tree = select(org.c.id).where(org.c.id == root_id).cte("subtree", recursive=True)
    child = org.alias("subtree_child")
    return tree.union(select(child.c.id).join(tree, child.c.parent_id == tree.c.id))


class _Scope:
    """The organizations a step may pick from and their active users (id, roles, position),
    read once per scope and shared by the steps of a chain."""

    def __init__(self, session: Session, document: Document, within: str):
        self.session = session
        if within == "drafting_unit":
            self.root_id, self.tree = document.drafting_unit.id, None
            orgs = [self.root_id]
        else:
            self.root_id = document.issuer.id
            self.tree = _subtree(self.root_id)
            orgs = select(self.tree.c.id)
        self.users = session.execute(
            select(User.id, User.roles, User.position)
            .where(User.organization_id.in_(orgs), User.active.is_(True)).order_by(User.id)).all()

    def holds(self, organization_id: int) -> bool:
        """True when `organization_id` lies in the scope."""
        if self.tree is None:
            return organization_id == self.root_id
        found = select(self.tree.c.id).where(self.tree.c.id == organization_id)
        return self.session.scalar(found) is not None


def _fits(step: StepDef, document: Document, user_id: int, roles, position: str) -> bool:
    if user_id == document.author_id and step.kind != "issue":
        return False
    if step.role and step.role not in (roles or []):
        return False
    return not step.positions or position in step.positions


def _pick(session: Session, document: Document, step: StepDef, scope: _Scope) -> User | int:
    """The chosen signer (a `User`) or the id of the user the rule picks in `scope`."""
    signer = document.signer
    if step.kind == "sign" and signer is not None \
            and _fits(step, document, signer.id, signer.roles, signer.position) \
            and scope.holds(signer.organization_id):
        return signer
    for position in step.positions or (None,):
        for user_id, roles, user_position in scope.users:
            if _fits(step, document, user_id, roles, user_position) \
                    and (position is None or user_position == position):
                return user_id
    raise ValidationFailed(f"Không tìm thấy người thực hiện bước “{step.label}”.",
                           code="no_assignee")


def resolve_chain(session: Session, document: Document, steps: list[StepDef]) -> list[User]:
    """The user who acts on each of `steps` for `document` (see `resolve_assignee`).

    Each scope (the drafting unit, the issuing body's subtree) is read once,
    in one statement, and the chosen users are loaded together.
    """
    scopes: dict[str, _Scope] = {}
    picks = []
    for step in steps:
        if step.within not in scopes:
            scopes[step.within] = _Scope(session, document, step.within)
        picks.append(_pick(session, document, step, scopes[step.within]))
    wanted = {p for p in picks if isinstance(p, int)}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))} if wanted else {}
    return [p if isinstance(p, User) else users[p] for p in picks]


def resolve_assignee(session: Session, document: Document, step: StepDef) -> User:
    """The user who acts on `step` for `document`.

    The signer chosen for the document wins for the `sign` step when it fits
    the rule; otherwise the first active user, by id, in the step's scope
    (the drafting unit, or the issuing body and the units under it) with the
    role and one of the positions the step names.
    """
    return resolve_chain(session, document, [step])[0]


def signature_block(definition: Definition, signer: User) -> tuple[list[str], str]:
    """The authority lines and position line printed for `signer` under `definition`.

    "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a vice chairman of a
    UBND; "CHÁNH VĂN PHÒNG" alone for the head of a non-collective body.
    """
    rule = definition.by_position.get(signer.position) or {}
    authority = ([definition.collective] if definition.collective else []) + list(rule.get("authority") or [])
    position = rule.get("position") or signer.position.upper()
    return authority, position
