"""Fixtures of the follow-through tests: a commune with an issued plan, a frozen clock
set to a Vietnam morning, a real SMTP server (aiosmtpd) and helpers."""
from __future__ import annotations

import socket
from datetime import datetime
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import Notification
from tests.factories import make_commune, make_draft, run_chain
from workflow import clock

ISSUE_AT = datetime(2026, 1, 5, 2, 0)  # 09:00 on 5 January 2026 in Vietnam


def at(day: str, hour_vn: int = 9) -> datetime:
    """Naive UTC for `hour_vn` o'clock Vietnam time on `day` (YYYY-MM-DD)."""
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour_vn) - (datetime(2000, 1, 1, 7) - datetime(2000, 1, 1))


def issue_plan(session, commune, *, deadlines=(("6 tháng", "2026-06-15"),), recipients=None,
               title="Kế hoạch thử nghiệm", purpose="t/h", when=ISSUE_AT):
    """Draft, carry through the chain and issue a plan at `when` (the clock stays there)."""
    clock.set_now(when)
    doc = make_draft(session, commune["people"]["drafter"], recipients or commune["recipients"],
                     title=title, deadlines=deadlines, purpose=purpose)
    run_chain(session, doc)
    session.flush()
    return doc


def recipient_user(commune, org):
    return commune["people"][f"recipient_{org.id}"]


def notes(session, user=None, kind=None):
    """Notifications, oldest first, optionally for one user and of one kind."""
    query = select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query))


_FAST_HASHES: dict[str, str] = {}


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """Hash the factories' passwords with few iterations: the default method is slow on
    purpose and would cost seconds per test; login still checks a real salted hash."""
    from models import User

    def set_password(self, password):
        if password not in _FAST_HASHES:
            _FAST_HASHES[password] = generate_password_hash(password, method="pbkdf2:sha256:1000")
        self.password_hash = _FAST_HASHES[password]
    monkeypatch.setattr(User, "set_password", set_password)


@pytest.fixture
def commune(session, frozen_clock):
    frozen_clock(ISSUE_AT)
    return make_commune(session)


@pytest.fixture
def plan(session, commune):
    """A plan with a "6 tháng" report due 15/6/2026, issued on 5/1/2026 to three villages."""
    return issue_plan(session, commune)


class Mailbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for the duration of the test."""
    from aiosmtpd.controller import Controller
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


@pytest.fixture
def mail_config(app, smtp_server):
    """Point the app's MAIL_* settings at the test's SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False,
                      MAIL_DEFAULT_SENDER="Văn bản <vanban@example.test>",
                      BASE_URL="https://vanban.example.test")
    yield smtp_server
    app.config["MAIL_SERVER"] = None
