"""Follow-through after issue: sending again, periodic reports, delegations, the bell.

Each service takes the session and the acting user, checks, changes data,
flushes and returns; the caller commits.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased, selectinload

from models import (PURPOSES, Delegation, Distribution, Document, Notification, Organization,
                    RecipientGroup, ReportDuty, ReportingObligation, User, fold, obligation_units)

from .. import clock, progress
from ..errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ..events import emit, subscribe
from ..history import record
from ..permissions import ISSUED
from .delegation import delegate as _delegate
from .issuing import create_duties

DELEGABLE_ROLES = ("signer", "reviewer", "format_checker")
RECURRENCES = (1, 3, 6, 12)
_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*(?:-|/|den)\s*((?:19|20)\d{2})\b")
_QUARTER = re.compile(r"\b(quý\s+)(IV|I{1,3}|[1-4])\b", re.IGNORECASE)
_MONTH = re.compile(r"\b(tháng\s+)(1[0-2]|0?[1-9])\b", re.IGNORECASE)
_HALF = re.compile(r"\b(đầu|cuối)(\s+năm)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
ROMAN = ("I", "II", "III", "IV")


# --- sending an issued document to more recipients ------------------------------------

def can_send_again(user: User, document: Document) -> bool:
    """True when `user` may send `document` to more recipients: its author, a clerk of
    the issuing body, or an administrator."""
    return user.is_admin or user.id == document.author_id or \
        ("clerk" in (user.roles or []) and user.organization.is_within(document.issuer))


def _targets(session: Session, document: Document, recipients) -> list[tuple[int, str | None, int | None]]:
    if not isinstance(recipients, list) or not recipients:
        raise ValidationFailed("Cần danh sách nơi nhận bổ sung.", details={"recipients": "Bắt buộc nhập."})
    errors, lines = {}, []
    for i, raw in enumerate(recipients):
        org_id = raw.get("organization_id") if isinstance(raw, dict) else None
        group_id = raw.get("group_id") if isinstance(raw, dict) else None
        purpose = raw.get("purpose") if isinstance(raw, dict) else None
        if not (isinstance(org_id, int) or isinstance(group_id, int)) or \
                (purpose is not None and purpose not in PURPOSES):
            errors[f"recipients[{i}]"] = "Cần organization_id hoặc group_id; purpose là b/c, t/h hoặc để biết."
            continue
        lines.append((org_id if isinstance(org_id, int) else None,
                       group_id if isinstance(group_id, int) else None, purpose))
    group_ids = [g for _, g, _ in lines if g is not None]
    groups = {g.id: g for g in session.scalars(select(RecipientGroup).where(RecipientGroup.id.in_(group_ids))
                                               .options(selectinload(RecipientGroup.members)))}
    org_ids = [o for o, _, _ in lines if o is not None]
    known = set(session.scalars(select(Organization.id).where(Organization.id.in_(org_ids))))
    seen: dict[int, tuple[int, str | None, int | None]] = {}
    for i, (org_id, group_id, purpose) in enumerate(lines):
        if group_id is not None and group_id not in groups:
            errors[f"recipients[{i}]"] = "Nhóm nơi nhận không tồn tại."
            continue
        if org_id is not None and org_id not in known:
            errors[f"recipients[{i}]"] = "Đơn vị không tồn tại."
            continue
        members = [org_id] if org_id is not None else [m.id for m in groups[group_id].members]
        for member in members:
            if member not in seen and member != document.issuer_id:
                seen[member] = (member, purpose, group_id if org_id is None else None)
    if errors:
        raise ValidationFailed("Nơi nhận bổ sung chưa hợp lệ.", details=errors)
    return list(seen.values())


def send_again(session: Session, document: Document, actor: User, recipients: list[dict], *,
               now: datetime | None = None) -> list[Distribution]:
    """Send an issued document to recipients not yet on its list (gửi bổ sung).

    Who may: see `can_send_again`. Groups are expanded; units that already
    have a copy are skipped (all of them: `Conflict`). Each new recipient is
    tracked from its own send time: it owes the reports whose due date has
    not passed at that time (none once the document is `reported`). Emits
    `recipients_added`. Raises `InvalidTransition` before issue,
    `PermissionDenied`, `ValidationFailed` for unknown units or groups.
    """
    now = now or clock.now()
    if document.state not in ISSUED:
        raise InvalidTransition("Văn bản chưa được phát hành.")
    if not can_send_again(actor, document):
        raise PermissionDenied("Chỉ người soạn thảo hoặc văn thư của cơ quan ban hành mới được gửi bổ sung.")
    targets = _targets(session, document, recipients)
    have = set(session.scalars(select(Distribution.organization_id)
                               .where(Distribution.document_id == document.id)))
    targets = [t for t in targets if t[0] not in have]
    if not targets:
        raise Conflict("Các đơn vị này đã nhận văn bản.", code="already_sent")
    rows = session.execute(
        insert(Distribution).returning(Distribution.id, Distribution.organization_id, Distribution.purpose),
        [{"document_id": document.id, "organization_id": org, "purpose": purpose, "via_group_id": via,
          "status": "sent", "sent_at": now, "version": 1, "added_after_issue": True,
          "sent_by_id": actor.id} for org, purpose, via in targets]).all()
    if document.state == "distributed":
        create_duties(session, document, [r[0] for r in rows], due_from=clock.local_date(now))
    progress.recipients_added(session, document.id, [r[0] for r in rows])
    added = list(session.scalars(select(Distribution).where(Distribution.id.in_([r[0] for r in rows]))
                                 .order_by(Distribution.id)))
    document.updated_at = now
    for dist in added:
        record(session, document, actor, "send_again", document.state, document.state, now,
               distribution=dist, comment=f"Gửi bổ sung: {dist.organization.name}")
    session.flush()
    emit(session, "recipients_added", document=document, actor=actor,
         distribution_ids=[d.id for d in added], now=now)
    return added


# --- periodic reports ------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """`day` moved by `months`, kept within the month (31/1 + 1 month = 28 or 29/2)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_period_due(day: date, months: int) -> date:
    """The due date one period later; a due date at the end of a month stays at the end
    of the month (31/3 → 30/6 → 30/9 → 31/12)."""
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        moved = add_months(day.replace(day=1), months)
        return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return add_months(day, months)


