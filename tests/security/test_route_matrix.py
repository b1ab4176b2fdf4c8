"""The HTTP authorization matrix: every route × every kind of user × every document state.

`route_access.ACCESS` says who may use each route; this module sends the real
request (browser pages with a session and a CSRF token, the API with a bearer
token) and asserts that it is allowed (2xx, or a redirect that is not to the
login page; a POST must take effect) or refused (API 401/403/404/409 JSON;
pages 403/404 (409 when the state refuses), or a redirect with an error message, or
to /login for anonymous callers; a refused POST changes nothing).

Who is who for the documents of the matrix is stated below as facts about the
demo directory (`config/demo.yaml`), one scenario per workflow definition:
every route is checked on the plans of UBND xã Bình Lư (`ke_hoach_ubnd`), and
the routes about one document also on those of Văn phòng UBND tỉnh Sơn La
(`ke_hoach_van_phong`) and of the Ban Chỉ đạo xã Kim Phượng
(`ke_hoach_ban_chi_dao`); a definition without a scenario fails. What each
state permits comes from the workflow definition itself (its `permissions`,
`chain` and `transitions`), read here without the application's predicates.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from models import ApprovalStep, Document, User, db

from tests.security.route_access import ACCESS, EVERY_STATE, ISSUED
from tests.security.route_requests import RECIPES
from tests.conftest import reset_database
from tests.security.route_world import (ANONYMOUS, World, judge, make_app,
                                        seed_demo, send)
from workflow import registry, services
from workflow.permissions import HEAD_POSITIONS

# --- facts about the demo directory (config/demo.yaml), one scenario per workflow -------------

@dataclass(frozen=True)
class Scenario:
    """Documents of one workflow and who is who for them in the demo directory."""

    workflow: str
    actors: tuple[str, ...]             # who sends the requests (ANONYMOUS first)
    roles: dict[str, set[str]]          # the demo roles of each actor
    author: str                         # writes every document of the scenario
    drafting_unit_heads: set[str]       # Trưởng/Phó Trưởng phòng of the author's unit
    issuing_body: set[str]              # actors within the documents' issuer
    chain_people: dict[str, str]        # who each step of the chain falls to
    copy_holder: str                    # its unit's copy is the one the inbox routes use
    report_filer: str                   # files a report with an attachment as soon as a document is issued

    @property
    def addressed(self) -> tuple[str, str]:
        """The units of every document's Nơi nhận."""
        return (self.copy_holder, self.report_filer)


# Plans of UBND xã Bình Lư (a collective body: KT. CHỦ TỊCH), where every route is checked.
UBND = Scenario(
    workflow="ke_hoach_ubnd",
    actors=(ANONYMOUS, "chuyenvien", "truongphong", "vanphong", "phochutich", "vanthu",
            "so_vhttdl", "phongkt", "mttq", "sl_chuyenvien", "admin"),
    roles={"chuyenvien": {"drafter"}, "truongphong": {"reviewer", "drafter"},
           "vanphong": {"format_checker", "reviewer"}, "phochutich": {"signer"}, "vanthu": {"clerk"},
           "so_vhttdl": {"recipient"}, "phongkt": {"recipient", "drafter"}, "mttq": {"recipient"},
           "sl_chuyenvien": {"drafter"}, "admin": {"admin"}},
    author="chuyenvien", drafting_unit_heads={"truongphong"},
    issuing_body={"chuyenvien", "truongphong", "vanphong", "phochutich", "vanthu", "phongkt", "admin"},
    chain_people={"department_review": "truongphong", "office_check": "vanphong",
                  "sign": "phochutich", "issue": "vanthu"},
    copy_holder="so_vhttdl",   # Sở VHTTDL Lai Châu
    report_filer="phongkt")    # Phòng Kinh tế, in the issuing body
