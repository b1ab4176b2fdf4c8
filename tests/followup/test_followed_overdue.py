"""The worklist's panel of followed documents with overdue reports (`dashboards.followed_overdue`):
whom it serves is written on the document's progress row at issue (`followers`,
`drafting_unit_id`) and must agree with who may track the document."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import DocumentProgress
from tests.factories import make_org, make_user
from workflow import dashboards
from workflow.permissions import principals

from .conftest import issue_plan


def _row(session, doc):
    return session.execute(select(DocumentProgress.followers, DocumentProgress.drafting_unit_id)
                           .where(DocumentProgress.document_id == doc.id)).one()


def test_issue_records_the_author_and_every_chain_member_and_the_drafting_unit(session, commune):
    doc = issue_plan(session, commune)
    followers, unit = _row(session, doc)
    chain = {s.assignee_id for s in doc.steps} | {s.decided_by_id for s in doc.steps}
    assert followers == sorted({doc.author_id} | chain - {None})
    assert unit == doc.drafting_unit_id
    # The same people `principals` names author or chain member.
    people = commune["people"].values()
    assert {u.id for u in people if principals(session, u, doc, recipient=False) & {"author", "chain_member"}} \
        == set(followers)


@pytest.mark.parametrize("who, sees", [
    ("drafter", True), ("head", True), ("office", True), ("signer", True), ("clerk", True),
    ("unit_colleague", False), ("other_head", False), ("outsider", False), ("admin", True)])
def test_the_panel_lists_a_document_with_overdue_reports_to_those_who_follow_it(session, commune, who, sees):
    p = commune["people"]
    extra = {"unit_colleague": make_user(session, p["drafter"].organization, roles=("drafter",)),
             "other_head": make_user(session, make_org(session, "Phòng Kinh tế", parent=commune["ubnd"]),
                                     position="Trưởng phòng", roles=("reviewer",)),
             "admin": make_user(session, commune["ubnd"], roles=("admin",))}
    doc = issue_plan(session, commune, deadlines=(("6 tháng", "2026-06-15"),))
    user = extra.get(who) or p[who]
    listed = dashboards.followed_overdue(session, user, date(2026, 7, 1))
    assert [(d.id, n) for d, n in listed] == ([(doc.id, len(commune["recipients"]))] if sees else [])
    assert dashboards.followed_overdue(session, user, date(2026, 6, 1)) == []  # nothing overdue yet


def test_a_head_of_the_drafting_unit_follows_its_documents_without_acting_on_them(session, commune):
    p = commune["people"]
    doc = issue_plan(session, commune, deadlines=(("6 tháng", "2026-06-15"),))
    deputy = make_user(session, p["drafter"].organization, position="Phó Trưởng phòng", roles=("reviewer",))
    assert deputy.id not in _row(session, doc).followers
    assert [d.id for d, _ in dashboards.followed_overdue(session, deputy, date(2026, 7, 1))] == [doc.id]
