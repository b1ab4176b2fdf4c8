"""Tracking: received → acknowledged, due → filed (on time / late) or overdue, per
document, across documents and per recipient unit, with a fixed number of statements."""
from contextlib import contextmanager
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from models import Distribution, Report, db
from tests.factories import make_group, make_org
from workflow import clock, paging, services, tracking, tracking_export

from .conftest import at, issue_plan, recipient_user


def dists_of(session, doc):
    return {d.organization_id: d for d in session.scalars(
        select(Distribution).where(Distribution.document_id == doc.id))}


def test_a_report_moves_from_due_to_filed_late_or_overdue(session, commune, plan):
    a, b, c = commune["recipients"]
    dists = dists_of(session, plan)
    clock.set_now(at("2026-01-06"))
    services.acknowledge(session, dists[a.id], recipient_user(commune, a))
    view = tracking.document_tracking(session, plan, clock.local_date())
    row_a = next(r for r in view.rows if r.distribution.organization_id == a.id)
    assert row_a.distribution.acknowledged_by.id == recipient_user(commune, a).id
    assert row_a.distribution.acknowledged_at == at("2026-01-06")
    assert [d.status for d in row_a.duties] == ["due"]
    assert view.progress.acknowledged == 1 and view.progress.acknowledged_percent == 33
    # 23:00 in Vietnam on the due day is still on time; 06:00 the next morning is late,
    # although both are 15 June in UTC
    clock.set_now(at("2026-06-15", 23))
    services.file_report(session, dists[a.id], recipient_user(commune, a), "Báo cáo 6 tháng")
    clock.set_now(at("2026-06-16", 6))
    services.file_report(session, dists[b.id], recipient_user(commune, b), "Báo cáo 6 tháng")
    assert clock.now().date() == date(2026, 6, 15)
    view = tracking.document_tracking(session, plan, date(2026, 6, 16))
    status = {r.distribution.organization_id: [d.status for d in r.duties] for r in view.rows}
    assert status == {a.id: ["filed"], b.id: ["late"], c.id: ["overdue"]}
    assert view.rows[0].distribution.organization_id == c.id  # overdue first
    assert view.rows[0].duties[0].days == 1
    p = view.progress
    assert (p.reports_owed, p.filed, p.on_time, p.late, p.overdue, p.reported_percent) == (3, 2, 1, 1, 1, 67)
    assert plan.state == "distributed"
    # a report long after the due date is kept, marked late, and completes the document
    clock.set_now(at("2026-07-20"))
    report = services.file_report(session, dists[c.id], recipient_user(commune, c), "Muộn")
    assert report.late and session.get(Report, report.id) is not None
    assert plan.state == "reported"
    assert tracking.document_tracking(session, plan).progress.as_dict()["late"] == 2


def _issue_to_group(session, commune, group, title="Kế hoạch cho nhóm"):
    data = services.parse_draft_input({
        "doc_type": "KH", "title": title, "sections": [{"heading": "I", "paragraphs": ["x"]}],
        "recipients": [{"group_id": group.id, "purpose": "t/h"}],
        "report_deadlines": [{"period": "năm", "due": "2026-11-25"}]})
    doc = services.create_draft(session, commune["people"]["drafter"], data)
    from tests.factories import run_chain
    run_chain(session, doc)
    return doc


def test_groups_are_expanded_and_a_refusal_shows_with_its_reason(session, commune):
    group = make_group(session, "Các thôn", commune["recipients"])
    doc = _issue_to_group(session, commune, group)
    view = tracking.document_tracking(session, doc)
    assert len(view.rows) == 3 and all(r.distribution.via_group_id == group.id for r in view.rows)
    assert all(len(r.duties) == 1 for r in view.rows)
    first = commune["recipients"][0]
    services.refuse(session, dists_of(session, doc)[first.id], recipient_user(commune, first),
                    "Văn bản không gửi cho thôn")
    session.expire_all()
    view = tracking.document_tracking(session, doc)
    refused = next(r for r in view.rows if r.distribution.status == "refused")
    assert refused.distribution.refused_reason == "Văn bản không gửi cho thôn" and refused.duties == []
    assert (view.progress.refused, view.progress.reports_owed, view.progress.acknowledged_percent) == (1, 2, 0)


