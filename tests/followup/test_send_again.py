"""Sending an issued document again to more recipients: each new one is tracked from
its own send time and owes only the reports still to come."""
from datetime import date

import pytest
from sqlalchemy import select

from models import Distribution, HistoryEntry, ReportDuty
from tests.factories import make_draft, make_group, make_org, make_user
from workflow import clock, services, tracking
from workflow.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from workflow.services import followup

from .conftest import at, issue_plan, notes, recipient_user


@pytest.fixture
def newcomer(session, commune):
    org = make_org(session, "Thôn Mới", parent=commune["ubnd"], kind="village")
    return org, make_user(session, org, roles=("recipient",))


def test_new_recipient_is_tracked_from_its_own_send_time(session, commune, newcomer):
    org, user = newcomer
    doc = issue_plan(session, commune, deadlines=[("quý I", "2026-02-10"), ("6 tháng", "2026-06-15")])
    clerk = commune["people"]["clerk"]
    clock.set_now(at("2026-03-01"))
    [dist] = followup.send_again(session, doc, clerk, [{"organization_id": org.id, "purpose": "t/h"}])
    assert (dist.sent_at, dist.added_after_issue, dist.sent_by_id, dist.status) == \
        (at("2026-03-01"), True, clerk.id, "sent")
    owed = session.scalars(select(ReportDuty).where(ReportDuty.distribution_id == dist.id)).all()
    assert [d.due_date for d in owed] == [date(2026, 6, 15)]  # the first quarter had passed
    [arrived] = notes(session, user, "arrived")
    assert arrived.url == f"/inbox/{dist.id}"
    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.document_id == doc.id)
                            .order_by(HistoryEntry.seq.desc())).first()
    assert (entry.trigger, entry.distribution_id, entry.actor_id) == ("send_again", dist.id, clerk.id)
    _, items = tracking.unit_items(session, clerk, org.id, today=date(2026, 3, 2))
    assert [(i.kind, i.due_date, i.overdue) for i in items.items] == [
        ("acknowledge", date(2026, 3, 1), True), ("report", date(2026, 6, 15), False)]
    # the original recipients were due to acknowledge on the day of issue
    _, first = tracking.unit_items(session, clerk, commune["recipients"][0].id, today=date(2026, 3, 2))
    assert first.items[0].due_date == date(2026, 1, 5)


def test_a_group_is_expanded_and_known_recipients_are_skipped(session, commune, newcomer):
    org, _ = newcomer
    doc = issue_plan(session, commune)
    group = make_group(session, "Các thôn", commune["recipients"] + [org])
    added = followup.send_again(session, doc, commune["people"]["drafter"], [{"group_id": group.id}])
    assert [d.organization_id for d in added] == [org.id] and added[0].via_group_id == group.id
    with pytest.raises(Conflict):
        followup.send_again(session, doc, commune["people"]["drafter"], [{"group_id": group.id}])


@pytest.mark.parametrize("recipients", [[], "x", [{"purpose": "t/h"}], [{"organization_id": 99999}],
                                        [{"group_id": 99999}], [{"organization_id": 1, "purpose": "bad"}]])
def test_bad_recipients_are_refused(session, commune, recipients):
    doc = issue_plan(session, commune)
    with pytest.raises(ValidationFailed):
        followup.send_again(session, doc, commune["people"]["clerk"], recipients)


def test_who_may_send_again_and_when(session, commune, newcomer):
    org, user = newcomer
    doc = issue_plan(session, commune)
    line = [{"organization_id": org.id}]
    for who in (commune["people"]["outsider"], commune["people"]["head"],
                recipient_user(commune, commune["recipients"][0])):
        with pytest.raises(PermissionDenied):
            followup.send_again(session, doc, who, line)
    draft = make_draft(session, commune["people"]["drafter"], commune["recipients"])
    with pytest.raises(InvalidTransition):
        followup.send_again(session, draft, commune["people"]["drafter"], line)


def test_after_all_reports_are_in_a_new_recipient_owes_none(session, commune, newcomer):
    org, _ = newcomer
    a = commune["recipients"][0]
    doc = issue_plan(session, commune, recipients=[a])
    dist = session.scalars(select(Distribution).where(Distribution.document_id == doc.id)).one()
    clock.set_now(at("2026-02-01"))
    services.file_report(session, dist, recipient_user(commune, a), "Xong")
    assert doc.state == "reported"
    [added] = followup.send_again(session, doc, commune["people"]["clerk"], [{"organization_id": org.id}])
    assert added.duties == [] and doc.state == "reported"
