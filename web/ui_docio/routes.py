"""Handlers: parse the request, check access, call one operation, answer."""
from __future__ import annotations

import hashlib
import io
import json

from flask import (abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from models import Organization, RecipientGroup, db
from workflow import documents_io, queries, services
from workflow.access_log import record_access
from workflow.docio import ImportRejected
from workflow.errors import ValidationFailed
from workflow.services.directory import add_external_unit

from ..auth import actor
from .forms import ConfirmForm, UploadForm, VerifyForm

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def download(doc_id: int):
    """The .docx of a document the user may view (the frozen file once issued)."""
    document = queries.get_document(db.session, doc_id, actor())
    data, name = documents_io.docx_bytes(db.session, document)
    record_access(db.session, actor(), document, "download", request.remote_addr or "")
    response = send_file(io.BytesIO(data), download_name=name, as_attachment=True, mimetype=DOCX_MIME)
    if document.file_sha256:
        response.headers["X-Content-SHA256"] = document.file_sha256
    return response


@login_required
def verify(doc_id: int):
    """Show the issued file's SHA-256 and compare an uploaded copy with it."""
    document = queries.get_document(db.session, doc_id, actor())
    form, outcome = VerifyForm(), None
    if form.validate_on_submit():
        digest = hashlib.sha256(form.file.data.read()).hexdigest()
        outcome = {"digest": digest, "same": digest == document.file_sha256}
    return render_template("docio/verify.html", document=document, form=form, outcome=outcome)


def _directory_choices():
    groups = db.session.scalars(select(RecipientGroup).order_by(RecipientGroup.name)).all()
    orgs = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return [(f"group:{g.id}", g.name) for g in groups], [(f"organization:{o.id}", o.name) for o in orgs]


def _require_drafter():
    if not actor().has_role("drafter"):
        abort(403)


@login_required
def import_form():
    """Upload a file; show what was read, with each recipient matched or to be mapped."""
    _require_drafter()
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("docio/import.html", form=form), (422 if request.method == "POST" else 200)
    upload = form.file.data
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    try:
        imported = documents_io.import_file(db.session, upload.read(limit + 1), upload.filename or "",
                                            max_bytes=limit, user=actor())
    except ImportRejected as exc:
        flash(exc.message, "error")
        return render_template("docio/import.html", form=form), 422
    confirm = ConfirmForm(formdata=None, payload=json.dumps(imported, ensure_ascii=False),
                          title=imported.get("title") or "")
    groups, orgs = _directory_choices()
    return render_template("docio/confirm.html", form=confirm, imported=imported,
                           groups=groups, orgs=orgs)


def _mapping(imported: dict) -> dict:
    """Read the drafter's choice for each recipient line: keep, map, create or skip."""
    mapping = {}
    for i, recipient in enumerate(imported["recipients"]):
        choice = request.form.get(f"recipient-{i}", "")
        if choice == "skip":
            mapping[i] = None
        elif choice == "create":
            mapping[i] = {"organization_id": add_external_unit(db.session, actor(), recipient["name"]).id}
        elif ":" in choice:
            kind, _sep, ident = choice.partition(":")
            if kind not in ("group", "organization") or not ident.isdigit():
                raise ValidationFailed(_("Invalid choice for “%(name)s”.", name=recipient["name"]))
            mapping[i] = {f"{kind}_id": int(ident)}
        elif recipient.get("match") is None:
            raise ValidationFailed(_("Map, create or skip the recipient “%(name)s”.", name=recipient["name"]))
    return mapping


def _has_id(match) -> bool:
    return isinstance(match, dict) and isinstance(match.get("id"), int) and not isinstance(match["id"], bool)


def _well_formed(imported) -> bool:
    """True when the import sent back by the confirm page has the shape `_mapping` and
    `documents_io.draft_payload` read: the browser holds it in a hidden field and may
    send anything back. (The values themselves are checked by `parse_draft_input`.)"""
    if not isinstance(imported, dict):
        return False
    recipients = imported.get("recipients")
    deadlines = imported.get("report_deadlines") or []
    matches = imported.get("report_deadline_matches") or []
    return (isinstance(recipients, list) and isinstance(deadlines, list) and isinstance(matches, list)
            and all(isinstance(r, dict) and isinstance(r.get("name"), str)
                    and (r.get("match") is None or (_has_id(r["match"])
                                                    and r["match"].get("kind") in ("group", "organization")))
                    for r in recipients)
            and all(isinstance(d, dict) and "period" in d and "due" in d for d in deadlines)
            and all(isinstance(m, list) and all(not x or _has_id(x) for x in m) for m in matches)
            and all(isinstance(imported.get(key) or "", str) for key in ("doc_type", "doc_type_name"))
            and isinstance(imported.get("archive") or [], list))


@login_required
def import_confirm():
    """Create the draft from a confirmed import and open it for editing."""
    _require_drafter()
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("The import form was incomplete; please upload the file again."))
    try:
        imported = json.loads(form.payload.data or "")
    except ValueError:
        imported = None
    if not _well_formed(imported):
        raise ValidationFailed(_("The import form was incomplete; please upload the file again."))
    payload = documents_io.draft_payload(imported, _mapping(imported))
    payload["title"] = form.title.data
    document = services.create_draft(db.session, actor(), services.parse_draft_input(payload))
    flash(_("Draft created from the file. Check it, then submit it."), "success")
    target = "documents.edit" if "documents.edit" in current_app.view_functions else "documents.show"
    return redirect(url_for(target, doc_id=document.id), 303)
