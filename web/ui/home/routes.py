"""Home area: the worklist of the logged-in user."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from models import db
from workflow import clock, dashboards

from ...auth import actor
from ..context import page_arg, remember_nav_counts

bp = Blueprint("home", __name__)


@login_required
def index():
    """Documents waiting for me (with counts), reports near due and overdue."""
    user, today = actor(), clock.local_date()
    kind = request.args.get("kind")
    kind = kind if kind in dashboards.WORK_KINDS else None
    days = current_app.config.get("REMIND_DAYS_BEFORE", 3)
    counts = dashboards.badge_counts(db.session, user, today, work=False, due_days=days, bell=True)
    work, counts["work"] = dashboards.worklist(db.session, user, kind=kind, page=page_arg(), today=today)
    remember_nav_counts(counts)
    return render_template(
        "home/index.html", kind=kind, days=days, counts=counts["work"], work=work,
        due=dashboards.due_widgets(db.session, user, today, days, totals=counts["reports"]),
        followed=dashboards.followed_overdue(db.session, user, today),
        inbox=counts["inbox"])


bp.add_url_rule("/", "index", index)