def infer_recurrence(period: str) -> int | None:
    """Months between two reports of a period named in a plan: "quý" 3, "hàng tháng" 1,
    "6 tháng" (the mid-year report) and "năm" 12; None for a one-off."""
    text = fold(period)
    if re.search(r"\bquy\b", text):
        return 3
    if re.search(r"\b(?:hang|moi|dinh ky)\s*thang\b", text) or text.strip() == "thang":
        return 1
    if re.search(r"\b0?[69]\s*thang\b", text) or re.search(r"\bnam\b", text):
        return 12
    return None


def next_period_label(period: str, months: int) -> str:
    """The name of the period after `period` in a series every `months` months: the
    quarter or month it names moves on ("quý I" → "quý II", "quý IV/2026" → "quý I/2027",
    "tháng 12" → "tháng 1"), a half-year swaps ("6 tháng đầu năm" → "6 tháng cuối năm"),
    and a year it names moves on once the cycle wraps ("năm 2026" → "năm 2027"). A name
    without a number ("quý", "năm") stays as it is."""
    wrapped = months >= 12
    if months in (1, 3):
        pattern, size = (_QUARTER, 4) if months == 3 else (_MONTH, 12)
        match = pattern.search(period)
        if match:
            text = match.group(2)
            roman = text.upper() in ROMAN
            index = ROMAN.index(text.upper()) + 1 if roman else int(text)
            following, wrapped = index % size + 1, index == size
            shown = ROMAN[following - 1] if roman else f"{following:02d}" if text[0] == "0" else str(following)
            period = period[:match.start(2)] + shown + period[match.end(2):]
    elif months == 6:
        match = _HALF.search(period)
        if match:
            wrapped = match.group(1).lower() == "cuối"
            word = "đầu" if wrapped else "cuối"
            period = period[:match.start(1)] + (word.capitalize() if match.group(1)[0].isupper() else word) \
                + period[match.end(1):]
    years = _YEAR.findall(period)
    if wrapped and len(years) == 1:
        period = _YEAR.sub(str(int(years[0]) + 1), period)
    return period


def plan_years(document: Document) -> tuple[int, int] | None:
    """The years a multi-year plan covers ("giai đoạn 2026 - 2030"), from its title
    or body, or None."""
    texts = [document.title] + [p for s in document.sections or [] for p in
                                [s.get("heading", "")] + list(s.get("paragraphs", []))]
    for text in texts:
        for first, last in _RANGE.findall(fold(text)):
            if 0 < int(last) - int(first) <= 20:
                return int(first), int(last)
    return None


