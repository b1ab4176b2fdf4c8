"""The benchmarks' statement counters agree: bench/chain.py counts at the driver
(`DriverStatementCounter`) what the engine event of `StatementCounter` counts, so
its statement figures keep their meaning while our side no longer pays for the
engine's event dispatch."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bench.common import DriverStatementCounter, StatementCounter
from models import Organization, db
from tests.conftest import USE_PG

pytestmark = pytest.mark.skipif(not USE_PG, reason="the driver counter counts psycopg's statements")


def test_driver_counter_counts_what_the_engine_counts(session):
    by_engine, by_driver = StatementCounter(db.engine), DriverStatementCounter()
    try:
        session.execute(text("SELECT 1"))
        session.add_all([Organization(name=f"Thôn {i}", kind="village") for i in range(3)])
        session.flush()  # the three rows in one INSERT … RETURNING
        session.execute(select(Organization.id).where(Organization.kind == "village")).all()
        session.commit()
        counted = by_engine.count
        assert counted >= 3 and by_driver.count == counted
        assert by_driver.reset() == counted and by_driver.count == 0
    finally:
        by_driver.close()
        by_engine.close()
