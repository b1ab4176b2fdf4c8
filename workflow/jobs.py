"""Background jobs: queued on RQ when `REDIS_URL` is set, run inline otherwise.

A job is a plain function `func(session, config, *args)` named by its dotted
path under `workflow.`; it is started only once the transaction that asked for
it has committed (so it sees the rows it is about to work on) and is dropped
when that transaction rolls back. On RQ the worker calls `web.worker.run_job`,
which builds the application, opens a session, runs the function and commits.
Inline, the same happens in a fresh application context of the running app.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ENTRY = "web.worker.run_job"
PENDING = "workflow.jobs.pending"
ALLOWED_PREFIX = "workflow."

_config: Mapping = {}
_inline: Callable[[str, tuple], None] | None = None
_connections: dict = {}


def configure(config: Mapping, inline_runner: Callable[[str, tuple], None]) -> None:
    """Use `config` (read at each dispatch: `REDIS_URL`, `RQ_QUEUE`, `MAIL_*`) and
    `inline_runner(func_path, args)` to run jobs when there is no Redis."""
    global _config, _inline
    _config, _inline = config, inline_runner


def setting(name: str, default=None):
    """One setting of the configured application (None before `configure`)."""
    return _config.get(name, default)


def settings() -> Mapping:
    """The configured application's settings."""
    return _config


def enqueue(session: Session, func_path: str, *args) -> None:
    """Run `func_path(session, config, *args)` in the background after `session` commits.

    Raises `ValueError` for a function outside the `workflow` package.
    """
    if not func_path.startswith(ALLOWED_PREFIX):
        raise ValueError(f"jobs must live in the workflow package, not {func_path!r}")
    session.info.setdefault(PENDING, []).append((func_path, tuple(args)))


def dispatch(func_path: str, args: tuple) -> str:
    """Start one job now: on the RQ queue, or inline. Answers "rq" or "inline".

    When Redis cannot be reached the job runs inline rather than being lost.
    """
    url = setting("REDIS_URL")
    if url:
        try:
            from redis import Redis
            from rq import Queue
            if url not in _connections:
                _connections[url] = Redis.from_url(url, socket_connect_timeout=5)
            queue = Queue(setting("RQ_QUEUE") or "vanban", connection=_connections[url])
            queue.enqueue(ENTRY, func_path, *args, job_timeout=300, result_ttl=3600)
            return "rq"
        except Exception:  # noqa: BLE001 - Redis down: do the work here instead
            log.exception("could not queue %s on RQ; running it inline", func_path)
    if _inline is not None:
        _inline(func_path, args)
    else:
        log.warning("no job runner configured; %s%r dropped", func_path, args)
    return "inline"


def run(session: Session, config: Mapping, func_path: str, *args):
    """Call the job function (the worker side); raises what the function raises."""
    if not func_path.startswith(ALLOWED_PREFIX):
        raise ValueError(f"refusing to run {func_path!r}")
    module_name, _, name = func_path.rpartition(".")
    func = getattr(importlib.import_module(module_name), name)
    return func(session, config, *args)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for func_path, args in session.info.pop(PENDING, []):
        dispatch(func_path, args)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)
