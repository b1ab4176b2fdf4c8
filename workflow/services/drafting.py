"""Creating and editing drafts; every save is kept as a revision."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (DOC_TYPES, PURPOSES, Document, DocumentRecipient, DocumentRevision,
                    Organization, RecipientGroup, ReportingObligation, User)

from .. import clock, registry
from ..errors import PermissionDenied, ValidationFailed
from ..history import record
from ..permissions import ISSUED, can_edit

MAX_TITLE = 1000
MAX_SECTIONS = 200


@dataclass
class DraftInput:
    """Validated content of a draft, as given by the API or the form."""

    doc_type: str
    title: str
    sections: list[dict]
    recipients: list[dict]
    report_deadlines: list[dict] = field(default_factory=list)
    place: str | None = None
    issuer_id: int | None = None
    archive: list[str] = field(default_factory=list)


def _text(value, name: str, errors: dict, *, required=True, limit=MAX_TITLE) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "Bắt buộc nhập."
        return ""
    if not isinstance(value, str):
        errors[name] = "Phải là chuỗi ký tự."
        return ""
    if len(value) > limit:
        errors[name] = f"Dài quá {limit} ký tự."
    return value.strip()


def parse_draft_input(data, *, partial: bool = False) -> DraftInput:
    """Check a JSON-like mapping and return a `DraftInput`; raise `ValidationFailed`.

    Field errors are collected in `details` ({field: message}) so that a form
    or an API client can show all of them at once.
    """
    if not isinstance(data, dict):
        raise ValidationFailed("Dữ liệu phải là một đối tượng JSON.")
    errors: dict[str, str] = {}
    doc_type = data.get("doc_type", "KH")
    if doc_type not in DOC_TYPES:
        errors["doc_type"] = f"Loại văn bản không hợp lệ: {doc_type!r}."
    title = _text(data.get("title"), "title", errors)
    sections = []
    raw_sections = data.get("sections") or []
    if not isinstance(raw_sections, list) or len(raw_sections) > MAX_SECTIONS:
        errors["sections"] = "Phải là danh sách các mục."
        raw_sections = []
    for i, raw in enumerate(raw_sections):
        if not isinstance(raw, dict):
            errors[f"sections[{i}]"] = "Mỗi mục gồm heading và paragraphs."
            continue
        heading = raw.get("heading") or ""
        paragraphs = raw.get("paragraphs") or []
        if not isinstance(heading, str) or not isinstance(paragraphs, list) or \
                not all(isinstance(p, str) for p in paragraphs):
            errors[f"sections[{i}]"] = "heading là chuỗi, paragraphs là danh sách chuỗi."
            continue
        sections.append({"heading": heading.strip(),
                         "paragraphs": [p.strip() for p in paragraphs if p.strip()]})
    recipients = []
    raw_recipients = data.get("recipients") or []
    if not isinstance(raw_recipients, list):
        errors["recipients"] = "Phải là danh sách nơi nhận."
        raw_recipients = []
    for i, raw in enumerate(raw_recipients):
        if not isinstance(raw, dict) or not (isinstance(raw.get("organization_id"), int)
                                             or isinstance(raw.get("group_id"), int)):
            errors[f"recipients[{i}]"] = "Cần organization_id hoặc group_id."
            continue
        purpose = raw.get("purpose")
        if purpose is not None and purpose not in PURPOSES:
            errors[f"recipients[{i}].purpose"] = "Mục đích phải là b/c, t/h hoặc để biết."
            continue
        recipients.append({"organization_id": raw.get("organization_id"),
                           "group_id": raw.get("group_id"), "purpose": purpose})
    deadlines = []
    raw_deadlines = data.get("report_deadlines") or []
    if not isinstance(raw_deadlines, list):
        errors["report_deadlines"] = "Phải là danh sách hạn báo cáo."
        raw_deadlines = []
    for i, raw in enumerate(raw_deadlines):
        try:
            due = date.fromisoformat(raw["due"])
            period = str(raw.get("period") or "").strip() or "định kỳ"
            unit_ids = [int(u) for u in raw.get("unit_ids") or []]
        except (KeyError, TypeError, ValueError):
            errors[f"report_deadlines[{i}]"] = "Cần period và due dạng YYYY-MM-DD."
            continue
        deadlines.append({"period": period[:40], "due": due, "unit_ids": unit_ids})
    issuer_id = data.get("issuer_id")
    if issuer_id is not None and not isinstance(issuer_id, int):
        errors["issuer_id"] = "Phải là số."
    archive = [a for a in (data.get("archive") or []) if isinstance(a, str) and a.strip()]
    if errors:
        raise ValidationFailed("Dữ liệu văn bản chưa hợp lệ.", details=errors)
    return DraftInput(doc_type=doc_type, title=title, sections=sections, recipients=recipients,
                      report_deadlines=deadlines, place=data.get("place") or None,
                      issuer_id=issuer_id, archive=archive)


def _resolve_issuer(session: Session, author: User, issuer_id: int | None) -> Organization:
    home = author.organization.issuing_body()
    if issuer_id is None:
        if home is None:
            raise ValidationFailed("Đơn vị của bạn không thuộc cơ quan ban hành nào.")
        return home
    issuer = session.get(Organization, issuer_id)
    if issuer is None or not issuer.issues_documents:
        raise ValidationFailed("Cơ quan ban hành không hợp lệ.", details={"issuer_id": "Không tồn tại."})
    if not (author.organization.is_within(issuer) or issuer.is_within(author.organization)
            or (issuer.parent is not None and author.organization.is_within(issuer.parent))):
        raise PermissionDenied("Bạn không soạn thảo văn bản cho cơ quan này.")
    return issuer


def _apply_content(session: Session, document: Document, data: DraftInput) -> None:
    document.title = data.title
    document.sections = data.sections
    org_ids = {r["organization_id"] for r in data.recipients if r["organization_id"]}
    group_ids = {r["group_id"] for r in data.recipients if r["group_id"]}
    orgs = {o.id: o for o in session.scalars(
        select(Organization).where(Organization.id.in_(org_ids)))} if org_ids else {}
    groups = {g.id: g for g in session.scalars(
        select(RecipientGroup).where(RecipientGroup.id.in_(group_ids)))} if group_ids else {}
    missing = [f"đơn vị số {i}" for i in org_ids - set(orgs)] + \
              [f"nhóm số {i}" for i in group_ids - set(groups)]
    if missing:
        raise ValidationFailed("Nơi nhận không tồn tại: " + "; ".join(sorted(missing)) + ".",
                               code="unknown_recipient")
    document.recipients = [
        DocumentRecipient(position=i, organization=orgs.get(r["organization_id"]),
                          group=groups.get(r["group_id"]), purpose=r["purpose"])
        for i, r in enumerate(data.recipients)]
    unit_ids = {u for d in data.report_deadlines for u in d["unit_ids"]}
    units = {o.id: o for o in session.scalars(
        select(Organization).where(Organization.id.in_(unit_ids)))} if unit_ids else {}
    if unknown := sorted(unit_ids - units.keys()):
        raise ValidationFailed(
            "Đơn vị phải báo cáo không tồn tại: " + "; ".join(f"đơn vị số {i}" for i in unknown) + ".",
            code="unknown_unit", details={"report_deadlines": "Đơn vị không tồn tại."})
    replaced = list(getattr(document, "obligations", []) or [])
    for obligation in replaced:
        session.delete(obligation)
    if replaced:
        session.flush()
    for d in data.report_deadlines:
        session.add(ReportingObligation(document=document, period=d["period"], due_date=d["due"],
                                        units=[units[u] for u in d["unit_ids"] if u in units]))
    if data.archive:
        document.archive = data.archive
    document.refresh_search_text()


def unreached_units(session: Session, document: Document, obligations) -> dict[int, list[Organization]]:
    """By obligation id, the units an obligation names that are not among the
    document's recipients (groups expanded): they get no copy, so they will owe no
    report. Empty once the document is issued (its copies are then the fact).

    Reads the recipient lines (unless loaded) and the groups' members, one
    statement each, only when some obligation names units.
    """
    from .issuing import expand_recipients, load_recipient_lines
    named = [o for o in obligations if o.units]
    if not named or document.state in ISSUED:
        return {}
    load_recipient_lines(session, document)
    reached = {org_id for org_id, _, _ in expand_recipients(session, document)}
    found = {o.id: [u for u in o.units if u.id not in reached] for o in named}
    return {k: v for k, v in found.items() if v}


def _snapshot(document: Document, author: User, now: datetime) -> DocumentRevision:
    number = (max((r.number for r in document.revisions), default=0)) + 1
    return DocumentRevision(
        document=document, number=number, title=document.title, sections=document.sections,
        recipients=[{"name": r.name, "organization_id": r.organization_id,
                     "group_id": r.group_id, "purpose": r.purpose} for r in document.recipients],
        author=author, created_at=now)


def create_draft(session: Session, author: User, data: DraftInput, *, now: datetime | None = None) -> Document:
    """Create a draft written by `author` (any user with the `drafter` role).

    Picks the issuing body (the author's, unless `issuer_id` names one the
    author drafts for) and its workflow definition, stores revision 1 and a
    history row. Raises `PermissionDenied` or `ValidationFailed`.
    """
    now = now or clock.now()
    if not author.has_role("drafter"):
        raise PermissionDenied("Bạn không có quyền soạn thảo văn bản.")
    issuer = _resolve_issuer(session, author, data.issuer_id)
    definition = registry.for_document(issuer.kind, data.doc_type)
    symbol = f"{data.doc_type}-{issuer.abbreviation}" if data.doc_type != "CV" else \
        f"{issuer.abbreviation}-{author.organization.abbreviation}"
    document = Document(
        workflow=definition.name, doc_type=data.doc_type, issuer=issuer,
        drafting_unit=author.organization, author=author, title=data.title, sections=[],
        place=data.place or issuer.place, symbol=symbol, state=definition.initial,
        archive=data.archive or ["VT", author.organization.abbreviation or "VP"],
        created_at=now, updated_at=now)
    session.add(document)
    with session.no_autoflush:  # one INSERT per table once the content is complete
        _apply_content(session, document, data)
        session.add(_snapshot(document, author, now))
    session.flush()
    record(session, document, author, "create", "", document.state, now, first=True)
    session.flush()
    return document


def update_draft(session: Session, document: Document, author: User, data: DraftInput, *,
                 expected_version: int | None = None, now: datetime | None = None) -> DocumentRevision:
    """Save an edit of a draft as a new revision (author only, state `draft`).

    Raises `PermissionDenied` when the user may not edit it now and `Conflict`
    when `expected_version` is stale.
    """
    from .chain import ensure_version
    now = now or clock.now()
    ensure_version(document, expected_version)
    if not can_edit(session, author, document):
        raise PermissionDenied("Bạn không được sửa văn bản này ở trạng thái hiện tại.")
    _apply_content(session, document, data)
    document.updated_at = now
    revision = _snapshot(document, author, now)
    session.add(revision)
    session.flush()
    return revision
