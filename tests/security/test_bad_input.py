"""Bad input over the UI and the API: refused with a clear message, and nothing changes.

Every case of a "refused" table (`API_REFUSED`, `UI_REFUSED`) asserts three things:

1. no 5xx: the exact 4xx status (or, in the UI, the 303 back to a page) is expected;
2. a clear message: for the API a JSON body `{"error": code, "message": …}` with the
   expected code and a part of the Vietnamese message; for the UI the Vietnamese
   message on the page, or in the flash shown after the redirect;
3. the database is unchanged: a snapshot of every table of `db.metadata` (its row
   count and a SHA-256 of all its rows ordered by primary key) taken before and after.

One table is left out of the snapshot (`AUDIT_TABLES`): `access_log`. Opening a
document page records who opened it (the access log ND30 asks for), and the UI
cases open a page to read the flash after the redirect: that row is written by
design on every view, by the follow-up GET, not by the refused request.

Search terms that look like SQL or LIKE wildcards are not refused: they must find
the documents whose text holds them literally, never one the caller cannot see
(`test_search_terms_are_literal_and_never_leak`). Script in a title, a return
comment or a refusal reason is legitimate input that is stored as typed, so those
cases assert that it comes back escaped in every page that shows it.

Speed: the world (the demo directory, its four sample plans, a draft, a plan
waiting for signature, documents for the search cases, logged-in API and browser
clients) is built once for the module on one app and one database. Each refused
case proves it left that world as it found it, and the three cases that write
touch only what no other case reads (their own new plans, the Đảng ủy's copy of
the issued plan), so no case depends on the order they run in.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

import tests.conftest as base
from config.settings import TestConfig
from models import Distribution, Document, User, db
from tests.docio.builders import build_docx, zip_of
from tests.factories import make_draft, run_chain
from tests.security.conftest import fresh_g
from tests.web.conftest import Browser
from workflow import clock, queries

# Tables that legitimately record an attempt (see the module docstring).
AUDIT_TABLES = {
    "access_log",  # who opened which document: every page view adds a row, by design
}

UPLOAD_LIMIT = 256 * 1024  # MAX_CONTENT_LENGTH of this module's app: small, so oversize is cheap
HUGE = 2**70               # beyond any database integer
SCRIPT = '<script>alert("vanban")</script>'
ESCAPED = "&lt;script&gt;alert("
SPECIALS = "100% _ \\ ' OR 1=1 -- %' OR '1'='1"
SEARCH_TERMS = ["' OR 1=1 --", "%", "_", "\\", "%' OR '1'='1"]


# --- the world -------------------------------------------------------------------------

@dataclass
class World:
    """The app, the ids the cases need (also read as attributes: `w.draft`) and the
    logged-in clients: API tokens by username (plus "expired" and "forged"), browsers."""

    app: object
    ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    browsers: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None

    def api(self, token_of: str | None, method: str, url: str, **kwargs):
        """A request with the bearer token of `token_of` (a username, "expired", "forged")."""
        headers = kwargs.pop("headers", {})
        if token_of is not None:
            headers["Authorization"] = f"Bearer {self.tokens[token_of]}"
        fresh_g()
        return getattr(self.app.test_client(), method)(url, headers=headers, **kwargs)


def _build(session, world: World) -> None:
    """The documents and distributions the cases act on, made by the services."""
    from web.demo_documents import create_demo_documents
    from web.seed import load_demo
    from web.auth import issue_token

    with pytest.MonkeyPatch.context() as patch:  # a fast hash of "demo", as the `demo` fixture does
        fast = generate_password_hash("demo", method="pbkdf2:sha256:1000")
        patch.setattr(User, "set_password", lambda self, pw: setattr(self, "password_hash", fast))
        demo = load_demo(session)
    session.commit()
    users, orgs = demo["users"], demo["organizations"]
    create_demo_documents(session, demo)
    issued, in_review, signed, hidden_draft = session.scalars(select(Document).order_by(Document.id))
    assert (issued.state, in_review.state, signed.state, hidden_draft.state) == \
        ("distributed", "in_review", "signed", "draft")
    draft = make_draft(session, users["chuyenvien"], [orgs["binhlu_mttq"]],
                       title="Kế hoạch tổng vệ sinh môi trường", deadlines=[("năm", "2027-06-30")])
    reviewed = run_chain(session, make_draft(session, users["chuyenvien"], [orgs["binhlu_ttdv"]],
                                             title="Kế hoạch chờ ký"), until="reviewed")
    literal = make_draft(session, users["chuyenvien"], [orgs["binhlu_mttq"]],
                         title=f"Kiểm thử ký tự đặc biệt {SPECIALS} Bình Lư")
    literal_hidden = make_draft(session, users["kp_chuyenvien"], [orgs["kimphuong_dangu"]],
                                title=f"Tài liệu riêng Kim Phượng {SPECIALS}")
    dist = {d.organization_id: d for d in session.scalars(
        select(Distribution).where(Distribution.document_id == issued.id))}
    ttdv = dist[orgs["binhlu_ttdv"].id]  # purpose t/h: it owes the reports
    expired, _row = issue_token(users["vanthu"], -1)
    session.commit()
    world.ids.update(
        issued=issued.id, issued_version=issued.version, in_review=in_review.id,
        stale_version=in_review.version - 1, in_review_version=in_review.version, signed=signed.id,
        hidden_draft=hidden_draft.id, draft=draft.id, draft_version=draft.version,
        reviewed=reviewed.id, reviewed_version=reviewed.version, literal=literal.id,
        literal_title=literal.title, literal_hidden=literal_hidden.id,
        literal_hidden_title=literal_hidden.title, issued_title=issued.title,
        ttdv_dist=ttdv.id, ttdv_duty=ttdv.duties[0].id, dangu_dist=dist[orgs["binhlu_dangu"].id].id,
        mttq_org=orgs["binhlu_mttq"].id, chutich=users["chutich"].id,
        visible=frozenset(d.id for d in queries.list_documents(
            session, users["chuyenvien"], per_page=1000).items))
    world.tokens.update(expired=expired, forged="Zm9yZ2VkLXRva2VuLW5vdC1pc3N1ZWQtYnktdXM")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The module's app and database with the world built and every client logged in."""
    from web import create_app
    url = base.database_url(tmp_path_factory.mktemp("bad-input"))
    settings = type("T", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True,
                                         "MAX_CONTENT_LENGTH": UPLOAD_LIMIT})
    app = create_app(settings)
    with app.app_context():
        base.reset_database()
        result = World(app)
        _build(db.session, result)
        for name in ("chuyenvien", "truongphong", "phochutich", "vanthu", "mttq", "danguy",
                     "ttdv", "sl_sovhttdl"):
            response = result.api(None, "post", "/api/v1/tokens", json={"username": name, "password": "demo"})
            assert response.status_code == 201, response.get_json()
            result.tokens[name] = response.get_json()["token"]
        for name in ("chuyenvien", "truongphong", "phochutich", "vanthu", "mttq", "danguy"):
            result.browsers[name] = Browser(app).login(name)
        yield result
        db.session.remove()
        clock.set_now(None)
        if not base.USE_PG:
            db.engine.dispose()


