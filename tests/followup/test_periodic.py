"""Periodic reports of a multi-year plan renew when one is filed or their period ends,
once per period, until the plan's last year; the plan is `reported` only at the end."""
from datetime import date

import pytest
from sqlalchemy import func, select

from models import Distribution, ReportDuty, ReportingObligation
from workflow import clock, services
from workflow.reminders import send_due_reminders
from workflow.services import followup

from .conftest import at, issue_plan, recipient_user

MULTI_YEAR = "Kế hoạch thực hiện phong trào giai đoạn 2026 – 2030"


@pytest.mark.parametrize("period, months", [
    ("6 tháng", 12), ("06 tháng", 12), ("6 tháng đầu năm", 12), ("năm", 12), ("hàng năm", 12),
    ("9 tháng", 12), ("quý", 3), ("quý I", 3), ("hàng tháng", 1), ("định kỳ", None), ("đột xuất", None),
])
def test_how_often_a_period_recurs(period, months):
    assert followup.infer_recurrence(period) == months


@pytest.mark.parametrize("period, months, following", [
    ("quý I", 3, "quý II"), ("quý III", 3, "quý IV"), ("Quý IV năm 2026", 3, "Quý I năm 2027"),
    ("quý 4/2026", 3, "quý 1/2027"), ("quý", 3, "quý"),
    ("tháng 1", 1, "tháng 2"), ("tháng 09/2026", 1, "tháng 10/2026"), ("tháng 12/2026", 1, "tháng 1/2027"),
    ("hàng tháng", 1, "hàng tháng"),
    ("6 tháng đầu năm", 6, "6 tháng cuối năm"), ("6 tháng cuối năm 2026", 6, "6 tháng đầu năm 2027"),
    ("năm 2026", 12, "năm 2027"), ("6 tháng đầu năm 2026", 12, "6 tháng đầu năm 2027"), ("năm", 12, "năm"),
    ("giai đoạn 2026 - 2030", 12, "giai đoạn 2026 - 2030"),  # two years: which one moves is unclear
])
def test_the_next_period_is_named_after_the_one_before(period, months, following):
    assert followup.next_period_label(period, months) == following


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 6, 15), 12, date(2027, 6, 15)), (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)), (date(2026, 12, 31), 3, date(2027, 3, 31)),
])
def test_add_months_stays_in_the_month(day, months, expected):
    assert followup.add_months(day, months) == expected


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 3, 31), 3, date(2026, 6, 30)), (date(2026, 6, 30), 3, date(2026, 9, 30)),
    (date(2026, 9, 30), 3, date(2026, 12, 31)), (date(2026, 6, 15), 12, date(2027, 6, 15)),
    (date(2027, 2, 28), 12, date(2028, 2, 29)),
])
def test_next_period_keeps_month_ends(day, months, expected):
    assert followup.next_period_due(day, months) == expected


def obligations(session, doc):
    return list(session.scalars(select(ReportingObligation).where(ReportingObligation.document_id == doc.id)
                                .order_by(ReportingObligation.due_date)))


def dist_map(session, doc):
    query = select(Distribution).where(Distribution.document_id == doc.id)
    return {d.organization_id: d for d in session.scalars(query)}


def file(session, commune, doc, org, when, **kw):
    clock.set_now(when)
    dist = dist_map(session, doc)[org.id]
    return services.file_report(session, dist, recipient_user(commune, org), "Báo cáo", **kw)


def test_multi_year_plan_marks_its_series_at_issue(session, commune):
    doc = issue_plan(session, commune, title=MULTI_YEAR,
                     deadlines=[("6 tháng", "2026-06-15"), ("năm", "2026-11-25")])
    assert [(o.recurrence_months, o.series_until) for o in obligations(session, doc)] == \
        [(12, date(2030, 12, 31))] * 2
    single = issue_plan(session, commune, title="Kế hoạch năm 2026",
                        deadlines=[("6 tháng", "2026-06-15"), ("quý I", "2026-03-31")])
    assert [(o.period, o.recurrence_months, o.series_until) for o in obligations(session, single)] == [
        ("quý I", 3, date(2026, 12, 31)), ("6 tháng", None, None)]


