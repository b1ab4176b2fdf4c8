"""The follow-through pieces of the document page: the XLSX export of its distribution
and the "send again" form (gửi bổ sung) that adds recipients after issue."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from models import Document, User, db
from workflow import directory, document_page, tracking
from workflow.services import followup

from ...auth import actor
from .forms import SendAgainForm
from .routes import bp

ISSUED = ("distributed", "reported")


def may_track(session: Session, user: User, document: Document) -> bool:
    """Who sees the follow-up of an issued document and may export it: `tracking.can_track`
    (author, chain members, head of the drafting unit, the issuing body unless its unit is a
    recipient, administrators)."""
    return document.state in ISSUED and tracking.can_track(session, user, document)


def may_send_again(user: User, document: Document) -> bool:
    """Who may add recipients to an issued document: `followup.can_send_again` (its author,
    a clerk of the issuing body, an administrator). The handler also requires `may_track`,
    as it loads the document with `tracking.get_tracked_document`."""
    return document.state in ISSUED and followup.can_send_again(user, document)


def send_again_form(session: Session, document: Document) -> SendAgainForm:
    """The form with the groups and the units that have no copy yet (one statement)."""
    orgs, groups = document_page.send_again_choices(session, document)
    return SendAgainForm(formdata=None).set_choices(orgs, groups)


@bp.app_template_global("follow_up_of")
def follow_up_of(document: Document) -> dict:
    """For the document page: may the current user export its tracking (`export`), and
    the send-again form when they may also send it again (`send_again`, else None)."""
    if not current_user.is_authenticated:
        return {"export": False, "send_again": None}
    user = current_user._get_current_object()
    export = may_track(db.session, user, document)
    form = send_again_form(db.session, document) if export and may_send_again(user, document) else None
    return {"export": export, "send_again": form}


@login_required
def send_again(doc_id: int):
    """Send an issued document to one more recipient (a unit or a group); each new copy
    is tracked from its own send time. Refusals come from the service (flashed)."""
    user = actor()
    document = tracking.get_tracked_document(db.session, doc_id, user)
    orgs, groups = directory.directory(db.session)
    form = SendAgainForm().set_choices(orgs, groups)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("documents.show", doc_id=doc_id) + "#distribution", 303)
    added = followup.send_again(db.session, document, user, [form.recipient()])
    flash(_("Sent again to: %(names)s.", names=", ".join(d.organization.name for d in added)), "success")
    return redirect(url_for("documents.show", doc_id=doc_id) + "#distribution", 303)


bp.add_url_rule("/documents/<int:doc_id>/send-again", "send_again", send_again, methods=["POST"])