# Plans of Văn phòng UBND tỉnh Sơn La (Chánh Văn phòng signs with the position alone): the
# document routes. Phòng KGVX, under the Văn phòng, is addressed and files a report.
OFFICE = Scenario(
    workflow="ke_hoach_van_phong",
    actors=(ANONYMOUS, "sl_chuyenvien", "sl_truongphong", "sl_chanhvanphong", "sl_vanthu",
            "sl_sovhttdl", "sl_kgvx", "sl_ldvp", "chuyenvien", "vanthu", "admin"),
    roles={"sl_chuyenvien": {"drafter"}, "sl_truongphong": {"reviewer"}, "sl_chanhvanphong": {"signer"},
           "sl_vanthu": {"clerk"}, "sl_sovhttdl": {"recipient"}, "sl_kgvx": {"recipient"},
           "sl_ldvp": {"recipient"}, "chuyenvien": {"drafter"}, "vanthu": {"clerk"}, "admin": {"admin"}},
    author="sl_chuyenvien", drafting_unit_heads={"sl_truongphong"},
    issuing_body={"sl_chuyenvien", "sl_truongphong", "sl_chanhvanphong", "sl_vanthu", "sl_kgvx", "sl_ldvp"},
    chain_people={"department_review": "sl_truongphong", "sign": "sl_chanhvanphong", "issue": "sl_vanthu"},
    copy_holder="sl_sovhttdl",  # Sở VHTTDL Sơn La
    report_filer="sl_kgvx")
# Plans of the Ban Chỉ đạo xã Kim Phượng (TM. BAN CHỈ ĐẠO / TRƯỞNG BAN): the document routes.
# The commune's UBMTTQ, outside the committee, is addressed and files a report.
STEERING = Scenario(
    workflow="ke_hoach_ban_chi_dao",
    actors=(ANONYMOUS, "kp_chuyenvien", "kp_photruongban", "kp_truongban", "kp_vanthu",
            "kp_phongvhtt", "kp_mttq", "kp_danguy", "chuyenvien", "vanthu", "admin"),
    roles={"kp_chuyenvien": {"drafter"}, "kp_photruongban": {"reviewer"}, "kp_truongban": {"signer"},
           "kp_vanthu": {"clerk"}, "kp_phongvhtt": {"recipient"}, "kp_mttq": {"recipient"},
           "kp_danguy": {"recipient"}, "chuyenvien": {"drafter"}, "vanthu": {"clerk"}, "admin": {"admin"}},
    author="kp_chuyenvien", drafting_unit_heads=set(),
    issuing_body={"kp_chuyenvien", "kp_photruongban", "kp_truongban", "kp_vanthu"},
    chain_people={"standing_review": "kp_photruongban", "sign": "kp_truongban", "issue": "kp_vanthu"},
    copy_holder="kp_phongvhtt",  # Phòng VH-TT huyện Định Hóa
    report_filer="kp_mttq")
SCENARIOS = {sc.workflow: sc for sc in (UBND, OFFICE, STEERING)}
WORKFLOWS = Path(__file__).resolve().parents[2] / "config" / "workflows"

COPY_STATUS = {"distributed": "sent", "reported": "acknowledged"}  # filing a report acknowledges
NOTIFIED = "truongphong"                     # owns the notifications the routes are tried on
DELEGATING = "truongphong"                   # gave the delegations the routes are tried on
DELEGABLE_ROLES = {"reviewer", "format_checker", "signer"}
PERSON_GUARDS = {"is_author", "is_step_assignee", "is_chain_reviewer_or_signer"}
TRACKING_PRINCIPALS = {"author", "chain_member", "drafting_unit_head", "admin"}


def definition(sc: Scenario):
    return registry.get(sc.workflow)


def matrix_states(sc: Scenario, states: tuple[str, ...]) -> list[str]:
    """The table's states, `in_review` once per review step of the chain."""
    reviews = [f"in_review@{s.key}" for s in definition(sc).chain if s.kind == "review"]
    expanded = []
    for state in states:
        expanded += reviews if state == "in_review" else [state]
    return expanded


def workflow_state(state: str) -> str:
    """The definition's state of a matrix state (a returned document is a draft)."""
    return "draft" if state == "returned" else state.split("@")[0]


def current_step(sc: Scenario, state: str):
    """The chain step a document in `state` waits on, from the definition (None: no step)."""
    chain = definition(sc).chain
    if state.startswith("in_review@"):
        return next(s for s in chain if s.key == state.split("@")[1])
    kind = {"reviewed": "sign", "signed": "issue"}.get(state)
    return next((s for s in chain if s.kind == kind), None)


def has_role(sc: Scenario, actor: str, role: str) -> bool:
    return role in sc.roles[actor] or "admin" in sc.roles[actor]