def test_filing_creates_the_next_period_once_for_every_unit(session, commune):
    doc = issue_plan(session, commune, title=MULTI_YEAR, deadlines=[("6 tháng", "2026-06-15")])
    a, b, c = commune["recipients"]
    file(session, commune, doc, a, at("2026-06-01"))
    first, nxt = obligations(session, doc)
    assert (nxt.due_date, nxt.previous_id, nxt.period) == (date(2027, 6, 15), first.id, "6 tháng")
    assert session.scalar(select(func.count()).where(ReportDuty.obligation_id == nxt.id)) == 3
    file(session, commune, doc, b, at("2026-06-02"))
    assert followup.renew_obligation(session, first) is None
    assert len(obligations(session, doc)) == 2
    file(session, commune, doc, c, at("2026-06-03"))
    assert doc.state == "distributed"  # the 2027 reports are still owed


def test_a_period_that_ends_unfiled_renews_at_the_next_remind(session, commune):
    doc = issue_plan(session, commune, title=MULTI_YEAR, deadlines=[("năm", "2026-11-25")])
    run = send_due_reminders(session, now=at("2026-11-25"))
    assert run.renewed == 0 and len(obligations(session, doc)) == 1
    run = send_due_reminders(session, now=at("2026-11-26"))
    assert run.renewed == 1
    old, new = obligations(session, doc)
    assert new.due_date == date(2027, 11, 25)
    statuses = [d.status(date(2026, 11, 26)) for d in session.scalars(select(ReportDuty).where(
        ReportDuty.obligation_id == old.id))]
    assert statuses == ["overdue"] * 3  # the missed report stays owed and overdue
    assert send_due_reminders(session, now=at("2026-11-26", 15)).renewed == 0
    # a series left for years catches up period by period
    assert send_due_reminders(session, now=at("2029-01-10")).renewed == 2
    assert [o.due_date.year for o in obligations(session, doc)] == [2026, 2027, 2028, 2029]


def test_series_ends_with_the_plan_and_then_the_plan_is_reported(session, commune):
    a = commune["recipients"][0]
    doc = issue_plan(session, commune, title="Kế hoạch giai đoạn 2026-2027", recipients=[a],
                     deadlines=[("năm", "2026-11-25")])
    file(session, commune, doc, a, at("2026-11-20"))
    assert doc.state == "distributed" and len(obligations(session, doc)) == 2
    file(session, commune, doc, a, at("2027-12-01"))  # late, kept
    assert len(obligations(session, doc)) == 2
    assert doc.state == "reported"


def test_a_refusing_unit_owes_no_next_period(session, commune):
    a, b, _ = commune["recipients"]
    doc = issue_plan(session, commune, title=MULTI_YEAR, deadlines=[("năm", "2026-11-25")])
    services.refuse(session, dist_map(session, doc)[b.id], recipient_user(commune, b), "Không phải của thôn")
    file(session, commune, doc, a, at("2026-11-20"))
    nxt = obligations(session, doc)[1]
    owed = {d.distribution.organization_id for d in session.scalars(select(ReportDuty).where(
        ReportDuty.obligation_id == nxt.id))}
    assert b.id not in owed and a.id in owed and len(owed) == 2


def test_a_period_the_plan_lists_itself_is_not_created_twice(session, commune):
    a = commune["recipients"][0]
    doc = issue_plan(session, commune, title=MULTI_YEAR, recipients=[a],
                     deadlines=[("năm", "2026-11-25"), ("năm", "2027-11-30")])
    file(session, commune, doc, a, at("2026-11-20"))
    assert [o.due_date for o in obligations(session, doc)] == [date(2026, 11, 25), date(2027, 11, 30)]
    file(session, commune, doc, a, at("2027-11-20"))
    assert [o.due_date for o in obligations(session, doc)][-1] == date(2028, 11, 30)


