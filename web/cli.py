"""Command-line tools: `flask --app wsgi seed-demo`, `create-user`, `verify`, `remind`."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from models import Organization, User, db


def init_app(app: Flask) -> None:
    """Register the commands on `app`."""

    @app.cli.command("seed-demo")
    @click.option("--with-documents/--no-documents", default=True,
                  help="Also carry sample plans through the chain.")
    def seed_demo(with_documents: bool):
        """Load the demo organizations, groups, users (password "demo") and sample plans."""
        from .seed import load_demo
        from .demo_documents import create_demo_documents
        created = load_demo(db.session)
        db.session.commit()
        if with_documents:
            count = create_demo_documents(db.session, created)
            db.session.commit()
            click.echo(f"{count} sample documents created.")
        click.echo(f"Demo data loaded: {len(created['organizations'])} organizations, "
                   f"{len(created['users'])} users (password: demo).")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--full-name", required=True)
    @click.option("--organization-id", type=int, required=True)
    @click.option("--position", default="Chuyên viên")
    @click.option("--role", "roles", multiple=True, help="drafter, reviewer, format_checker, signer, clerk, recipient, admin")
    @click.password_option()
    def create_user(username, full_name, organization_id, position, roles, password):
        """Create a user in an organization with roles and a password."""
        from models import ROLES
        if db.session.scalar(select(User).where(User.username == username)):
            raise click.ClickException(f"user {username!r} already exists")
        org = db.session.get(Organization, organization_id)
        if org is None:
            raise click.ClickException(f"no organization with id {organization_id}")
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise click.ClickException(f"unknown roles: {', '.join(unknown)}")
        user = User(username=username, full_name=full_name, organization=org, position=position,
                    roles=list(roles))
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"created user {username} (id {user.id})")

    @app.cli.command("import-docx")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
    def import_docx(path, as_json):
        """Read a .docx (or .txt as published) and print what an import extracts."""
        import json
        from pathlib import Path
        from workflow.docio import ImportRejected, read_document
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {path}: {exc.strerror}")
        try:
            result = read_document(data, Path(path).name, max_bytes=app.config["MAX_CONTENT_LENGTH"])
        except ImportRejected as exc:
            if as_json:
                click.echo(json.dumps({"error": exc.code, "message": exc.message}, ensure_ascii=False))
            else:
                click.echo(f"{exc.code}: {exc.message}", err=True)
            raise SystemExit(2)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=1))
            return
        click.echo(f"{result['doc_type_name']}: {result['title']}")
        click.echo(f"Số: {result['number'] or ''}/{result['symbol'] or ''} — {result['issuer'] or '?'}")
        for r in result["recipients"]:
            click.echo(f"  - {r['name']}" + (f" ({r['purpose']})" if r["purpose"] else ""))
        for d in result["report_deadlines"]:
            click.echo(f"  báo cáo {d['period']}: {d['due']}")

    @app.cli.command("verify")
    def verify():
        """Check every document's hash-chained history; exit 1 on any problem."""
        from workflow.history import verify as verify_history
        problems = verify_history(db.session)
        for line in problems:
            click.echo(line)
        if problems:
            raise SystemExit(1)
        click.echo("history intact")

    @app.cli.command("remind")
    @click.option("--days-before", type=int, default=None,
                  help="Remind this many days before a report is due (default REMIND_DAYS_BEFORE).")
    @click.option("--json", "as_json", is_flag=True, help="Print what was sent as JSON.")
    @click.option("--at", "at", default=None,
                  help="Run as if at this moment (ISO, UTC), e.g. to catch up a missed day.")
    def remind(days_before, as_json, at):
        """Send today's report reminders and chase overdue reports, once.

        Safe to run from cron every few minutes, even twice at the same moment:
        each duty is reminded at most once a day per person or unit chased.
        """
        import json
        from datetime import datetime, timezone
        from workflow.reminders import send_due_reminders
        try:
            now = datetime.fromisoformat(at) if at else None
            if now is not None and now.tzinfo is not None:
                now = now.astimezone(timezone.utc).replace(tzinfo=None)
        except ValueError:
            raise click.BadParameter("expected an ISO date-time such as 2026-06-16T02:00", param_hint="--at")
        if days_before is None:
            days_before = app.config["REMIND_DAYS_BEFORE"]
        run = send_due_reminders(db.session, now=now, days_before=days_before,
                                 repeat_days=app.config["REMIND_REPEAT_DAYS"],
                                 escalate_after=app.config["REMIND_ESCALATE_DAYS"])
        db.session.commit()
        if as_json:
            click.echo(json.dumps(run.as_dict()))
            return
        click.echo(f"reminders sent: {run.due_soon} due soon, {run.overdue} overdue, "
                   f"{run.escalation} escalated to the sender; {run.notifications} notifications; "
                   f"{run.renewed} periodic reports renewed")
