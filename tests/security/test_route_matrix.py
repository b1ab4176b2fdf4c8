"""The HTTP authorization matrix: every route × every kind of user × every document state.

`route_access.ACCESS` says who may use each route; this module sends the real
request (browser pages with a session and a CSRF token, the API with a bearer
token) and asserts that it is allowed (2xx, or a redirect that is not to the
login page; a POST must take effect) or refused (API 401/403/404/409 JSON;
pages 403/404 (409 when the state refuses), or a redirect with an error message, or
to /login for anonymous callers; a refused POST changes nothing).

Who is who for the documents of the matrix is stated below as facts about the
demo directory (`config/demo.yaml`). What each state permits comes from the
workflow definition itself (its `permissions`, `chain` and `transitions`),
read here without the application's predicates.
"""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from models import ApprovalStep, User, db

from tests.security.route_access import ACCESS, EVERY_STATE, ISSUED
from tests.security.route_requests import RECIPES
from tests.conftest import reset_database
from tests.security.route_world import (ANONYMOUS, World, judge, make_app,
                                        seed_demo, send)
from workflow import registry, services

WORKFLOW = "ke_hoach_ubnd"  # the documents of the matrix: plans of UBND xã Bình Lư

# --- facts about the demo directory (config/demo.yaml) --------------------------------------
ACTORS = (ANONYMOUS, "chuyenvien", "truongphong", "vanphong", "phochutich", "vanthu",
          "so_vhttdl", "phongkt", "mttq", "sl_chuyenvien", "admin")
ROLES = {"chuyenvien": {"drafter"}, "truongphong": {"reviewer", "drafter"},
         "vanphong": {"format_checker", "reviewer"}, "phochutich": {"signer"}, "vanthu": {"clerk"},
         "so_vhttdl": {"recipient"}, "phongkt": {"recipient", "drafter"}, "mttq": {"recipient"},
         "sl_chuyenvien": {"drafter"}, "admin": {"admin"}}
AUTHOR = "chuyenvien"                        # writes every document of the matrix
DRAFTING_UNIT_HEADS = {"truongphong"}        # Trưởng phòng of the author's Phòng VH-XH
ISSUING_BODY = {"chuyenvien", "truongphong", "vanphong", "phochutich", "vanthu", "phongkt", "admin"}
CHAIN_PEOPLE = {"department_review": "truongphong", "office_check": "vanphong",
                "sign": "phochutich", "issue": "vanthu"}   # who each step of the chain falls to
COPY_HOLDER = "so_vhttdl"                    # Sở VHTTDL Lai Châu: its copy is the one the inbox routes use
REPORT_FILER = "phongkt"                     # Phòng Kinh tế (in the issuing body): files a report with an
                                             # attachment as soon as a document is issued
ADDRESSED = (COPY_HOLDER, REPORT_FILER)      # the units of every matrix document's Nơi nhận
COPY_STATUS = {"distributed": "sent", "reported": "acknowledged"}  # filing a report acknowledges
NOTIFIED = "truongphong"                     # owns the notifications the routes are tried on
DELEGATING = "truongphong"                   # gave the delegations the routes are tried on
DELEGABLE_ROLES = {"reviewer", "format_checker", "signer"}
PERSON_GUARDS = {"is_author", "is_step_assignee", "is_chain_reviewer_or_signer"}
TRACKING_PRINCIPALS = {"author", "chain_member", "drafting_unit_head", "admin"}


def definition():
    return registry.get(WORKFLOW)


def matrix_states(states: tuple[str, ...]) -> list[str]:
    """The table's states, `in_review` once per review step of the chain."""
    reviews = [f"in_review@{s.key}" for s in definition().chain if s.kind == "review"]
    expanded = []
    for state in states:
        expanded += reviews if state == "in_review" else [state]
    return expanded


def workflow_state(state: str) -> str:
    """The definition's state of a matrix state (a returned document is a draft)."""
    return "draft" if state == "returned" else state.split("@")[0]


def current_step(state: str):
    """The chain step a document in `state` waits on, from the definition (None: no step)."""
    chain = definition().chain
    if state.startswith("in_review@"):
        return next(s for s in chain if s.key == state.split("@")[1])
    kind = {"reviewed": "sign", "signed": "issue"}.get(state)
    return next((s for s in chain if s.kind == kind), None)