def snapshot() -> dict[str, tuple[int, str]]:
    """{table: (row count, SHA-256 of its rows ordered by primary key)}, audit tables left out."""
    db.session.rollback()
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name in AUDIT_TABLES:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).all()
        tables[table.name] = (len(rows), hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest())
    db.session.rollback()
    return tables


def assert_unchanged(before: dict) -> None:
    after = snapshot()
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"tables changed by a refused request: {changed}"


# --- hostile files ---------------------------------------------------------------------

IMPORTABLE = ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ", "KẾ HOẠCH", "Tổ chức ngày hội văn hóa các dân tộc",
              "I. MỤC ĐÍCH", "Nội dung.", "Nơi nhận:", "- Hội Cựu chiến binh bản Nà Xa Xôi;", "- Lưu: VT."]


def _rezip(data: bytes, change: Callable[[str, bytes], bytes], **extra: bytes) -> bytes:
    """`data` (a .docx) with each member passed through `change(name, bytes)`, plus `extra`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: change(info.filename, source.read(info.filename)) for info in source.infolist()}
    return zip_of({**members, **extra})


def _in(member: str, old: bytes, new: bytes) -> Callable[[str, bytes], bytes]:
    """A `_rezip` change: replace `old` by `new` once in `member`."""
    return lambda name, body: body.replace(old, new, 1) if name == member else body


def _doctype(declarations: str, reference: str) -> bytes:
    """The importable .docx with a DTD in word/document.xml and `reference` in its title."""
    xml = zipfile.ZipFile(io.BytesIO(importable())).read("word/document.xml")
    xml = xml.replace(b"?>", f"?><!DOCTYPE w:document [{declarations}]>".encode(), 1)
    xml = xml.replace("Tổ chức ngày hội".encode(), reference.encode(), 1)
    return _rezip(importable(), lambda name, body: xml if name == "word/document.xml" else body)


@cache
def importable() -> bytes:
    """A valid .docx (its one recipient is not in the directory) the hostile files start from."""
    return build_docx(IMPORTABLE)


BILLION_LAUGHS = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
XLSX_TYPES = (b'<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
              b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
HOSTILE: dict[str, Callable[[], bytes]] = {
    "good": importable,
    "not_a_zip": lambda: b"PK\x03\x04 this is not a zip archive at all" + bytes(range(256)),
    "truncated": lambda: importable()[: len(importable()) // 2],
    "zip_bomb": lambda: zip_of({"[Content_Types].xml": b"<Types/>",  # 8 MB of zeros in a few KB
                              "word/document.xml": b"\x00" * (8 << 20)}),
    "no_recipients": lambda: build_docx(["KẾ HOẠCH", "Tổ chức ngày hội", "Nội dung.", "CHỦ TỊCH"]),
    "macro": lambda: _rezip(importable(), _in("[Content_Types].xml", b"document.main+xml",  # a .docm
                                              b"document.macroEnabled.main+xml"),
                            **{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 Sub AutoOpen() Shell"}),
    "xxe": lambda: _doctype('<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;"),
    "entity_bomb": lambda: _doctype(BILLION_LAUGHS, "&a9;"),
    "spreadsheet": lambda: zip_of({"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": b"<workbook/>"}),
    "pdf": lambda: b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF",
    "oversize": lambda: b"x" * (UPLOAD_LIMIT + 1),
}


@cache
def hostile(kind: str) -> bytes:
    """The bytes of one kind of upload (built once)."""
    return HOSTILE[kind]()


def upload(kind: str, name: str = "ke-hoach.docx", **form) -> Callable[["World"], dict]:
    """Test-client arguments that upload `hostile(kind)` as multipart field `file`."""
    return lambda w: {"data": dict(form, file=(io.BytesIO(hostile(kind)), name)),
                      "content_type": "multipart/form-data"}


def as_json(payload) -> Callable[["World"], dict]:
    return lambda w: {"json": payload(w) if callable(payload) else payload}


# --- the API ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Api:
    """One refused API request: who (a token), what, and the answer expected."""

    id: str
    token: str | None
    method: str
    url: Callable[[World], str]
    status: int
    error: str
    message: str
    send: Callable[[World], dict] = lambda w: {}


def doc(key: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/documents/{w.ids[key]}{suffix}"


def dist(key: str, action: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/distributions/{w.ids[key]}/{action}"


def new_plan(**changes) -> Callable[[World], dict]:
    """A valid POST /documents body for chuyenvien, with `changes` applied."""
    def body(w):
        data = {"doc_type": "KH", "title": "Kế hoạch kiểm thử dữ liệu xấu",
                "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}],
                "recipients": [{"organization_id": w.mttq_org, "purpose": "t/h"}],
                "report_deadlines": [{"period": "năm", "due": "2027-06-30"}]}
        data.update({k: v(w) if callable(v) else v for k, v in changes.items()})
        return {"json": data}
    return body


def to(path: str) -> Callable[[World], str]:
    return lambda w: path


def mapped(mapping) -> Callable[[World], dict]:
    """Create a draft from the importable .docx with this `mapping` form field."""
    return upload("good", mapping=mapping if isinstance(mapping, str) else json.dumps(mapping))


def due(day: str) -> Callable[[World], dict]:
    return new_plan(report_deadlines=[{"period": "năm", "due": day}])


def delegation(starts_on: str, ends_on: str) -> Callable[[World], dict]:
    return as_json(lambda w: {"delegate_id": w.chutich, "starts_on": starts_on, "ends_on": ends_on})


DOCS, IMPORT, READ = to("/api/v1/documents"), to("/api/v1/imports/drafts"), to("/api/v1/imports")
DELEGATIONS = to("/api/v1/delegations")
UNKNOWN = 987654
INVALID_DRAFT = "Dữ liệu văn bản chưa hợp lệ."
NOT_JSON = "Nội dung yêu cầu phải là một đối tượng JSON."
NOT_RECIPIENT = "Chỉ cán bộ của đơn vị nhận mới được thực hiện thao tác này."
CHANGED = "vừa được người khác thay đổi"
IN_DRAFT = "Không thể thực hiện thao tác này khi văn bản ở trạng thái “Dự thảo”."
ISSUED = "Không thể thực hiện thao tác này khi văn bản ở trạng thái “Đã phát hành”."
NOT_ASSIGNEE = "Bạn không phải người được giao xử lý ở bước hiện tại."
NO_COMMENT = "Cần nhập ý kiến (lý do trả lại)."
BAD_FILE, BAD_FORMAT = "Tệp bị hỏng hoặc không đọc được.", "chỉ nhận tệp .docx hoặc văn bản .txt"
UNSAFE = "Tệp chứa macro hoặc khai báo XML (DTD) không an toàn"
BAD_MAPPING = "mapping phải là JSON"
LOGIN = "Cần đăng nhập"

API_REFUSED = [
    # corrupt and hostile files
    Api("docx-not-a-zip", "chuyenvien", "post", IMPORT, 422, "corrupt_file", BAD_FILE, upload("not_a_zip")),
    Api("docx-truncated-zip", "chuyenvien", "post", IMPORT, 422, "corrupt_file", BAD_FILE,
        upload("truncated")),
    Api("docx-zip-bomb", "chuyenvien", "post", IMPORT, 422, "zip_bomb", "kích thước giải nén bất thường",
        upload("zip_bomb")),
    Api("docx-without-noi-nhan", "chuyenvien", "post", IMPORT, 422, "no_recipients",
        "Không tìm thấy phần “Nơi nhận”", upload("no_recipients")),
    Api("docm-macro-enabled", "chuyenvien", "post", IMPORT, 422, "unsafe_content", UNSAFE,
        upload("macro", "ke-hoach.docm")),
    Api("docx-xxe-external-entity", "chuyenvien", "post", READ, 422, "unsafe_content", UNSAFE, upload("xxe")),
    Api("docx-entity-bomb", "chuyenvien", "post", IMPORT, 422, "corrupt_file", BAD_FILE,
        upload("entity_bomb")),
    Api("xlsx-other-content-type", "chuyenvien", "post", IMPORT, 422, "unsupported_format", BAD_FORMAT,
        upload("spreadsheet", "bao-cao.docx")),
    Api("pdf-renamed-docx", "chuyenvien", "post", READ, 422, "unsupported_format", BAD_FORMAT, upload("pdf")),
    Api("upload-over-max-upload-mb", "chuyenvien", "post", IMPORT, 413, "request_entity_too_large",
        "vượt quá giới hạn", upload("oversize", "lon.txt")),
    Api("import-without-file", "chuyenvien", "post", IMPORT, 422, "no_file", "Cần chọn tệp",
        as_json({"file": "ke-hoach.docx"})),
    # unknown recipients
    Api("unknown-organization-id", "chuyenvien", "post", DOCS, 422, "unknown_recipient",
        f"Nơi nhận không tồn tại: đơn vị số {UNKNOWN}.",
        new_plan(recipients=[{"organization_id": UNKNOWN, "purpose": "t/h"}])),
    Api("unknown-group-id", "chuyenvien", "post", DOCS, 422, "unknown_recipient",
        f"Nơi nhận không tồn tại: nhóm số {UNKNOWN}.", new_plan(recipients=[{"group_id": UNKNOWN}])),
    Api("unknown-deadline-unit-id", "chuyenvien", "post", DOCS, 422, "unknown_unit",
        f"Đơn vị phải báo cáo không tồn tại: đơn vị số {UNKNOWN}.",
        new_plan(report_deadlines=[{"period": "năm", "due": "2027-06-30", "unit_ids": [UNKNOWN]}])),
    Api("import-mapping-to-unknown-organization", "chuyenvien", "post", IMPORT, 422, "unknown_recipient",
        f"Nơi nhận không tồn tại: đơn vị số {UNKNOWN}.", mapped({"0": {"organization_id": UNKNOWN}})),
    Api("import-mapping-to-unknown-group", "chuyenvien", "post", IMPORT, 422, "unknown_recipient",
        f"Nơi nhận không tồn tại: nhóm số {UNKNOWN}.", mapped({"0": {"group_id": UNKNOWN}})),
    Api("import-mapping-not-an-object", "chuyenvien", "post", IMPORT, 422, "validation_error", BAD_MAPPING,
        mapped({"0": 7})),
    Api("import-mapping-not-json", "chuyenvien", "post", IMPORT, 422, "validation_error", BAD_MAPPING,
        mapped("{0: organization")),
    Api("import-unmatched-name-not-mapped", "chuyenvien", "post", IMPORT, 422, "unmatched_recipients",
        "Có nơi nhận chưa khớp danh bạ: Hội Cựu chiến binh bản Nà Xa Xôi", upload("good")),
    # invalid dates
    Api("deadline-2026-02-30", "chuyenvien", "post", DOCS, 422, "validation_error", INVALID_DRAFT,
        due("2026-02-30")),
    Api("deadline-abc", "chuyenvien", "post", DOCS, 422, "validation_error", INVALID_DRAFT, due("abc")),
    Api("deadline-edit-to-2026-02-30", "chuyenvien", "put", doc("draft"), 422, "validation_error",
        INVALID_DRAFT, due("2026-02-30")),
    Api("delegation-ends-before-it-starts", "phochutich", "post", DELEGATIONS, 422, "validation_error",
        "ngày kết thúc trước ngày bắt đầu", delegation("2027-03-10", "2027-03-01")),
    Api("delegation-starts-2026-02-30", "phochutich", "post", DELEGATIONS, 422, "validation_error",
        "starts_on phải là ngày dạng YYYY-MM-DD", delegation("2026-02-30", "2027-03-01")),
    # bearer tokens
    Api("expired-bearer-token", "expired", "get", to("/api/v1/me"), 401, "unauthorized", LOGIN),
    Api("forged-bearer-token", "forged", "post", DOCS, 401, "unauthorized", LOGIN, new_plan()),
    Api("no-bearer-token", None, "post", dist("ttdv_dist", "acknowledge"), 401, "unauthorized", LOGIN),
    # another organization's distribution
    Api("acknowledge-for-another-unit", "mttq", "post", dist("ttdv_dist", "acknowledge"), 403, "forbidden",
        NOT_RECIPIENT),
    Api("refuse-for-another-unit", "mttq", "post", dist("ttdv_dist", "refuse"), 403, "forbidden",
        NOT_RECIPIENT, as_json({"reason": "Không thuộc thẩm quyền"})),
    Api("report-for-another-unit", "mttq", "post", dist("ttdv_dist", "reports"), 403, "forbidden",
        NOT_RECIPIENT, as_json(lambda w: {"text": "Báo cáo hộ", "duty_id": w.ttdv_duty})),
    Api("acknowledge-by-a-unit-of-another-province", "sl_sovhttdl", "post", dist("ttdv_dist", "acknowledge"),
        403, "forbidden", NOT_RECIPIENT),
    # wrong state or role
    Api("approve-a-draft", "chuyenvien", "post", doc("draft", "/transitions"), 409, "invalid_state",
        IN_DRAFT, as_json({"trigger": "approve"})),
    Api("sign-as-the-drafter", "chuyenvien", "post", doc("reviewed", "/transitions"), 403, "forbidden",
        NOT_ASSIGNEE, as_json({"trigger": "sign"})),
    Api("issue-twice", "vanthu", "post", doc("issued", "/transitions"), 409, "invalid_state", ISSUED,
        as_json({"trigger": "issue"})),
    Api("edit-an-issued-document", "chuyenvien", "put", doc("issued"), 403, "forbidden",
        "Bạn không được sửa văn bản này ở trạng thái hiện tại.", new_plan()),
    Api("transition-with-a-stale-version", "truongphong", "post", doc("in_review", "/transitions"), 409,
        "conflict", CHANGED, as_json(lambda w: {"trigger": "approve", "version": w.stale_version})),
    Api("edit-with-a-stale-version", "chuyenvien", "put", doc("draft"), 409, "conflict", CHANGED,
        new_plan(version=lambda w: w.draft_version - 1)),
    Api("return-without-a-comment", "truongphong", "post", doc("in_review", "/transitions"), 422,
        "validation_error", NO_COMMENT, as_json({"trigger": "return"})),
    Api("unknown-trigger", "truongphong", "post", doc("in_review", "/transitions"), 422, "unknown_trigger",
        "Thao tác không hợp lệ: 'publish'.", as_json({"trigger": "publish"})),
    # malformed bodies and wrong content types
    Api("malformed-json", "truongphong", "post", doc("in_review", "/transitions"), 422, "invalid_json",
        NOT_JSON, lambda w: {"data": '{"trigger": "approve",', "content_type": "application/json"}),
    Api("json-array-body", "chuyenvien", "post", DOCS, 422, "invalid_json", NOT_JSON,
        as_json([{"title": "Kế hoạch"}])),
    Api("json-as-text-plain", "truongphong", "post", doc("in_review", "/transitions"), 422, "invalid_json",
        NOT_JSON, lambda w: {"data": '{"trigger": "approve"}', "content_type": "text/plain"}),
    Api("form-encoded-token-request", None, "post", to("/api/v1/tokens"), 422, "invalid_json", NOT_JSON,
        lambda w: {"data": {"username": "vanthu", "password": "demo"}}),
    Api("trigger-not-a-string", "truongphong", "post", doc("in_review", "/transitions"), 422,
        "validation_error", "Cần trigger (chuỗi)", as_json({"trigger": ["approve"]})),
    Api("version-not-a-number", "truongphong", "post", doc("in_review", "/transitions"), 422,
        "validation_error", "version phải là số nguyên", as_json({"trigger": "approve", "version": "v2"})),
    Api("page-not-a-number", "chuyenvien", "get", to("/api/v1/documents?page=abc"), 422,
        "validation_error", "page phải là số nguyên"),
    Api("per-page-not-a-number", "ttdv", "get", to("/api/v1/incoming?per_page=1e3"), 422,
        "validation_error", "per_page phải là số nguyên"),
    # huge ids
    Api("huge-document-id", "chuyenvien", "get", to(f"/api/v1/documents/{HUGE}"), 404, "not_found",
        "Không tìm thấy"),
    Api("huge-distribution-id", "ttdv", "post", to(f"/api/v1/distributions/{HUGE}/acknowledge"), 404,
        "not_found", "Không tìm thấy"),
    Api("huge-organization-id-in-body", "chuyenvien", "post", DOCS, 422, "invalid_data", "có số quá lớn",
        new_plan(recipients=[{"organization_id": HUGE, "purpose": "t/h"}])),
    Api("huge-duty-id", "ttdv", "post", dist("ttdv_dist", "reports"), 422, "validation_error",
        "Kỳ báo cáo không thuộc đơn vị này", as_json({"text": "Báo cáo", "duty_id": HUGE})),
    Api("huge-version", "truongphong", "post", doc("in_review", "/transitions"), 409, "conflict", CHANGED,
        as_json({"trigger": "approve", "version": HUGE})),
]


def test_the_file_the_hostile_ones_are_made_from_is_importable(world):
    """So that each hostile variant is refused for what was done to it."""
    response = world.api("chuyenvien", "post", "/api/v1/imports", **upload("good")(world))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["unmatched"] == ["Hội Cựu chiến binh bản Nà Xa Xôi"]


@pytest.mark.parametrize("case", API_REFUSED, ids=lambda c: c.id)
def test_api_refuses_with_a_json_error_and_changes_nothing(world, case):
    before = snapshot()
    response = world.api(case.token, case.method, case.url(world), **case.send(world))
    body = response.get_json(silent=True)
    assert response.status_code == case.status, (response.status_code, body)
    assert response.mimetype == "application/json" and isinstance(body, dict), response.data[:300]
    assert body["error"] == case.error, body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    assert case.message in body["message"], body
    assert "root:" not in response.get_data(as_text=True)  # nothing of a file an entity named
    assert_unchanged(before)


# --- the UI ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Ui:
    """One refused browser request: who, what, and the Vietnamese message expected."""

    id: str
    user: str
    method: str
    url: Callable[[World], str]
    message: str
    status: int = 303       # a refused POST flashes its message and redirects
    form: Callable[[World], dict] = lambda w: {}
    csrf: str = "valid"     # "valid" (the page's token), "missing" or "forged"
    multipart: bool = False


def page(key: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/documents/{w.ids[key]}{suffix}"


def inbox(key: str, action: str) -> Callable[[World], str]:
    return lambda w: f"/inbox/{w.ids[key]}/{action}"


def fire(trigger: str, version: str) -> Callable[[World], dict]:
    """A transition form: `trigger` with the version held in `world.ids[version]`."""
    return lambda w: {"trigger": trigger, "version": w.ids[version], "comment": ""}


def plan_form(**changes) -> Callable[[World], dict]:
    """A valid draft-editor form for chuyenvien, with `changes` applied."""
    def form(w):
        data = {"doc_type": "KH", "title": "Kế hoạch kiểm thử biểu mẫu", "place": "",
                "sections-0-heading": "I. MỤC ĐÍCH", "sections-0-paragraphs": "Nội dung.",
                "recipients-0-target": f"o:{w.mttq_org}", "recipients-0-purpose": "t/h",
                "deadlines-0-period": "năm", "deadlines-0-due": "2027-06-30"}
        data.update(changes)
        return data
    return form


def file_form(kind: str, name: str = "ke-hoach.docx") -> Callable[[World], dict]:
    return lambda w: {"file": (io.BytesIO(hostile(kind)), name)}


def delegation_form(starts_on: str, ends_on: str) -> Callable[[World], dict]:
    return lambda w: {"delegate_id": str(w.chutich), "starts_on": starts_on, "ends_on": ends_on, "reason": ""}


def confirm_form(payload: dict, choice: str | None = None) -> Callable[[World], dict]:
    """The import confirmation form as a browser could send it back (payload, recipient 0's choice)."""
    def form(w):
        data = {"payload": json.dumps(payload, ensure_ascii=False), "title": "Kế hoạch nhập từ tệp"}
        if choice is not None:
            data["recipient-0"] = choice
        return data
    return form


CSRF = "Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Vui lòng tải lại trang."
IMPORTED = {"title": "Kế hoạch nhập từ tệp", "doc_type": "KH", "sections": [], "report_deadlines": [],
            "recipients": [{"name": "Hội Cựu chiến binh bản Nà Xa Xôi", "purpose": None, "match": None}]}
NEW, IMPORT_PAGE, CONFIRM = to("/documents/new"), to("/documents/import"), to("/documents/import/confirm")
INCOMPLETE = "Biểu mẫu nhập chưa đủ; vui lòng tải tệp lên lại."
BAD_DATE = "Ngày không hợp lệ."
NOT_EDITABLE = "Bạn không được sửa văn bản ở trạng thái hiện tại."

UI_REFUSED = [
    # a missing or forged CSRF token
    Ui("csrf-missing-on-submit", "chuyenvien", "post", page("draft", "/transition"), CSRF,
       form=fire("submit", "draft_version"), csrf="missing"),
    Ui("csrf-forged-on-acknowledge", "mttq", "post", inbox("ttdv_dist", "acknowledge"), CSRF, csrf="forged"),
    Ui("csrf-missing-on-new-draft", "chuyenvien", "post", NEW, CSRF, form=plan_form(), csrf="missing"),
    Ui("csrf-forged-on-delegation", "phochutich", "post", to("/delegations"), CSRF,
       form=delegation_form("2027-03-01", "2027-03-10"), csrf="forged"),
    Ui("csrf-missing-on-import", "chuyenvien", "post", IMPORT_PAGE, CSRF, form=file_form("good"),
       csrf="missing", multipart=True),
    # hostile files, oversize uploads, forged import confirmations
    Ui("import-docx-not-a-zip", "chuyenvien", "post", IMPORT_PAGE, BAD_FILE, 422,
       form=file_form("not_a_zip"), multipart=True),
    Ui("import-zip-bomb", "chuyenvien", "post", IMPORT_PAGE, "kích thước giải nén bất thường", 422,
       form=file_form("zip_bomb"), multipart=True),
    Ui("import-docm-with-macros", "chuyenvien", "post", IMPORT_PAGE, UNSAFE, 422,
       form=file_form("macro", "ke-hoach.docm"), multipart=True),
    Ui("import-docx-xxe", "chuyenvien", "post", IMPORT_PAGE, UNSAFE, 422, form=file_form("xxe"),
       multipart=True),
    Ui("import-docx-without-noi-nhan", "chuyenvien", "post", IMPORT_PAGE, "Không tìm thấy phần “Nơi nhận”",
       422, form=file_form("no_recipients"), multipart=True),
    Ui("import-over-max-upload-mb", "chuyenvien", "post", IMPORT_PAGE, "Tệp tải lên vượt quá giới hạn", 413,
       form=file_form("oversize", "lon.txt"), multipart=True),
    Ui("import-mapping-to-unknown-organization", "chuyenvien", "post", CONFIRM,
       f"Nơi nhận không tồn tại: đơn vị số {UNKNOWN}.",
       form=confirm_form(IMPORTED, f"organization:{UNKNOWN}")),
    Ui("import-mapping-forged-kind", "chuyenvien", "post", CONFIRM,
       "Lựa chọn không hợp lệ cho “Hội Cựu chiến binh bản Nà Xa Xôi”.",
       form=confirm_form(IMPORTED, "user:1")),
    Ui("import-confirm-recipients-tampered", "chuyenvien", "post", CONFIRM, INCOMPLETE,
       form=confirm_form({"recipients": ["<b>x</b>", 7]})),
    Ui("import-confirm-deadlines-tampered", "chuyenvien", "post", CONFIRM, INCOMPLETE,
       form=confirm_form({"recipients": [], "doc_type": ["KH"], "report_deadlines": ["2026-02-30"]})),
    # invalid dates and unknown recipients in forms
    Ui("form-deadline-2026-02-30", "chuyenvien", "post", NEW, BAD_DATE, 422,
       form=plan_form(**{"deadlines-0-due": "2026-02-30"})),
    Ui("form-deadline-abc", "chuyenvien", "post", NEW, BAD_DATE, 422,
       form=plan_form(**{"deadlines-0-due": "abc"})),
    Ui("form-unknown-recipient", "chuyenvien", "post", NEW, "Lựa chọn không hợp lệ.", 422,
       form=plan_form(**{"recipients-0-target": f"o:{UNKNOWN}"})),
    Ui("form-delegation-ends-before-it-starts", "phochutich", "post", to("/delegations"),
       "Ngày kết thúc không được trước ngày bắt đầu.", 422, form=delegation_form("2027-03-10", "2027-03-01")),
    # another organization's distribution
    Ui("ui-acknowledge-for-another-unit", "mttq", "post", inbox("ttdv_dist", "acknowledge"), NOT_RECIPIENT),
    Ui("ui-refuse-for-another-unit", "mttq", "post", inbox("ttdv_dist", "refuse"), NOT_RECIPIENT,
       form=lambda w: {"reason": "Không thuộc thẩm quyền"}),
    Ui("ui-report-for-another-unit", "mttq", "post", inbox("ttdv_dist", "reports"), NOT_RECIPIENT,
       form=lambda w: {"duty_id": str(w.ttdv_duty), "text": "Báo cáo hộ"}),
    Ui("ui-open-another-units-copy", "mttq", "get", lambda w: f"/inbox/{w.ttdv_dist}",
       "Bản này được gửi cho đơn vị khác.", 403),
    # wrong state or role
    Ui("ui-approve-a-draft", "chuyenvien", "post", page("draft", "/transition"), IN_DRAFT,
       form=fire("approve", "draft_version")),
    Ui("ui-sign-as-the-drafter", "chuyenvien", "post", page("reviewed", "/transition"), NOT_ASSIGNEE,
       form=fire("sign", "reviewed_version")),
    Ui("ui-issue-twice", "vanthu", "post", page("issued", "/transition"), ISSUED,
       form=fire("issue", "issued_version")),
    Ui("ui-stale-version", "truongphong", "post", page("in_review", "/transition"), CHANGED,
       form=fire("approve", "stale_version")),
    Ui("ui-return-without-comment", "truongphong", "post", page("in_review", "/transition"), NO_COMMENT,
       form=fire("return", "in_review_version")),
    Ui("ui-edit-an-issued-document", "chuyenvien", "get", page("issued", "/edit"), NOT_EDITABLE, 403),
    Ui("ui-save-over-an-issued-document", "chuyenvien", "post", page("issued", "/edit"), NOT_EDITABLE,
       form=plan_form()),
    # huge ids
    Ui("ui-huge-document-id", "chuyenvien", "get", to(f"/documents/{HUGE}"), "Không tìm thấy.", 404),
    Ui("ui-huge-distribution-id", "mttq", "post", to(f"/inbox/{HUGE}/acknowledge"), "Không tìm thấy.", 404),
]


ERROR_TEXT = re.compile(r'<p class="flash flash-error"[^>]*>(.*?)</p>'       # a flash after a redirect
                        r'|<div class="flash flash-error"[^>]*>(.*?)</div>'  # form-level errors
                        r'|<p class="error"[^>]*>(.*?)</p>'                   # a field's errors
                        r'|<p class="lead">(.*?)</p>', re.S)                  # the error page


def error_messages(page: str) -> list[str]:
    """The error messages a page shows, as plain text."""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", "".join(groups))).split())
            for groups in ERROR_TEXT.findall(page)]


