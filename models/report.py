"""Reporting obligations a plan imposes, who owes them, and the reports filed."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import (Column, Date, ForeignKey, Index, LargeBinary, String, Table, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import VN_OFFSET, Base, utcnow
from .document import Document
from .organization import Organization
from .user import User

obligation_units = Table(
    "obligation_unit",
    Base.metadata,
    Column("obligation_id", ForeignKey("reporting_obligation.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)


class ReportingObligation(Base):
    """A report the document asks for ("6 tháng", due 2026-06-15).

    When `units` is empty every recipient that must act (t/h or unmarked) owes
    it; otherwise only the named units do.

    A periodic obligation ("6 tháng", "năm" of a multi-year plan) has
    `recurrence_months` and `series_until`: the next period's obligation
    points back to it through `previous_id`, which is unique, so a period is
    renewed once however many filings or `remind` runs ask for it.
    """

    __tablename__ = "reporting_obligation"
    __table_args__ = (Index("ix_reporting_obligation_unfiled_document_id", "document_id", "due_date",
                            "unfiled_count", postgresql_where=text("unfiled_count > 0"),
                            sqlite_where=text("unfiled_count > 0")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    due_date: Mapped[date] = mapped_column(Date)
    recurrence_months: Mapped[Optional[int]]
    series_until: Mapped[Optional[date]] = mapped_column(Date)
    previous_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("reporting_obligation.id", ondelete="SET NULL"), unique=True)
    # Duties of this obligation not filed yet, kept by `workflow.progress`.
    unfiled_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    document: Mapped[Document] = relationship(backref="obligations")
    units: Mapped[list[Organization]] = relationship(secondary=obligation_units)


class ReportDuty(Base):
    """One recipient's duty to file one obligation's report (made at issue).

    `reminder_count` counts the reminders sent to the recipient unit and
    `escalation_count` those sent to the sender (đôn đốc). `organization_id`
    is the distribution's recipient, copied so that a unit's unfiled reports
    are found by one index.
    """

    __tablename__ = "report_duty"
    __table_args__ = (UniqueConstraint("obligation_id", "distribution_id"),
                      Index("ix_report_duty_unfiled_document_id", "document_id", "due_date",
                            postgresql_where=text("filed_at IS NULL"), sqlite_where=text("filed_at IS NULL")),
                      Index("ix_report_duty_unfiled_distribution_id", "distribution_id", "due_date",
                            postgresql_where=text("filed_at IS NULL"), sqlite_where=text("filed_at IS NULL")),
                      Index("ix_report_duty_unfiled_organization_id", "organization_id", "due_date",
                            "distribution_id", postgresql_where=text("filed_at IS NULL"),
                            sqlite_where=text("filed_at IS NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("reporting_obligation.id", ondelete="CASCADE"), index=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distribution.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    filed_at: Mapped[Optional[datetime]]
    reminder_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    escalation_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    last_reminded_at: Mapped[Optional[datetime]]

    obligation: Mapped[ReportingObligation] = relationship()
    distribution: Mapped["Distribution"] = relationship(back_populates="duties")
    reports: Mapped[list["Report"]] = relationship(back_populates="duty", order_by="Report.id")

    @property
    def period(self) -> str:
        """The obligation's period ("6 tháng", "quý II")."""
        return self.obligation.period

    def status(self, today: date) -> str:
        """`filed`, `late` (filed after due, by the Vietnam calendar), `overdue` or `due`."""
        return duty_status(self.filed_at, self.due_date, today)


def duty_status(filed_at: datetime | None, due_date: date, today: date) -> str:
    """A report duty's status on `today`: `filed`, `late` (first filed after its due date,
    by the Vietnam calendar), `overdue` (not filed, past due) or `due`."""
    if filed_at is not None:
        return "late" if (filed_at + VN_OFFSET).date() > due_date else "filed"
    return "overdue" if today > due_date else "due"


class Report(Base):
    """A report filed by a recipient against a duty; late ones are kept, marked late."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("report_duty.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_data: Mapped[Optional[bytes]] = deferred(mapped_column(LargeBinary))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    late: Mapped[bool] = mapped_column(default=False)

    duty: Mapped[ReportDuty] = relationship(back_populates="reports")
    filed_by: Mapped[User] = relationship()


from .distribution import Distribution  # noqa: E402  (mutual reference)
