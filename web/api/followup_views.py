"""Handlers of the follow-through API: tracking, XLSX exports, sending again, the bell,
delegations. Each parses its input, checks access, calls one query or service, answers."""
from __future__ import annotations

from datetime import date

from flask import Response, jsonify, request
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from models import Delegation, ReportingObligation, User, db
from workflow import clock, notifications, tracking, tracking_export
from workflow.errors import NotFound, ValidationFailed
from workflow.services import followup

from . import serializers as S
from ..auth import actor
from .views import api_login_required, body, int_arg, optional_page_args, page_args

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- input helpers ----------------------------------------------------------------------

def _flag(name: str) -> bool:
    return (request.args.get(name) or "").lower() in ("1", "true", "yes", "on")


def _date(data: dict, name: str, *, required: bool = True) -> date | None:
    value = data.get(name)
    if value is None and not required:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{name} phải là ngày dạng YYYY-MM-DD.", details={name: "Ngày không hợp lệ."})


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- JSON shapes ------------------------------------------------------------------------

def _doc(doc) -> dict:
    return {"id": doc.id, "doc_type": doc.doc_type, "title": doc.title, "state": doc.state,
            "number_symbol": doc.number_symbol if doc.number else None,
            "issue_date": doc.issue_date.isoformat() if doc.issue_date else None,
            "issuer": {"id": doc.issuer.id, "name": doc.issuer.name}}


def _duty_line(line: tracking.DutyLine) -> dict:
    duty = line.duty
    return {"id": duty.id, "period": line.period, "due": duty.due_date.isoformat(), "status": line.status,
            "days": line.days, "filed_at": S.ts(duty.filed_at), "reminders": duty.reminder_count,
            "escalations": duty.escalation_count, "last_reminded_at": S.ts(duty.last_reminded_at)}


def _recipient(row: tracking.RecipientRow) -> dict:
    d = row.distribution
    return {"distribution_id": d.id, "organization": {"id": d.organization.id, "name": d.organization.name},
            "purpose": d.purpose, "via_group": d.via_group.name if d.via_group else None,
            "status": d.status, "sent_at": S.ts(d.sent_at), "added_after_issue": d.added_after_issue,
            "sent_by": S.user_brief(d.sent_by), "acknowledged_at": S.ts(d.acknowledged_at),
            "acknowledged_by": S.user_brief(d.acknowledged_by), "refused_at": S.ts(d.refused_at),
            "refused_reason": d.refused_reason or None, "overdue": row.overdue,
            "next_due": row.next_due.isoformat() if row.next_due else None,
            "duties": [_duty_line(x) for x in row.duties]}


def _notification(n) -> dict:
    return {"id": n.id, "kind": n.kind, "message": n.message, "url": n.url, "document_id": n.document_id,
            "document": None if n.document is None else {"id": n.document.id, "title": n.document.title},
            "created_at": S.ts(n.created_at), "read_at": S.ts(n.read_at), "emailed_at": S.ts(n.emailed_at)}


def _delegation(d: Delegation) -> dict:
    return {"id": d.id, "delegator": S.user_brief(d.delegator), "delegate": S.user_brief(d.delegate),
            "starts_on": d.starts_on.isoformat(), "ends_on": d.ends_on.isoformat(), "reason": d.reason,
            "created_at": S.ts(d.created_at), "revoked_at": S.ts(d.revoked_at),
            "active": d.active_on(clock.local_date())}


# --- tracking ---------------------------------------------------------------------------

def _dashboard(page: int, per_page: int | None):
    return tracking.dashboard(db.session, actor(), q=request.args.get("q"), overdue_only=_flag("overdue"),
                              page=page, per_page=per_page)


@api_login_required
def dashboard():
    page = _dashboard(*page_args(20, high=100))
    return jsonify(items=[{"document": _doc(r.document), "progress": r.progress.as_dict()} for r in page.items],
                   total=page.total, total_capped=page.capped, page=page.page, per_page=page.per_page,
                   today=clock.local_date().isoformat())


@api_login_required
def dashboard_xlsx():
    return _xlsx(tracking_export.dashboard_xlsx(_dashboard(1, None).items), "theo-doi-van-ban.xlsx")


@api_login_required
def document_tracking(doc_id: int):
    page, per_page = page_args(100, high=1000)
    document = tracking.get_tracked_document(db.session, doc_id, actor())
    result = tracking.document_tracking(db.session, document, page=page, per_page=per_page)
    return jsonify(document=_doc(document), progress=result.progress.as_dict(),
                   recipients=[_recipient(r) for r in result.rows],
                   page=result.page, per_page=result.per_page, total=result.total)


@api_login_required
def document_tracking_xlsx(doc_id: int):
    document = tracking.get_tracked_document(db.session, doc_id, actor())
    return _xlsx(tracking_export.document_xlsx(tracking.document_tracking(db.session, document)),
                 f"theo-doi-van-ban-{doc_id}.xlsx")


@api_login_required
def units():
    page, per_page = optional_page_args()
    result = tracking.units(db.session, actor(), outstanding_only=_flag("outstanding"), page=page, per_page=per_page)
    return jsonify(items=[r.as_dict() for r in result.items], today=clock.local_date().isoformat(),
                   total=result.total, page=result.page, per_page=result.per_page)


