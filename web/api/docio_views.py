"""API handlers for documents in and out: the .docx, and imports of existing drafts."""
from __future__ import annotations

import io
import json

from flask import current_app, jsonify, request, send_file

from models import db
from workflow import documents_io, queries, services
from workflow.access_log import record_access
from workflow.docio import ImportRejected
from workflow.errors import PermissionDenied, ValidationFailed

from ..auth import actor
from ..errors import json_error
from .views import _full, api_login_required


@api_login_required
def document_docx(doc_id: int):
    """The document as .docx: the frozen file once issued (with its SHA-256 in a header)."""
    document = queries.get_document(db.session, doc_id, actor())
    data, name = documents_io.docx_bytes(db.session, document)
    record_access(db.session, actor(), document, "download", request.remote_addr)
    response = send_file(io.BytesIO(data), download_name=name, as_attachment=True,
                         mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if document.file_sha256:
        response.headers["X-Content-SHA256"] = document.file_sha256
    return response


def _uploaded() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed("Cần chọn tệp .docx hoặc .txt (trường 'file').", code="no_file")
    return upload.read(current_app.config["MAX_CONTENT_LENGTH"] + 1), upload.filename


def _read():
    data, name = _uploaded()
    try:
        return documents_io.import_file(db.session, data, name, user=actor(),
                                        max_bytes=current_app.config["MAX_CONTENT_LENGTH"])
    except ImportRejected as exc:
        if exc.code == "too_large":
            raise _TooLarge(exc.message) from None
        raise ValidationFailed(exc.message, code=exc.code) from None


class _TooLarge(ValidationFailed):
    status = 413
    code = "too_large"


@api_login_required
def import_file():
    """Read an uploaded file; answer what was extracted and how recipients matched
    (drafters only, as the import page)."""
    if not actor().has_role("drafter"):
        raise PermissionDenied("Bạn không có quyền soạn thảo văn bản.")
    return jsonify(_read())


@api_login_required
def import_draft():
    """Read an uploaded file and create a draft from it at once.

    Form field `mapping` (JSON, optional) maps recipient indexes to
    {"organization_id"|"group_id": id} or null; unmatched names that are not
    mapped refuse the import with the list of names (nothing is stored).
    """
    imported = _read()
    try:
        mapping = {int(k): v for k, v in json.loads(request.form.get("mapping") or "{}").items()}
        if not all(v is None or isinstance(v, dict) for v in mapping.values()):
            raise ValueError("a mapping value is neither an object nor null")
    except (ValueError, AttributeError):
        raise ValidationFailed("mapping phải là JSON {chỉ số: {organization_id|group_id: id} | null}.")
    missing = [r["name"] for i, r in enumerate(imported["recipients"])
               if r["match"] is None and i not in mapping]
    if missing:
        return json_error(422, "unmatched_recipients",
                          "Có nơi nhận chưa khớp danh bạ: " + "; ".join(missing),
                          {"unmatched": missing})
    data = services.parse_draft_input(documents_io.draft_payload(imported, mapping))
    document = services.create_draft(db.session, actor(), data)
    return jsonify(_full(document)), 201
