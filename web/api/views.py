"""Handlers of the JSON API: parse, check access, call one service, answer."""
from __future__ import annotations

from functools import wraps

from flask import current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from models import Organization, RecipientGroup, db, fold
from workflow import queries, services, tracking
from workflow.access_log import record_access
from workflow.errors import ValidationFailed
from workflow.tracking_access import can_track

from . import serializers as S
from ..auth import actor, authenticate, issue_token
from ..errors import json_error


def api_login_required(view):
    """Answer 401 JSON unless a valid bearer token (or session) is present."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return json_error(401, "unauthorized", "Cần đăng nhập (Authorization: Bearer <token>).")
        return view(*args, **kwargs)
    return wrapper


def body() -> dict:
    """The request's JSON object, or a 400-style validation error."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("Nội dung yêu cầu phải là một đối tượng JSON.", code="invalid_json")
    return data


def _version(data: dict) -> int | None:
    value = data.get("version", request.headers.get("If-Match"))
    if value is None:
        return None
    try:
        return int(str(value).strip('"'))
    except ValueError:
        raise ValidationFailed("version phải là số nguyên.")


def create_token():
    data = body()
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ValidationFailed("Cần username và password.")
    user = authenticate(username, password)
    if user is None:
        return json_error(401, "invalid_credentials", "Sai tên đăng nhập hoặc mật khẩu.")
    token, row = issue_token(user, current_app.config["API_TOKEN_HOURS"])
    return jsonify(token=token, token_type="Bearer", expires_at=S.ts(row.expires_at),
                   user=S.me(user)), 201


@api_login_required
def me():
    return jsonify(S.me(actor()))


@api_login_required
def organizations():
    """The directory: every organization, or those whose name (or short name) holds each
    word of `q` ignoring diacritics, or the units directly under `parent_id`; a page
    at a time when `per_page` is given. Read as rows: a province has thousands."""
    q = fold((request.args.get("q") or "")[:200]).split()[:8]
    parent = request.args.get("parent_id")
    if parent not in (None, "") and not parent.isdigit():
        raise ValidationFailed("parent_id phải là số nguyên.", details={"parent_id": "Phải là số nguyên."})
    o = Organization.__table__
    query = select(o.c.id, o.c.name, o.c.short_name, o.c.abbreviation, o.c.kind, o.c.parent_id,
                   o.c.issues_documents).order_by(o.c.id)
    if parent:
        query = query.where(o.c.parent_id == int(parent))
    rows = db.session.execute(query).all()
    if q:
        rows = [r for r in rows if all(w in fold(f"{r.name} {r.short_name}") for w in q)]
    total = len(rows)
    page, per_page = optional_page_args()
    if per_page is not None:
        rows = rows[(page - 1) * per_page:page * per_page]
    else:
        page, per_page = 1, max(total, 1)
    return jsonify(items=[r._asdict() for r in rows], total=total, page=page, per_page=per_page)


@api_login_required
def groups():
    from sqlalchemy.orm import selectinload
    rows = db.session.scalars(select(RecipientGroup).options(selectinload(RecipientGroup.members))
                              .order_by(RecipientGroup.id))
    return jsonify(items=[{"id": g.id, "name": g.name, "member_ids": [m.id for m in g.members]}
                          for g in rows])