def _drain_flashes(browser: Browser) -> None:
    """Forget messages flashed earlier, so that a case only sees its own."""
    with browser.client.session_transaction() as session:
        session.pop("_flashes", None)


@pytest.mark.parametrize("case", UI_REFUSED, ids=lambda c: c.id)
def test_ui_refuses_with_a_vietnamese_message_and_changes_nothing(world, case):
    browser = world.browsers[case.user]
    _drain_flashes(browser)
    before = snapshot()
    if case.method == "get":
        response = browser.get(case.url(world))
    else:
        data = case.form(world)
        if case.csrf == "forged":
            data["csrf_token"] = "IjBkZjY5ZWM3Ig.forged.signature"
        kwargs = {"content_type": "multipart/form-data"} if case.multipart else {}
        response = browser.post(case.url(world), data, csrf=case.csrf == "valid", **kwargs)
    assert response.status_code == case.status, response.get_data(as_text=True)[:800]
    shown = response
    if response.status_code == 303:
        shown = browser.get(response.headers["Location"])
        assert shown.status_code < 500
    shown_errors = error_messages(shown.get_data(as_text=True))
    assert any(case.message in message for message in shown_errors), shown_errors
    assert_unchanged(before)


# --- search terms that look like SQL or LIKE wildcards ----------------------------------