def has_role(actor: str, role: str) -> bool:
    return role in ROLES[actor] or "admin" in ROLES[actor]


def principals(actor: str, state: str) -> set[str]:
    """Who `actor` is for the matrix's document in `state` (the definition's principals)."""
    found = set()
    if "admin" in ROLES[actor]:
        found.add("admin")
    if actor == AUTHOR:
        found.add("author")
    if actor in DRAFTING_UNIT_HEADS:
        found.add("drafting_unit_head")
    if state != "draft" and actor in CHAIN_PEOPLE.values():  # the chain is set at the first submit
        found.add("chain_member")
    if actor in ISSUING_BODY:
        found.add("issuer_member")
    if state in ISSUED and actor in ADDRESSED:
        found.add("recipient")
    return found


def may(actor: str, state: str, action: str) -> bool:
    """The definition's `permissions[state][action]` for `actor`."""
    allowed = definition().permissions[workflow_state(state)][action]
    return bool(principals(actor, state) & set(allowed))


def guard_holds(guard: str, actor: str, state: str) -> bool:
    """A guard of the definition, decided from the facts above."""
    chain, step = definition().chain, current_step(state)
    reviews = [s for s in chain if s.kind == "review"]
    checks = {
        "is_author": lambda: actor == AUTHOR,
        "has_recipients": lambda: True,
        "has_comment": lambda: True,  # every request of the matrix carries a comment
        "is_step_assignee": lambda: step is not None and CHAIN_PEOPLE[step.key] == actor,
        "last_review_step": lambda: step is not None and step.kind == "review" and step == reviews[-1],
        "not_last_review_step": lambda: step is not None and step.kind == "review" and step != reviews[-1],
        "is_chain_reviewer_or_signer": lambda: actor in {CHAIN_PEOPLE[s.key] for s in chain
                                                         if s.kind in ("review", "sign")},
    }
    if guard not in checks:
        raise AssertionError(f"the matrix does not know guard {guard!r}: add it to guard_holds")
    return checks[guard]()


def human_triggers() -> list[str]:
    """The triggers people fire (those guarded by who the actor is)."""
    return [t for t in definition().triggers()
            if any(PERSON_GUARDS & set(x.guards) for x in definition().transitions if x.trigger == t)]


def may_fire(actor: str, state: str, trigger: str) -> bool:
    """True when a transition of the definition lets `actor` fire `trigger` in `state`."""
    return any(t.trigger == trigger and workflow_state(state) in t.sources
               and all(guard_holds(g, actor, state) for g in t.guards)
               for t in definition().transitions)


def expected(who: str, actor: str, state: str | None, trigger: str | None = None) -> bool:
    """May `actor` use a route of rule `who` in `state`?"""
    if who == "public":
        return True
    if actor == ANONYMOUS:
        return False
    found = principals(actor, state) if state else set()
    rules = {
        "logged_in": lambda: True,
        "admin": lambda: "admin" in ROLES[actor],
        "drafter": lambda: has_role(actor, "drafter"),
        "clerk": lambda: has_role(actor, "clerk"),
        "delegator": lambda: any(has_role(actor, r) for r in DELEGABLE_ROLES),
        "viewer": lambda: may(actor, state, "view"),
        "editor": lambda: may(actor, state, "edit"),
        "trigger": lambda: may(actor, state, "view") and may_fire(actor, state, trigger),
        "tracker": lambda: state in ISSUED and bool(
            found & TRACKING_PRINCIPALS or ("issuer_member" in found and "recipient" not in found)),
        "sender": lambda: expected("tracker", actor, state) and (
            actor == AUTHOR or "admin" in ROLES[actor] or (has_role(actor, "clerk") and actor in ISSUING_BODY)),
        "addressee": lambda: actor == COPY_HOLDER,
        "acknowledger": lambda: actor == COPY_HOLDER and COPY_STATUS[state] == "sent",
        "reporter": lambda: actor == COPY_HOLDER and COPY_STATUS[state] != "refused",
        "report_reader": lambda: actor == REPORT_FILER or expected("tracker", actor, state),
        "owner": lambda: actor == NOTIFIED,
        "delegation_party": lambda: actor == DELEGATING or "admin" in ROLES[actor],
    }
    return rules[who]()


