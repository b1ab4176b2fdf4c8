"""Notifications go to exactly the person whose turn it is, never to a whole role."""
import pytest
from sqlalchemy import select

from models import Delegation, Distribution
from tests.factories import make_draft, make_user
from workflow import services
from workflow.services import followup

from .conftest import ISSUE_AT, issue_plan, notes, recipient_user


def test_each_step_notifies_only_the_next_assignee(session, commune):
    p = commune["people"]
    # a second reviewer of the same department: same role, not their turn
    other_head = make_user(session, commune["dept"], position="Trưởng phòng", roles=("reviewer",))
    doc = make_draft(session, p["drafter"], commune["recipients"], deadlines=[("năm", "2026-11-25")])
    steps = [
        (lambda: services.submit(session, doc, p["drafter"]), "submitted", [p["head"]]),
        (lambda: services.approve(session, doc, p["head"]), "approved", [p["office"]]),
        (lambda: services.approve(session, doc, p["office"]), "approved", [p["signer"]]),
        (lambda: services.sign(session, doc, p["signer"]), "signed", [p["clerk"]]),
    ]
    for act, kind, expected in steps:
        before = len(notes(session))
        act()
        new = notes(session)[before:]
        assert [(n.user_id, n.kind) for n in new] == [(u.id, kind) for u in expected]
        assert new[0].url == f"/documents/{doc.id}" and doc.title in new[0].message
    assert notes(session, other_head) == []
    before = len(notes(session))
    services.issue_document(session, doc, p["clerk"])
    new = notes(session)[before:]
    assert {(n.user_id, n.kind) for n in new} == {(p["drafter"].id, "issued")} | {
        (recipient_user(commune, org).id, "arrived") for org in commune["recipients"]}
    arrived = [n for n in new if n.kind == "arrived"]
    assert all(n.url.startswith("/inbox/") for n in arrived)
    assert all(doc.number_symbol in n.message for n in new)


def test_return_notifies_the_drafter_with_the_comment(session, commune):
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    services.return_to_drafter(session, doc, p["head"], comment="Bổ sung số liệu")
    [note] = notes(session, p["drafter"])
    assert note.kind == "returned" and "Bổ sung số liệu" in note.message


def test_an_inactive_drafter_is_not_told(session, commune):
    """The sender is told only while active, as `notify` tells only active users."""
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    p["drafter"].active = False
    session.flush()
    services.return_to_drafter(session, doc, p["head"], comment="Bổ sung số liệu")
    assert notes(session, p["drafter"]) == []


@pytest.mark.parametrize("action, kind, text", [
    ("refuse", "refused", "Không thuộc thẩm quyền"),
    ("report", "report_filed", "đúng hạn"),
])
def test_sender_is_told_of_refusals_and_reports(session, commune, plan, action, kind, text):
    drafter = commune["people"]["drafter"]
    dist = session.scalars(select(Distribution).where(Distribution.document_id == plan.id)).first()
    user = recipient_user(commune, dist.organization)
    if action == "refuse":
        services.refuse(session, dist, user, "Không thuộc thẩm quyền")
    else:
        services.file_report(session, dist, user, "Đã thực hiện")
    [note] = notes(session, drafter, kind)
    assert dist.organization.name in note.message and text in note.message
    assert notes(session, commune["people"]["clerk"], kind) == []


def test_last_report_tells_the_sender_the_document_is_reported(session, commune):
    doc = issue_plan(session, commune, recipients=commune["recipients"][:1])
    dist = session.scalars(select(Distribution)).one()
    services.file_report(session, dist, recipient_user(commune, dist.organization), "Xong")
    assert doc.state == "reported"
    assert [n.kind for n in notes(session, commune["people"]["drafter"])][-2:] == ["report_filed", "reported"]


def test_active_delegate_is_told_too(session, commune, frozen_clock):
    p = commune["people"]
    colleague = make_user(session, commune["dept"], position="Phó Trưởng phòng")
    session.add(Delegation(delegator=p["head"], delegate=colleague, starts_on=ISSUE_AT.date(),
                           ends_on=ISSUE_AT.date()))
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    assert {n.user_id for n in notes(session, kind="submitted")} == {p["head"].id, colleague.id}


def test_bell_count_list_and_mark_read(session, commune, plan):
    drafter = commune["people"]["drafter"]
    from workflow import notifications
    mine = notes(session, drafter)
    assert notifications.unread_count(session, drafter) == len(mine) >= 1
    listed = notifications.recent(session, drafter)
    assert [n.id for n in listed] == [n.id for n in reversed(mine)]
    other = notes(session, commune["people"]["clerk"])
    assert followup.mark_notifications_read(session, drafter, [listed[0].id] + [n.id for n in other]) == 1
    assert all(n.read_at is None for n in notes(session, commune["people"]["clerk"]))
    assert notifications.unread_count(session, drafter) == len(mine) - 1
    followup.mark_notifications_read(session, drafter)
    assert notifications.unread_count(session, drafter) == 0
    assert notifications.recent(session, drafter, unread_only=True) == []
