"""Browser pages for documents in and out: download the .docx, verify a copy, import a file."""
from flask import Blueprint

from . import routes

bp = Blueprint("docio", __name__)

bp.add_url_rule("/documents/<int:doc_id>.docx", "download", routes.download)
bp.add_url_rule("/documents/<int:doc_id>/verify", "verify", routes.verify, methods=["GET", "POST"])
bp.add_url_rule("/documents/import", "import_form", routes.import_form, methods=["GET", "POST"])
bp.add_url_rule("/documents/import/confirm", "import_confirm", routes.import_confirm, methods=["POST"])
