"""Protections every response and every login gets: headers, throttling, proxies.

`init_app(app)` is called by `create_app` after the blueprints are registered:

- security headers on every response (UI and API): a strict Content Security
  Policy without inline scripts or styles, X-Frame-Options, Referrer-Policy,
  X-Content-Type-Options, and HSTS in production;
- Flask-Limiter on the login endpoints (`api.create_token`, `auth.login`):
  per client address and per (address, username); counters on Redis when
  `RATELIMIT_STORAGE_URI` or `REDIS_URL` is set, so every process shares them;
- `TRUSTED_PROXIES`: how many reverse proxies set X-Forwarded-For/-Proto, so
  that the client address (throttling, access log) and https are the real ones.

The account lockout itself lives in `workflow.services.accounts` and is
applied by `web.auth.authenticate`.
"""
from __future__ import annotations

import os

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from workflow.services import accounts

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"
LOGIN_ENDPOINTS = ("api.create_token", "auth.login")

DEFAULTS = {
    # Per client address, and per (address, username) so that one office
    # behind one NAT address can still log in at 8 a.m.
    "LOGIN_RATE_LIMIT": "60 per minute",
    "LOGIN_RATE_LIMIT_PER_ACCOUNT": "10 per minute",
    "LOGIN_MAX_FAILURES": accounts.MAX_FAILURES,
    "LOGIN_LOCK_MINUTES": accounts.LOCK_MINUTES,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Several deployments (or test runs) may share one Redis.
    "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "vanban"),
    # An unreachable Redis must not turn logins into 500s: count in memory
    # meanwhile (the lockout, in the database, still applies).
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
}


def security_headers(response, *, production: bool):
    """Add the security headers to `response` (keeping any a view set itself)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def login_username() -> str:
    """The username a login request is for (JSON body or form), normalised."""
    data = request.get_json(silent=True) if request.is_json else None
    name = data.get("username") if isinstance(data, dict) else request.form.get("username")
    return name.strip().lower()[:80] if isinstance(name, str) else ""


def _account_key() -> str:
    return f"{get_remote_address()}|{login_username()}"


def storage_uri(app: Flask) -> str:
    """Where the limiter keeps its counters: Redis in production, memory otherwise.

    Tests get memory unless they set `RATELIMIT_STORAGE_URI` themselves, so
    that one app's counters never leak into another's.
    """
    explicit = app.config.get("RATELIMIT_STORAGE_URI")
    if explicit:
        return explicit
    if app.testing:
        return "memory://"
    return os.environ.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"


def _init_limiter(app: Flask) -> Limiter:
    """A limiter of this app only (each app gets fresh counters), on the login views."""
    limiter = Limiter(key_func=get_remote_address, storage_uri=storage_uri(app),
                      default_limits=[], strategy="fixed-window")
    limiter.init_app(app)
    for endpoint in LOGIN_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        view = limiter.limit(lambda: app.config["LOGIN_RATE_LIMIT"], methods=["POST"])(view)
        view = limiter.limit(lambda: app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"],
                             key_func=_account_key, methods=["POST"])(view)
        app.view_functions[endpoint] = view
    return limiter


def init_app(app: Flask) -> None:
    """Install headers, proxy handling and login throttling on `app` (after blueprints)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    proxies = int(app.config.get("TRUSTED_PROXIES") or os.environ.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    production = app.config.get("ENV_NAME") == "production"

    @app.after_request
    def _headers(response):
        return security_headers(response, production=production)

    app.extensions["vanban_limiter"] = _init_limiter(app)
