"""Application settings read from the environment.

`Config` is what `make run` uses; `TestConfig` is what the test fixtures use;
`ProductionConfig` refuses to start without a real `SECRET_KEY`.
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = BASE_DIR / "instance"


DEV_SECRET_KEY = "dev-only-not-secret"


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'vanban.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the short form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Settings for a developer's machine and the demo (`make run`)."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or _default_database_url())
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # PostgreSQL: plan each prepared statement once (its parameters are ids, dates and
    # pages; skew-sensitive conditions are literals). `auto` lets the server re-plan.
    PG_PLAN_CACHE_MODE = os.environ.get("PG_PLAN_CACHE_MODE", "force_generic_plan")
    WORKFLOW_DIR = os.environ.get("WORKFLOW_DIR") or str(BASE_DIR / "config" / "workflows")
    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "12"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_MINUTES", "480")) * 60
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMIND_DAYS_BEFORE = int(os.environ.get("REMIND_DAYS_BEFORE", "3"))
    # Follow-through: reminders, background jobs, e-mail (SMTP only when MAIL_SERVER is set).
    REMIND_REPEAT_DAYS = int(os.environ.get("REMIND_REPEAT_DAYS", "1"))
    REMIND_ESCALATE_DAYS = int(os.environ.get("REMIND_ESCALATE_DAYS") or os.environ.get("REMIND_DAYS_BEFORE", "3"))
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "vanban")
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes", "on")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes", "on")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Văn bản <vanban@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")


class TestConfig(Config):
    """Settings for the test suite: a throw-away database chosen by the fixture."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or "sqlite://")


class ProductionConfig(Config):
    """Settings for a deployment: no default secret, secure cookies."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key."""
        key = os.environ.get("SECRET_KEY")
        if not key or key == DEV_SECRET_KEY or len(key) < 16:
            raise RuntimeError(
                "SECRET_KEY must be set (16+ characters) to run in production")
        cls.SECRET_KEY = key


def config_from_env() -> type[Config]:
    """Pick the settings class named by `APP_ENV` (development by default)."""
    name = os.environ.get("APP_ENV", "development")
    if name == "production":
        ProductionConfig.check()
        return ProductionConfig
    if name == "testing":
        return TestConfig
    return Config
