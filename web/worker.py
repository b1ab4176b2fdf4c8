"""Background jobs for the application: the RQ worker's entry point and the inline runner.

Production runs `rq worker --url "$REDIS_URL" vanban` (the queue is
`RQ_QUEUE`) from the project directory with the same environment as the web
processes; each job calls `run_job`, which builds the application once per
worker process and runs the `workflow` function in its own session. Without
`REDIS_URL` the same functions run inline, after the request's commit.
"""
from __future__ import annotations

from flask import Flask

from models import db
from workflow import jobs

_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Route `workflow.jobs` to this app (RQ or inline) and subscribe the follow-up
    handlers to the domain events."""
    from workflow import notifications
    from workflow.services import followup
    notifications.install()
    followup.install()
    jobs.configure(app.config, lambda func_path, args: run_inline(app, func_path, args))


def run_in_app(app: Flask, func_path: str, args: tuple):
    """Run one job function in a new application context and session, committing
    its work; raises (after rolling back) when the job fails."""
    with app.app_context():
        try:
            result = jobs.run(db.session, app.config, func_path, *args)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise


def run_inline(app: Flask, func_path: str, args: tuple) -> None:
    """Run a job now in this process; a failure is logged, never raised (the
    transaction that asked for it has already committed)."""
    try:
        run_in_app(app, func_path, args)
    except Exception:  # noqa: BLE001 - e.g. the SMTP server is down
        app.logger.exception("background job %s%r failed", func_path, args)


def get_app() -> Flask:
    """The application of this worker process, built from the environment once."""
    global _app
    if _app is None:
        from . import create_app
        _app = create_app()
    return _app


def run_job(func_path: str, *args):
    """RQ's entry point: run `func_path(session, config, *args)` and commit."""
    return run_in_app(get_app(), func_path, args)
