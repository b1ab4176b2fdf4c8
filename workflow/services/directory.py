"""Adding to the directory while importing: a recipient unit that is not there yet."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Organization, User

from ..errors import PermissionDenied, ValidationFailed


def add_external_unit(session: Session, actor: User, name: str) -> Organization:
    """Create an outside recipient unit named `name` (a drafter mapping an import).

    Returns the existing unit when one has exactly that name (case-insensitive)
    so that two imports never create duplicates.
    """
    if not actor.has_role("drafter"):
        raise PermissionDenied("Bạn không có quyền thêm đơn vị vào danh bạ.")
    name = " ".join((name or "").split())
    if not name or len(name) > 255:
        raise ValidationFailed("Tên đơn vị không hợp lệ.")
    existing = session.scalar(select(Organization).where(func.lower(Organization.name) == name.lower()))
    if existing is not None:
        return existing
    org = Organization(name=name, short_name=name[:120], abbreviation="", kind="unit", aliases=[name])
    session.add(org)
    session.flush()
    return org