def int_arg(name: str, default: int, *, low: int = 1, high: int = 10_000) -> int:
    """The query argument `name` as an integer held within [low, high] (`default` when
    absent or empty); a 422 naming it when it is not a number."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return min(max(int(raw), low), high)
    except ValueError:
        raise ValidationFailed(f"{name} phải là số nguyên.", details={name: "Phải là số nguyên."})


def page_args(per_page: int = 20, high: int = 100) -> tuple[int, int]:
    """`page` (at most a million) and `per_page` (default `per_page`, at most `high`)."""
    return int_arg("page", 1, high=1_000_000), int_arg("per_page", per_page, high=high)


def optional_page_args(per_page: int = 50, high: int = 1000) -> tuple[int, int | None]:
    """`page_args` of a list answered whole unless `per_page` is given (per_page None)."""
    page, size = page_args(per_page, high)
    return page, (size if request.args.get("per_page") not in (None, "") else None)


@api_login_required
def list_documents():
    page, per_page = page_args()
    found = queries.list_documents(db.session, actor(), state=request.args.get("state"),
                                   q=request.args.get("q"), page=page, per_page=per_page)
    return jsonify(items=[S.document_brief(d) for d in found.items], total=found.total, page=page,
                   per_page=per_page)


def _full(document):
    session = db.session
    obligations = queries.obligations_of(session, document)
    return S.document_full(document, queries.history_of(session, document), obligations,
                           queries.available_triggers(session, document, actor()),
                           unreached=services.unreached_units(session, document, obligations))


@api_login_required
def create_document():
    data = services.parse_draft_input(body())
    document = services.create_draft(db.session, actor(), data)
    return jsonify(_full(document)), 201


@api_login_required
def get_document(doc_id: int):
    document = queries.get_document(db.session, doc_id, actor())
    record_access(db.session, actor(), document, "view", request.remote_addr)
    return jsonify(_full(document))


@api_login_required
def update_document(doc_id: int):
    payload = body()
    document = queries.get_document(db.session, doc_id, actor())
    services.update_draft(db.session, document, actor(), services.parse_draft_input(payload),
                          expected_version=_version(payload))
    return jsonify(_full(document))


@api_login_required
def transition(doc_id: int):
    payload = body()
    trigger = payload.get("trigger")
    comment = payload.get("comment") or ""
    if not isinstance(trigger, str) or not isinstance(comment, str):
        raise ValidationFailed("Cần trigger (chuỗi) và comment (chuỗi).")
    document = queries.get_document(db.session, doc_id, actor())
    services.transition(db.session, document, actor(), trigger, comment=comment,
                        expected_version=_version(payload))
    return jsonify(_full(document))


@api_login_required
def distributions(doc_id: int):
    user = actor()
    document = queries.get_document(db.session, doc_id, user)
    # The sender's side sees every copy; a recipient only its own unit's.
    own = None if can_track(db.session, user, document) else user.organization_id
    items = tracking.copies(db.session, document.id, organization_id=own)
    totals = {"recipients": len(items),
              "acknowledged": sum(d.status == "acknowledged" for d in items),
              "refused": sum(d.status == "refused" for d in items),
              "reports_owed": sum(len(d.duties) for d in items),
              "reports_filed": sum(1 for d in items for x in d.duties if x.filed_at)}
    return jsonify(items=[S.distribution(d) for d in items], totals=totals)


@api_login_required
def acknowledge(dist_id: int):
    done = services.acknowledge_copy(db.session, dist_id, actor())
    return jsonify(S.distribution(tracking.copies(db.session, done.document_id, copy_id=dist_id)[0]))


@api_login_required
def refuse(dist_id: int):
    payload = body()
    reason = payload.get("reason")
    if not isinstance(reason, str):
        raise ValidationFailed("Cần lý do từ chối (reason).")
    dist = queries.get_distribution(db.session, dist_id)
    services.refuse(db.session, dist, actor(), reason)
    return jsonify(S.distribution(dist))


@api_login_required
def file_report(dist_id: int):
    payload = body()
    text, duty_id = payload.get("text"), payload.get("duty_id")
    if not isinstance(text, str) or (duty_id is not None and not isinstance(duty_id, int)):
        raise ValidationFailed("Cần nội dung báo cáo (text).", details={"text": "Bắt buộc nhập."})
    dist = queries.get_distribution(db.session, dist_id)
    report = services.file_report(db.session, dist, actor(), text, duty_id=duty_id)
    return jsonify(id=report.id, duty_id=report.duty_id, late=report.late,
                   filed_at=S.ts(report.filed_at), document_state=dist.document.state), 201


@api_login_required
def incoming():
    page, per_page = page_args()
    found = queries.incoming(db.session, actor(), status=request.args.get("status"), page=page, per_page=per_page)
    return jsonify(items=[dict(S.distribution(d), document=S.document_brief(d.document)) for d in found.items],
                   total=found.total, page=page, per_page=per_page)
