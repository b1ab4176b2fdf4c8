"""Who opened which document, and when (the access log ND30 asks for)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User

ACCESS_ACTIONS = {"view": "Xem", "download": "Tải về"}


class AccessLog(Base):
    """One opening of a document by a user: viewed (`view`) or downloaded (`download`).

    Rows are only ever added (by `workflow.access_log.record_access`); `ip` is
    the client address as seen by the application (after trusted proxies).
    """

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_document_at", "document_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()
