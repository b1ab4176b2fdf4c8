"""Login lockout: after repeated wrong passwords an account is locked for a while.

The counter and the lock live on the user row (`failed_logins`,
`locked_until`), so every app process on every machine sees the same state;
increments are single SQL statements, so concurrent failures all count.
Used by `web.auth.authenticate`, hence by both the API token endpoint and
the browser login.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from models import User

from .. import clock
from ..errors import WorkflowError

MAX_FAILURES = 5
LOCK_MINUTES = 15


class AccountLocked(WorkflowError):
    """The account is locked after too many failed logins (403, code `account_locked`)."""

    status = 403
    code = "account_locked"


def locked_message(user: User, now: datetime) -> str:
    """The Vietnamese explanation shown to the person who is locked out."""
    minutes = max(1, -(-int((user.locked_until - now).total_seconds()) // 60))
    return (f"Tài khoản tạm thời bị khóa do nhập sai mật khẩu nhiều lần liên tiếp. "
            f"Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị viên để mở khóa.")


def is_locked(user: User, now: datetime | None = None) -> bool:
    """True while the account's lock has not expired."""
    now = now or clock.now()
    return user.locked_until is not None and user.locked_until > now


def check_login_allowed(user: User, now: datetime | None = None) -> None:
    """Raise `AccountLocked` while the account is locked (even for the right password).

    Call it before checking the password; anyone may call it.
    """
    now = now or clock.now()
    if is_locked(user, now):
        raise AccountLocked(locked_message(user, now),
                            details={"locked_until": user.locked_until.isoformat(timespec="seconds") + "Z"})


def record_login_failure(session: Session, user: User, *, max_failures: int = MAX_FAILURES,
                         lock_minutes: int = LOCK_MINUTES, now: datetime | None = None) -> bool:
    """Count a wrong password for `user`; lock the account at `max_failures`.

    A lock that has expired starts a fresh count. Returns True when this
    failure locked the account. The caller must commit even though the login
    failed (see `web.auth.authenticate`).
    """
    now = now or clock.now()
    expired = (User.locked_until.is_not(None)) & (User.locked_until <= now)
    count = case((expired, 1), else_=User.failed_logins + 1)
    session.execute(
        update(User).where(User.id == user.id)
        .values(failed_logins=count,
                locked_until=case((count >= max_failures, now + timedelta(minutes=lock_minutes)),
                                  (expired, None), else_=User.locked_until))
        .execution_options(synchronize_session=False))
    session.refresh(user, ["failed_logins", "locked_until"])
    return is_locked(user, now)


def record_login_success(session: Session, user: User) -> None:
    """Forget earlier failures after a successful login."""
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins, user.locked_until = 0, None
        session.flush()


def unlock(session: Session, user: User) -> None:
    """Lift a lock at once (for an administrator); the caller checks who may."""
    user.failed_logins, user.locked_until = 0, None
    session.flush()