def test_dashboard_puts_overdue_first_with_shares(session, commune):
    early = issue_plan(session, commune, title="Kế hoạch A", deadlines=[("quý I", "2026-03-10")])
    late = issue_plan(session, commune, title="Kế hoạch tiêm chủng", deadlines=[("6 tháng", "2026-06-15")])
    none = issue_plan(session, commune, title="Kế hoạch C", deadlines=[])
    drafter = commune["people"]["drafter"]
    page = tracking.dashboard(session, drafter, today=date(2026, 2, 1))
    assert [r.document.id for r in page.items] == [early.id, late.id, none.id]
    page = tracking.dashboard(session, drafter, today=date(2026, 4, 1))
    assert page.items[0].document.id == early.id and page.items[0].progress.overdue == 3
    a = commune["recipients"][0]
    clock.set_now(at("2026-04-02"))
    services.file_report(session, dists_of(session, late)[a.id], recipient_user(commune, a), "Sớm")
    row = next(r for r in tracking.dashboard(session, drafter, today=date(2026, 4, 2)).items
               if r.document.id == late.id)
    p = row.progress
    assert (p.acknowledged, p.acknowledged_percent, p.reported_percent) == (1, 33, 33)
    assert [r.document.id for r in tracking.dashboard(session, drafter, today=date(2026, 4, 2),
                                                      overdue_only=True).items] == [early.id]
    assert tracking.dashboard(session, drafter, q="Tiêm chủng").total == 1
    outsider = commune["people"]["outsider"]
    assert tracking.dashboard(session, outsider).total == 0


def test_units_and_what_one_unit_owes_overdue_first(session, commune):
    a = commune["recipients"][0]
    first = issue_plan(session, commune, title="Kế hoạch 1",
                       deadlines=[("quý I", "2026-03-10"), ("năm", "2026-11-25")])
    clock.set_now(at("2026-02-01"))
    second = issue_plan(session, commune, title="Kế hoạch 2", deadlines=[("6 tháng", "2026-06-15")],
                        recipients=[a], when=at("2026-02-01"))
    today = date(2026, 4, 1)
    rows = tracking.units(session, commune["people"]["clerk"], today=today).items
    row_a = next(r for r in rows if r.organization.id == a.id)
    assert (row_a.documents, row_a.unacknowledged, row_a.reports_owed, row_a.overdue) == (2, 2, 3, 1)
    assert row_a.next_due == date(2026, 3, 10)
    org, page = tracking.unit_items(session, commune["people"]["clerk"], a.id, today=today)
    items = page.items
    assert org.id == a.id and page.total == 5
    assert [(i.kind, i.document.id, i.due_date, i.overdue) for i in items] == [
        ("acknowledge", first.id, date(2026, 1, 5), True),    # acknowledge on the day it arrived
        ("acknowledge", second.id, date(2026, 2, 1), True),   # tracked from its own send time
        ("report", first.id, date(2026, 3, 10), True),
        ("report", second.id, date(2026, 6, 15), False),
        ("report", first.id, date(2026, 11, 25), False),
    ]
    assert items[2].days == 22


def test_a_copy_sent_late_in_the_evening_is_due_the_next_vietnam_day(session, commune):
    """The acknowledgement's due day is computed in SQL: 23:30 in Vietnam is 16:30 UTC
    of the same day, 00:30 is 17:30 UTC of the day before."""
    a = commune["recipients"][0]
    late = issue_plan(session, commune, title="Tối", recipients=[a], when=at("2026-01-05", 23) + timedelta(minutes=30))
    early = issue_plan(session, commune, title="Sáng sớm", recipients=[a], when=at("2026-01-06", 0) + timedelta(minutes=30))
    _, page = tracking.unit_items(session, commune["people"]["clerk"], a.id, today=date(2026, 1, 6))
    acknowledgements = [(i.document.id, i.due_date, i.overdue) for i in page.items if i.kind == "acknowledge"]
    assert acknowledgements == [(late.id, date(2026, 1, 5), True), (early.id, date(2026, 1, 6), False)]
    assert early.issued_at.date() == date(2026, 1, 5)  # stored in UTC, the day before


def test_unit_lists_come_a_page_at_a_time_in_the_same_order(session, commune):
    clerk, a = commune["people"]["clerk"], commune["recipients"][0]
    issue_plan(session, commune, title="Kế hoạch 1", deadlines=[("quý I", "2026-03-10"), ("năm", "2026-11-25")])
    clock.set_now(at("2026-02-01"))
    issue_plan(session, commune, title="Kế hoạch 2", deadlines=[("6 tháng", "2026-06-15")],
               recipients=[a], when=at("2026-02-01"))
    today = date(2026, 4, 1)
    whole = tracking.unit_items(session, clerk, a.id, today=today)[1]
    pages = [tracking.unit_items(session, clerk, a.id, today=today, page=n, per_page=2)[1] for n in (1, 2, 3, 4)]
    key = [(i.kind, i.document.id, i.due_date) for i in whole.items]
    assert [(i.kind, i.document.id, i.due_date) for p in pages for i in p.items] == key and len(key) == 5
    assert [(p.total, p.pages, p.has_next) for p in pages] == [(5, 3, True), (5, 3, True), (5, 3, False), (5, 3, False)]
    units = tracking.units(session, clerk, today=today)
    assert units.total == len(units.items) == len(commune["recipients"])
    paged = [tracking.units(session, clerk, today=today, page=n, per_page=1) for n in range(1, units.total + 2)]
    assert [r.organization.id for p in paged for r in p.items] == [r.organization.id for r in units.items]
    assert {p.total for p in paged} == {units.total} and not paged[-1].items


