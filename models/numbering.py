"""Per-series, per-year document number counters."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class NumberSequence(Base):
    """The last number given in a series (an issuing body) in a calendar year."""

    __tablename__ = "number_sequence"

    series: Mapped[str] = mapped_column(String(60), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
