"""Read-only lists of the directory: organizations, users and recipient groups, for the
administration pages and for choosing recipients.

Every function answers with a fixed number of statements whatever the number of rows.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from models import Organization, RecipientGroup, User, fold

from .paging import Page, offset


def _matching_ids(session: Session, model, columns, q: str) -> list[int] | None:
    """Ids of rows whose columns contain every word of `q`, ignoring case and diacritics
    (None when there is no query). One narrow statement: directories are small."""
    words = fold(q).split()
    if not words:
        return None
    rows = session.execute(select(model.id, *columns).order_by(model.id))
    return [row[0] for row in rows if all(w in fold(" ".join(str(v or "") for v in row[1:])) for w in words)]


def _directory_page(session: Session, model, columns, order, q: str, page: int, per_page: int,
                    options=()) -> Page:
    ids = _matching_ids(session, model, columns, q)
    where = [model.id.in_(ids)] if ids is not None else []
    total = len(ids) if ids is not None else session.scalar(select(func.count(model.id)))
    items = list(session.scalars(select(model).where(*where).options(*options).order_by(order)
                                 .limit(per_page).offset(offset(page, per_page))))
    return Page(items, total, page, per_page)


def organizations_page(session: Session, *, q: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Organizations by id with their parent, filtered by name or abbreviation (no diacritics needed)."""
    return _directory_page(session, Organization, [Organization.name, Organization.short_name,
                                                   Organization.abbreviation],
                           Organization.id, q, page, per_page, [joinedload(Organization.parent)])


def users_page(session: Session, *, q: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Users by username with their organization, filtered by username or name (no diacritics needed)."""
    return _directory_page(session, User, [User.username, User.full_name], User.username, q, page, per_page)


def groups_with_counts(session: Session) -> list[tuple[RecipientGroup, int]]:
    """Every recipient group with its owner and number of members."""
    from models import group_members
    members = select(group_members.c.group_id, func.count().label("n")) \
        .group_by(group_members.c.group_id).subquery()
    rows = session.execute(select(RecipientGroup, func.coalesce(members.c.n, 0))
                           .outerjoin(members, members.c.group_id == RecipientGroup.id)
                           .options(joinedload(RecipientGroup.owner)).order_by(RecipientGroup.id))
    return [(g, n) for g, n in rows]


def directory(session: Session) -> tuple[list, list[RecipientGroup]]:
    """Every organization (its id and name: thousands of them in a province) and every
    group, for choosing recipients (two statements)."""
    orgs = session.execute(select(Organization.id, Organization.name)
                           .order_by(Organization.name, Organization.id)).all()
    groups = list(session.scalars(select(RecipientGroup).order_by(RecipientGroup.name)))
    return orgs, groups