def test_a_whole_unit_list_is_loaded_in_chunks_the_same(session, commune, monkeypatch):
    """An export loads every item, a chunk of ids per statement (SQLite takes at most
    32,766 parameters): the same items in the same order as in one statement."""
    clerk, a = commune["people"]["clerk"], commune["recipients"][0]
    issue_plan(session, commune, title="Kế hoạch 1", deadlines=[("quý I", "2026-03-10"), ("năm", "2026-11-25")])
    issue_plan(session, commune, title="Kế hoạch 2", deadlines=[("6 tháng", "2026-06-15")], recipients=[a])
    today = date(2026, 4, 1)
    def items():
        session.expire_all()
        with count_statements() as counter:
            found = tracking.unit_items(session, clerk, a.id, today=today)[1].items
        return [(i.kind, i.document.id, i.due_date, i.duty and i.duty.id) for i in found], counter["n"]
    whole, statements = items()
    monkeypatch.setattr(paging, "LOAD_CHUNK", 2)
    chunked, more = items()
    assert chunked == whole and len(whole) == 5
    assert more == statements + 1  # 2 copies to acknowledge: one chunk; 3 duties: two


@contextmanager
def count_statements():
    counter = {"n": 0}

    def on_execute(*_):
        counter["n"] += 1
    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)


def _counts(session, commune, doc):
    clerk = commune["people"]["clerk"]
    session.expire_all()
    result = []
    for query in (lambda: tracking.dashboard(session, clerk, per_page=None),
                  lambda: tracking.units(session, clerk),
                  lambda: tracking.unit_items(session, clerk, commune["recipients"][0].id),
                  lambda: tracking.document_tracking(session, doc)):
        session.expire_all()
        with count_statements() as counter:
            query()
        result.append(counter["n"])
    return result


def test_statement_count_does_not_grow_with_rows(session, commune):
    doc = issue_plan(session, commune, deadlines=[("quý I", "2026-03-10")])
    small = _counts(session, commune, doc)
    for i in range(4):
        more = [make_org(session, f"Thôn thêm {i}-{j}", parent=commune["ubnd"], kind="village") for j in range(3)]
        big = issue_plan(session, commune, title=f"Kế hoạch {i}", recipients=commune["recipients"] + more,
                         deadlines=[("quý I", "2026-03-10"), ("năm", "2026-11-25")])
        a = commune["recipients"][0]
        services.file_report(session, dists_of(session, big)[a.id], recipient_user(commune, a), "x")
    assert _counts(session, commune, big) == small
    assert len(tracking.dashboard(session, commune["people"]["clerk"]).items) == 5


def test_exports_are_workbooks_with_the_same_rows(session, commune, plan):
    clerk = commune["people"]["clerk"]
    files = {
        "dashboard": (tracking_export.dashboard_xlsx(tracking.dashboard(session, clerk, per_page=None).items), 1),
        "document": (tracking_export.document_xlsx(tracking.document_tracking(session, plan)), 3),
        "units": (tracking_export.units_xlsx(tracking.units(session, clerk).items), 3),
        "unit": (tracking_export.unit_items_xlsx("Thôn 1", tracking.unit_items(
            session, clerk, commune["recipients"][0].id)[1].items), 2),
    }
    for name, (data, rows) in files.items():
        sheet = load_workbook(BytesIO(data)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0], name
        assert len(values) == 2 + rows, (name, values)
    sheet = load_workbook(BytesIO(files["document"][0])).active
    assert sheet.cell(row=3, column=9).value == "6 tháng" and sheet.cell(row=3, column=10).value == "15/06/2026"
    # laid out for reading: a bold title, bold centred headings kept in view, long text wrapped
    assert sheet.freeze_panes == "A3" and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["C2"].font.b and sheet["C2"].alignment.horizontal == "center"
    assert sheet["C3"].alignment.wrap_text and sheet["C3"].alignment.vertical == "top" and not sheet["C3"].font.b
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [w for _, w in tracking_export.DOCUMENT_COLUMNS[:3]]


