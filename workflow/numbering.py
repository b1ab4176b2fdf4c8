"""Gap-free yearly number sequences, safe across processes on SQLite and PostgreSQL."""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import NumberSequence


def next_number(session: Session, series: str, year: int) -> int:
    """Take the next number of `series` in `year` inside the caller's transaction.

    One `INSERT … ON CONFLICT DO UPDATE … RETURNING` creates the counter row at 1
    or increments it, and holds the row lock until the transaction ends: a
    second clerk waits, then gets the following number. Rolling back gives the
    number back, so the sequence has no gaps.
    """
    connection = session.connection()
    statement = _take_statement(connection.dialect.name)
    return int(connection.execute(statement, {"n_series": series, "n_year": year}).scalar_one())


@cache
def _take_statement(dialect: str):
    """The upsert of `next_number` for `dialect` (built once per dialect)."""
    table = NumberSequence.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(series=bindparam("n_series", type_=table.c.series.type),
                                     year=bindparam("n_year", type_=table.c.year.type), last_number=1)
    return statement.on_conflict_do_update(
        index_elements=["series", "year"],
        set_={"last_number": table.c.last_number + 1}).returning(table.c.last_number)


def format_number(number: int | None, symbol: str) -> str:
    """"05/KH-UBND": a leading zero below 10, blank before the number is given."""
    if number is None:
        return f"/{symbol}"
    return f"{number:02d}/{symbol}"
