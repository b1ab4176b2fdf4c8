"""How the route matrix calls each route: the request, and what an allowed one changes.

`RECIPES["METHOD endpoint"](world, actor, doc, trigger)` answers a `Call`; `doc`
is the matrix document of the state being checked (None for other routes) and
`trigger` the workflow trigger of a transition route.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from models import (ApiToken, Delegation, Distribution, Document, DocumentRevision, Notification, Report,
                    ReportingObligation)
from tests.conftest import CORPUS_DIR
from tests.security import route_admin_requests as admin_requests
from tests.security.route_world import ANONYMOUS, Call, upload

PLAN_TXT = (CORPUS_DIR / "000.txt").read_bytes()
UNMAPPED = {str(i): None for i in range(100)}  # leave every recipient line of an import out


def _draft_json(world, title: str) -> dict:
    return {"doc_type": "KH", "title": title,
            "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}],
            "recipients": [{"organization_id": world.orgs["mttq"], "purpose": "t/h"}]}


def _draft_form(world, title: str, version: int | None = None) -> dict:
    data = {"doc_type": "KH", "issuer_id": "", "title": title, "place": "",
            "sections-0-heading": "I. MỤC ĐÍCH", "sections-0-paragraphs": "Nội dung.",
            "recipients-0-target": f"o:{world.orgs['mttq']}", "recipients-0-purpose": "t/h",
            "deadlines-0-period": "", "deadlines-0-due": ""}
    if version is not None:
        data["version"] = str(version)
    return data


def _documents(world):
    return lambda: world.count(Document)


def _revisions(world, doc):
    return lambda: world.count(DocumentRevision, DocumentRevision.document_id == doc.id)


def _version(world, doc) -> int:
    return world.value(select(Document.version).where(Document.id == doc.id))[0]


def _where(world, doc):
    return lambda: world.value(select(Document.state, Document.current_step_id, Document.chain_round)
                               .where(Document.id == doc.id))


def _copies(world, doc):
    return lambda: world.count(Distribution, Distribution.document_id == doc.id)


def _copy_status(world, doc):
    return lambda: world.value(select(Distribution.status).where(Distribution.id == doc.dist))


def _reports(world, doc):
    return lambda: world.count(Report, Report.duty_id == doc.duty)


def _read(world, notification_id):
    return lambda: world.value(select(Notification.read_at).where(Notification.id == notification_id))


def _revoked(world, delegation_id):
    return lambda: world.value(select(Delegation.revoked_at).where(Delegation.id == delegation_id))


def _delegations_by(world, actor):
    user_id = world.users.get(actor)
    return lambda: world.count(Delegation, Delegation.delegator_id == user_id)


def get(url):
    """A recipe for a GET of a fixed URL."""
    return lambda world, actor, doc, trigger: Call("GET", url)


def doc_get(pattern):
    """A recipe for a GET of a document URL (`{id}` is the document's id)."""
    return lambda world, actor, doc, trigger: Call("GET", pattern.format(id=doc.id))


# --- session ---------------------------------------------------------------------------------

def login_post(world, actor, doc, trigger):
    name = "chuyenvien" if actor == ANONYMOUS else actor
    return Call("POST", "/login", data={"username": name, "password": "demo"})


def logout(world, actor, doc, trigger):
    browser = None if actor == ANONYMOUS else world.browser(actor)  # the session that logs out
    return Call("POST", "/logout", effect=lambda: browser is not None and browser.logged_in(), to_login=True)


def create_token(world, actor, doc, trigger):
    name = "chuyenvien" if actor == ANONYMOUS else actor
    return Call("POST", "/api/v1/tokens", json={"username": name, "password": "demo"},
                effect=lambda: world.count(ApiToken))


# --- documents -------------------------------------------------------------------------------

def create_ui(world, actor, doc, trigger):
    return Call("POST", "/documents/new", data=_draft_form(world, "Kế hoạch mới (giao diện)"),
                effect=_documents(world))


def create_api(world, actor, doc, trigger):
    return Call("POST", "/api/v1/documents", json=_draft_json(world, "Kế hoạch mới (API)"),
                effect=_documents(world))


def edit_ui(world, actor, doc, trigger):
    return Call("POST", f"/documents/{doc.id}/edit",
                data=_draft_form(world, "Kế hoạch đã sửa", _version(world, doc)),
                effect=_revisions(world, doc))


def update_api(method):
    def recipe(world, actor, doc, trigger):
        body = dict(_draft_json(world, "Kế hoạch đã sửa (API)"), version=_version(world, doc))
        return Call(method, f"/api/v1/documents/{doc.id}", json=body, effect=_revisions(world, doc))
    return recipe


def transition_ui(world, actor, doc, trigger):
    return Call("POST", f"/documents/{doc.id}/transition",
                data={"trigger": trigger, "comment": "Ý kiến.", "version": str(_version(world, doc))},
                effect=_where(world, doc))


def transition_api(world, actor, doc, trigger):
    return Call("POST", f"/api/v1/documents/{doc.id}/transitions",
                json={"trigger": trigger, "comment": "Ý kiến.", "version": _version(world, doc)},
                effect=_where(world, doc))


def verify_post(world, actor, doc, trigger):
    copy = b"PK copy"
    return Call("POST", f"/documents/{doc.id}/verify", data={"file": upload(copy, "ban-sao.docx")},
                shows=hashlib.sha256(copy).hexdigest())


def import_form_post(world, actor, doc, trigger):
    return Call("POST", "/documents/import", data={"file": upload(PLAN_TXT, "ke-hoach.txt")},
                shows='name="payload"')


def import_confirm(world, actor, doc, trigger):
    payload = {"doc_type": "KH", "title": "Kế hoạch nhập", "recipients": [],
               "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}]}
    return Call("POST", "/documents/import/confirm",
                data={"payload": json.dumps(payload, ensure_ascii=False), "title": "Kế hoạch nhập từ tệp"},
                effect=_documents(world))


def import_file_api(world, actor, doc, trigger):
    return Call("POST", "/api/v1/imports", data={"file": upload(PLAN_TXT, "ke-hoach.txt")},
                shows='"recipients"')


def import_draft_api(world, actor, doc, trigger):
    return Call("POST", "/api/v1/imports/drafts",
                data={"file": upload(PLAN_TXT, "ke-hoach.txt"), "mapping": json.dumps(UNMAPPED)},
                effect=_documents(world))


# --- inbox -----------------------------------------------------------------------------------

def acknowledge(api):
    def recipe(world, actor, doc, trigger):
        url = f"/api/v1/distributions/{doc.dist}/acknowledge" if api else f"/inbox/{doc.dist}/acknowledge"
        return Call("POST", url, json={} if api else None, data=None if api else {},
                    effect=_copy_status(world, doc))
    return recipe


def refuse(api):
    def recipe(world, actor, doc, trigger):
        body = {"reason": "Văn bản không gửi cho đơn vị này."}
        url = f"/api/v1/distributions/{doc.dist}/refuse" if api else f"/inbox/{doc.dist}/refuse"
        return Call("POST", url, json=body if api else None, data=None if api else body,
                    effect=_copy_status(world, doc))
    return recipe


def file_report(api):
    def recipe(world, actor, doc, trigger):
        if api:
            return Call("POST", f"/api/v1/distributions/{doc.dist}/reports",
                        json={"text": "Báo cáo kết quả.", "duty_id": doc.duty}, effect=_reports(world, doc))
        return Call("POST", f"/inbox/{doc.dist}/reports", data={"duty_id": str(doc.duty), "text": "Báo cáo."},
                    effect=_reports(world, doc))
    return recipe


# --- follow-up ------------------------------------------------------------------------------

def send_again(api):
    def recipe(world, actor, doc, trigger):
        if api:
            return Call("POST", f"/api/v1/documents/{doc.id}/recipients",
                        json={"recipients": [{"organization_id": world.orgs["mttq"], "purpose": "t/h"}]},
                        effect=_copies(world, doc))
        return Call("POST", f"/documents/{doc.id}/send-again",
                    data={"target": f"o:{world.orgs['mttq']}", "purpose": "t/h"}, effect=_copies(world, doc))
    return recipe


def set_recurrence(world, actor, doc, trigger):
    return Call("PUT", f"/api/v1/obligations/{doc.obligation}/recurrence",
                json={"months": 3, "until": "2032-12-31"},
                effect=lambda: world.value(select(ReportingObligation.recurrence_months)
                                           .where(ReportingObligation.id == doc.obligation)))


def open_notification(world, actor, doc, trigger):
    return Call("GET", f"/notifications/{world.notification('truongphong')}")


def mark_read(api):
    def recipe(world, actor, doc, trigger):
        probe = world.notification("truongphong")
        if api:
            return Call("POST", "/api/v1/notifications/read", json={"ids": [probe]}, effect=_read(world, probe))
        return Call("POST", f"/notifications/{probe}/read", data={"next": "/notifications"},
                    effect=_read(world, probe))
    return recipe


def mark_all_read(world, actor, doc, trigger):
    bystander = world.notification("vanthu" if actor != "vanthu" else "mttq")
    own = world.notification(actor) if actor != ANONYMOUS else None
    return Call("POST", "/notifications/read-all", data={"next": "/notifications"},
                effect=_read(world, own) if own else None, keep=_read(world, bystander))


def create_delegation(api):
    def recipe(world, actor, doc, trigger):
        start, end = world.future_days()
        if api:
            return Call("POST", "/api/v1/delegations", effect=_delegations_by(world, actor),
                        json={"delegate_username": "chutich", "starts_on": start, "ends_on": end})
        return Call("POST", "/delegations", effect=_delegations_by(world, actor),
                    data={"delegate_id": str(world.users["chutich"]), "starts_on": start, "ends_on": end,
                          "reason": "Đi công tác."})
    return recipe


def revoke_delegation(api):
    def recipe(world, actor, doc, trigger):
        probe = world.delegation("truongphong", "vanphong")
        url = f"/api/v1/delegations/{probe}/revoke" if api else f"/delegations/{probe}/revoke"
        return Call("POST", url, json={} if api else None, data=None if api else {},
                    effect=_revoked(world, probe))
    return recipe


def _unit(world):
    """A recipient unit for the tracking pages of one unit."""
    return world.orgs["so_vhttdl"]


RECIPES = {
    "GET auth.login": get("/login"),
    "POST auth.login": login_post,
    "POST auth.logout": logout,
    "POST auth.set_locale": lambda w, a, d, t: Call("POST", "/locale", data={"locale": "vi", "next": "/"}),
    "GET home.index": get("/"),
    "GET documents.index": get("/documents?q=ke+hoach"),
    "GET documents.create": get("/documents/new"),
    "POST documents.create": create_ui,
    "GET documents.show": doc_get("/documents/{id}"),
    "GET documents.edit": doc_get("/documents/{id}/edit"),
    "POST documents.edit": edit_ui,
    "POST documents.transition": transition_ui,
    "GET documents.diff": doc_get("/documents/{id}/diff"),
    "GET documents.history": doc_get("/documents/{id}/history"),
    "GET documents.preview": doc_get("/documents/{id}/preview"),
    "GET docio.download": doc_get("/documents/{id}.docx"),
    "GET docio.verify": doc_get("/documents/{id}/verify"),
    "POST docio.verify": verify_post,
    "GET docio.import_form": get("/documents/import"),
    "POST docio.import_form": import_form_post,
    "POST docio.import_confirm": import_confirm,
    "GET registers.outgoing": get("/registers/outgoing"),
    "GET registers.outgoing_xlsx": get("/registers/outgoing.xlsx"),
    "GET registers.outgoing_csv": get("/registers/outgoing.csv"),
    "GET inbox.index": get("/inbox"),
    "GET inbox.show": lambda w, a, d, t: Call("GET", f"/inbox/{d.dist}"),
    "POST inbox.acknowledge": acknowledge(api=False),
    "POST inbox.refuse": refuse(api=False),
    "POST inbox.file_report": file_report(api=False),
    "GET inbox.attachment": lambda w, a, d, t: Call("GET", f"/inbox/reports/{d.report}/attachment"),
    "GET tracking.dashboard": get("/tracking"),
    "GET tracking.dashboard_xlsx": get("/tracking.xlsx"),
    "GET tracking.units": get("/tracking/units"),
    "GET tracking.units_xlsx": get("/tracking/units.xlsx"),
    "GET tracking.unit": lambda w, a, d, t: Call("GET", f"/tracking/units/{_unit(w)}"),
    "GET tracking.unit_xlsx": lambda w, a, d, t: Call("GET", f"/tracking/units/{_unit(w)}.xlsx"),
    "GET tracking.document_xlsx": doc_get("/documents/{id}/tracking.xlsx"),
    "GET tracking.send_again_form": doc_get("/documents/{id}/send-again"),
    "POST tracking.send_again": send_again(api=False),
    "GET notifications.index": get("/notifications"),
    "GET notifications.open": open_notification,
    "POST notifications.mark_read": mark_read(api=False),
    "POST notifications.mark_all_read": mark_all_read,
    "GET delegations.index": get("/delegations"),
    "POST delegations.create": create_delegation(api=False),
    "POST delegations.revoke": revoke_delegation(api=False),
    "GET admin.index": get("/admin"),
    "GET admin.organizations": get("/admin/organizations"),
    "GET admin.organization_new": get("/admin/organizations/new"),
    "GET admin.groups": get("/admin/groups"),
    "GET admin.group_new": get("/admin/groups/new"),
    "GET admin.users": get("/admin/users"),
    "GET admin.user_new": get("/admin/users/new"),
    "GET admin.workflows": get("/admin/workflows"),
    "GET admin.workflow": get("/admin/workflows/ke_hoach_ubnd"),
    "GET api.openapi": get("/api/v1/openapi.json"),
    "POST api.create_token": create_token,
    "GET api.me": get("/api/v1/me"),
    "GET api.organizations": get("/api/v1/organizations"),
    "GET api.groups": get("/api/v1/groups"),
    "GET api.list_documents": get("/api/v1/documents?q=ke+hoach"),
    "POST api.create_document": create_api,
    "GET api.get_document": doc_get("/api/v1/documents/{id}"),
    "PUT api.update_document": update_api("PUT"),
    "PATCH api.update_document": update_api("PATCH"),
    "POST api.transition": transition_api,
    "GET api.distributions": doc_get("/api/v1/documents/{id}/distributions"),
    "POST api.acknowledge": acknowledge(api=True),
    "POST api.refuse": refuse(api=True),
    "POST api.file_report": file_report(api=True),
    "GET api.incoming": get("/api/v1/incoming"),
    "GET api.document_docx": doc_get("/api/v1/documents/{id}/docx"),
    "POST api.import_file": import_file_api,
    "POST api.import_draft": import_draft_api,
    "GET api.tracking": get("/api/v1/tracking"),
    "GET api.tracking_xlsx": get("/api/v1/tracking.xlsx"),
    "GET api.tracking_units": get("/api/v1/tracking/units"),
    "GET api.tracking_units_xlsx": get("/api/v1/tracking/units.xlsx"),
    "GET api.tracking_unit": lambda w, a, d, t: Call("GET", f"/api/v1/tracking/units/{_unit(w)}"),
    "GET api.tracking_unit_xlsx": lambda w, a, d, t: Call("GET", f"/api/v1/tracking/units/{_unit(w)}.xlsx"),
    "GET api.document_tracking": doc_get("/api/v1/documents/{id}/tracking"),
    "GET api.document_tracking_xlsx": doc_get("/api/v1/documents/{id}/tracking.xlsx"),
    "POST api.send_again": send_again(api=True),
    "PUT api.set_recurrence": set_recurrence,
    "GET api.notifications": get("/api/v1/notifications"),
    "POST api.notifications_read": mark_read(api=True),
    "GET api.list_delegations": get("/api/v1/delegations"),
    "POST api.create_delegation": create_delegation(api=True),
    "POST api.revoke_delegation": revoke_delegation(api=True),
    **admin_requests.RECIPES,
}

