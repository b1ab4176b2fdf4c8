"""Migrations upgrade an empty database to head, and head matches the models."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from config.settings import TestConfig
from models import Base, db
from tests.conftest import PG_URL, USE_PG


@pytest.fixture
def empty_url(tmp_path):
    if not USE_PG:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    name = f"mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_empty_database_to_head(empty_url):
    from web import create_app
    app = create_app(type("M", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_url}))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.session.remove()
        db.engine.dispose()
