"""The OpenAPI 3.0 description of /api/v1, served at GET /api/v1/openapi.json.

Written by hand from the handlers and `serializers`; `tests/security` checks
that every rule of the `api` blueprint is described here (a new route
without a description fails) and runs schemathesis against it.
"""
from __future__ import annotations

from flask import jsonify

from ..errors import MAX_ID

JSON = "application/json"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ref(name: str) -> dict:
    """A reference to a schema of `components.schemas`."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, **properties) -> dict:
    """An object schema with `properties` (extra properties allowed)."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def nullable(schema: dict) -> dict:
    """`schema` or null (OpenAPI 3.0 style)."""
    return dict(schema, nullable=True)


def array(items: dict, **extra) -> dict:
    return dict({"type": "array", "items": items}, **extra)


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
TS = nullable({"type": "string", "description": "ISO-8601 UTC, e.g. 2026-05-04T08:30:00Z"})
DATE = {"type": "string", "format": "date"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

SCHEMAS = {
    "Error": obj(["error", "message"], error=STR, message=dict(STR, description="Vietnamese, for people"),
                 details={"type": "object", "additionalProperties": True,
                          "description": "Field errors ({field: message}) or extra facts"}),
    "TokenRequest": obj(["username", "password"], username=STR, password=STR),
    "Token": obj(["token", "token_type", "expires_at", "user"], token=STR,
                 token_type={"type": "string", "enum": ["Bearer"]}, expires_at=TS, user=ref("Me")),
    "Me": obj(["id", "username", "roles", "organization"], id=INT, username=STR, full_name=STR,
              position=STR, roles=array(STR), organization=obj(["id", "name"], id=INT, name=STR)),
    "UserBrief": nullable(obj(["id", "username"], id=INT, username=STR, full_name=STR, position=STR)),
    "Organization": obj(["id", "name"], id=INT, name=STR, short_name=nullable(STR),
                        abbreviation=nullable(STR), kind=STR, parent_id=nullable(INT),
                        issues_documents=BOOL),
    "Group": obj(["id", "name", "member_ids"], id=INT, name=STR, member_ids=array(INT)),
    "DraftInput": obj(
        ["title"],
        doc_type={"type": "string", "description": "KH, QĐ, CV, TB… (default KH)"},
        title={"type": "string", "minLength": 1, "maxLength": 1000},
        sections=array(obj(["heading", "paragraphs"], heading=STR, paragraphs=array(STR)), maxItems=200),
        recipients=array(obj(organization_id=ID, group_id=ID,
                             purpose=nullable({"type": "string", "enum": ["b/c", "t/h", "để biết"]}))),
        report_deadlines=array(obj(["due"], period=STR, due=DATE, unit_ids=array(ID))),
        place=nullable(STR), issuer_id=nullable(ID), archive=array(STR),
        version={"type": "integer", "description": "Expected row version (or If-Match header)"}),
    "TransitionRequest": obj(["trigger"], trigger={"type": "string", "example": "submit",
                                                   "description": "submit, approve, return, sign, issue…"},
                             comment=STR, version=INT),
    "RefuseRequest": obj(["reason"], reason={"type": "string", "minLength": 1}),
    "ReportRequest": obj(["text"], text={"type": "string", "minLength": 1}, duty_id=nullable(ID)),
    "DocumentBrief": obj(
        ["id", "doc_type", "title", "state", "version"], id=INT, doc_type=STR, title=STR, state=STR,
        state_label=STR, number=nullable(INT), symbol=STR, number_symbol=nullable(STR),
        issue_date=nullable(DATE), issuer=obj(["id", "name"], id=INT, name=STR),
        current_step=nullable(obj(key=STR, label=STR, assignee=ref("UserBrief"))),
        version=INT, updated_at=TS),
    "Document": {"allOf": [ref("DocumentBrief"), obj(
        ["history", "chain", "available_triggers"], workflow=STR, sections=array(obj()), place=STR,
        author=ref("UserBrief"), drafting_unit=obj(id=INT, name=STR),
        signature=obj(authority=array(STR), position=STR, name=STR), archive=array(STR),
        recipients=array(obj(organization_id=nullable(INT), group_id=nullable(INT), name=STR,
                             purpose=nullable(STR))),
        report_deadlines=array(obj(id=INT, period=STR, due=DATE, unit_ids=array(INT),
                                   unreached_unit_ids=array(INT))),
        chain=array(obj(position=INT, key=STR, label=STR, kind=STR, assignee=ref("UserBrief"),
                        status=STR, decision=STR, comment=STR, decided_by=ref("UserBrief"),
                        decided_at=TS)),
        chain_round=INT,
        history=array(obj(seq=INT, trigger=STR, **{"from": STR, "to": STR}, actor=ref("UserBrief"),
                          on_behalf_of=ref("UserBrief"), comment=STR, at=TS)),
        available_triggers=array(STR), file_sha256=nullable(STR))]},
    "DocumentPage": obj(["items", "total", "page", "per_page"], items=array(ref("DocumentBrief")),
                        total=INT, page=INT, per_page=INT),
    "Duty": obj(["id", "due", "status"], id=INT, period=STR, due=DATE, status=STR, filed_at=TS,
                reports=array(obj(id=INT, text=STR, late=BOOL, filed_at=TS, filed_by=ref("UserBrief")))),
    "Distribution": obj(
        ["id", "document_id", "organization", "status"], id=INT, document_id=INT,
        organization=obj(["id", "name"], id=INT, name=STR), purpose=nullable(STR),
        status={"type": "string", "enum": ["sent", "acknowledged", "refused"]}, sent_at=TS,
        acknowledged_at=TS, acknowledged_by=ref("UserBrief"), refused_reason=nullable(STR),
        via_group_id=nullable(INT), reports_due=array(ref("Duty"))),
    "DistributionList": obj(["items", "totals"], items=array(ref("Distribution")), totals=obj(
        recipients=INT, acknowledged=INT, refused=INT, reports_owed=INT, reports_filed=INT)),
    "ReportFiled": obj(["id", "filed_at"], id=INT, duty_id=nullable(INT), late=BOOL, filed_at=TS,
                       document_state=STR),
    "IncomingItem": {"allOf": [ref("Distribution"), obj(["document"], document=ref("DocumentBrief"))]},
    "ImportResult": obj(
        ["recipients", "unmatched"], doc_type=nullable(STR), doc_type_name=nullable(STR),
        title=nullable(STR), number=nullable(STR), symbol=nullable(STR),
        recipients=array(obj(name=STR, purpose=nullable(STR), match=nullable(obj(kind=STR, id=INT, name=STR)))),
        report_deadlines=array(obj(period=STR, due=STR)), sections=array(obj()),
        unmatched=array(STR)),
    "DocumentRef": obj(["id", "title", "state"], id=INT, doc_type=STR, title=STR, state=STR,
                       number_symbol=nullable(STR), issue_date=nullable(DATE),
                       issuer=obj(["id", "name"], id=INT, name=STR)),
    "Progress": obj(recipients=INT, acknowledged=INT, unacknowledged=INT, refused=INT,
                    acknowledged_percent={"type": "number"}, reports_owed=INT, filed=INT, on_time=INT,
                    late=INT, overdue=INT, due=INT, reported_percent={"type": "number"}, next_due=nullable(DATE)),
    "TrackingPage": obj(["items", "total"], items=array(obj(document=ref("DocumentRef"), progress=ref("Progress"))),
                        total=INT, total_capped=dict(BOOL, description=(
                            "true: more than `total` match (counted up to 1,000, or one page past the one asked)")),
                        page=INT, per_page=INT, today=DATE),
    "UnitRow": obj(organization=obj(id=INT, name=STR), documents=INT, unacknowledged=INT, refused=INT,
                   reports_owed=INT, overdue=INT, next_due=nullable(DATE)),
    "UnitItems": obj(["organization", "items", "total", "page", "per_page"], organization=obj(id=INT, name=STR),
                     today=DATE, total=INT, page=INT, per_page=INT, items=array(obj(
                         kind=STR, document=ref("DocumentRef"), distribution_id=INT, duty_id=nullable(INT),
                         period=nullable(STR), due=DATE, overdue=BOOL, days=INT, reminders=nullable(INT)))),
    "DocumentTracking": obj(["document", "progress", "recipients"], document=ref("DocumentRef"),
                            progress=ref("Progress"), recipients=array(obj(
                                distribution_id=INT, organization=obj(id=INT, name=STR), status=STR,
                                overdue=dict(INT, description="Number of overdue reports"),
                                next_due=nullable(DATE), duties=array(obj())))),
    "SendAgainRequest": obj(["recipients"], recipients=array(obj(
        organization_id=ID, group_id=ID, purpose=nullable({"type": "string", "enum": ["b/c", "t/h", "để biết"]})),
        minItems=1)),
    "RecurrenceRequest": obj(months=nullable({"type": "integer", "enum": [1, 3, 6, 12]}),
                             until=nullable(DATE)),
    "Recurrence": obj(["id"], id=INT, period=STR, due=DATE, recurrence_months=nullable(INT),
                      series_until=nullable(DATE)),
    "Notification": obj(["id", "kind", "message"], id=INT, kind=STR, message=STR, url=nullable(STR),
                        document_id=nullable(INT), document=nullable(obj(id=INT, title=STR)),
                        created_at=TS, read_at=TS, emailed_at=TS),
    "MarkReadRequest": obj(ids=array(INT), all={"type": "boolean", "enum": [True]}),
    "DelegationRequest": obj(["starts_on", "ends_on"], delegate_id=ID, delegate_username=STR,
                             starts_on=DATE, ends_on=DATE, reason=STR),
    "Delegation": obj(["id", "delegator", "delegate"], id=INT, delegator=ref("UserBrief"),
                      delegate=ref("UserBrief"), starts_on=DATE, ends_on=DATE, reason=STR,
                      created_at=TS, revoked_at=TS, active=BOOL),
    "Upload": obj(["file"], file={"type": "string", "format": "binary",
                                  "description": ".docx or .txt as published"}),
    "UploadWithMapping": obj(["file"], file={"type": "string", "format": "binary"}, mapping={
        "type": "string", "description": 'JSON: {"0": {"organization_id": 5}, "2": null}'}),
}

ERRORS = {
    "400": "Malformed request",
    "401": "Missing, expired or wrong credentials",
    "403": "Not allowed for this user (or account locked)",
    "404": "No such object, or not visible to this user",
    "409": "State does not allow it, or someone changed it first",
    "413": "Upload too large",
    "422": "Invalid input; `details` names the fields",
    "429": "Too many login attempts",
}


def json_body(schema: dict) -> dict:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def op(summary: str, ok: tuple[str, dict], errors: str, *, body: dict | None = None,
       params: list | None = None, public: bool = False, tag: str = "documents",
       operation_id: str = "", content_type: str = JSON) -> dict:
    """One operation: success response `ok` (status, schema) and the error statuses it may answer."""
    status, schema = ok
    responses = {status: {"description": "OK", "content": {content_type: {"schema": schema}}}}
    for code in errors.split():
        responses[code] = {"$ref": f"#/components/responses/E{code}"}
    operation = {"summary": summary, "tags": [tag], "operationId": operation_id, "responses": responses}
    if body:
        operation["requestBody"] = body
    if params:
        operation["parameters"] = params
    if public:
        operation["security"] = []
    return operation


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID, "example": 1}


