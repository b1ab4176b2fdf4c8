"""How the app configures its PostgreSQL sessions (settings in config/settings.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from config.settings import TestConfig
from models import db
from tests.conftest import PG_URL, USE_PG


def _app(**settings):
    from web import create_app
    return create_app(type("T", (TestConfig,), settings))


@pytest.mark.skipif(not USE_PG, reason="PostgreSQL session settings (DATABASE_URL on PostgreSQL)")
@pytest.mark.parametrize("mode", ["force_generic_plan", "auto"])
def test_postgresql_sessions_plan_once_and_without_jit(mode):
    app = _app(SQLALCHEMY_DATABASE_URI=PG_URL, PG_PLAN_CACHE_MODE=mode)
    with app.app_context():
        assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == mode
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
        db.session.remove()
        db.engine.dispose()


def test_an_unknown_plan_cache_mode_is_refused_at_start():
    with pytest.raises(ValueError, match="PG_PLAN_CACHE_MODE"):
        _app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
             PG_PLAN_CACHE_MODE="sometimes")
