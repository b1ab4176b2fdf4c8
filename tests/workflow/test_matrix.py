"""Who may fire which trigger in which state, for every workflow definition (table-driven).

For each definition an organization fitting it is built; the document is driven
to each point of its life; every person is asked about every trigger; the
answer of `available_triggers` (what the UI shows) and of the service itself
(what a request does) must both match the table.
"""
import pytest

from tests.factories import make_draft, make_org, make_user
from workflow import queries, services
from workflow.errors import WorkflowError

TRIGGERS = ["submit", "approve", "return", "sign", "issue"]


def build(session, workflow):
    """Organizations and people for `workflow`; returns (people, recipients)."""
    if workflow == "ke_hoach_ubnd":
        body = make_org(session, "UBND xã A", kind="commune", abbreviation="UBND", issues=True)
        unit = make_org(session, "Phòng VH-XH", parent=body, kind="department")
        office = make_org(session, "Văn phòng", parent=body, kind="office")
        people = {"author": make_user(session, unit),
                  "step0": make_user(session, unit, position="Trưởng phòng", roles=("reviewer",)),
                  "step1": make_user(session, office, position="Chánh Văn phòng", roles=("format_checker",)),
                  "signer": make_user(session, body, position="Phó Chủ tịch", roles=("signer",)),
                  "clerk": make_user(session, office, position="Văn thư", roles=("clerk",))}
    elif workflow == "ke_hoach_van_phong":
        body = make_org(session, "Văn phòng UBND tỉnh", kind="office", abbreviation="VPUB", issues=True)
        unit = make_org(session, "Phòng TCHCQT", parent=body, kind="department")
        people = {"author": make_user(session, unit),
                  "step0": make_user(session, unit, position="Trưởng phòng", roles=("reviewer",)),
                  "signer": make_user(session, body, position="Chánh Văn phòng", roles=("signer",)),
                  "clerk": make_user(session, unit, position="Văn thư", roles=("clerk",))}
    else:
        parent = make_org(session, "UBND xã B", kind="commune", abbreviation="UBND", issues=True)
        body = make_org(session, "Ban Chỉ đạo", parent=parent, kind="steering_committee",
                        abbreviation="BCĐ", issues=True)
        unit = make_org(session, "Bộ phận giúp việc", parent=body)
        people = {"author": make_user(session, unit),
                  "step0": make_user(session, body, position="Phó Trưởng ban", roles=("reviewer",)),
                  "signer": make_user(session, body, position="Trưởng ban", roles=("signer",)),
                  "clerk": make_user(session, body, position="Văn thư", roles=("clerk",))}
    recipient_org = make_org(session, "Thôn 1", kind="village")
    people["recipient"] = make_user(session, recipient_org, roles=("recipient",))
    people["outsider"] = make_user(session, make_org(session, "Nơi khác"), roles=("drafter", "signer", "clerk"))
    people["colleague"] = make_user(session, unit)
    return people, [recipient_org]


def points(workflow):
    """(label, triggers to reach it, {trigger: who may fire it}) for each point of the chain."""
    reviewers = ["step0", "step1"] if workflow == "ke_hoach_ubnd" else ["step0"]
    returners = set(reviewers) | {"signer"}
    rows = [("draft", [], {"submit": {"author"}})]
    path = ["submit"]
    for i, who in enumerate(reviewers):
        rows.append((f"in_review@{who}", list(path), {"approve": {who}, "return": returners}))
        path.append("approve")
    rows.append(("reviewed", list(path), {"sign": {"signer"}, "return": returners}))
    path.append("sign")
    rows.append(("signed", list(path), {"issue": {"clerk"}}))
    path.append("issue")
    rows.append(("distributed", list(path), {}))
    rows.append(("returned draft", path[:2] + ["return"], {"submit": {"author"}}))
    return rows


CASES = [(wf, label, path, table) for wf in ("ke_hoach_ubnd", "ke_hoach_van_phong", "ke_hoach_ban_chi_dao")
         for label, path, table in points(wf)]


def drive(session, document, people, path):
    for trigger in path:
        who = people["author"] if trigger == "submit" else document.current_step.assignee
        services.transition(session, document, who, trigger, comment="Cần sửa" if trigger == "return" else "")


@pytest.mark.parametrize("workflow, label, path, table", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_who_may_fire_what(session, workflow, label, path, table):
    people, recipients = build(session, workflow)
    document = make_draft(session, people["author"], recipients, deadlines=[("năm", "2030-12-31")])
    assert document.workflow == workflow
    drive(session, document, people, path)
    for person_key, person in people.items():
        shown = set(queries.available_triggers(session, document, person))
        expected = {t for t in TRIGGERS if person_key in table.get(t, set())}
        assert shown == expected, (label, person_key, shown, expected)
    # The services refuse what the table forbids and change nothing.
    for person_key, person in people.items():
        for trigger in TRIGGERS:
            if person_key in table.get(trigger, set()):
                continue
            before = (document.state, document.version, document.current_step_id)
            with pytest.raises(WorkflowError):
                with session.begin_nested():
                    services.transition(session, document, person, trigger, comment="x")
            session.refresh(document)
            assert (document.state, document.version, document.current_step_id) == before
