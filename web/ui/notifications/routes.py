"""Notifications area: the bell's count in the top bar, the list, marking read.

Everyone sees only their own notifications: the queries and the service filter
by the logged-in user, so another person's id is "not found" or ignored.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import Notification, db
from workflow import notifications
from workflow.errors import NotFound
from workflow.services import followup

from ...auth import actor
from ..auth.routes import safe_next
from ..context import nav_counts
from .forms import MarkReadForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PER_PAGE = 30


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """The logged-in user's unread count for the bell, counted once per request: with the
    navigation's badges when `nav_counts` counts it too, else by itself."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        nav_counts()
    if "unread_notifications" not in g:
        g.unread_notifications = notifications.unread_count(db.session, current_user._get_current_object())
    return g.unread_notifications


def _own(notification_id: int) -> Notification:
    item = db.session.get(Notification, notification_id)
    if item is None or item.user_id != actor().id:
        raise NotFound(_("This notification does not exist."))
    return item


@login_required
def index():
    """My notifications, newest first, unread ones marked; `before` pages back, and
    `unread=1` keeps the unread ones."""
    unread_only = request.args.get("unread") == "1"
    before = request.args.get("before", type=int)
    items = notifications.recent(db.session, actor(), unread_only=unread_only, limit=PER_PAGE + 1,
                                 before_id=before if before and before > 0 else None)
    older = items[PER_PAGE - 1].id if len(items) > PER_PAGE else None
    return render_template("notifications/list.html", items=items[:PER_PAGE], older=older,
                           unread_only=unread_only, before=before, form=MarkReadForm())


@login_required
def open_item(notification_id: int):
    """Follow a notification to its page, marking it read on the way."""
    item = _own(notification_id)
    followup.mark_notifications_read(db.session, actor(), [item.id])
    return redirect(safe_next(item.url, url_for("home.index")), 303)


def _back(form: MarkReadForm) -> str:
    return safe_next(form.next.data, url_for("notifications.index"))


@login_required
def mark_read(notification_id: int):
    """Mark one of my notifications read (someone else's id changes nothing)."""
    form = MarkReadForm()
    if form.validate_on_submit():
        followup.mark_notifications_read(db.session, actor(), [notification_id])
    else:
        flash(_("The form expired; reload the page and try again."), "error")
    return redirect(_back(form), 303)


@login_required
def mark_all_read():
    """Mark every one of my notifications read."""
    form = MarkReadForm()
    if form.validate_on_submit():
        marked = followup.mark_notifications_read(db.session, actor())
        flash(_("%(n)d notifications marked read.", n=marked), "success")
    else:
        flash(_("The form expired; reload the page and try again."), "error")
    return redirect(_back(form), 303)


bp.add_url_rule("", "index", index)
bp.add_url_rule("/<int:notification_id>", "open", open_item)
bp.add_url_rule("/<int:notification_id>/read", "mark_read", mark_read, methods=["POST"])
bp.add_url_rule("/read-all", "mark_all_read", mark_all_read, methods=["POST"])