@pytest.mark.parametrize("term", SEARCH_TERMS)
@pytest.mark.parametrize("where", ["api", "ui"])
def test_search_terms_are_literal_and_never_leak(world, where, term):
    """A term is searched literally: it finds the caller's document whose title holds it
    (as a wildcard it would find every visible document), never the other unit's draft
    that holds it too; no 5xx, nothing written."""
    before = snapshot()
    if where == "api":
        response = world.api("chuyenvien", "get", "/api/v1/documents",
                             query_string={"q": term, "per_page": 100})
        assert response.status_code == 200, response.get_json()
        found = {item["id"] for item in response.get_json()["items"]}
        assert found <= world.visible and found == {world.literal}
    else:
        response = world.browsers["chuyenvien"].get("/documents", query_string={"q": term})
        assert response.status_code == 200
        page = html.unescape(response.get_data(as_text=True))
        assert world.literal_title in page
        assert world.literal_hidden_title not in page and world.issued_title not in page
    assert_unchanged(before)


def test_search_world_is_meaningful(world):
    """The hidden document exists and holds every term; the caller sees other documents."""
    assert world.literal_hidden not in world.visible and world.literal in world.visible
    assert len(world.visible) > 1 and all(t in SPECIALS for t in SEARCH_TERMS)


@pytest.mark.parametrize("where", ["api", "ui"])
def test_state_filter_with_sql_finds_nothing(world, where):
    before = snapshot()
    state = "draft' OR 1=1 --"
    if where == "api":
        response = world.api("chuyenvien", "get", "/api/v1/documents", query_string={"state": state})
        assert response.status_code == 200 and response.get_json()["items"] == []
    else:
        response = world.browsers["chuyenvien"].get("/documents", query_string={"state": state})
        assert response.status_code == 200
        assert world.literal_title not in html.unescape(response.get_data(as_text=True))
    assert_unchanged(before)


