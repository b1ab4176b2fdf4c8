"""What every template may use: the language, navigation counts, optional links, predicates."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_login import current_user

from models import db
from workflow import clock, dashboards
from workflow.paging import COUNT_CAP

from . import predicates
from .formatting import locale


def nav_counts() -> dict[str, int]:
    """Badges of the navigation: documents waiting for me, unacknowledged incoming copies
    (one statement per request, none when the page already counted them)."""
    if "nav_counts" not in g:
        remember_nav_counts(dashboards.badge_counts(db.session, current_user._get_current_object(),
                                                    clock.local_date(), bell=True))
    return g.nav_counts


def remember_nav_counts(counts: dict) -> None:
    """Let the navigation reuse what a page counted with `dashboards.badge_counts` (the
    worklist and the unacknowledged incoming copies included; the bell's unread count
    too when counted, for `unread_notifications`)."""
    g.nav_counts = {"work": counts["work"]["total"], "inbox": counts["inbox"]["unacknowledged"]}
    if "bell" in counts:
        g.unread_notifications = counts["bell"]["unread"]


def has_endpoint(name: str) -> bool:
    """True when a route with this endpoint exists (links to optional features)."""
    return name in current_app.view_functions


def page_arg(name: str = "page") -> int:
    """A positive page number from the query string (1 when absent or invalid)."""
    try:
        return max(int(request.args.get(name, 1)), 1)
    except (TypeError, ValueError):
        return 1


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (None removes one)."""
    from urllib.parse import urlencode
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    query = urlencode(args)
    return request.path + (f"?{query}" if query else "")


def init_app(app: Flask) -> None:
    """Register the context processor and template globals."""
    app.jinja_env.globals.update(
        has_endpoint=has_endpoint, url_with=url_with, nav_counts=nav_counts, count_cap=COUNT_CAP,
        can_create_draft=predicates.can_create_draft, can_view_register=predicates.can_view_register,
        can_administer=predicates.can_administer)

    @app.context_processor
    def _common():
        return {"locale": locale(), "today": clock.local_date()}
