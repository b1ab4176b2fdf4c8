"""Inbox area: the incoming list of my organization, one-click receipt, reports."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from unidecode import unidecode
from werkzeug.utils import secure_filename

from models import Report, db
from workflow import clock, dashboards, queries, services
from workflow.errors import NotFound, PermissionDenied

from ...auth import actor
from ..auth.routes import safe_next
from ..context import page_arg, remember_nav_counts
from ..documents.presenters import preview_of
from ..predicates import (can_acknowledge, can_file_report, can_read_report, can_refuse,
                          is_recipient_of)
from .forms import AcknowledgeForm, RefuseForm, ReportForm

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


def _flash_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


@login_required
def index():
    """The copies sent to my organization, newest first, with filters and counts."""
    user, today = actor(), clock.local_date()
    view = request.args.get("view", "all")
    view = view if view in dashboards.INBOX_VIEWS else "all"
    counts = dashboards.badge_counts(db.session, user, today, inbox_views=dashboards.INBOX_VIEWS,
                                     bell=True)
    remember_nav_counts(counts)
    page = dashboards.inbox_page(db.session, user, view=view, today=today, page=page_arg(),
                                 total=counts["inbox"][view])
    return render_template("inbox/list.html", page=page, view=view, counts=counts["inbox"],
                           can_acknowledge=can_acknowledge, form=AcknowledgeForm())


def _own_distribution(dist_id: int):
    dist = dashboards.distribution_detail(db.session, dist_id)
    if dist is None:
        raise NotFound(_("This copy does not exist."))
    if not is_recipient_of(actor(), dist):
        raise PermissionDenied(_("This copy was sent to another organization."))
    return dist


@login_required
def show(dist_id: int):
    """One incoming copy: the document, receipt, and a report form per duty."""
    dist = _own_distribution(dist_id)
    user = actor()
    return render_template(
        "inbox/show.html", dist=dist, document=dist.document,
        preview=preview_of(db.session, dist.document),
        duties=sorted(dist.duties, key=lambda d: (d.due_date, d.id)),
        may_acknowledge=can_acknowledge(user, dist), may_refuse=can_refuse(user, dist),
        may_report=can_file_report(user, dist), ack_form=AcknowledgeForm(),
        refuse_form=RefuseForm(), report_form=ReportForm)


@login_required
def acknowledge(dist_id: int):
    """Confirm receipt for my organization (one click)."""
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        _flash_errors(form)
    else:
        done = services.acknowledge_copy(db.session, dist_id, actor())
        flash(_("Receipt of “%(title)s” confirmed.", title=done.title), "success")
    return redirect(safe_next(form.next.data, url_for("inbox.show", dist_id=dist_id)), 303)


@login_required
def refuse(dist_id: int):
    """Refuse a copy that is not for my organization, giving the reason."""
    form = RefuseForm()
    if not form.validate_on_submit():
        _flash_errors(form)
    else:
        dist = queries.get_distribution(db.session, dist_id)
        services.refuse(db.session, dist, actor(), form.reason.data)
        flash(_("You refused this copy; the sender can see your reason."), "success")
    return redirect(url_for("inbox.show", dist_id=dist_id), 303)


@login_required
def file_report(dist_id: int):
    """File a report (text and an optional attachment) against one duty."""
    form = ReportForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("inbox.show", dist_id=dist_id), 303)
    upload = form.attachment.data
    data = upload.read() if upload else None
    name = (secure_filename(unidecode(upload.filename or "")) or "dinh-kem") if upload else ""
    dist = queries.get_distribution(db.session, dist_id)
    report = services.file_report(db.session, dist, actor(), form.text.data, duty_id=form.duty_id.data,
                                  file_name=name if data else "", file_data=data or None)
    flash(_("Report filed late.") if report.late else _("Report filed on time."),
          "warning" if report.late else "success")
    return redirect(url_for("inbox.show", dist_id=dist_id), 303)


@login_required
def attachment(report_id: int):
    """Download a report's attachment (the filing unit and the document's readers)."""
    report = db.session.get(Report, report_id)
    if report is None or not report.file_name:
        raise NotFound(_("This attachment does not exist."))
    if not can_read_report(db.session, actor(), report):
        raise PermissionDenied(_("You may not read this report."))
    return send_file(io.BytesIO(report.file_data or b""), as_attachment=True,
                     download_name=report.file_name, mimetype="application/octet-stream")


bp.add_url_rule("", "index", index)
bp.add_url_rule("/<int:dist_id>", "show", show)
bp.add_url_rule("/<int:dist_id>/acknowledge", "acknowledge", acknowledge, methods=["POST"])
bp.add_url_rule("/<int:dist_id>/refuse", "refuse", refuse, methods=["POST"])
bp.add_url_rule("/<int:dist_id>/reports", "file_report", file_report, methods=["POST"])
bp.add_url_rule("/reports/<int:report_id>/attachment", "attachment", attachment)
