"""Finding the person for each step of a chain, and the signature block."""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models import Document, Organization, User

from ..definitions import Definition, StepDef
from ..errors import ValidationFailed


def _subtree():
    """A recursive CTE of the ids of organization `s_root` and every organization below it."""
    org = Organization.__table__
    tree = select(org.c.id).where(org.c.id == bindparam("s_root")).cte("subtree", recursive=True)
    child = org.alias("subtree_child")
    return tree.union(select(child.c.id).join(tree, child.c.parent_id == tree.c.id))


@cache
def _users_query(whole_tree: bool):
    """The active users (id, roles, position) of organization `s_root`, or of it and every
    organization below it (built once per variant, so that its cache key is computed once)."""
    within = User.organization_id.in_(select(_subtree().c.id)) if whole_tree \
        else User.organization_id == bindparam("s_root")
    return select(User.id, User.roles, User.position) \
        .where(within, User.active.is_(True)).order_by(User.id)


@cache
def _chosen_query():
    """The SELECT of the users chosen for a chain, ids `s_ids` (built once)."""
    return select(User).where(User.id.in_(bindparam("s_ids", expanding=True)))


@cache
def _holds_query():
    """The SELECT telling whether organization `s_org` lies under `s_root` (built once)."""
    tree = _subtree()
    return select(tree.c.id).where(tree.c.id == bindparam("s_org"))


class _Scope:
    """The organizations a step may pick from and their active users (id, roles, position),
    read once per scope and shared by the steps of a chain."""

    def __init__(self, session: Session, document: Document, within: str):
        self.session = session
        self.whole_tree = within != "drafting_unit"
        self.root_id = document.issuer_id if self.whole_tree else document.drafting_unit_id
        self.users = session.execute(_users_query(self.whole_tree), {"s_root": self.root_id}).all()

    def holds(self, organization_id: int) -> bool:
        """True when `organization_id` lies in the scope."""
        if not self.whole_tree:
            return organization_id == self.root_id
        found = self.session.scalar(_holds_query(), {"s_root": self.root_id, "s_org": organization_id})
        return found is not None


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


def resolve_chain_ids(session: Session, document: Document, steps: list[StepDef]) -> list[int]:
    """The id of the user who acts on each of `steps` for `document` (see `resolve_assignee`).

    Each scope (the drafting unit, the issuing body's subtree) is read once,
    in one statement; no user is loaded.
    """
    scopes: dict[str, _Scope] = {}
    picks = []
    for step in steps:
        if step.within not in scopes:
            scopes[step.within] = _Scope(session, document, step.within)
        pick = _pick(session, document, step, scopes[step.within])
        picks.append(pick.id if isinstance(pick, User) else pick)
    return picks


def resolve_chain(session: Session, document: Document, steps: list[StepDef]) -> list[User]:
    """The user who acts on each of `steps` for `document` (see `resolve_assignee`),
    loaded together in one statement (or found in the session)."""
    ids = resolve_chain_ids(session, document, steps)
    users = {u.id: u for u in session.scalars(_chosen_query(), {"s_ids": sorted(set(ids))})}
    return [users[i] for i in ids]


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
