"""The JSON API under /api/v1: this file is only its URL table."""
from flask import Blueprint

from . import docio_views, views

bp = Blueprint("api", __name__, url_prefix="/api/v1")

ROUTES = [
    ("/tokens", "create_token", views.create_token, ["POST"]),
    ("/me", "me", views.me, ["GET"]),
    ("/organizations", "organizations", views.organizations, ["GET"]),
    ("/groups", "groups", views.groups, ["GET"]),
    ("/documents", "list_documents", views.list_documents, ["GET"]),
    ("/documents", "create_document", views.create_document, ["POST"]),
    ("/documents/<int:doc_id>", "get_document", views.get_document, ["GET"]),
    ("/documents/<int:doc_id>", "update_document", views.update_document, ["PUT", "PATCH"]),
    ("/documents/<int:doc_id>/transitions", "transition", views.transition, ["POST"]),
    ("/documents/<int:doc_id>/distributions", "distributions", views.distributions, ["GET"]),
    ("/distributions/<int:dist_id>/acknowledge", "acknowledge", views.acknowledge, ["POST"]),
    ("/distributions/<int:dist_id>/refuse", "refuse", views.refuse, ["POST"]),
    ("/distributions/<int:dist_id>/reports", "file_report", views.file_report, ["POST"]),
    ("/incoming", "incoming", views.incoming, ["GET"]),
    ("/documents/<int:doc_id>/docx", "document_docx", docio_views.document_docx, ["GET"]),
    ("/imports", "import_file", docio_views.import_file, ["POST"]),
    ("/imports/drafts", "import_draft", docio_views.import_draft, ["POST"]),
]

for rule, endpoint, func, methods in ROUTES:
    bp.add_url_rule(rule, endpoint, func, methods=methods)