def test_quarterly_reports_of_a_one_year_plan(session, commune):
    a = commune["recipients"][0]
    doc = issue_plan(session, commune, title="Kế hoạch năm 2026", recipients=[a],
                     deadlines=[("quý I", "2026-03-31")])
    send_due_reminders(session, now=at("2027-02-01"))
    assert [(o.period, o.due_date) for o in obligations(session, doc)] == [
        ("quý I", date(2026, 3, 31)), ("quý II", date(2026, 6, 30)), ("quý III", date(2026, 9, 30)),
        ("quý IV", date(2026, 12, 31))]


def test_quarters_the_plan_lists_itself_are_not_created_twice(session, commune):
    a = commune["recipients"][0]
    doc = issue_plan(session, commune, title="Kế hoạch năm 2026", recipients=[a],
                     deadlines=[("quý I", "2026-03-31"), ("quý II", "2026-06-30")])
    file(session, commune, doc, a, at("2026-03-20"))   # quý II is the plan's own: nothing new
    assert [o.period for o in obligations(session, doc)] == ["quý I", "quý II"]
    send_due_reminders(session, now=at("2027-02-01"))
    assert [(o.period, o.due_date) for o in obligations(session, doc)] == [
        ("quý I", date(2026, 3, 31)), ("quý II", date(2026, 6, 30)), ("quý III", date(2026, 9, 30)),
        ("quý IV", date(2026, 12, 31))]


def test_recurrence_can_be_set_by_the_sender(session, commune):
    from workflow.errors import PermissionDenied, ValidationFailed
    doc = issue_plan(session, commune, title="Kế hoạch năm 2026", deadlines=[("6 tháng", "2026-06-15")])
    [obligation] = obligations(session, doc)
    with pytest.raises(PermissionDenied):
        followup.set_recurrence(session, obligation, commune["people"]["outsider"], 12, date(2028, 12, 31))
    with pytest.raises(ValidationFailed):
        followup.set_recurrence(session, obligation, commune["people"]["drafter"], 5, date(2028, 12, 31))
    followup.set_recurrence(session, obligation, commune["people"]["clerk"], 12, date(2028, 12, 31))
    assert followup.renew_obligation(session, obligation).due_date == date(2027, 6, 15)


def test_corpus_004_a_five_year_plan_reports_every_year(session, demo):
    """corpus/004 (giai đoạn 2022 - 2026, "Báo cáo năm trước ngày 05/12/2022"): the yearly
    report is owed for 2022 to 2026, and the plan is reported after the last one."""
    import json
    from models import User
    from tests.conftest import CORPUS_DIR
    expected = json.loads((CORPUS_DIR / "004.expected.json").read_text(encoding="utf-8"))
    users, orgs = demo["users"], demo["organizations"]
    clock.set_now(at("2022-11-01"))
    data = services.parse_draft_input({
        "doc_type": "KH", "title": expected["title"], "sections": [],
        "recipients": [{"organization_id": orgs["sonla_svhttdl"].id, "purpose": "t/h"}],
        "report_deadlines": expected["report_deadlines"]})
    doc = services.create_draft(session, users["sl_chuyenvien"], data)
    services.submit(session, doc, users["sl_chuyenvien"])
    services.approve(session, doc, users["sl_truongphong"])
    services.sign(session, doc, users["sl_chanhvanphong"])
    services.issue_document(session, doc, users["sl_vanthu"])
    dist = session.scalars(select(Distribution).where(Distribution.document_id == doc.id)).one()
    member = session.scalars(select(User).where(User.organization_id == dist.organization_id)).first()
    years = []
    while doc.state != "reported" and len(years) < 10:
        session.expire(dist, ["duties"])
        duty = min((d for d in dist.duties if d.filed_at is None), key=lambda d: d.due_date)
        years.append(duty.due_date.year)
        clock.set_now(at(duty.due_date.isoformat()))
        services.file_report(session, dist, member, "Báo cáo năm")
    assert years == [2022, 2023, 2024, 2025, 2026]
