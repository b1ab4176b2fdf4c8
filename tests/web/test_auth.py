"""Logging in and out, expiring sessions, CSRF on every POST, the language switch."""
from __future__ import annotations

import time

from itsdangerous import TimestampSigner
from sqlalchemy import select

from models import User, db


def test_login_page_is_vietnamese_by_default(browser):
    html = browser().text("/login")
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'for="username"' in html and 'for="password"' in html


def test_anonymous_user_is_sent_to_login_with_next(browser):
    response = browser().get("/documents")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_ask_to_log_in_speaks_the_visitors_language(browser):
    b = browser()
    assert "Vui lòng đăng nhập để tiếp tục." in b.text(b.get("/documents").headers["Location"])
    b.get("/login")
    b.post("/locale", {"locale": "en", "next": "/login"})
    html = b.text(b.get("/documents").headers["Location"])
    assert "Please log in to continue." in html and "Vui lòng đăng nhập" not in html


def test_wrong_password_is_refused_and_starts_no_session(browser):
    b = browser()
    b.get("/login")
    response = b.post("/login", {"username": "chuyenvien", "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    assert b.get("/").status_code == 302


def test_inactive_user_cannot_log_in(browser, demo):
    demo["users"]["mttq"].active = False
    db.session.commit()
    b = browser()
    b.get("/login")
    assert b.post("/login", {"username": "mttq", "password": "demo"}).status_code == 401


def test_login_redirects_to_a_local_next_only(browser):
    b = browser()
    b.get("/login?next=/inbox")
    response = b.post("/login", {"username": "mttq", "password": "demo", "next": "/inbox"})
    assert response.headers["Location"] == "/inbox"
    b = browser()
    b.get("/login")
    response = b.post("/login", {"username": "mttq", "password": "demo", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_passwords_are_stored_hashed(demo):
    user = db.session.scalar(select(User).where(User.username == "vanthu"))
    assert user.password_hash and "demo" not in user.password_hash
    assert user.check_password("demo") and not user.check_password("Demo")


def test_session_cookie_expires(app, browser, monkeypatch):
    b = browser("chuyenvien")
    assert b.get("/").status_code == 200
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = int(time.time() + lifetime + 60)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = b.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_needs_post_with_csrf(browser):
    b = browser("chuyenvien")
    assert b.get("/logout").status_code == 405
    refused = b.post("/logout", csrf=False)
    assert refused.status_code == 303
    assert b.get("/").status_code == 200  # still logged in
    assert b.post("/logout").status_code == 303
    assert b.get("/").status_code == 302


def test_missing_csrf_token_is_refused_with_a_clear_message(browser):
    b = browser()
    b.get("/login")
    response = b.post("/login", {"username": "chuyenvien", "password": "demo"}, csrf=False)
    assert response.status_code == 303
    follow = b.get("/login")
    assert "thiếu mã bảo vệ (CSRF)" in follow.get_data(as_text=True)
    assert b.get("/").status_code == 302


def test_language_switch_to_english_and_back(browser):
    b = browser("chuyenvien")
    assert "Việc cần xử lý" in b.text("/")
    b.post("/locale", {"locale": "en", "next": "/"})
    html = b.text("/")
    assert '<html lang="en">' in html and "My work" in html and "Việc cần xử lý" not in html
    b.post("/locale", {"locale": "vi", "next": "/"})
    assert "Việc cần xử lý" in b.text("/")


def test_unknown_language_is_ignored(browser):
    b = browser("chuyenvien")
    b.post("/locale", {"locale": "fr", "next": "/"})
    assert '<html lang="vi">' in b.text("/")


def test_security_headers_on_pages(browser):
    response = browser().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
