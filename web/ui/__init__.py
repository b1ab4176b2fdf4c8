"""The browser application: one blueprint per area, and what every page shares.

`register(app)` is called by `create_app`; it adds the blueprints, the
template filters and globals, and session expiry (security headers: web/security.py).
"""
from __future__ import annotations

from flask import Flask, request, session
from flask_login import current_user


def register(app: Flask) -> None:
    """Register the UI blueprints and the per-request helpers on `app`."""
    from . import context, formatting
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .delegations import bp as delegations_bp
    from .documents import bp as documents_bp
    from .home import bp as home_bp
    from .inbox import bp as inbox_bp
    from .notifications import bp as notifications_bp
    from .registers import bp as registers_bp
    from .tracking import bp as tracking_bp

    for blueprint in (auth_bp, home_bp, documents_bp, registers_bp, inbox_bp, admin_bp,
                      tracking_bp, notifications_bp, delegations_bp):
        app.register_blueprint(blueprint)
    formatting.init_app(app)
    context.init_app(app)

    @app.before_request
    def _expire_sessions():
        # Browser sessions are permanent cookies that expire after
        # PERMANENT_SESSION_LIFETIME of inactivity (refreshed on each request).
        if current_user.is_authenticated and not request.path.startswith("/api/"):
            session.permanent = True
