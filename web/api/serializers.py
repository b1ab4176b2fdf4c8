"""JSON shapes of the API's objects."""
from __future__ import annotations

from models import Distribution, Document, Organization, ReportDuty, User
from workflow import clock, registry
from workflow.tracking import CopyRow, DutyRow


def ts(value) -> str | None:
    """An ISO-8601 UTC timestamp, or None."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def user_brief(user: User | None) -> dict | None:
    return None if user is None else {"id": user.id, "username": user.username,
                                      "full_name": user.full_name, "position": user.position}


def organization(org: Organization) -> dict:
    return {"id": org.id, "name": org.name, "short_name": org.short_name,
            "abbreviation": org.abbreviation, "kind": org.kind, "parent_id": org.parent_id,
            "issues_documents": org.issues_documents}


def me(user: User) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "position": user.position, "roles": list(user.roles or []),
            "organization": {"id": user.organization.id, "name": user.organization.name}}


def document_brief(doc: Document) -> dict:
    definition = registry.get(doc.workflow)
    step = doc.current_step
    return {"id": doc.id, "doc_type": doc.doc_type, "title": doc.title, "state": doc.state,
            "state_label": definition.state_label(doc.state), "number": doc.number,
            "symbol": doc.symbol, "number_symbol": doc.number_symbol if doc.number else None,
            "issue_date": doc.issue_date.isoformat() if doc.issue_date else None,
            "issuer": {"id": doc.issuer.id, "name": doc.issuer.name},
            "current_step": None if step is None else {
                "key": step.key, "label": step.label, "assignee": user_brief(step.assignee)},
            "version": doc.version, "updated_at": ts(doc.updated_at)}


def document_full(doc: Document, history, obligations, triggers: list[str], *,
                  unreached: dict | None = None) -> dict:
    """The whole document; each report deadline's `unreached_unit_ids` are the units it
    names that are not among the recipients (before issue: they would owe no report)."""
    unreached = unreached or {}
    data = document_brief(doc)
    data.update({
        "workflow": doc.workflow, "sections": doc.sections, "place": doc.place,
        "author": user_brief(doc.author),
        "drafting_unit": {"id": doc.drafting_unit.id, "name": doc.drafting_unit.name},
        "signature": {"authority": doc.signer_authority, "position": doc.signer_position,
                      "name": doc.signer_name},
        "archive": doc.archive,
        "recipients": [{"organization_id": r.organization_id, "group_id": r.group_id,
                        "name": r.name, "purpose": r.purpose} for r in doc.recipients],
        "report_deadlines": [{"id": o.id, "period": o.period, "due": o.due_date.isoformat(),
                              "unit_ids": [u.id for u in o.units],
                              "unreached_unit_ids": [u.id for u in unreached.get(o.id, [])]}
                             for o in obligations],
        "chain": [{"position": s.position, "key": s.key, "label": s.label, "kind": s.kind,
                   "assignee": user_brief(s.assignee), "status": s.status,
                   "decision": s.decision, "comment": s.comment,
                   "decided_by": user_brief(s.decided_by), "decided_at": ts(s.decided_at)}
                  for s in doc.chain()],
        "chain_round": doc.chain_round,
        "history": [{"seq": h.seq, "trigger": h.trigger, "from": h.from_state, "to": h.to_state,
                     "actor": user_brief(h.actor), "on_behalf_of": user_brief(h.on_behalf_of),
                     "comment": h.comment, "at": ts(h.created_at)} for h in history],
        "available_triggers": triggers,
        "file_sha256": doc.file_sha256,
    })
    return data


def duty(d: ReportDuty | DutyRow) -> dict:
    return {"id": d.id, "period": d.period, "due": d.due_date.isoformat(),
            "status": d.status(clock.local_date()), "filed_at": ts(d.filed_at),
            "reports": [{"id": r.id, "text": r.text, "late": r.late, "filed_at": ts(r.filed_at),
                         "filed_by": user_brief(r.filed_by)} for r in d.reports]}


def distribution(d: Distribution | CopyRow) -> dict:
    return {"id": d.id, "document_id": d.document_id,
            "organization": {"id": d.organization.id, "name": d.organization.name},
            "purpose": d.purpose, "status": d.status, "sent_at": ts(d.sent_at),
            "acknowledged_at": ts(d.acknowledged_at), "acknowledged_by": user_brief(d.acknowledged_by),
            "refused_reason": d.refused_reason or None, "via_group_id": d.via_group_id,
            "reports_due": [duty(x) for x in sorted(d.duties, key=lambda x: (x.due_date, x.id))]}
