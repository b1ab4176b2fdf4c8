"""Tracking area: per document and per recipient unit, what was acknowledged and reported.

Every list is the one `workflow.tracking` answers for the logged-in user (the
documents they follow: see `tracking.scope_condition`); the `.xlsx` routes give
the same list, unpaginated, as a workbook built by `workflow.tracking_export`.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import login_required

from models import User, db
from workflow import tracking, tracking_export

from ...auth import actor
from ..context import page_arg

bp = Blueprint("tracking", __name__)

FOLLOWING_ROLES = ("drafter", "reviewer", "format_checker", "signer", "clerk")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 20
UNITS_PER_PAGE = 50  # a commune's villages fit on one page


def can_follow_up(user: User) -> bool:
    """Who sees the "Tracking" link: those who write, review, sign or issue documents (and
    administrators). The pages are open to every user but list only the documents the
    user follows (`tracking.scope_condition`: never those sent to the user's own unit)."""
    return any(user.has_role(role) for role in FOLLOWING_ROLES)


def xlsx_response(data: bytes, filename: str) -> Response:
    """A workbook download named `filename` (ASCII)."""
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _flag(name: str) -> bool:
    return request.args.get(name, "") in ("1", "on", "true", "yes")


def _filters() -> tuple[str, bool]:
    """The dashboard's search text and its "overdue only" switch, from the query string."""
    return (request.args.get("q") or "").strip()[:200], _flag("overdue")


@login_required
def dashboard():
    """The issued documents I follow, overdue first: the share of recipients that
    acknowledged and of reports filed, with search, "overdue only" and pages."""
    q, overdue_only = _filters()
    page = tracking.dashboard(db.session, actor(), q=q or None, overdue_only=overdue_only,
                              page=page_arg(), per_page=PER_PAGE)
    return render_template("tracking/dashboard.html", page=page, q=q, overdue_only=overdue_only)


@login_required
def dashboard_xlsx():
    """The dashboard with the same filters, every page, as XLSX."""
    q, overdue_only = _filters()
    page = tracking.dashboard(db.session, actor(), q=q or None, overdue_only=overdue_only, per_page=None)
    return xlsx_response(tracking_export.dashboard_xlsx(page.items), "theo-doi-van-ban.xlsx")


@login_required
def units():
    """The recipient units of the documents I follow: what each has not acknowledged
    and the reports it owes, overdue first, then by the next due date; a page at a time."""
    outstanding = _flag("outstanding")
    page = tracking.units(db.session, actor(), outstanding_only=outstanding, page=page_arg(), per_page=UNITS_PER_PAGE)
    return render_template("tracking/units.html", page=page, outstanding=outstanding)


@login_required
def units_xlsx():
    """The recipient units (same filter), every page, as XLSX."""
    page = tracking.units(db.session, actor(), outstanding_only=_flag("outstanding"))
    return xlsx_response(tracking_export.units_xlsx(page.items), "theo-doi-don-vi.xlsx")


@login_required
def unit(org_id: int):
    """One recipient unit: the documents it has not acknowledged and the reports it
    owes, among those I follow, overdue first then by due date, a page at a time
    (404 for an unknown unit)."""
    organization, page = tracking.unit_items(db.session, actor(), org_id, page=page_arg(),
                                             per_page=UNITS_PER_PAGE)
    return render_template("tracking/unit.html", organization=organization, page=page)


@login_required
def unit_xlsx(org_id: int):
    """What one unit owes, every page, as XLSX."""
    organization, page = tracking.unit_items(db.session, actor(), org_id)
    return xlsx_response(tracking_export.unit_items_xlsx(organization.name, page.items),
                         f"viec-con-no-{org_id}.xlsx")


@login_required
def document_xlsx(doc_id: int):
    """One document's recipients and reports as XLSX (those who may track it: see
    `tracking.can_track`; others get 403, an unknown document 404)."""
    document = tracking.get_tracked_document(db.session, doc_id, actor())
    data = tracking_export.document_xlsx(tracking.document_tracking(db.session, document))
    return xlsx_response(data, f"theo-doi-van-ban-{doc_id}.xlsx")


bp.add_app_template_global(can_follow_up)
bp.add_url_rule("/tracking", "dashboard", dashboard)
bp.add_url_rule("/tracking.xlsx", "dashboard_xlsx", dashboard_xlsx)
bp.add_url_rule("/tracking/units", "units", units)
bp.add_url_rule("/tracking/units.xlsx", "units_xlsx", units_xlsx)
bp.add_url_rule("/tracking/units/<int:org_id>", "unit", unit)
bp.add_url_rule("/tracking/units/<int:org_id>.xlsx", "unit_xlsx", unit_xlsx)
bp.add_url_rule("/documents/<int:doc_id>/tracking.xlsx", "document_xlsx", document_xlsx)