# --- script stored as typed, shown escaped ----------------------------------------------

def assert_escaped(browser: Browser, url: str) -> None:
    """The page shows the script as text, never as markup."""
    page = browser.text(url)
    assert SCRIPT not in page, url
    assert ESCAPED in page, url


def _new_plan(world: World, title: str) -> dict:
    """A plan of chuyenvien's, created and submitted through the API (the snapshot sees it)."""
    before = snapshot()
    response = world.api("chuyenvien", "post", "/api/v1/documents", **new_plan(title=title)(world))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    response = world.api("chuyenvien", "post", f"/api/v1/documents/{created['id']}/transitions",
                         json={"trigger": "submit", "version": created["version"]})
    assert response.status_code == 200, response.get_json()
    after = snapshot()
    assert after["document"][0] == before["document"][0] + 1
    assert after["history_entry"] != before["history_entry"]
    return response.get_json()


def test_script_in_a_title_is_stored_as_typed_and_shown_escaped(world):
    title = f"{SCRIPT} Kế hoạch thử"
    created = _new_plan(world, title)
    assert created["title"] == title  # JSON carries the text as typed
    for url in (f"/documents/{created['id']}", f"/documents/{created['id']}/history",
                f"/documents/{created['id']}/preview", "/documents?q=vanban"):
        assert_escaped(world.browsers["chuyenvien"], url)
    assert_escaped(world.browsers["truongphong"], "/")  # the reviewer's worklist


