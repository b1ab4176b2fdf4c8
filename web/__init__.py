"""The Flask application: `create_app(config)` is the only place an app is built."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config.settings import config_from_env
from workflow import registry


def create_app(config: type | dict | None = None) -> Flask:
    """Build the application from a settings class (or a mapping of overrides).

    Loads and validates the workflow definitions first: a broken definition
    stops the start with an error naming the file and the key.
    """
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    settings = config if isinstance(config, type) else config_from_env()
    app.config.from_object(settings)
    if isinstance(config, dict):
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    registry.load(app.config["WORKFLOW_DIR"])

    from . import auth, cli, database, errors, security, worker
    from .extensions import babel, csrf, login_manager, migrate
    from models import db

    database.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=auth.select_locale)
    auth.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    worker.init_app(app)  # background jobs and the follow-up event handlers

    from .api import bp as api_bp
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)
    _register_ui(app)
    security.init_app(app)  # after the blueprints: it throttles their login views
    return app


def _register_ui(app: Flask) -> None:
    """Register the browser blueprints (web/ui, and web/ui_docio for files in and out)."""
    from .ui import register
    from .ui_docio import bp as docio_bp
    register(app)
    app.register_blueprint(docio_bp)
