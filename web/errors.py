"""Turning errors into clear answers: JSON under /api, a page or a flash in the UI."""
from __future__ import annotations

from flask import Flask, flash, g, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from workflow.errors import Conflict, ValidationFailed, WorkflowError

from .database import CONFLICT_MESSAGE

HTTP_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần đăng nhập.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ.",
    413: "Tệp tải lên vượt quá giới hạn cho phép.",
    429: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
}


MAX_ID = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL)


class DatabaseId(IntegerConverter):
    """`<int:…>` in URLs, limited to values a database id can hold: a larger
    number matches no route (404) instead of failing in the database (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def wants_json() -> bool:
    """True for API calls (JSON answers), False for browser pages."""
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, details: dict | None = None):
    """A JSON error answer `{"error": code, "message": ...}` with `status`."""
    body = {"error": code, "message": message}
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    return response


def _ui_error(status: int, message: str):
    g.rollback = True
    if request.method == "POST" and status in (403, 409, 422, 400):
        flash(message, "error")
        return redirect(request.referrer or "/"), 303
    try:
        return render_template("error.html", status=status, message=message), status
    except Exception:  # template missing before the UI exists
        return message, status


def init_app(app: Flask) -> None:
    """Register the error handlers; no bad input may produce a 500.

    Call before the blueprints are registered: it also bounds `<int:…>` URL parts.
    """
    app.url_map.converters["int"] = DatabaseId

    @app.errorhandler(WorkflowError)
    def _workflow_error(exc: WorkflowError):
        g.rollback = True
        from models import db
        db.session.rollback()
        if wants_json():
            return json_error(exc.status, exc.code, exc.message, exc.details)
        message = exc.message
        if exc.details:
            message += " " + "; ".join(f"{k}: {v}" for k, v in exc.details.items())
        return _ui_error(exc.status, message)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def _race(exc):
        from models import db
        db.session.rollback()
        return _workflow_error(Conflict(CONFLICT_MESSAGE))

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _unstorable(exc):
        # Input the database cannot store: a number too large (SQLite raises
        # OverflowError), a NUL character or an out-of-range value (PostgreSQL
        # raises DataError). The client's mistake, not a server error.
        from models import db
        db.session.rollback()
        return _workflow_error(ValidationFailed(
            "Dữ liệu không hợp lệ: có số quá lớn hoặc ký tự không được chấp nhận.", code="invalid_data"))

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        message = "Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Vui lòng tải lại trang."
        if wants_json():
            return json_error(400, "csrf", message)
        return _ui_error(400, message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        message = HTTP_MESSAGES.get(status, exc.description or "Lỗi.")
        if wants_json():
            return json_error(status, exc.name.lower().replace(" ", "_"), message)
        return _ui_error(status, message)
