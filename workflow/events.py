"""Domain events raised by the services, for notifications and other follow-up work.

A service calls `emit(session, name, **data)` after it has changed the data
and flushed; subscribers run in the same transaction (so a failure rolls the
change back too) and must only add rows or enqueue jobs, never commit.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable

from sqlalchemy.orm import Session

EVENTS = ("document_submitted", "document_approved", "document_returned", "document_signed",
          "document_issued", "distribution_acknowledged", "distribution_refused", "report_filed",
          "document_reported", "recipients_added")

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(name: str, handler: Callable) -> Callable:
    """Call `handler(session, **data)` whenever `name` is emitted (idempotent)."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)
    return handler


def on(name: str):
    """Decorator form of `subscribe`."""
    return lambda handler: subscribe(name, handler)


def subscribed(name: str) -> bool:
    """Whether anything listens to `name` (a service may then skip building its data)."""
    return bool(_subscribers.get(name))


def emit(session: Session, name: str, **data) -> None:
    """Run every subscriber of `name` with the session and the event's data."""
    for handler in list(_subscribers.get(name, ())):
        handler(session, **data)
