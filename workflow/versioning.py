"""Compare-and-set updates of rows guarded by a version column.

The unit of work checks a mapped `version_id_col` when it flushes a changed
object; `update_versioned` does the same check for one object in one prepared
UPDATE (`… SET …, version = version + 1 WHERE id = :id AND version = :seen`),
without building a flush plan, and leaves the object as if it had been loaded
with the new values. `versioned_change` prepares the same UPDATE without running
it, for `history.record` to run as the guard of its own statement (an
acknowledgement: one round trip for the copy, its counter and its history row);
everything else flushes as usual.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Callable, NamedTuple

from sqlalchemy import bindparam, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .errors import Conflict

CONFLICT_MESSAGE = "Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại rồi thực hiện lại."


class Change(NamedTuple):
    """A prepared write: its statement, its parameters, and what to do to the loaded objects
    once the database has taken it (`applied`, or None)."""

    statement: Any
    params: dict
    applied: Callable[[], None] | None = None


def versioned_change(instance, **values) -> Change:
    """The compare-and-set of `update_versioned`, not yet run: it matches one row, or none
    when another transaction changed the row first; `applied` then sets the values and the
    new version on `instance` as if it had been loaded with them."""
    state = inspect(instance)
    mapper = state.mapper
    version_key = mapper.get_property_by_column(mapper.version_id_col).key
    seen = getattr(instance, version_key)
    params = {f"v_{k}": v for k, v in values.items()}
    params.update(v_id=state.identity[0], v_seen=seen, v_next=seen + 1)

    def applied() -> None:
        for key, value in values.items():
            set_committed_value(instance, key, value)
        set_committed_value(instance, version_key, seen + 1)
    return Change(_statement(mapper.class_, tuple(sorted(values))), params, applied)


def versioned_row_change(cls, row_id: int, seen: int, **values) -> Change:
    """The compare-and-set of `versioned_change` for a row known by its id and the version
    read with it, without a model instance (nothing to update once it is taken)."""
    params = {f"v_{k}": v for k, v in values.items()}
    params.update(v_id=row_id, v_seen=seen, v_next=seen + 1)
    return Change(_statement(cls, tuple(sorted(values))), params)


def update_versioned(session: Session, instance, **values) -> None:
    """Write `values` (column attributes) to `instance`'s row if its version is still the
    one loaded, bumping the version; raise `Conflict` (409), with nothing written, when
    another transaction changed the row first.

    `instance` must be persistent and have no pending changes of its own.
    """
    change = versioned_change(instance, **values)
    if session.connection().execute(change.statement, change.params).rowcount != 1:
        raise Conflict(CONFLICT_MESSAGE)
    change.applied()


@cache
def _statement(cls, keys: tuple[str, ...]):
    """The UPDATE of `keys` guarded by the version (built once per shape, so that its
    cache key is computed once)."""
    table, mapper = cls.__table__, inspect(cls)
    version = mapper.version_id_col
    (pk,) = mapper.primary_key
    columns = {k: mapper.columns[k] for k in keys}
    values = {column: bindparam(f"v_{k}", type_=column.type) for k, column in columns.items()}
    values[version] = bindparam("v_next", type_=version.type)
    return table.update() \
        .where(pk == bindparam("v_id", type_=pk.type), version == bindparam("v_seen", type_=version.type)) \
        .values(values)
