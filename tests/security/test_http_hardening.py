"""Every response, UI or API, carries the security headers; production adds HSTS
and secure cookies, and refuses to start without a real SECRET_KEY; uploads
are limited in size."""
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import session

from config.settings import DEV_SECRET_KEY, ProductionConfig, config_from_env
from tests.conftest import database_url

REQUIRED = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin"}


@pytest.mark.parametrize("url, status", [
    ("/login", 200),                      # a UI page
    ("/", 302),                           # a UI redirect to the login page
    ("/no-such-page", 404),               # an error page
    ("/api/v1/openapi.json", 200),        # public API
    ("/api/v1/me", 401),                  # API error
])
def test_security_headers_on_every_response(call, url, status):
    response = call("get", url)
    assert response.status_code == status
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (url, name)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "Strict-Transport-Security" not in response.headers  # development: no HSTS


def test_csp_script_source_is_self_only(call):
    directives = dict(d.strip().split(" ", 1) for d in
                      call("get", "/login").headers["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"


def test_login_page_has_no_inline_script_or_handler(call):
    html = call("get", "/login").get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handlers are blocked by the CSP"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", DEV_SECRET_KEY, raising=False)
    for bad in (None, "", "short", DEV_SECRET_KEY):
        if bad is None:
            monkeypatch.delenv("SECRET_KEY", raising=False)
        else:
            monkeypatch.setenv("SECRET_KEY", bad)
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            config_from_env()
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-of-enough-length")
    assert config_from_env() is ProductionConfig


def test_production_starts_with_a_secret_key_from_the_environment(tmp_path):
    """As a real process does: the key is in the environment before the settings are imported."""
    env = {"PATH": "/usr/bin:/bin", "APP_ENV": "production", "SECRET_KEY": "a-real-secret-of-enough-length",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    done = subprocess.run([sys.executable, "-c", "from config.settings import config_from_env as c; "
                           "s = c(); print(s.__name__, s.SESSION_COOKIE_SECURE)"],
                          cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["ProductionConfig", "True"], done.stderr


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    from web import create_app
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-real-secret-of-enough-length", raising=False)
    settings = type("P", (ProductionConfig,), {"SQLALCHEMY_DATABASE_URI": database_url(tmp_path)})
    return create_app(settings)


def test_production_sets_secure_cookies_and_hsts(production_app):
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
    with production_app.test_request_context("/"):
        session["probe"] = 1
        response = production_app.response_class()
        production_app.session_interface.save_session(production_app, session, response)
        cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    response = production_app.test_client().get("/api/v1/openapi.json")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_uploads_above_the_limit_answer_413_json(app, api, call):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    token = api("chuyenvien").token
    response = call("post", "/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
                    data={"file": (io.BytesIO(b"x" * 10_000), "big.txt")},
                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"
    assert "vượt quá giới hạn" in response.get_json()["message"]