def plan_series(session: Session, document: Document) -> int:
    """Mark the document's periodic obligations (at issue): how often they recur and
    until when. "6 tháng" and "năm" recur only in a multi-year plan (until its last
    year); quarterly and monthly reports recur until the end of the plan or of the year."""
    years = plan_years(document)
    marked = 0
    for obligation in session.scalars(select(ReportingObligation).where(
            ReportingObligation.document_id == document.id, ReportingObligation.recurrence_months.is_(None),
            ReportingObligation.previous_id.is_(None))):
        months = infer_recurrence(obligation.period)
        until = date(years[1], 12, 31) if years else \
            (date(obligation.due_date.year, 12, 31) if months and months < 12 else None)
        if months and until and next_period_due(obligation.due_date, months) <= until:
            obligation.recurrence_months, obligation.series_until = months, until
            marked += 1
    session.flush()
    return marked


def set_recurrence(session: Session, obligation: ReportingObligation, actor: User,
                   months: int | None, until: date | None) -> ReportingObligation:
    """Say how an obligation recurs (every `months` until `until`), or stop it (None).

    Who may: as for `can_send_again`. Raises `PermissionDenied`, `ValidationFailed`.
    """
    if not can_send_again(actor, obligation.document):
        raise PermissionDenied("Chỉ người soạn thảo hoặc văn thư của cơ quan ban hành mới được sửa kỳ báo cáo.")
    if months is not None and (months not in RECURRENCES or until is None or until < obligation.due_date):
        raise ValidationFailed("Chu kỳ phải là 1, 3, 6 hoặc 12 tháng, kèm ngày kết thúc sau hạn báo cáo.")
    obligation.recurrence_months = months
    obligation.series_until = until if months is not None else None
    session.flush()
    return obligation


def _dialect_insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def renew_obligation(session: Session, obligation: ReportingObligation) -> ReportingObligation | None:
    """Create the next period's obligation of a periodic series, with a duty for each
    recipient that owed this one (and did not refuse). Runs once per period however
    many filings or `remind` runs ask, even concurrently: the row is inserted with
    ON CONFLICT (previous_id) DO NOTHING. Answers the new obligation or None."""
    document = obligation.document
    if not obligation.recurrence_months or obligation.series_until is None or document.state != "distributed":
        return None
    next_due = next_period_due(obligation.due_date, obligation.recurrence_months)
    if next_due > obligation.series_until:
        return None
    label = next_period_label(obligation.period, obligation.recurrence_months)
    later = session.scalar(select(ReportingObligation.id).where(
        ReportingObligation.document_id == document.id, ReportingObligation.id != obligation.id,
        ReportingObligation.period.in_({obligation.period, label}),
        ReportingObligation.due_date > obligation.due_date,
        ReportingObligation.due_date <= add_months(next_due, 1)).limit(1))
    if later is not None:  # the plan lists that period itself, or another series reached it
        return None
    new_id = session.execute(
        _dialect_insert(session)(ReportingObligation).values(
            document_id=document.id, period=label, due_date=next_due,
            recurrence_months=obligation.recurrence_months, series_until=obligation.series_until,
            previous_id=obligation.id)
        .on_conflict_do_nothing(index_elements=["previous_id"]).returning(ReportingObligation.id)).scalar()
    if new_id is None:
        return None
    units = [{"obligation_id": new_id, "organization_id": u.id} for u in obligation.units]
    if units:
        session.execute(insert(obligation_units), units)
    owed = session.execute(select(ReportDuty.distribution_id, ReportDuty.organization_id).join(Distribution)
                           .where(ReportDuty.obligation_id == obligation.id, Distribution.status != "refused")
                           .order_by(ReportDuty.distribution_id)).all()
    if owed:
        session.execute(insert(ReportDuty), [
            {"obligation_id": new_id, "distribution_id": d, "organization_id": org, "document_id": document.id,
             "due_date": next_due} for d, org in owed])
        progress.duties_added(session, document.id, new_id, len(owed))
    session.flush()
    return session.get(ReportingObligation, new_id)


def renew_ended_periods(session: Session, today: date) -> int:
    """Renew every periodic obligation whose period has ended (due date before `today`)
    and has no successor yet; answers how many were created."""
    successor = aliased(ReportingObligation)
    created = 0
    for _ in range(100):  # a series missed for years catches up period by period
        due = list(session.scalars(
            select(ReportingObligation).join(Document, Document.id == ReportingObligation.document_id)
            .where(ReportingObligation.recurrence_months.isnot(None), ReportingObligation.due_date < today,
                   Document.state == "distributed",
                   ~exists().where(successor.previous_id == ReportingObligation.id))
            .order_by(ReportingObligation.id)))
        made = [o for o in (renew_obligation(session, ob) for ob in due) if o is not None]
        created += len(made)
        if not made:
            break
    return created


