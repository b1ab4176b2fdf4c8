"""Delegation (ủy quyền): active for its Vietnam dates only, revocable, never passed on;
the delegate sees and acts on the items, and history and signature say so (TUQ.)."""
from datetime import date

import pytest

from tests.factories import make_draft, make_user
from workflow import clock, dashboards, queries, services
from workflow.errors import Conflict, PermissionDenied, ValidationFailed
from workflow.services import followup

from .conftest import at, notes

WINDOW = (date(2026, 6, 10), date(2026, 6, 12))


@pytest.fixture
def submitted(session, commune):
    p = commune["people"]
    colleague = make_user(session, commune["dept"], position="Phó Trưởng phòng", roles=())
    clock.set_now(at("2026-06-01"))
    delegation = followup.create_delegation(session, p["head"], colleague, *WINDOW, reason="Đi công tác")
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    return doc, colleague, delegation


@pytest.mark.parametrize("moment, active", [
    (at("2026-06-09", 23), False),   # the evening before, Vietnam time
    (at("2026-06-10", 0), True),     # 17:00 UTC on 9 June, already 10 June in Vietnam
    (at("2026-06-12", 23), True),
    (at("2026-06-13", 0), False),    # ends by itself
])
def test_delegation_window(session, commune, submitted, moment, active):
    doc, colleague, _ = submitted
    clock.set_now(moment)
    assert (doc in queries.worklist(session, colleague)) is active
    # the browser's worklist and its badge decide in SQL, by the same Vietnam day
    assert ([i.document for i in dashboards.worklist_page(session, colleague).items] == [doc]) is active
    assert dashboards.worklist_counts(session, colleague)["review"] == int(active)
    assert ("approve" in queries.available_triggers(session, doc, colleague)) is active
    if active:
        entry = services.approve(session, doc, colleague)
        assert entry.on_behalf_of_id == commune["people"]["head"].id and entry.actor_id == colleague.id
    else:
        with pytest.raises(PermissionDenied):
            services.approve(session, doc, colleague)


def test_delegate_is_told_and_revocation_ends_it_at_once(session, commune, submitted):
    doc, colleague, delegation = submitted
    assert [n.kind for n in notes(session, colleague)] == ["delegated"]
    clock.set_now(at("2026-06-11"))
    assert doc in queries.worklist(session, colleague)
    with pytest.raises(PermissionDenied):
        followup.revoke_delegation(session, delegation, colleague)
    followup.revoke_delegation(session, delegation, commune["people"]["head"])
    assert doc not in queries.worklist(session, colleague)
    assert dashboards.worklist_counts(session, colleague)["total"] == 0
    with pytest.raises(PermissionDenied):
        services.approve(session, doc, colleague)
    with pytest.raises(Conflict):
        followup.revoke_delegation(session, delegation, commune["people"]["head"])


def test_an_ended_delegation_cannot_be_revoked(session, commune, submitted):
    _, _, delegation = submitted
    clock.set_now(at("2026-06-20"))
    with pytest.raises(Conflict):
        followup.revoke_delegation(session, delegation, commune["people"]["head"])


def test_a_delegation_cannot_be_passed_on(session, commune, submitted):
    doc, colleague, _ = submitted
    p = commune["people"]
    stranger = make_user(session, commune["dept"], roles=())
    clock.set_now(at("2026-06-11"))
    with pytest.raises(PermissionDenied) as refused:
        followup.create_delegation(session, colleague, stranger, *WINDOW)
    assert refused.value.code == "cannot_redelegate"
    # a reviewer who holds the head's step by delegation can delegate only their own steps
    p["office"].roles = ["format_checker", "reviewer"]
    clock.set_now(at("2026-06-01"))
    followup.create_delegation(session, p["head"], p["office"], *WINDOW)
    followup.create_delegation(session, p["office"], stranger, *WINDOW)
    clock.set_now(at("2026-06-11"))
    assert doc in queries.worklist(session, p["office"])
    assert doc not in queries.worklist(session, stranger)
    with pytest.raises(PermissionDenied):
        services.approve(session, doc, stranger)
    services.approve(session, doc, p["office"])  # on behalf of the head
    assert doc in queries.worklist(session, stranger)  # the office's own step now
    services.approve(session, doc, stranger)
    assert doc.state == "reviewed"


@pytest.mark.parametrize("start, end, who", [
    (date(2026, 6, 12), date(2026, 6, 10), "colleague"),   # reversed
    (date(2026, 5, 1), date(2026, 5, 2), "colleague"),     # already over
    (date(2026, 6, 10), date(2026, 6, 12), "self"),
    (date(2026, 6, 10), date(2026, 6, 12), "outsider"),    # another body
])
def test_invalid_delegations(session, commune, start, end, who):
    p = commune["people"]
    clock.set_now(at("2026-06-01"))
    target = {"colleague": p["office"], "self": p["head"], "outsider": p["outsider"]}[who]
    with pytest.raises(ValidationFailed):
        followup.create_delegation(session, p["head"], target, start, end)


def test_signing_under_delegation_prints_tuq(session, commune):
    p = commune["people"]
    deputy = make_user(session, commune["ubnd"], position="Ủy viên", roles=(), full_name="Lò Văn Thay")
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    services.approve(session, doc, p["head"])
    clock.set_now(at("2026-06-01"))
    followup.create_delegation(session, p["signer"], deputy, *WINDOW)
    clock.set_now(at("2026-06-10", 8))
    services.approve(session, doc, p["office"])
    assert {n.user_id for n in notes(session, kind="approved")[-2:]} == {p["signer"].id, deputy.id}
    entry = services.sign(session, doc, deputy)
    assert doc.signer_authority == ["TUQ. PHÓ CHỦ TỊCH"]
    assert (doc.signer_position, doc.signer_name) == ("ỦY VIÊN", "Lò Văn Thay")
    assert entry.on_behalf_of_id == p["signer"].id