def test_script_in_a_return_comment_is_shown_escaped(world):
    created = _new_plan(world, "Kế hoạch trả lại kèm ý kiến")
    reviewer = world.browsers["truongphong"]
    reviewer.get(f"/documents/{created['id']}")
    response = reviewer.post(f"/documents/{created['id']}/transition",
                             {"trigger": "return", "comment": SCRIPT, "version": created["version"]})
    assert response.status_code == 303
    returned = world.api("chuyenvien", "get", f"/api/v1/documents/{created['id']}").get_json()
    assert returned["state"] == "draft" and returned["history"][-1]["comment"] == SCRIPT
    for url in (f"/documents/{created['id']}", f"/documents/{created['id']}/history", "/"):
        assert_escaped(world.browsers["chuyenvien"], url)


def test_script_in_a_refusal_reason_is_shown_escaped(world):
    response = world.api("danguy", "post", f"/api/v1/distributions/{world.dangu_dist}/refuse",
                         json={"reason": SCRIPT})
    assert response.status_code == 200 and response.get_json()["refused_reason"] == SCRIPT
    assert_escaped(world.browsers["vanthu"], f"/documents/{world.issued}?recipients=refused")
    assert_escaped(world.browsers["danguy"], f"/inbox/{world.dangu_dist}")
