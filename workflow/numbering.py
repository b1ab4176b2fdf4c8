"""Gap-free yearly number sequences, safe across processes on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import NumberSequence


def next_number(session: Session, series: str, year: int) -> int:
    """Take the next number of `series` in `year` inside the caller's transaction.

    The counter row is created if missing, then incremented with one
    `UPDATE … RETURNING`, which holds the row lock until the transaction ends:
    a second clerk waits, then gets the following number. Rolling back gives
    the number back, so the sequence has no gaps.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(NumberSequence).values(series=series, year=year, last_number=0)
                    .on_conflict_do_nothing(index_elements=["series", "year"]))
    result = session.execute(
        update(NumberSequence)
        .where(NumberSequence.series == series, NumberSequence.year == year)
        .values(last_number=NumberSequence.last_number + 1)
        .returning(NumberSequence.last_number)
        .execution_options(synchronize_session=False))
    return int(result.scalar_one())


def format_number(number: int | None, symbol: str) -> str:
    """"05/KH-UBND": a leading zero below 10, blank before the number is given."""
    if number is None:
        return f"/{symbol}"
    return f"{number:02d}/{symbol}"
