"""Delegations (ủy quyền): a signer or reviewer lets a colleague act for a while."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User


class Delegation(Base):
    """`delegate` may act on `delegator`'s steps from `starts_on` to `ends_on`.

    A delegation cannot be passed on: only the delegator's own steps are
    covered, never steps the delegator holds by another delegation.
    """

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[Optional[datetime]]

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])

    def active_on(self, day: date) -> bool:
        """True when the delegation covers `day` and was not revoked."""
        return self.revoked_at is None and self.starts_on <= day <= self.ends_on
