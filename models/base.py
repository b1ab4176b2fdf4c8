"""The declarative base shared by every model, independent of Flask."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all mapped classes; its metadata is what migrations track."""

    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (how every timestamp is stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