def _plan_series_at_issue(session, *, document, **_):
    plan_series(session, document)


def _renew_on_filing(session, *, duty, **_):
    renew_obligation(session, duty.obligation)


def install() -> None:
    """Subscribe to the domain events: mark periodic series at issue, renew a period
    when one of its reports is filed (idempotent)."""
    subscribe("document_issued", _plan_series_at_issue)
    subscribe("report_filed", _renew_on_filing)


install()


# --- delegations (ủy quyền) ------------------------------------------------------------

def create_delegation(session: Session, actor: User, delegate_user: User, starts_on: date,
                      ends_on: date, *, reason: str = "", now: datetime | None = None) -> Delegation:
    """Let `delegate_user` act on the actor's own review or signing steps from
    `starts_on` to `ends_on` (Vietnam dates, inclusive); tells the colleague.

    A delegation cannot be passed on: someone who reviews or signs only by
    delegation may not delegate (`PermissionDenied`, code `cannot_redelegate`),
    and a delegation never covers steps its author holds by delegation.
    Raises `ValidationFailed` for a reversed or past range, oneself, an
    inactive colleague or one outside the issuing body.
    """
    now = now or clock.now()
    if not any(actor.has_role(r) for r in DELEGABLE_ROLES):
        held = session.scalar(select(Delegation.id).where(Delegation.delegate_id == actor.id).limit(1))
        if held is not None:
            raise PermissionDenied("Không thể ủy quyền lại việc mình chỉ giữ do được ủy quyền.",
                                   code="cannot_redelegate")
        raise PermissionDenied("Chỉ người thẩm định hoặc người ký mới được ủy quyền.")
    if not delegate_user.active:
        raise ValidationFailed("Người được ủy quyền đã bị khóa tài khoản.")
    item = _delegate(session, actor, delegate_user, starts_on, ends_on, reason=(reason or "").strip()[:2000])
    item.created_at = now
    from ..notifications import notify
    notify(session, [delegate_user], None, "delegated",
           f"{actor.full_name} ủy quyền cho anh/chị xử lý thay từ {starts_on:%d/%m/%Y} "
           f"đến {ends_on:%d/%m/%Y}.", "/", now=now)
    session.flush()
    return item


def revoke_delegation(session: Session, delegation: Delegation, actor: User, *,
                      now: datetime | None = None) -> Delegation:
    """End a delegation now (its delegator or an administrator); tells the colleague.

    Raises `PermissionDenied`, or `Conflict` when it was already revoked or has ended.
    """
    now = now or clock.now()
    if actor.id != delegation.delegator_id and not actor.is_admin:
        raise PermissionDenied("Chỉ người ủy quyền mới được thu hồi ủy quyền.")
    if delegation.revoked_at is not None:
        raise Conflict("Ủy quyền đã được thu hồi.", code="already_revoked")
    if delegation.ends_on < clock.local_date(now):
        raise Conflict("Ủy quyền đã hết hạn.", code="ended")
    delegation.revoked_at = now
    from ..notifications import notify
    notify(session, [delegation.delegate], None, "delegated",
           f"{delegation.delegator.full_name} đã thu hồi ủy quyền cho anh/chị.", "/", now=now, skip=actor)
    session.flush()
    return delegation


def get_delegation(session: Session, delegation_id: int, user: User) -> Delegation:
    """A delegation the user gave or received (any for an administrator); raises `NotFound`."""
    item = session.get(Delegation, delegation_id)
    if item is None or not (user.is_admin or user.id in (item.delegator_id, item.delegate_id)):
        raise NotFound("Không tìm thấy ủy quyền.")
    return item


# --- the bell -----------------------------------------------------------------------

def mark_notifications_read(session: Session, user: User, ids: list[int] | None = None, *,
                            now: datetime | None = None) -> int:
    """Mark the user's own notifications read (the given ids, or all); answers how many
    changed. Ids of other people's notifications are ignored."""
    where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if ids is not None:
        where.append(Notification.id.in_(list(ids)))
    result = session.execute(update(Notification).where(*where).values(read_at=now or clock.now()))
    session.flush()
    return result.rowcount or 0