def principals(sc: Scenario, actor: str, state: str) -> set[str]:
    """Who `actor` is for the scenario's document in `state` (the definition's principals)."""
    found = set()
    if "admin" in sc.roles[actor]:
        found.add("admin")
    if actor == sc.author:
        found.add("author")
    if actor in sc.drafting_unit_heads:
        found.add("drafting_unit_head")
    if state != "draft" and actor in sc.chain_people.values():  # the chain is set at the first submit
        found.add("chain_member")
    if actor in sc.issuing_body:
        found.add("issuer_member")
    if state in ISSUED and actor in sc.addressed:
        found.add("recipient")
    return found


def may(sc: Scenario, actor: str, state: str, action: str) -> bool:
    """The definition's `permissions[state][action]` for `actor`."""
    allowed = definition(sc).permissions[workflow_state(state)][action]
    return bool(principals(sc, actor, state) & set(allowed))


def guard_holds(sc: Scenario, guard: str, actor: str, state: str) -> bool:
    """A guard of the definition, decided from the facts above."""
    chain, step = definition(sc).chain, current_step(sc, state)
    reviews = [s for s in chain if s.kind == "review"]
    checks = {
        "is_author": lambda: actor == sc.author,
        "has_recipients": lambda: True,
        "has_comment": lambda: True,  # every request of the matrix carries a comment
        "is_step_assignee": lambda: step is not None and sc.chain_people[step.key] == actor,
        "last_review_step": lambda: step is not None and step.kind == "review" and step == reviews[-1],
        "not_last_review_step": lambda: step is not None and step.kind == "review" and step != reviews[-1],
        "is_chain_reviewer_or_signer": lambda: actor in {sc.chain_people[s.key] for s in chain
                                                         if s.kind in ("review", "sign")},
    }
    if guard not in checks:
        raise AssertionError(f"the matrix does not know guard {guard!r}: add it to guard_holds")
    return checks[guard]()


def human_triggers(sc: Scenario) -> list[str]:
    """The triggers people fire (those guarded by who the actor is)."""
    d = definition(sc)
    return [t for t in d.triggers() if any(PERSON_GUARDS & set(x.guards) for x in d.transitions if x.trigger == t)]


def may_fire(sc: Scenario, actor: str, state: str, trigger: str) -> bool:
    """True when a transition of the definition lets `actor` fire `trigger` in `state`."""
    return any(t.trigger == trigger and workflow_state(state) in t.sources
               and all(guard_holds(sc, g, actor, state) for g in t.guards)
               for t in definition(sc).transitions)


def expected(sc: Scenario, who: str, actor: str, state: str | None, trigger: str | None = None) -> bool:
    """May `actor` use a route of rule `who` in `state`?"""
    if who == "public":
        return True
    if actor == ANONYMOUS:
        return False
    found = principals(sc, actor, state) if state else set()
    rules = {
        "logged_in": lambda: True,
        "admin": lambda: "admin" in sc.roles[actor],
        "drafter": lambda: has_role(sc, actor, "drafter"),
        "clerk": lambda: has_role(sc, actor, "clerk"),
        "delegator": lambda: any(has_role(sc, actor, r) for r in DELEGABLE_ROLES),
        "viewer": lambda: may(sc, actor, state, "view"),
        "editor": lambda: may(sc, actor, state, "edit"),
        "trigger": lambda: may(sc, actor, state, "view") and may_fire(sc, actor, state, trigger),
        "tracker": lambda: state in ISSUED and bool(
            found & TRACKING_PRINCIPALS or ("issuer_member" in found and "recipient" not in found)),
        "sender": lambda: expected(sc, "tracker", actor, state) and (
            actor == sc.author or "admin" in sc.roles[actor]
            or (has_role(sc, actor, "clerk") and actor in sc.issuing_body)),
        "addressee": lambda: actor == sc.copy_holder,
        "acknowledger": lambda: actor == sc.copy_holder and COPY_STATUS[state] == "sent",
        "reporter": lambda: actor == sc.copy_holder and COPY_STATUS[state] != "refused",
        "report_reader": lambda: actor == sc.report_filer or expected(sc, "tracker", actor, state),
        "owner": lambda: actor == NOTIFIED,
        "delegation_party": lambda: actor == DELEGATING or "admin" in sc.roles[actor],
    }
    return rules[who]()


# --- the world -------------------------------------------------------------------------------

