"""Database engine set-up and the single place where a request's work is committed."""
from __future__ import annotations

from flask import Flask, g, jsonify, request
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from models import db

CONFLICT_MESSAGE = "Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại rồi thực hiện lại."


def _configure_sqlite(engine) -> None:
    """Make SQLite safe for several writers: take the write lock at BEGIN, wait for it."""
    file_db = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if file_db:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    """Bind the database and commit each successful request once, at its end.

    Handlers and services only flush; a response below 400 commits, anything
    else rolls back. A commit that loses a race answers 409.
    """
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    # copies: the settings class's dict is shared by every app built from it
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = options["connect_args"] = dict(options.get("connect_args") or {})
    if uri.startswith("sqlite"):
        connect_args.setdefault("timeout", 30)
    elif uri.startswith("postgresql"):
        # The pages' statements are short: JIT compiling a mis-costed plan once took 500 ms,
        # and planning the document page's statement afresh each time (a custom plan) 3 ms of
        # its 4 (bench/pages.py); psycopg prepares a statement on its fifth execution.
        mode = app.config.get("PG_PLAN_CACHE_MODE") or "auto"
        if mode not in ("auto", "force_generic_plan", "force_custom_plan"):
            raise ValueError(f"PG_PLAN_CACHE_MODE must be auto, force_generic_plan or force_custom_plan, not {mode!r}")
        connect_args.setdefault("options", f"-c jit=off -c plan_cache_mode={mode}")
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)

    @app.before_request
    def _fresh_unit_of_work():
        g.pop("rollback", None)

    @app.after_request
    def _commit(response):
        if response.status_code >= 400 or g.get("rollback"):
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except (StaleDataError, IntegrityError, OperationalError):
            db.session.rollback()
            app.logger.warning("commit lost a race on %s", request.path)
            if request.path.startswith("/api/"):
                response = jsonify(error="conflict", message=CONFLICT_MESSAGE)
                response.status_code = 409
                return response
            raise
        return response
