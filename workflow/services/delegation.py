"""Delegation of one's steps to a colleague for a date range (ủy quyền)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Delegation, User

from .. import clock
from ..errors import PermissionDenied, ValidationFailed


def active_delegations(session: Session, delegate: User, now: datetime) -> list[Delegation]:
    """The delegations `delegate` may act under at `now` (Vietnam calendar day)."""
    day = clock.local_date(now)
    return list(session.scalars(select(Delegation).where(
        Delegation.delegate_id == delegate.id, Delegation.revoked_at.is_(None),
        Delegation.starts_on <= day, Delegation.ends_on >= day)))


def delegate(session: Session, delegator: User, delegate_user: User, starts_on: date,
             ends_on: date, *, reason: str = "") -> Delegation:
    """Let `delegate_user` act on `delegator`'s steps between the two dates (inclusive).

    Only reviewers and signers delegate; the colleague must be of the same
    issuing body; the range must not be reversed or end in the past.
    """
    if not (delegator.has_role("signer") or delegator.has_role("reviewer")
            or delegator.has_role("format_checker")):
        raise PermissionDenied("Chỉ người thẩm định hoặc người ký mới được ủy quyền.")
    if delegate_user.id == delegator.id:
        raise ValidationFailed("Không thể ủy quyền cho chính mình.")
    if ends_on < starts_on:
        raise ValidationFailed("Khoảng thời gian ủy quyền không hợp lệ: ngày kết thúc trước ngày bắt đầu.",
                               details={"ends_on": "Trước ngày bắt đầu."})
    if ends_on < clock.local_date():
        raise ValidationFailed("Khoảng thời gian ủy quyền không hợp lệ: ngày kết thúc đã qua.",
                               details={"ends_on": "Đã qua."})
    body = delegator.organization.issuing_body()
    if body is None or not delegate_user.organization.is_within(body):
        raise ValidationFailed("Người được ủy quyền phải cùng cơ quan.")
    item = Delegation(delegator=delegator, delegate=delegate_user, starts_on=starts_on,
                      ends_on=ends_on, reason=reason)
    session.add(item)
    session.flush()
    return item
