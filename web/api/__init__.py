"""The JSON API under /api/v1: this file is only its URL table."""
from flask import Blueprint

from . import docio_views, followup_views, openapi, views

bp = Blueprint("api", __name__, url_prefix="/api/v1")

ROUTES = [
    ("/openapi.json", "openapi", openapi.openapi_json, ["GET"]),
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
    ("/tracking", "tracking", followup_views.dashboard, ["GET"]),
    ("/tracking.xlsx", "tracking_xlsx", followup_views.dashboard_xlsx, ["GET"]),
    ("/tracking/units", "tracking_units", followup_views.units, ["GET"]),
    ("/tracking/units.xlsx", "tracking_units_xlsx", followup_views.units_xlsx, ["GET"]),
    ("/tracking/units/<int:org_id>", "tracking_unit", followup_views.unit_items, ["GET"]),
    ("/tracking/units/<int:org_id>.xlsx", "tracking_unit_xlsx", followup_views.unit_items_xlsx, ["GET"]),
    ("/documents/<int:doc_id>/tracking", "document_tracking", followup_views.document_tracking, ["GET"]),
    ("/documents/<int:doc_id>/tracking.xlsx", "document_tracking_xlsx", followup_views.document_tracking_xlsx, ["GET"]),
    ("/documents/<int:doc_id>/recipients", "send_again", followup_views.send_again, ["POST"]),
    ("/obligations/<int:obligation_id>/recurrence", "set_recurrence", followup_views.set_recurrence, ["PUT"]),
    ("/notifications", "notifications", followup_views.list_notifications, ["GET"]),
    ("/notifications/read", "notifications_read", followup_views.mark_read, ["POST"]),
    ("/delegations", "list_delegations", followup_views.list_delegations, ["GET"]),
    ("/delegations", "create_delegation", followup_views.create_delegation, ["POST"]),
    ("/delegations/<int:delegation_id>/revoke", "revoke_delegation", followup_views.revoke_delegation, ["POST"]),
]

for rule, endpoint, func, methods in ROUTES:
    bp.add_url_rule(rule, endpoint, func, methods=methods)
