"""Writing one row per recipient in one statement, however many recipients there are.

Issuing to 10,000 units writes 10,000 distributions, duties and notifications.
On PostgreSQL `insert_columns` sends each varying column as one array and
inserts `SELECT … FROM unnest(…)`: a statement of a few parameters, which the
driver neither expands nor parses per row. Elsewhere (SQLite) it is an
ordinary executemany.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import func


def insert_columns(session: Session, table: Table, columns: Mapping[str, Sequence],
                   common: Mapping[str, object] | None = None, *, returning: tuple[str, ...] = ()) -> list:
    """Insert one row per index of the equal-length lists in `columns`, each row also
    taking the values of `common`; answers the `returning` columns (names) of the rows
    written, in no particular order, or [] when none are asked for.

    Runs in the session's transaction; it neither flushes nor touches ORM objects.
    """
    common = dict(common or {})
    count = len(next(iter(columns.values()))) if columns else 0
    if not count:
        return []
    if session.get_bind().dialect.name != "postgresql":
        names = list(columns)
        rows = [dict(common, **dict(zip(names, values))) for values in zip(*columns.values())]
        statement = insert(table).returning(*[table.c[n] for n in returning]) if returning else insert(table)
        result = session.execute(statement, rows)
        return result.all() if returning else []
    statement = _unnest_insert(table, tuple(columns), tuple(common), tuple(returning))
    params = {**{f"u_{n}": list(v) for n, v in columns.items()}, **{f"c_{k}": v for k, v in common.items()}}
    result = session.execute(statement, params)
    return result.all() if returning else []


@cache
def _unnest_insert(table: Table, names: tuple[str, ...], common: tuple[str, ...], returning: tuple[str, ...]):
    """INSERT … SELECT … FROM unnest(:u_<name>, …) with the `common` values as :c_<name>
    (built once per shape, so that SQLAlchemy computes its cache key once)."""
    arrays = func.unnest(*[bindparam(f"u_{n}", type_=ARRAY(table.c[n].type)) for n in names]) \
        .table_valued(*names).render_derived()
    values = [arrays.c[n] for n in names] + [bindparam(f"c_{k}", type_=table.c[k].type) for k in common]
    statement = insert(table).from_select(list(names) + list(common), select(*values))
    return statement.returning(*[table.c[n] for n in returning]) if returning else statement