# --- the world -------------------------------------------------------------------------------

def build(world: World, state: str):
    """A new document of `AUTHOR` to `ADDRESSED`, taken to `state` by the right people of the
    chain through the services; once issued, `REPORT_FILER` has filed with an attachment."""
    document = world.draft(AUTHOR, ADDRESSED)
    if state == "draft":
        return document
    services.submit(db.session, document, world.user(AUTHOR))
    if state == "returned":
        services.transition(db.session, document, world.user(CHAIN_PEOPLE[document.current_step.key]),
                            "return", comment="Cần sửa lại mục I.")
        return document
    goal, stop_at = workflow_state(state), (state.split("@")[1] if "@" in state else None)
    for _ in range(len(definition().chain) + 2):
        if document.state == goal and (stop_at is None or document.current_step.key == stop_at):
            break
        if document.state == "distributed":  # on the way to `reported`: every unit reports
            world.file_report(document, REPORT_FILER, attachment=True)
            world.file_report(document, COPY_HOLDER, attachment=False)
            continue
        step = document.current_step
        trigger = {"review": "approve", "sign": "sign", "issue": "issue"}[step.kind]
        services.transition(db.session, document, world.user(CHAIN_PEOPLE[step.key]), trigger)
    assert document.state == goal, (state, document.state)
    if goal == "distributed":
        world.file_report(document, REPORT_FILER, attachment=True)
    return document


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One application and database for the module, with the demo users and their clients."""
    app = make_app(tmp_path_factory.mktemp("route-matrix"))
    with app.app_context():
        reset_database()
        with pytest.MonkeyPatch.context() as monkeypatch:
            seed_demo(monkeypatch)
        yield World(app, build, copy_holder=COPY_HOLDER, report_filer=REPORT_FILER)
        db.session.remove()


def test_the_facts_match_the_demo(world):
    """The facts above hold in the seeded demo: roles, the issuing body, the chain's people."""
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(ACTORS)))}
    assert {name: set(u.roles) for name, u in users.items()} == ROLES
    body = users[AUTHOR].organization.issuing_body()
    assert {name for name, u in users.items() if u.organization.is_within(body)} == ISSUING_BODY
    doc = world.doc("in_review@department_review", fresh=False)
    steps = db.session.execute(select(ApprovalStep.key, User.username)
                               .join(User, User.id == ApprovalStep.assignee_id)
                               .where(ApprovalStep.document_id == doc.id)).all()
    assert dict(steps) == CHAIN_PEOPLE
    db.session.rollback()


# --- the table covers the URL map --------------------------------------------------------------

def route_keys(app: Flask) -> set[str]:
    """"METHOD endpoint" of every rule of the application (static files left out)."""
    return {f"{method} {rule.endpoint}" for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_an_entry(world):
    """A new route (method and endpoint) needs its line in the table."""
    missing = sorted(route_keys(world.app) - set(ACCESS))
    assert not missing, f"routes without an entry in tests/security/route_access.py: {missing}"


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
    access = ACCESS[key]
    allow = expected(access.who, actor, state, trigger)
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


@pytest.mark.parametrize("key", sorted(ACCESS))
def test_route(world, key):
    """Every actor in every state the route applies to gets what the table says."""
    access = ACCESS[key]
    states = matrix_states(access.states) if access.states else [None]
    triggers = human_triggers() if access.who == "trigger" else [None]
    failures, checks = [], 0
    for state in states:
        for actor in ACTORS:
            for trigger in triggers:
                failure = check(world, key, actor, state, trigger)
                checks += 1
                if failure:
                    failures.append(failure)
    assert checks == len(states) * len(ACTORS) * len(triggers)
    assert not failures, f"{len(failures)} of {checks} checks failed:\n" + "\n".join(failures)


def test_matrix_states_cover_the_definition(world):
    """Every state of the definition is in the matrix, and every review step."""
    states = matrix_states(EVERY_STATE)
    assert {workflow_state(s) for s in states} == set(definition().states)
    assert [s for s in states if s.startswith("in_review@")] == \
        [f"in_review@{s.key}" for s in definition().chain if s.kind == "review"]