def query(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


DOC, DIST = [path_id("doc_id")], [path_id("dist_id")]
UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": ref("Upload")}}}
UPLOAD_MAP = {"required": True, "content": {"multipart/form-data": {"schema": ref("UploadWithMapping")}}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": STR,
            "description": "Expected row version (instead of `version` in the body)"}


def _paths() -> dict:
    p = "/api/v1"
    return {
        f"{p}/openapi.json": {"get": op("This description", ("200", {"type": "object"}), "", public=True,
                                        tag="meta", operation_id="openapi")},
        f"{p}/tokens": {"post": op(
            "Log in: exchange username and password for a bearer token", ("201", ref("Token")),
            "400 401 403 422 429", body=json_body(ref("TokenRequest")), public=True, tag="auth",
            operation_id="create_token")},
        f"{p}/me": {"get": op("The calling user", ("200", ref("Me")), "401", tag="auth", operation_id="me")},
        f"{p}/organizations": {"get": op(
            "The directory (every organization unless filtered or paged)",
            ("200", obj(["items", "total", "page", "per_page"], items=array(ref("Organization")), total=INT,
                        page=INT, per_page=INT)), "401 422",
            params=[query("q", STR, "Words of the name, diacritics ignored"), query("parent_id", INT),
                    query("page", {"type": "integer", "minimum": 1}),
                    query("per_page", {"type": "integer", "minimum": 1, "maximum": 1000},
                          "A page of this many; without it, every organization")],
            tag="directory", operation_id="organizations")},
        f"{p}/groups": {"get": op("Recipient groups", ("200", obj(["items"], items=array(ref("Group")))),
                                  "401", tag="directory", operation_id="groups")},
        f"{p}/documents": {
            "get": op("Documents visible to the user", ("200", ref("DocumentPage")), "401 422",
                      params=[query("state", STR), query("q", STR, "Search (diacritics ignored)"),
                              query("page", {"type": "integer", "minimum": 1}),
                              query("per_page", {"type": "integer", "minimum": 1, "maximum": 100})],
                      operation_id="list_documents"),
            "post": op("Create a draft", ("201", ref("Document")), "400 401 403 404 422",
                       body=json_body(ref("DraftInput")), operation_id="create_document")},
        f"{p}/documents/{{doc_id}}": {
            "get": op("One document (the opening is written to the access log)", ("200", ref("Document")),
                      "401 403 404", params=DOC, operation_id="get_document"),
            "put": op("Save a draft (author, state draft)", ("200", ref("Document")), "400 401 403 404 409 422",
                      body=json_body(ref("DraftInput")), params=DOC + [IF_MATCH], operation_id="update_document"),
            "patch": op("Save a draft (same as PUT)", ("200", ref("Document")), "400 401 403 404 409 422",
                        body=json_body(ref("DraftInput")), params=DOC + [IF_MATCH],
                        operation_id="update_document_patch")},
        f"{p}/documents/{{doc_id}}/transitions": {"post": op(
            "Fire a workflow trigger (submit, approve, return, sign, issue…)", ("200", ref("Document")),
            "400 401 403 404 409 422", body=json_body(ref("TransitionRequest")), params=DOC + [IF_MATCH],
            operation_id="transition")},
        f"{p}/documents/{{doc_id}}/distributions": {"get": op(
            "Recipients of an issued document and their acknowledgements", ("200", ref("DistributionList")),
            "401 403 404", params=DOC, tag="distribution", operation_id="distributions")},
        f"{p}/documents/{{doc_id}}/docx": {"get": op(
            "The document as .docx (the frozen file once issued, with X-Content-SHA256; "
            "written to the access log)", ("200", {"type": "string", "format": "binary"}), "401 403 404",
            params=DOC, content_type=DOCX, operation_id="document_docx")},
        f"{p}/distributions/{{dist_id}}/acknowledge": {"post": op(
            "Acknowledge receipt for the user's unit", ("200", ref("Distribution")), "401 403 404 409",
            params=DIST, tag="distribution", operation_id="acknowledge")},
        f"{p}/distributions/{{dist_id}}/refuse": {"post": op(
            "Refuse a document not meant for the user's unit", ("200", ref("Distribution")),
            "400 401 403 404 409 422", body=json_body(ref("RefuseRequest")), params=DIST,
            tag="distribution", operation_id="refuse")},
        f"{p}/distributions/{{dist_id}}/reports": {"post": op(
            "File a report owed under a document", ("201", ref("ReportFiled")), "400 401 403 404 409 422",
            body=json_body(ref("ReportRequest")), params=DIST, tag="distribution", operation_id="file_report")},
        f"{p}/incoming": {"get": op(
            "Documents sent to the user's unit, newest first, a page at a time",
            ("200", obj(["items", "total", "page", "per_page"], items=array(ref("IncomingItem")),
                        total=INT, page=INT, per_page=INT)),
            "401 422", params=[query("status", {"type": "string", "enum": ["sent", "acknowledged", "refused"]}),
                               query("page", {"type": "integer", "minimum": 1}),
                               query("per_page", {"type": "integer", "minimum": 1, "maximum": 100})],
            tag="distribution", operation_id="incoming")},
        f"{p}/imports": {"post": op(
            "Read an uploaded document; say what was found and how recipients matched",
            ("200", ref("ImportResult")), "400 401 413 422", body=UPLOAD, tag="imports",
            operation_id="import_file")},
        f"{p}/imports/drafts": {"post": op(
            "Read an uploaded document and create a draft from it", ("201", ref("Document")),
            "400 401 403 404 413 422", body=UPLOAD_MAP, tag="imports", operation_id="import_draft")},
    }


def _followup_paths(p: str) -> dict:
    """Follow-through: tracking (JSON and XLSX), sending again, recurrence, the bell, delegations."""
    xlsx = ("200", {"type": "string", "format": "binary"})
    listing = [query("q", STR), query("overdue", BOOL), query("page", {"type": "integer", "minimum": 1}),
               query("per_page", {"type": "integer", "minimum": 1, "maximum": 100})]
    outstanding = [query("outstanding", BOOL, "Only units that owe something")]
    optional_page = [query("page", {"type": "integer", "minimum": 1}),
                     query("per_page", {"type": "integer", "minimum": 1, "maximum": 1000},
                           "A page of this many; without it, every row")]
    paged_1000 = [query("page", {"type": "integer", "minimum": 1}),
                  query("per_page", {"type": "integer", "minimum": 1, "maximum": 1000}, "100 unless given")]
    org, obligation = [path_id("org_id")], [path_id("obligation_id")]
    t = "tracking"
    return {
        f"{p}/tracking": {"get": op("Issued documents and how far their recipients are",
                                    ("200", ref("TrackingPage")), "401 422", params=listing, tag=t,
                                    operation_id="tracking")},
        f"{p}/tracking.xlsx": {"get": op("The same as a spreadsheet", xlsx, "401 422", params=listing[:2],
                                         content_type=XLSX, tag=t, operation_id="tracking_xlsx")},
        f"{p}/tracking/units": {"get": op("What each unit owes", ("200", obj(
            ["items", "total", "page", "per_page"], items=array(ref("UnitRow")), today=DATE, total=INT, page=INT,
            per_page=INT)), "401", params=outstanding + optional_page, tag=t, operation_id="tracking_units")},
        f"{p}/tracking/units.xlsx": {"get": op("The same as a spreadsheet", xlsx, "401", params=outstanding,
                                               content_type=XLSX, tag=t, operation_id="tracking_units_xlsx")},
        f"{p}/tracking/units/{{org_id}}": {"get": op("What one unit owes, item by item", ("200", ref("UnitItems")),
                                                     "401 403 404", params=org + paged_1000, tag=t,
                                                     operation_id="tracking_unit")},
        f"{p}/tracking/units/{{org_id}}.xlsx": {"get": op("The same as a spreadsheet", xlsx, "401 403 404",
                                                          params=org, content_type=XLSX, tag=t,
                                                          operation_id="tracking_unit_xlsx")},
        f"{p}/documents/{{doc_id}}/tracking": {"get": op(
            "One document's recipients: acknowledgements and reports", ("200", ref("DocumentTracking")),
            "401 403 404", params=DOC, tag=t, operation_id="document_tracking")},
        f"{p}/documents/{{doc_id}}/tracking.xlsx": {"get": op(
            "The same as a spreadsheet", xlsx, "401 403 404", params=DOC, content_type=XLSX, tag=t,
            operation_id="document_tracking_xlsx")},
        f"{p}/documents/{{doc_id}}/recipients": {"post": op(
            "Send an issued document to more recipients (gửi bổ sung)",
            ("201", obj(["added"], added=array(ref("Distribution")), document_state=STR)),
            "400 401 403 404 409 422", body=json_body(ref("SendAgainRequest")), params=DOC,
            tag="distribution", operation_id="send_again")},
        f"{p}/obligations/{{obligation_id}}/recurrence": {"put": op(
            "Make a report deadline periodic (months) until a date, or stop it (null)",
            ("200", ref("Recurrence")), "400 401 403 404 409 422", body=json_body(ref("RecurrenceRequest")),
            params=obligation, tag=t, operation_id="set_recurrence")},
        f"{p}/notifications": {"get": op(
            "The user's notifications, newest first", ("200", obj(["items", "unread"], items=array(ref("Notification")),
                                                                   unread=INT)),
            "401 422", params=[query("unread", BOOL), query("limit", {"type": "integer", "minimum": 1, "maximum": 100}),
                               query("before", {"type": "integer", "minimum": 0}, "Only ids below this")],
            tag="notifications", operation_id="notifications")},
        f"{p}/notifications/read": {"post": op(
            "Mark notifications read (ids, or all: true)", ("200", obj(marked=INT, unread=INT)), "400 401 422",
            body=json_body(ref("MarkReadRequest")), tag="notifications", operation_id="notifications_read")},
        f"{p}/delegations": {
            "get": op("Delegations the user gave and received", ("200", obj(
                ["given", "received"], given=array(ref("Delegation")), received=array(ref("Delegation")))),
                "401", tag="delegations", operation_id="list_delegations"),
            "post": op("Delegate the user's approvals to a colleague for a period", ("201", ref("Delegation")),
                       "400 401 403 409 422", body=json_body(ref("DelegationRequest")), tag="delegations",
                       operation_id="create_delegation")},
        f"{p}/delegations/{{delegation_id}}/revoke": {"post": op(
            "End a delegation now", ("200", ref("Delegation")), "401 403 404 409",
            params=[path_id("delegation_id")], tag="delegations", operation_id="revoke_delegation")},
    }


def build() -> dict:
    """The whole OpenAPI document as a dict."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Văn bản — API v1", "version": "1.0.0",
                 "description": "Drafting, approval, issuing and distribution of administrative documents "
                                "(Nghị định 30/2020/NĐ-CP). Log in with POST /api/v1/tokens, then send "
                                "`Authorization: Bearer <token>`. Errors are JSON `Error` objects with a "
                                "Vietnamese `message`."},
        "paths": dict(_paths(), **_followup_paths("/api/v1")),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "responses": {f"E{code}": {"description": text, "content": {JSON: {"schema": ref("Error")}}}
                          for code, text in ERRORS.items()},
        },
        "security": [{"bearerAuth": []}],
    }


def openapi_json():
    """GET /api/v1/openapi.json: this description (no login needed)."""
    return jsonify(build())
