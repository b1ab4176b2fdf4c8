"""Home area: the worklist of the logged-in user."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from models import db
from workflow import clock, dashboards

from ...auth import actor
from ..context import page_arg

bp = Blueprint("home", __name__)


@login_required
def index():
    """Documents waiting for me (with counts), reports near due and overdue."""
    user, today = actor(), clock.local_date()
    kind = request.args.get("kind")
    kind = kind if kind in dashboards.WORK_KINDS else None
    days = current_app.config.get("REMIND_DAYS_BEFORE", 3)
    return render_template(
        "home/index.html", kind=kind, days=days,
        counts=dashboards.worklist_counts(db.session, user),
        work=dashboards.worklist_page(db.session, user, kind=kind, page=page_arg()),
        due=dashboards.due_widgets(db.session, user, today, days),
        followed=dashboards.followed_overdue(db.session, user, today),
        inbox=dashboards.inbox_counts(db.session, user, today, ("unacknowledged",)))


bp.add_url_rule("/", "index", index)