def build(sc: Scenario, world: World, state: str):
    """A new document of the scenario's author to its addressed units, taken to `state` by the
    right people of the chain through the services; once issued, the report filer has filed
    with an attachment."""
    document = world.draft(sc.author, sc.addressed)
    if state == "draft":
        return document
    services.submit(db.session, document, world.user(sc.author))
    if state == "returned":
        services.transition(db.session, document, world.user(sc.chain_people[document.current_step.key]),
                            "return", comment="Cần sửa lại mục I.")
        return document
    goal, stop_at = workflow_state(state), (state.split("@")[1] if "@" in state else None)
    for _ in range(len(definition(sc).chain) + 2):
        if document.state == goal and (stop_at is None or document.current_step.key == stop_at):
            break
        if document.state == "distributed":  # on the way to `reported`: every unit reports
            world.file_report(document, sc.report_filer, attachment=True)
            world.file_report(document, sc.copy_holder, attachment=False)
            continue
        step = document.current_step
        trigger = {"review": "approve", "sign": "sign", "issue": "issue"}[step.kind]
        services.transition(db.session, document, world.user(sc.chain_people[step.key]), trigger)
    assert document.state == goal, (state, document.state)
    if goal == "distributed":
        world.file_report(document, sc.report_filer, attachment=True)
    return document


@pytest.fixture(scope="module")
def world(request, tmp_path_factory):
    """One application and database per scenario (the tests name theirs: `request.param`), with
    the demo users and their clients."""
    sc = SCENARIOS[request.param]
    app = make_app(tmp_path_factory.mktemp("route-matrix"))
    with app.app_context():
        reset_database()
        with pytest.MonkeyPatch.context() as monkeypatch:
            seed_demo(monkeypatch)
        yield World(app, partial(build, sc), copy_holder=sc.copy_holder, report_filer=sc.report_filer,
                    scenario=sc)
        db.session.remove()


def every_scenario(test):
    return pytest.mark.parametrize("world", list(SCENARIOS), indirect=True, scope="module")(test)


def ubnd_only(test):
    return pytest.mark.parametrize("world", [UBND.workflow], indirect=True, scope="module")(test)


@every_scenario
def test_the_facts_match_the_demo(world):
    """The facts above hold in the seeded demo: roles, the issuing body, the chain's people, and
    the workflow the scenario's documents follow."""
    sc = world.scenario
    actors = [a for a in sc.actors if a != ANONYMOUS]
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(actors)))}
    assert {name: set(u.roles) for name, u in users.items()} == sc.roles
    body = users[sc.author].organization.issuing_body()
    assert {name for name, u in users.items() if u.organization.is_within(body)} == sc.issuing_body
    assert {name for name, u in users.items() if u.organization_id == users[sc.author].organization_id
            and u.position in HEAD_POSITIONS} == sc.drafting_unit_heads
    first_review = next(s.key for s in definition(sc).chain if s.kind == "review")
    doc = world.doc(f"in_review@{first_review}", fresh=False)
    steps = db.session.execute(select(ApprovalStep.key, User.username)
                               .join(User, User.id == ApprovalStep.assignee_id)
                               .where(ApprovalStep.document_id == doc.id)).all()
    assert dict(steps) == sc.chain_people
    assert db.session.scalar(select(Document.workflow).where(Document.id == doc.id)) == sc.workflow
    db.session.rollback()


# --- the table covers the URL map --------------------------------------------------------------

