"""The engine's clock; tests replace `now` instead of sleeping."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), name="Asia/Ho_Chi_Minh")
_override: datetime | None = None


def now() -> datetime:
    """The current time as naive UTC (or the time a test has set)."""
    if _override is not None:
        return _override
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local_date(moment: datetime | None = None) -> date:
    """The calendar date in Vietnam at `moment` (naive UTC), default now."""
    moment = moment or now()
    return moment.replace(tzinfo=timezone.utc).astimezone(VN_TZ).date()


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at `moment` (naive UTC); `None` lets it run again."""
    global _override
    _override = moment
