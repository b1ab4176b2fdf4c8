"""The declarative base shared by every model, independent of Flask."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Date, MetaData
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

VN_OFFSET = timedelta(hours=7)  # timestamps are naive UTC; due dates are Vietnam days (no summer time)

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


class vn_day(ColumnElement):
    """The Vietnam calendar day of a naive UTC timestamp column, in SQL (what
    `workflow.clock.local_date` answers in Python)."""

    inherit_cache = True
    type = Date()
    _traverse_internals = [("moment", InternalTraversal.dp_clauseelement)]

    def __init__(self, moment):
        self.moment = moment


@compiles(vn_day)
def _vn_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.moment, **kw)}, '+{VN_OFFSET.seconds // 3600} hours')"


@compiles(vn_day, "postgresql")
def _vn_day_postgresql(element, compiler, **kw):
    return f"CAST({compiler.process(element.moment, **kw)} + INTERVAL '{VN_OFFSET.seconds // 3600} hours' AS DATE)"