@api_login_required
def units_xlsx():
    result = tracking.units(db.session, actor(), outstanding_only=_flag("outstanding"))
    return _xlsx(tracking_export.units_xlsx(result.items), "theo-doi-don-vi.xlsx")


def _item(item: tracking.UnitItem) -> dict:
    duty = item.duty
    return {"kind": item.kind, "document": _doc(item.document), "distribution_id": item.distribution.id,
            "duty_id": duty.id if duty else None, "period": duty.obligation.period if duty else None,
            "due": item.due_date.isoformat(), "overdue": item.overdue, "days": item.days,
            "reminders": duty.reminder_count if duty else None}


@api_login_required
def unit_items(org_id: int):
    """What one unit owes, a page at a time (a commune may owe tens of thousands of items)."""
    page, per_page = page_args(100, high=1000)
    organization, result = tracking.unit_items(db.session, actor(), org_id, page=page, per_page=per_page)
    return jsonify(organization={"id": organization.id, "name": organization.name},
                   items=[_item(i) for i in result.items], today=clock.local_date().isoformat(),
                   total=result.total, page=result.page, per_page=result.per_page)


@api_login_required
def unit_items_xlsx(org_id: int):
    organization, result = tracking.unit_items(db.session, actor(), org_id)
    return _xlsx(tracking_export.unit_items_xlsx(organization.name, result.items), f"viec-con-no-{org_id}.xlsx")


# --- sending again, periodic reports ----------------------------------------------------

@api_login_required
def send_again(doc_id: int):
    payload = body()
    document = tracking.get_tracked_document(db.session, doc_id, actor())
    added = followup.send_again(db.session, document, actor(), payload.get("recipients"))
    return jsonify(added=[S.distribution(d) for d in added], document_state=document.state), 201


@api_login_required
def set_recurrence(obligation_id: int):
    payload = body()
    obligation = db.session.get(ReportingObligation, obligation_id)
    if obligation is None:
        raise NotFound("Không tìm thấy kỳ báo cáo.")
    tracking.get_tracked_document(db.session, obligation.document_id, actor())
    months = payload.get("months")
    if months is not None and (not isinstance(months, int) or isinstance(months, bool)):
        raise ValidationFailed("months phải là số tháng (1, 3, 6, 12) hoặc null.")
    until = _date(payload, "until", required=months is not None)
    followup.set_recurrence(db.session, obligation, actor(), months, until)
    return jsonify(id=obligation.id, period=obligation.period, due=obligation.due_date.isoformat(),
                   recurrence_months=obligation.recurrence_months,
                   series_until=obligation.series_until.isoformat() if obligation.series_until else None)


# --- the bell -----------------------------------------------------------------------------

@api_login_required
def list_notifications():
    before = request.args.get("before")
    items = notifications.recent(db.session, actor(), unread_only=_flag("unread"),
                                 limit=int_arg("limit", 20, high=100),
                                 before_id=int_arg("before", 0, low=0, high=2**62) if before else None)
    return jsonify(items=[_notification(n) for n in items], unread=notifications.unread_count(db.session, actor()))


@api_login_required
def mark_read():
    payload = body()
    ids = payload.get("ids")
    if payload.get("all") is True:
        ids = None
    elif not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationFailed("Cần ids (danh sách số) hoặc all: true.", details={"ids": "Danh sách số."})
    marked = followup.mark_notifications_read(db.session, actor(), ids)
    return jsonify(marked=marked, unread=notifications.unread_count(db.session, actor()))


# --- delegations --------------------------------------------------------------------------

def _colleague(payload: dict) -> User:
    delegate_id, username = payload.get("delegate_id"), payload.get("delegate_username")
    if isinstance(delegate_id, int) and not isinstance(delegate_id, bool):
        user = db.session.get(User, delegate_id)
    elif isinstance(username, str) and username.strip():
        user = db.session.scalar(select(User).where(User.username == username.strip()))
    else:
        raise ValidationFailed("Cần delegate_id hoặc delegate_username.",
                               details={"delegate_id": "Bắt buộc nhập."})
    if user is None:
        raise ValidationFailed("Không tìm thấy người được ủy quyền.", details={"delegate_id": "Không tồn tại."})
    return user


@api_login_required
def create_delegation():
    payload = body()
    reason = payload.get("reason") or ""
    if not isinstance(reason, str):
        raise ValidationFailed("reason phải là chuỗi.")
    item = followup.create_delegation(db.session, actor(), _colleague(payload), _date(payload, "starts_on"),
                                      _date(payload, "ends_on"), reason=reason)
    return jsonify(_delegation(item)), 201


@api_login_required
def list_delegations():
    me = actor()
    rows = db.session.scalars(
        select(Delegation).where(or_(Delegation.delegator_id == me.id, Delegation.delegate_id == me.id))
        .options(joinedload(Delegation.delegator), joinedload(Delegation.delegate))
        .order_by(Delegation.starts_on.desc(), Delegation.id.desc())).all()
    return jsonify(given=[_delegation(d) for d in rows if d.delegator_id == me.id],
                   received=[_delegation(d) for d in rows if d.delegate_id == me.id])


@api_login_required
def revoke_delegation(delegation_id: int):
    item = followup.get_delegation(db.session, delegation_id, actor())
    followup.revoke_delegation(db.session, item, actor())
    return jsonify(_delegation(item))
