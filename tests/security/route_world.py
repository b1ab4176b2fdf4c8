"""The world the route matrix runs in: one application and database for the module,
the demo directory, a logged-in client per demo user, and documents in every state.

Documents are built through `workflow.services` (never through the routes under
test). A request that is refused uses the shared document of its state; one that
is allowed gets a fresh document, so that each check starts from the same state.
"""
from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from flask import g
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from config.settings import TestConfig
from models import Distribution, Document, Report, ReportDuty, ReportingObligation, User, db
from tests import conftest
from workflow import clock, services
from workflow.notifications import notify
from workflow.services.delegation import delegate

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ANONYMOUS = "anonymous"
DENY_API = (401, 403, 404, 409)
DENY_UI = (403, 404, 409)


def fresh_g() -> None:
    """Forget what the previous request left on `g` (the module keeps one app context)."""
    for key in list(vars(g)):
        delattr(g, key)


@dataclass
class Call:
    """One request of the matrix and how to see whether it took effect.

    `effect` reads what an allowed request changes (it must change, and a refused
    one must leave it as it was); `keep` reads what no request may change;
    `to_login`: a redirect to the login page is the allowed answer (logging out);
    `shows`: what the allowed answer of a POST that stores nothing shows (a refused one must not).
    """

    method: str
    url: str
    data: dict | None = None
    json: Any = None
    effect: Callable[[], Any] | None = None
    keep: Callable[[], Any] | None = None
    to_login: bool = False
    shows: str | None = None

    @property
    def api(self) -> bool:
        return self.url.startswith("/api/")


@dataclass
class Doc:
    """The ids a route needs about one document of the matrix."""

    id: int
    obligation: int
    dist: int | None = None     # the copy sent to the copy holder's unit (once issued)
    duty: int | None = None     # that copy's report duty
    report: int | None = None   # the report the report filer's unit filed, with an attachment


@dataclass
class Outcome:
    """What came back: `allow`, `deny`, `login` (sent to the login page) or `other`."""

    kind: str
    status: int
    detail: str = ""


class Browser:
    """A test client that logs in through the form and posts with the page's CSRF token."""

    def __init__(self, app, username: str | None = None):
        self.client = app.test_client()
        self.token: str | None = None
        self.username = username
        if username:
            self.login()

    def get(self, url: str):
        fresh_g()
        response = self.client.get(url)
        if response.mimetype == "text/html":
            match = CSRF_RE.search(response.get_data(as_text=True))
            if match:
                self.token = match.group(1)
        return response

    def login(self) -> None:
        self.get("/login")
        response = self.post("/login", {"username": self.username, "password": "demo"})
        assert response.status_code == 303, (self.username, response.status_code)
        self.get("/")

    def post(self, url: str, data: dict | None = None, method: str = "post"):
        if self.token is None:
            self.get("/login")
        data = dict(data or {}, csrf_token=self.token)
        fresh_g()
        return getattr(self.client, method)(url, data=data)

    def flashes(self, *, clear: bool = False) -> list:
        with self.client.session_transaction() as session:
            return session.pop("_flashes", []) if clear else list(session.get("_flashes", []))

    def logged_in(self) -> bool:
        with self.client.session_transaction() as session:
            return "_user_id" in session


