"""The reminder log: which report duty was chased, whom, on which day."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .report import ReportDuty

REMINDER_KINDS = {
    "due_soon": "Sắp đến hạn báo cáo",
    "overdue": "Quá hạn báo cáo",
    "escalation": "Đôn đốc báo cáo quá hạn",
}
TARGET_KINDS = ("unit", "user")


class Reminder(Base):
    """One reminder of one duty to one target (a recipient unit or a user) on one day.

    The unique key (duty, target, Vietnam day, kind) is what keeps two
    `remind` runs, even in two processes, from chasing the same duty twice on
    the same day: a reminder is written with INSERT … ON CONFLICT DO NOTHING
    and only the run whose row went in notifies anyone. `chase` is how many
    times this target had been chased for this duty, this reminder included.
    """

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("duty_id", "target_kind", "target_id", "day", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("report_duty.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int]
    day: Mapped[date] = mapped_column(Date)
    chase: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    duty: Mapped[ReportDuty] = relationship()
