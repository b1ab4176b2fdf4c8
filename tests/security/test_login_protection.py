"""Logins are throttled per address and per account (429 JSON), and an account is
locked in the database after repeated wrong passwords, for the API and the UI alike."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from models import User, db

T0 = datetime(2026, 3, 2, 1, 0, 0)


@pytest.fixture
def limits(app):
    """A lock after 3 failures, for 15 minutes (settings are read at request time)."""
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_MINUTES=15)
    return app.config


@pytest.fixture
def throttle(app, limits):
    """Small rate limits so that a test reaches them quickly."""
    app.config.update(LOGIN_RATE_LIMIT="5 per minute", LOGIN_RATE_LIMIT_PER_ACCOUNT="3 per minute")
    return app.config


def _lock_state(username):
    """(failed_logins, locked_until) as stored now; ends the read transaction."""
    row = db.session.execute(select(User.failed_logins, User.locked_until)
                             .where(User.username == username)).one()
    db.session.rollback()
    return tuple(row)


def test_token_endpoint_answers_429_json_after_the_per_address_limit(demo, throttle, login):
    codes = [login(name).status_code for name in ("chuyenvien", "vanthu", "admin", "mttq", "danguy")]
    assert codes == [201] * 5
    response = login("truongphong")
    assert response.status_code == 429
    body = response.get_json()
    assert body["error"] == "too_many_requests" and "Quá nhiều yêu cầu" in body["message"]
    assert int(response.headers["Retry-After"]) > 0
    # another client address is not affected
    assert login("truongphong", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 201


def test_per_account_limit_leaves_other_accounts_alone(demo, throttle, login):
    assert [login("vanthu", "sai").status_code for _ in range(2)] == [401, 401]
    assert login("vanthu").status_code == 201
    assert login("vanthu").status_code == 429
    assert login("chuyenvien").status_code == 201


def test_ui_login_is_throttled_too(demo, throttle, call, ui_login):
    assert [ui_login("khong_co_ai", "x").status_code for _ in range(3)] == [401] * 3
    response = ui_login("khong_co_ai", "x")
    assert response.status_code == 429 and "Quá nhiều yêu cầu" in response.get_data(as_text=True)
    assert call("get", "/login").status_code == 200  # showing the form is not limited


@pytest.mark.parametrize("failures, then, expected", [
    (2, "demo", 201),   # below the limit: the right password works and resets the count
    (3, "demo", 403),   # locked: even the right password is refused
    (3, "sai", 403),    # locked: wrong passwords are refused without counting
])
def test_lockout_table(demo, limits, login, frozen_clock, failures, then, expected):
    frozen_clock(T0)
    answers = [login("chuyenvien", "sai").status_code for _ in range(failures)]
    assert answers == [401] * (failures - 1) + [403 if failures == 3 else 401]
    response = login("chuyenvien", then)
    assert response.status_code == expected
    if expected == 403:
        body = response.get_json()
        assert body["error"] == "account_locked"
        assert "tạm thời bị khóa" in body["message"] and "15 phút" in body["message"]
    else:
        assert _lock_state("chuyenvien") == (0, None)


def test_lock_is_stored_in_the_database_and_expires(app, demo, limits, login, frozen_clock):
    frozen_clock(T0)
    for _ in range(3):
        login("vanthu", "sai", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert _lock_state("vanthu") == (3, T0 + timedelta(minutes=15))

    # A second application process on the same database sees the same lock.
    from web import create_app
    from config.settings import TestConfig
    other = create_app(type("T", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}))
    with other.app_context():
        answer = other.test_client().post("/api/v1/tokens", json={"username": "vanthu", "password": "demo"})
        assert answer.status_code == 403 and answer.get_json()["error"] == "account_locked"
        db.session.remove()

    frozen_clock(T0 + timedelta(minutes=14, seconds=59))
    assert login("vanthu").status_code == 403
    frozen_clock(T0 + timedelta(minutes=15, seconds=1))
    assert login("vanthu").status_code == 201
    assert _lock_state("vanthu") == (0, None)


def test_after_an_expired_lock_the_count_starts_again(demo, limits, login, frozen_clock):
    frozen_clock(T0)
    for _ in range(3):
        login("admin", "sai")
    frozen_clock(T0 + timedelta(minutes=20))
    assert login("admin", "sai", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 401
    assert _lock_state("admin") == (1, None)


def test_unknown_user_and_bad_bodies_are_plain_errors(demo, limits, call, login):
    assert login("khong_co_ai", "x").status_code == 401
    assert call("post", "/api/v1/tokens", json={"username": 1}).status_code == 422
    assert call("post", "/api/v1/tokens", data="not json").status_code == 422


def test_ui_login_refuses_a_locked_account_with_the_message(demo, limits, login, ui_login, call,
                                                             frozen_clock):
    frozen_clock(T0)
    for _ in range(3):
        login("phochutich", "sai", environ_base={"REMOTE_ADDR": "10.0.0.3"})
    response = ui_login("phochutich", "demo")
    assert response.status_code in (303, 403)
    page = call("get", "/login").get_data(as_text=True)
    assert "tạm thời bị khóa" in page
    assert call("get", "/api/v1/me").status_code == 401  # no session was started


def test_ui_login_failures_count_towards_the_lock(demo, limits, ui_login, login, frozen_clock):
    frozen_clock(T0)
    for _ in range(3):
        ui_login("vanphong", "sai")
    assert _lock_state("vanphong")[1] is not None
    assert login("vanphong", environ_base={"REMOTE_ADDR": "10.0.0.4"}).status_code == 403