class World:
    """The application, the demo users and their clients, and the documents by state."""

    def __init__(self, app, build: Callable[["World", str], Document], *, copy_holder: str, report_filer: str,
                 scenario: Any = None):
        self.app = app
        self.scenario = scenario          # what the module knows of the documents' workflow and people
        self.build = build                # makes a document and takes it to a state (the services)
        self.copy_holder = copy_holder    # the user whose unit's copy the inbox routes act on
        self.report_filer = report_filer  # the user whose unit files a report with an attachment
        self.users = {u.username: u.id for u in db.session.scalars(select(User))}
        self.orgs = {u.username: u.organization_id for u in db.session.scalars(select(User))}
        self.browsers: dict[str, Browser] = {}
        self.tokens: dict[str, str] = {}
        self.shared: dict[str, Doc] = {}
        self.seq = itertools.count(1)

    # --- people --------------------------------------------------------------------------
    def user(self, username: str) -> User:
        return db.session.get(User, self.users[username])

    def browser(self, username: str) -> Browser:
        if username == ANONYMOUS:
            return Browser(self.app)
        if username not in self.browsers:
            self.browsers[username] = Browser(self.app, username)
        return self.browsers[username]

    def token(self, username: str) -> str:
        if username not in self.tokens:
            fresh_g()
            response = self.app.test_client().post(
                "/api/v1/tokens", json={"username": username, "password": "demo"})
            assert response.status_code == 201, (username, response.status_code)
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    # --- documents -----------------------------------------------------------------------
    def doc(self, state: str, *, fresh: bool) -> Doc:
        """A document in `state`: the shared one, or a new one for a request that changes it."""
        if fresh:
            return self._build(state)
        if state not in self.shared:
            self.shared[state] = self._build(state)
        return self.shared[state]

    def discard(self, state: str) -> None:
        """Forget the shared document of `state` (a request changed it)."""
        self.shared.pop(state, None)

    def _build(self, state: str) -> Doc:
        document = self.build(self, state)
        db.session.commit()
        return self.describe(document.id)

    def draft(self, author: str, recipients: tuple[str, ...]) -> Document:
        """A new plan by `author` for the units of `recipients`, with one reporting deadline."""
        data = services.parse_draft_input({
            "doc_type": "KH", "title": f"Kế hoạch ma trận quyền {next(self.seq)}",
            "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}],
            "recipients": [{"organization_id": self.orgs[name], "purpose": "t/h"} for name in recipients],
            "report_deadlines": [{"period": "6 tháng đầu năm", "due": "2030-06-30"}]})
        return services.create_draft(db.session, self.user(author), data)

    def describe(self, doc_id: int) -> Doc:
        """The ids the routes need about a document."""
        session = db.session
        holder, filer = self.copy_holder, self.report_filer
        obligation = session.scalar(select(ReportingObligation.id)
                                    .where(ReportingObligation.document_id == doc_id))
        dist = session.scalar(select(Distribution.id).where(
            Distribution.document_id == doc_id, Distribution.organization_id == self.orgs[holder]))
        duty = dist and session.scalar(select(ReportDuty.id).where(ReportDuty.distribution_id == dist))
        report = session.scalar(
            select(Report.id).join(ReportDuty, ReportDuty.id == Report.duty_id)
            .join(Distribution, Distribution.id == ReportDuty.distribution_id)
            .where(Distribution.document_id == doc_id, Distribution.organization_id == self.orgs[filer]))
        session.rollback()
        return Doc(doc_id, obligation, dist, duty, report)

    def file_report(self, document: Document, username: str, *, attachment: bool) -> None:
        """`username` files its unit's report on `document` through the service."""
        dist = db.session.scalar(select(Distribution).where(
            Distribution.document_id == document.id, Distribution.organization_id == self.orgs[username]))
        services.file_report(db.session, dist, self.user(username), "Báo cáo kết quả.",
                             file_name="bao-cao.txt" if attachment else "",
                             file_data=b"bao cao" if attachment else None)

    # --- other objects a route acts on ---------------------------------------------------
    def notification(self, username: str) -> int:
        """A new unread notification for `username`."""
        row, = notify(db.session, [self.user(username)], None, "probe", "Thông báo thử.", "/notifications")
        db.session.commit()
        return row.id

    def delegation(self, delegator: str, delegate_user: str) -> int:
        """A new delegation that starts in the future (so that it changes no one's rights now)."""
        start = clock.local_date() + timedelta(days=100 + next(self.seq))
        item = delegate(db.session, self.user(delegator), self.user(delegate_user), start, start)
        db.session.commit()
        return item.id

    def future_days(self) -> tuple[str, str]:
        """The first and last day (ISO) of a delegation that starts in the future."""
        start = clock.local_date() + timedelta(days=400 + next(self.seq))
        return start.isoformat(), start.isoformat()

    def value(self, statement):
        """One row read from the database now, as a tuple (None when there is none)."""
        result = db.session.execute(statement).first()
        return None if result is None else tuple(result)

    def count(self, model, *where) -> int:
        return self.value(select(func.count()).select_from(model).where(*where))[0]


# --- sending a call and judging the answer ------------------------------------------------

def send(world: World, actor: str, call: Call):
    """Send `call` as `actor`; answers (response, error flashes of a browser POST)."""
    if call.api:
        headers = {} if actor == ANONYMOUS else {"Authorization": f"Bearer {world.token(actor)}"}
        fresh_g()
        client = world.app.test_client()
        return getattr(client, call.method.lower())(call.url, json=call.json, data=call.data,
                                                    headers=headers), []
    browser = world.browser(actor)
    if call.method == "GET":
        return browser.get(call.url), []
    browser.flashes(clear=True)
    response = browser.post(call.url, call.data, method=call.method.lower())
    errors = [message for category, message in browser.flashes(clear=True) if category == "error"]
    if call.to_login and actor != ANONYMOUS and not browser.logged_in():
        world.browsers.pop(actor)
    return response, errors


def judge(call: Call, response, errors: list, anonymous: bool) -> Outcome:
    """Sort an answer into allow, deny, login or other."""
    status = response.status_code
    if call.api:
        body = response.get_json(silent=True) if response.is_json else None
        if 200 <= status < 300:
            return Outcome("allow", status)
        if status in DENY_API and isinstance(body, dict) and "error" in body:
            return Outcome("deny", status, body["error"])
        return Outcome("other", status, response.get_data(as_text=True)[:200])
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        if location.split("?")[0].endswith("/login"):
            return Outcome("allow" if call.to_login and not anonymous else "login", status, location)
        if errors:
            return Outcome("deny", status, "; ".join(map(str, errors))[:200])
        return Outcome("allow", status, location)
    if 200 <= status < 300:
        return Outcome("allow", status)
    if status in DENY_UI:
        return Outcome("deny", status)
    return Outcome("other", status, response.get_data(as_text=True)[:200])


def make_app(tmp_dir):
    """The module's application on an empty database (SQLite file, or DATABASE_URL's PostgreSQL)."""
    from web import create_app
    url = conftest.PG_URL if conftest.USE_PG else f"sqlite:///{tmp_dir / 'matrix.sqlite3'}"
    return create_app(type("MatrixConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True,
        "LOGIN_RATE_LIMIT": "100000 per minute", "LOGIN_RATE_LIMIT_PER_ACCOUNT": "100000 per minute"}))


def seed_demo(monkeypatch) -> None:
    """The demo directory and users, with a cheap hash of the password "demo"."""
    from web.seed import load_demo
    fast = generate_password_hash("demo", method="pbkdf2:sha256:1000")
    monkeypatch.setattr(User, "set_password", lambda self, pw: setattr(self, "password_hash", fast))
    load_demo(db.session)
    db.session.commit()


def upload(data: bytes, name: str) -> tuple[io.BytesIO, str]:
    """A file field of a multipart request."""
    return io.BytesIO(data), name
