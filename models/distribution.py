"""Distributions: one row per recipient organization of an issued document."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .document import Document
from .organization import Organization, RecipientGroup
from .user import User


class Distribution(Base):
    """The copy of an issued document sent to one recipient organization.

    Moves from `sent` to `acknowledged` (or `refused`); `version` guards
    against two users acknowledging at the same moment. A recipient added
    after issue (sent again) has `added_after_issue` and is tracked from its
    own `sent_at`.
    """

    __tablename__ = "distribution"
    __table_args__ = (UniqueConstraint("document_id", "organization_id"),
                      Index("ix_distribution_organization_id_sent_at_id", "organization_id", "sent_at", "id"),
                      Index("ix_distribution_organization_id_status", "organization_id", "status"),
                      Index("ix_distribution_document_id_status", "document_id", "status"),
                      # a document's table, a page at a time in id order, and its ranking by
                      # status, from the index alone (5,000 rows for a province)
                      Index("ix_distribution_document_id_id", "document_id", "id", postgresql_include=["status"]))

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    purpose: Mapped[Optional[str]] = mapped_column(String(20))
    via_group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("recipient_group.id"))
    status: Mapped[str] = mapped_column(String(20), default="sent")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[Optional[datetime]]
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    refused_at: Mapped[Optional[datetime]]
    refused_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    added_after_issue: Mapped[bool] = mapped_column(default=False, server_default=false())
    sent_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))

    __mapper_args__ = {"version_id_col": version}

    document: Mapped[Document] = relationship()
    organization: Mapped[Organization] = relationship()
    via_group: Mapped[Optional[RecipientGroup]] = relationship()
    acknowledged_by: Mapped[Optional[User]] = relationship(foreign_keys=[acknowledged_by_id])
    sent_by: Mapped[Optional[User]] = relationship(foreign_keys=[sent_by_id])
    duties: Mapped[list["ReportDuty"]] = relationship(back_populates="distribution")
