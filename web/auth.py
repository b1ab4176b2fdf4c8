"""Who is calling: session users (browser) and bearer tokens (API)."""
from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache

from flask import Flask, current_app, g, session
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlalchemy import bindparam, select

from models import ApiToken, User, db
from workflow import clock
from workflow.services import accounts

from .extensions import login_manager

SUPPORTED_LOCALES = ("vi", "en")


def select_locale() -> str:
    """The UI language: the user's choice in the session, else Vietnamese."""
    chosen = session.get("locale")
    return chosen if chosen in SUPPORTED_LOCALES else "vi"


def issue_token(user: User, hours: int) -> tuple[str, ApiToken]:
    """Create a bearer token for `user`, valid for `hours`; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(token_hash=ApiToken.hash(token), user=user,
                   expires_at=clock.now() + timedelta(hours=hours))
    db.session.add(row)
    return token, row


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None; raise `AccountLocked` when locked.

    A locked account is refused even with the right password until the lock
    expires (`LOGIN_MAX_FAILURES` wrong passwords lock it for
    `LOGIN_LOCK_MINUTES`). A wrong password is counted in the database and
    committed at once: the one deliberate commit outside the request wrapper,
    since the failed login's answer (401) rolls back everything else. The
    failure that reaches the limit raises `AccountLocked` after that commit.
    """
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        return None
    accounts.check_login_allowed(user)
    if not user.check_password(password):
        locked = accounts.record_login_failure(
            db.session, user,
            max_failures=current_app.config.get("LOGIN_MAX_FAILURES", accounts.MAX_FAILURES),
            lock_minutes=current_app.config.get("LOGIN_LOCK_MINUTES", accounts.LOCK_MINUTES))
        db.session.commit()
        if locked:
            accounts.check_login_allowed(user)
        return None
    accounts.record_login_success(db.session, user)
    return user


def init_app(app: Flask) -> None:
    """Teach Flask-Login to load users from the session and from bearer tokens."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to continue.")
    login_manager.localize_callback = str  # translated in the request's language when flashed
    login_manager.session_protection = "basic"

    @app.before_request
    def _forget_previous_user():
        # Each request authenticates afresh and gets its CSRF token from its own
        # session, even when an app context is reused across requests (as the
        # test client does when a test holds one open).
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    @login_manager.user_loader
    def _load_user(user_id: str):
        return load_user(int(user_id)) if user_id.isdigit() else None

    @login_manager.request_loader
    def _load_from_token(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        row = db.session.scalars(_token_query(), {"token_hash": ApiToken.hash(header[7:].strip())}).first()
        if row is None or row.expires_at < clock.now() or not row.user.active:
            return None
        return row.user


def load_user(user_id: int) -> User | None:
    """The active user with this id, with their organization (one prepared statement: the
    login manager runs it on every request), or None."""
    user = db.session.scalars(_user_query(), {"user_id": user_id}).first()
    return user if user is not None and user.active else None


@cache
def _user_query():
    """The SELECT of `load_user` (built once, so that its cache key is computed once)."""
    return select(User).where(User.id == bindparam("user_id"))


@cache
def _token_query():
    """The SELECT of a bearer token by its hash (built once, so that its cache key is computed once)."""
    return select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))


def actor() -> User:
    """The logged-in user as a model instance (for passing to services)."""
    return current_user._get_current_object()
