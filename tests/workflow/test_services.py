"""Every trigger's happy path and its refusals, through the services."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from models import Distribution, HistoryEntry, ReportDuty
from tests.factories import make_commune, make_draft, make_group, run_chain
from workflow import services
from workflow.errors import (Conflict, InvalidTransition, PermissionDenied, ValidationFailed)
from workflow.history import verify


@pytest.fixture
def commune(session):
    return make_commune(session)


def test_submit_assigns_named_people_not_roles(session, commune):
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    assert doc.state == "in_review"
    assert [s.assignee for s in doc.chain()] == [p["head"], p["office"], p["signer"], p["clerk"]]
    assert doc.current_step.assignee == p["head"]


def test_last_review_moves_to_reviewed_and_sign_derives_block(session, commune):
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    services.approve(session, doc, p["head"], comment="Đồng ý")
    assert doc.state == "in_review" and doc.current_step.assignee == p["office"]
    services.approve(session, doc, p["office"])
    assert doc.state == "reviewed"
    services.sign(session, doc, p["signer"])
    assert doc.state == "signed"
    assert doc.signer_authority == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert doc.signer_position == "PHÓ CHỦ TỊCH" and doc.signer_name == p["signer"].full_name


def test_return_requires_comment_and_resets_chain(session, commune):
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    services.approve(session, doc, p["head"])
    with pytest.raises(ValidationFailed, match="ý kiến"):
        services.return_to_drafter(session, doc, p["office"], comment="  ")
    services.return_to_drafter(session, doc, p["office"], comment="Sai thể thức phần Nơi nhận")
    assert doc.state == "draft" and doc.current_step is None
    first_round = doc.chain()
    assert [s.decision for s in first_round] == ["approved", "returned", "pending", "pending"]
    services.submit(session, doc, p["drafter"])
    assert doc.chain_round == 2 and doc.current_step.assignee == p["head"]
    assert all(s.decision == "pending" for s in doc.chain())
    assert len(doc.steps) == 8  # the first round is kept


def test_issue_numbers_and_distributes_with_groups_expanded(session, commune):
    p, villages = commune["people"], commune["recipients"]
    group = make_group(session, "Các thôn", villages)
    data = services.parse_draft_input({
        "doc_type": "KH", "title": "Kế hoạch", "sections": [],
        "recipients": [{"organization_id": villages[0].id, "purpose": "b/c"},
                       {"group_id": group.id, "purpose": "t/h"}],
        "report_deadlines": [{"period": "6 tháng", "due": "2030-06-15"},
                             {"period": "năm", "due": "2030-11-25"}]})
    doc = services.create_draft(session, p["drafter"], data)
    run_chain(session, doc)
    assert doc.state == "distributed" and doc.number == 1 and doc.number_symbol == "01/KH-UBND"
    dists = session.scalars(select(Distribution).where(Distribution.document_id == doc.id)
                            .order_by(Distribution.id)).all()
    assert [d.organization_id for d in dists] == [v.id for v in villages]
    assert dists[0].purpose == "b/c" and dists[1].via_group_id == group.id
    duties = session.scalar(select(func.count(ReportDuty.id)).where(ReportDuty.document_id == doc.id))
    assert duties == 4  # two t/h villages × two obligations; the b/c one owes nothing


def test_second_document_gets_next_number_and_new_year_restarts(session, commune, frozen_clock):
    p = commune["people"]
    frozen_clock(datetime(2026, 12, 31, 10, 0))
    a = run_chain(session, make_draft(session, p["drafter"], commune["recipients"]))
    b = run_chain(session, make_draft(session, p["drafter"], commune["recipients"]))
    frozen_clock(datetime(2026, 12, 31, 17, 30))  # 00:30 on 1 January in Vietnam
    c = run_chain(session, make_draft(session, p["drafter"], commune["recipients"]))
    assert (a.number, a.year, b.number, c.number, c.year) == (1, 2026, 2, 1, 2027)
    assert c.issue_date == date(2027, 1, 1)


def _issued_to_villages(session, commune, n):
    """A plan issued on 1 June 2030 to the first `n` villages, one report due 15 June: the
    document, its copies in id order, and the recipient user of each unit."""
    p = commune["people"]
    doc = run_chain(session, make_draft(session, p["drafter"], commune["recipients"][:n],
                                        deadlines=[("6 tháng", "2030-06-15")]))
    dists = session.scalars(select(Distribution).where(Distribution.document_id == doc.id)
                            .order_by(Distribution.id)).all()
    return doc, dists, {u.organization_id: u for k, u in p.items() if k.startswith("recipient_")}


def test_acknowledge_and_reports_complete_the_document(session, commune, frozen_clock):
    frozen_clock(datetime(2030, 6, 1, 3, 0))
    doc, dists, users = _issued_to_villages(session, commune, 2)
    services.acknowledge(session, dists[0], users[dists[0].organization_id])
    with pytest.raises(Conflict, match="đã được xác nhận"):
        services.acknowledge(session, dists[0], users[dists[0].organization_id])
    with pytest.raises(PermissionDenied):
        services.acknowledge(session, dists[1], users[dists[0].organization_id])
    report = services.file_report(session, dists[0], users[dists[0].organization_id], "Kết quả 6 tháng")
    assert report.late is False and doc.state == "distributed"
    frozen_clock(datetime(2030, 6, 20, 3, 0))
    late = services.file_report(session, dists[1], users[dists[1].organization_id], "Nộp muộn")
    assert late.late is True
    assert dists[1].status == "acknowledged"  # filing confirms receipt
    assert doc.state == "reported"
    assert session.scalars(select(HistoryEntry.trigger).where(HistoryEntry.document_id == doc.id)
                           .order_by(HistoryEntry.seq)).all()[-1] == "complete_reporting"
    assert verify(session) == []


def test_refusal_releases_duties_and_is_shown(session, commune):
    p, villages = commune["people"], commune["recipients"]
    doc = run_chain(session, make_draft(session, p["drafter"], villages[:2], deadlines=[("năm", "2030-12-01")]))
    dists = session.scalars(select(Distribution).where(Distribution.document_id == doc.id)
                            .order_by(Distribution.id)).all()
    users = {u.organization_id: u for k, u in p.items() if k.startswith("recipient_")}
    with pytest.raises(ValidationFailed):
        services.refuse(session, dists[0], users[dists[0].organization_id], "")
    services.refuse(session, dists[0], users[dists[0].organization_id], "Không thuộc thẩm quyền")
    assert dists[0].status == "refused"
    services.file_report(session, dists[1], users[dists[1].organization_id], "Báo cáo năm")
    assert doc.state == "reported"


@pytest.mark.parametrize("payload, field", [
    ({"title": ""}, "title"),
    ({"title": "x", "doc_type": "XX"}, "doc_type"),
    ({"title": "x", "recipients": [{"purpose": "t/h"}]}, "recipients[0]"),
    ({"title": "x", "recipients": [{"organization_id": 1, "purpose": "lol"}]}, "recipients[0].purpose"),
    ({"title": "x", "report_deadlines": [{"period": "năm", "due": "31/12/2026"}]}, "report_deadlines[0]"),
    ({"title": "x", "sections": [{"heading": 3, "paragraphs": "x"}]}, "sections[0]"),
])
def test_bad_draft_input_names_the_field(payload, field):
    with pytest.raises(ValidationFailed) as err:
        services.parse_draft_input(payload)
    assert field in err.value.details


def test_unknown_recipient_changes_nothing(session, commune):
    data = services.parse_draft_input({"title": "x", "recipients": [{"organization_id": 99999}]})
    with pytest.raises(ValidationFailed, match="không tồn tại"):
        services.create_draft(session, commune["people"]["drafter"], data)


def test_edit_only_by_author_in_draft_and_each_save_is_a_revision(session, commune):
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    edit = services.parse_draft_input({"title": "Tên mới", "recipients": [
        {"organization_id": commune["recipients"][0].id, "purpose": "t/h"}]})
    services.update_draft(session, doc, p["drafter"], edit)
    assert [r.number for r in doc.revisions] == [1, 2] and doc.revisions[-1].title == "Tên mới"
    with pytest.raises(PermissionDenied):
        services.update_draft(session, doc, p["head"], edit)
    with pytest.raises(Conflict):
        services.update_draft(session, doc, p["drafter"], edit, expected_version=doc.version - 1)
    services.submit(session, doc, p["drafter"])
    with pytest.raises(PermissionDenied):
        services.update_draft(session, doc, p["drafter"], edit)


def test_submit_without_recipients_is_refused(session, commune):
    doc = make_draft(session, commune["people"]["drafter"], [])
    with pytest.raises(ValidationFailed, match="nơi nhận"):
        services.submit(session, doc, commune["people"]["drafter"])
    assert doc.state == "draft"


def test_issue_in_wrong_state_is_refused(session, commune):
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    with pytest.raises(InvalidTransition):
        services.issue_document(session, doc, p["clerk"])


def test_delegation_lets_colleague_sign_with_tuq_within_dates(session, commune, frozen_clock):
    from workflow.services.delegation import delegate
    p = commune["people"]
    chairman = p["signer"]
    chairman.position = "Chủ tịch"
    deputy = p["office"]
    frozen_clock(datetime(2030, 3, 1, 3, 0))
    delegate(session, chairman, deputy, date(2030, 3, 1), date(2030, 3, 5))
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    services.approve(session, doc, p["head"])
    services.approve(session, doc, p["office"])
    frozen_clock(datetime(2030, 3, 6, 3, 0))
    with pytest.raises(PermissionDenied):
        services.sign(session, doc, deputy)
    frozen_clock(datetime(2030, 3, 4, 3, 0))
    entry = services.sign(session, doc, deputy)
    assert entry.on_behalf_of_id == chairman.id
    assert doc.signer_authority == ["TUQ. CHỦ TỊCH"] and doc.signer_position == "CHÁNH VĂN PHÒNG"


def test_acknowledge_copy_writes_what_acknowledge_writes_and_refuses_alike(session, commune, frozen_clock):
    frozen_clock(datetime(2030, 6, 1, 3, 0))
    doc, dists, users = _issued_to_villages(session, commune, 3)
    ids = [(d.id, users[d.organization_id]) for d in dists]
    services.acknowledge(session, dists[0], ids[0][1])  # the model path, for comparison
    session.commit()
    done = services.acknowledge_copy(session, ids[1][0], ids[1][1])
    session.commit()
    assert (done.document_id, done.title) == (doc.id, doc.title)
    rows = session.execute(select(Distribution.status, Distribution.acknowledged_by_id, Distribution.version)
                           .where(Distribution.id.in_([ids[0][0], ids[1][0]])).order_by(Distribution.id)).all()
    assert [tuple(r) for r in rows] == [("acknowledged", ids[0][1].id, 2), ("acknowledged", ids[1][1].id, 2)]
    history = session.execute(select(HistoryEntry.trigger, HistoryEntry.distribution_id, HistoryEntry.actor_id,
                                     HistoryEntry.comment).where(HistoryEntry.document_id == doc.id)
                              .order_by(HistoryEntry.seq)).all()
    assert [tuple(h) for h in history[-2:]] == [
        ("acknowledge", i, u.id, u.organization.name) for i, u in ids[:2]]
    from workflow import progress
    assert progress.stored(session, doc.id) == progress.recount(session, doc.id)
    assert progress.stored(session, doc.id)["acknowledged"] == 2
    assert verify(session) == []
    # Refusals answer as `acknowledge` does, and write nothing.
    with pytest.raises(Conflict, match="đã được xác nhận"):
        services.acknowledge_copy(session, ids[1][0], ids[1][1])
    with pytest.raises(PermissionDenied):
        services.acknowledge_copy(session, ids[2][0], ids[1][1])
    from workflow.errors import NotFound
    with pytest.raises(NotFound):
        services.acknowledge_copy(session, 10 ** 9, ids[1][1])
    session.rollback()
    # Another acknowledgement that won the race (the version moved): 409, nothing written.
    session.execute(Distribution.__table__.update().where(Distribution.__table__.c.id == ids[2][0])
                    .values(version=Distribution.__table__.c.version + 1))
    session.commit()
    before = session.scalar(select(func.count()).select_from(HistoryEntry))
    from workflow.services import receiving
    real = receiving._copy_query

    def stale():  # read the copy as it was before the other writer's version
        return real().with_only_columns(*[c if c.key != "version" else (c - 1).label("version")
                                          for c in real().selected_columns])
    receiving._copy_query = stale
    one_statement = receiving._acknowledge_in_one_statement  # reads and writes at once: cannot read stale
    receiving._acknowledge_in_one_statement = lambda *args: None
    try:
        with pytest.raises(Conflict):
            services.acknowledge_copy(session, ids[2][0], ids[2][1])
    finally:
        receiving._copy_query = real
        receiving._acknowledge_in_one_statement = one_statement
    session.rollback()
    assert session.scalar(select(func.count()).select_from(HistoryEntry)) == before
    assert session.scalar(select(Distribution.status).where(Distribution.id == ids[2][0])) == "sent"
    assert progress.stored(session, doc.id)["acknowledged"] == 2


def _deadline_draft(session, commune, units, *, groups=()):
    p = commune["people"]
    return services.create_draft(session, p["drafter"], services.parse_draft_input({
        "title": "Kế hoạch", "recipients": [{"organization_id": commune["recipients"][0].id, "purpose": "t/h"}]
        + [{"group_id": g.id, "purpose": "t/h"} for g in groups],
        "report_deadlines": [{"period": "năm", "due": "2030-11-25", "unit_ids": [u.id for u in units]}]}))


def test_a_deadline_naming_an_unknown_unit_is_refused_and_changes_nothing(session, commune):
    from models import Document
    before = session.scalar(select(func.count(Document.id)))
    data = services.parse_draft_input({"title": "x", "report_deadlines": [
        {"period": "năm", "due": "2030-11-25", "unit_ids": [commune["recipients"][0].id, 99999]}]})
    with pytest.raises(ValidationFailed, match="đơn vị số 99999") as err:
        services.create_draft(session, commune["people"]["drafter"], data)
    assert err.value.code == "unknown_unit" and "report_deadlines" in err.value.details
    session.rollback()
    assert session.scalar(select(func.count(Document.id))) == before


def test_deadline_units_outside_the_recipients_are_named_until_issue(session, commune):
    first, second, third = commune["recipients"]
    group = make_group(session, "Thôn 3 và UBMT", [third])
    doc = _deadline_draft(session, commune, [first, second, third], groups=[group])
    obligations = list(doc.obligations)
    assert services.unreached_units(session, doc, obligations) == {obligations[0].id: [second]}
    run_chain(session, doc)
    duties = session.scalars(select(ReportDuty.organization_id).where(ReportDuty.document_id == doc.id)).all()
    assert sorted(duties) == sorted([first.id, third.id])  # the unreached unit got no copy, so no duty
    assert services.unreached_units(session, doc, obligations) == {}


def test_a_deadline_on_recipients_only_or_on_no_named_unit_warns_of_nothing(session, commune):
    first = commune["recipients"][0]
    for units in ([first], []):
        doc = _deadline_draft(session, commune, units)
        assert services.unreached_units(session, doc, list(doc.obligations)) == {}
