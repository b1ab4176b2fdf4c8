"""The follow-through pieces of the document page: the XLSX export of its distribution
and the "send again" form (gửi bổ sung) that adds recipients after issue."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from models import Document, User, db
from workflow.permissions import ISSUED
from workflow import directory, document_page, tracking
from workflow.errors import PermissionDenied
from workflow.services import followup

from ...auth import actor
from .forms import SendAgainForm
from .routes import bp



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


def choices_form(session: Session, document: Document) -> SendAgainForm:
    """The form with the groups and the units that have no copy yet (one statement)."""
    orgs, groups = document_page.send_again_choices(session, document)
    return SendAgainForm(formdata=None).set_choices(orgs, groups)


@bp.app_template_global("follow_up_of")
def follow_up_of(document: Document, tracks: bool | None = None) -> dict:
    """For the document page: may the current user export its tracking (`export`), and
    may they also send it again (`send_again`: the page links to `send_again_form`, which
    lists the thousands of possible recipients only when asked). `tracks`: the page's
    own answer of `tracking.can_track`, when it has one."""
    if not current_user.is_authenticated:
        return {"export": False, "send_again": False}
    user = current_user._get_current_object()
    export = may_track(db.session, user, document) if tracks is None else (document.state in ISSUED and tracks)
    return {"export": export, "send_again": export and may_send_again(user, document)}


@login_required
def send_again_form(doc_id: int):
    """The "send again" page of an issued document: a form with the groups and the units
    without a copy yet, which posts to `send_again`. For those `may_send_again` lets
    (403 otherwise); a document not issued or not followed is refused as `send_again`
    refuses it."""
    user = actor()
    document = tracking.get_tracked_document(db.session, doc_id, user)
    if not may_send_again(user, document):
        raise PermissionDenied("Chỉ người soạn thảo hoặc văn thư của cơ quan ban hành mới được gửi bổ sung.")
    return render_template("tracking/send_again.html", document=document,
                           form=choices_form(db.session, document))


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


bp.add_url_rule("/documents/<int:doc_id>/send-again", "send_again_form", send_again_form)
bp.add_url_rule("/documents/<int:doc_id>/send-again", "send_again", send_again, methods=["POST"])