@pytest.mark.parametrize("who, allowed", [("drafter", True), ("clerk", True), ("signer", True),
                                          ("outsider", False), ("recipient", False)])
def test_who_may_track_a_document(session, commune, plan, who, allowed):
    user = recipient_user(commune, commune["recipients"][0]) if who == "recipient" else commune["people"][who]
    assert tracking.can_track(session, user, plan) is allowed


def test_pages_of_recipients_and_of_documents_follow_the_whole_list(session, commune):
    more = [make_org(session, f"Thôn thêm {i}", parent=commune["ubnd"], kind="village") for i in range(4)]
    plans = [issue_plan(session, commune, title=f"Kế hoạch {i}", recipients=commune["recipients"] + more[:i],
                        deadlines=[("quý I", "2026-03-10"), ("năm", "2026-11-25")]) for i in range(5)]
    doc = plans[-1]
    dists = dists_of(session, doc)
    a, b = commune["recipients"][:2]
    clock.set_now(at("2026-03-01"))
    services.acknowledge(session, dists[a.id], recipient_user(commune, a))
    services.file_report(session, dists[b.id], recipient_user(commune, b), "Quý I")
    today = date(2026, 4, 1)
    whole = tracking.document_tracking(session, doc, today)
    assert whole.total == len(whole.rows) == 7 and whole.per_page is None
    pages = [tracking.document_tracking(session, doc, today, page=p, per_page=3) for p in (1, 2, 3, 4)]
    assert [len(p.rows) for p in pages] == [3, 3, 1, 0] and {p.total for p in pages} == {7}
    assert [r.distribution.id for p in pages for r in p.rows] == [r.distribution.id for r in whole.rows]
    assert [[(d.duty.id, d.status) for d in r.duties] for p in pages for r in p.rows] == \
        [[(d.duty.id, d.status) for d in r.duties] for r in whole.rows]
    assert all(p.progress == whole.progress for p in pages)
    clerk = commune["people"]["clerk"]
    everything = tracking.dashboard(session, clerk, today=today, per_page=None)
    assert everything.total == 5
    paged = [tracking.dashboard(session, clerk, today=today, page=p, per_page=2) for p in (1, 2, 3, 4)]
    assert [r.document.id for p in paged for r in p.items] == [r.document.id for r in everything.items]
    assert [p.total for p in paged] == [5, 5, 5, 5] and paged[-1].items == []
    assert [r.progress for p in paged for r in p.items] == [r.progress for r in everything.items]


def test_the_api_reads_copies_as_rows_with_the_json_of_the_models(session, commune):
    """`tracking.copies` (rows, three statements) gives the API the JSON the model instances
    gave: copies acknowledged by filing and refused (its duties dropped), reports on time,
    late and filed twice, a report still due."""
    from web.api import serializers as S
    a, b, c = commune["recipients"]
    doc = issue_plan(session, commune, deadlines=[("quý I", "2026-03-10"), ("năm", "2026-11-25")])
    dists = dists_of(session, doc)
    services.file_report(session, dists[a.id], recipient_user(commune, a), "Báo cáo quý I.")
    clock.set_now(at("2026-03-20"))
    services.file_report(session, dists[a.id], recipient_user(commune, a), "Bổ sung.",
                         duty_id=dists[a.id].duties[0].id)
    services.file_report(session, dists[b.id], recipient_user(commune, b), "Báo cáo muộn.")
    services.refuse(session, dists[c.id], recipient_user(commune, c), "Không thuộc thôn.")
    session.flush()
    session.expire_all()
    models = [S.distribution(d) for d in session.scalars(
        select(Distribution).where(Distribution.document_id == doc.id).order_by(Distribution.id))]
    with count_statements() as seen:
        rows = [S.distribution(r) for r in tracking.copies(session, doc.id)]
    assert rows == models and seen["n"] == 3
    first = [x["reports_due"][0] if x["reports_due"] else None for x in rows]
    assert [(d["status"], len(d["reports"])) if d else None for d in first] == [("filed", 2), ("late", 1), None]
    assert [x["status"] for x in rows] == ["acknowledged", "acknowledged", "refused"]  # filing acknowledges
    assert [(d["period"], d["status"]) for d in rows[0]["reports_due"]] == [
        ("quý I", "filed"), ("quý II", "due"), ("năm", "due")]  # filing renewed the quarter
    assert [S.distribution(r) for r in tracking.copies(session, doc.id, organization_id=b.id)] == [models[1]]
    assert [S.distribution(r) for r in tracking.copies(session, doc.id, copy_id=dists[c.id].id)] == [models[2]]
    assert tracking.copies(session, doc.id, organization_id=commune["ubnd"].id) == []
