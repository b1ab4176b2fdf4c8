"""In-app notifications: one row per person told about one event."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .document import Document
from .user import User


class Notification(Base):
    """A message for one user ("Văn bản … chờ anh/chị ký"), shown under the bell.

    `read_at` is set when the user opens or dismisses it; `emailed_at` when the
    e-mail copy was delivered (only when SMTP is configured).
    """

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    document_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[Optional[datetime]]
    emailed_at: Mapped[Optional[datetime]]

    user: Mapped[User] = relationship()
    document: Mapped[Optional[Document]] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