def route_keys(app: Flask) -> set[str]:
    """"METHOD endpoint" of every rule of the application (static files left out)."""
    return {f"{method} {rule.endpoint}" for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


@ubnd_only
def test_every_route_has_an_entry(world):
    """A new route (method and endpoint) needs its line in the table."""
    missing = sorted(route_keys(world.app) - set(ACCESS))
    assert not missing, f"routes without an entry in tests/security/route_access.py: {missing}"


@ubnd_only
def test_every_entry_names_a_route(world):
    """A route that is gone takes its line with it."""
    gone = sorted(set(ACCESS) - route_keys(world.app))
    assert not gone, f"entries of tests/security/route_access.py naming no route: {gone}"


def test_every_entry_has_a_request():
    """Every line of the table has a way to call its route, and no request is left over."""
    assert not sorted(set(ACCESS) - set(RECIPES)), "entries without a request in route_requests.py"
    assert not sorted(set(RECIPES) - set(ACCESS)), "requests without an entry in route_access.py"


# --- the matrix ----------------------------------------------------------------------------------

def check(world: World, key: str, actor: str, state: str | None, trigger: str | None) -> str | None:
    """Send one request of the matrix; None when it went as the table says, else why not."""
    access, sc = ACCESS[key], world.scenario
    allow = expected(sc, access.who, actor, state, trigger)
    call = RECIPES[key](world, actor, world.doc(state, fresh=False) if state else None, trigger)
    shared = state is not None
    if shared and call.effect is not None and allow:  # an allowed change gets a document of its own
        call, shared = RECIPES[key](world, actor, world.doc(state, fresh=True), trigger), False
    before = call.effect() if call.effect else None
    kept = call.keep() if call.keep else None
    where = f"{key} as {actor}" + (f" in {state}" if state else "") + (f" ({trigger})" if trigger else "")
    try:
        response, errors = send(world, actor, call)
    except Exception as exc:  # a 500 in the application (TESTING propagates it)
        db.session.rollback()
        if shared:
            world.discard(state)
        return f"{where}: expected {'allow' if allow else 'deny'}, got an exception {exc!r}"
    got = judge(call, response, errors, actor == ANONYMOUS)
    after = call.effect() if call.effect else None
    if shared and before != after:
        world.discard(state)
    want = "allow" if allow else ("login" if actor == ANONYMOUS and not call.api else "deny")
    if actor == ANONYMOUS and call.api and not allow and got.status != 401:
        return f"{where}: expected 401, got {got.status} {got.detail}"
    if got.kind != want and not (want == "deny" and access.ignored and got.kind == "allow"):
        return f"{where}: expected {want}, got {got.kind} ({got.status} {got.detail})"
    if call.effect and allow and before == after:
        return f"{where}: allowed ({got.status}) but took no effect: {before!r}"
    if call.effect and not allow and before != after:
        return f"{where}: refused ({got.status}) but changed {before!r} to {after!r}"
    if call.shows and (call.shows in response.get_data(as_text=True)) != allow:
        return f"{where}: the answer ({got.status}) {'lacks' if allow else 'shows'} {call.shows!r}"
    if call.keep and kept != call.keep():
        return f"{where}: changed what it must not: {kept!r} to {call.keep()!r}"
    return None


def cases() -> list:
    """(scenario, route) pairs: every route in the UBND scenario; in the others, the routes
    about one document (what differs between workflows is who may act on their documents)."""
    found = [pytest.param(UBND.workflow, key, id=f"{UBND.workflow}-{key}") for key in sorted(ACCESS)]
    for sc in (OFFICE, STEERING):
        found += [pytest.param(sc.workflow, key, id=f"{sc.workflow}-{key}")
                  for key in sorted(ACCESS) if ACCESS[key].states]
    return found


@pytest.mark.parametrize("world,key", cases(), indirect=["world"], scope="module")
def test_route(world, key):
    """Every actor in every state the route applies to gets what the table says."""
    access, sc = ACCESS[key], world.scenario
    states = matrix_states(sc, access.states) if access.states else [None]
    triggers = human_triggers(sc) if access.who == "trigger" else [None]
    failures, checks = [], 0
    for state in states:
        for actor in sc.actors:
            for trigger in triggers:
                failure = check(world, key, actor, state, trigger)
                checks += 1
                if failure:
                    failures.append(failure)
    assert checks == len(states) * len(sc.actors) * len(triggers)
    assert not failures, f"{len(failures)} of {checks} checks failed:\n" + "\n".join(failures)


@every_scenario
def test_matrix_states_cover_the_definition(world):
    """Every state of the definition is in the matrix, and every review step."""
    sc = world.scenario
    states = matrix_states(sc, EVERY_STATE)
    assert {workflow_state(s) for s in states} == set(definition(sc).states)
    assert [s for s in states if s.startswith("in_review@")] == \
        [f"in_review@{s.key}" for s in definition(sc).chain if s.kind == "review"]


def test_every_workflow_has_a_scenario():
    """A new workflow definition needs its scenario here (its documents' routes are checked)."""
    assert set(SCENARIOS) == {path.stem for path in WORKFLOWS.glob("*.yaml")}
