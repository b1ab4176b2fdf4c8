"""Reporting obligations a plan imposes, who owes them, and the reports filed."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import (Column, Date, ForeignKey, LargeBinary, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import Base, utcnow
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
    """

    __tablename__ = "reporting_obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    due_date: Mapped[date] = mapped_column(Date)

    document: Mapped[Document] = relationship(backref="obligations")
    units: Mapped[list[Organization]] = relationship(secondary=obligation_units)


class ReportDuty(Base):
    """One recipient's duty to file one obligation's report (made at issue)."""

    __tablename__ = "report_duty"
    __table_args__ = (UniqueConstraint("obligation_id", "distribution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("reporting_obligation.id", ondelete="CASCADE"), index=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distribution.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    filed_at: Mapped[Optional[datetime]]

    obligation: Mapped[ReportingObligation] = relationship()
    distribution: Mapped["Distribution"] = relationship(back_populates="duties")
    reports: Mapped[list["Report"]] = relationship(back_populates="duty", order_by="Report.id")

    def status(self, today: date) -> str:
        """`filed`, `late` (filed after due), `overdue` or `due`."""
        if self.filed_at is not None:
            return "late" if self.filed_at.date() > self.due_date else "filed"
        return "overdue" if today > self.due_date else "due"


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
