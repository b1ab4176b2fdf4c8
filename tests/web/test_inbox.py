"""The recipient's side: incoming list, one-click receipt, reports with attachments, refusals."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from models import Distribution, Report, db
from workflow import clock

ISSUED = "Triển khai thực hiện Kế hoạch 256/KH-UBND"


def dist_of(doc, org) -> Distribution:
    return db.session.scalar(select(Distribution).where(
        Distribution.document_id == doc.id, Distribution.organization_id == org.id))


def test_incoming_list_of_my_organization(browser, plans):
    html = browser("mttq").text("/inbox")
    assert "Văn bản đến" in html and ISSUED in html and "01/KH-UBND" in html
    assert "Xác nhận đã nhận" in html and "chưa xác nhận" in html
    assert ISSUED not in browser("thon01").text("/inbox")


def test_inbox_filters(browser, plans):
    b = browser("mttq")
    assert ISSUED in b.text("/inbox?view=unacknowledged")
    assert ISSUED in b.text("/inbox?view=overdue")
    assert ISSUED in b.text("/inbox?view=due")
    assert ISSUED not in browser("so_vhttdl").text("/inbox?view=overdue")


def test_acknowledge_with_one_click(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_mttq"])
    b = browser("mttq")
    b.get("/inbox")
    response = b.post(f"/inbox/{dist.id}/acknowledge", {"next": "/inbox"})
    assert response.status_code == 303 and response.headers["Location"] == "/inbox"
    assert dist.status == "acknowledged" and dist.acknowledged_by.username == "mttq"
    html = b.text("/inbox")
    assert "Đã xác nhận nhận văn bản" in html and "Quàng Thị Hoa đã xác nhận" in html
    sender = browser("chuyenvien").text(f"/documents/{plans['issued'].id}")
    assert "Quàng Thị Hoa" in sender


def test_another_organizations_acknowledgement_is_refused(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_mttq"])
    b = browser("danguy")
    b.get("/inbox")
    assert b.post(f"/inbox/{dist.id}/acknowledge").status_code == 303
    assert dist.status == "sent" and dist.acknowledged_at is None
    assert "Chỉ cán bộ của đơn vị nhận mới được thực hiện thao tác này." in b.text("/inbox")
    assert b.get(f"/inbox/{dist.id}").status_code == 403


def test_acknowledging_twice_says_who_did_it(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_mttq"])
    b = browser("mttq")
    b.get("/inbox")
    b.post(f"/inbox/{dist.id}/acknowledge")
    acknowledged_at = dist.acknowledged_at
    b.post(f"/inbox/{dist.id}/acknowledge")
    assert dist.acknowledged_at == acknowledged_at
    assert "đã được xác nhận nhận bởi Quàng Thị Hoa" in b.text("/inbox")


def test_acknowledge_without_csrf_is_refused(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_mttq"])
    b = browser("mttq")
    b.get("/inbox")
    b.post(f"/inbox/{dist.id}/acknowledge", csrf=False)
    assert dist.status == "sent"


def test_file_a_report_with_an_attachment(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_ttdv"])
    duty = sorted(dist.duties, key=lambda d: d.due_date)[-1]  # "năm", not yet due
    b = browser("ttdv")
    page = b.text(f"/inbox/{dist.id}")
    assert "Báo cáo phải nộp" in page and "Báo cáo năm" in page and "Nộp báo cáo" in page
    response = b.post(f"/inbox/{dist.id}/reports", {
        "duty_id": duty.id, "text": "Đã tổ chức 3 buổi biểu diễn.",
        "attachment": (io.BytesIO("Kết quả năm".encode()), "Báo cáo năm.txt")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    report = db.session.scalar(select(Report).where(Report.duty_id == duty.id))
    assert report.text == "Đã tổ chức 3 buổi biểu diễn." and not report.late
    assert report.file_name == "Bao_cao_nam.txt" and report.file_data == "Kết quả năm".encode()
    assert dist.status == "acknowledged"  # filing also confirms receipt
    html = b.text(f"/inbox/{dist.id}")
    assert "Đã nộp báo cáo đúng hạn." in html and "Bao_cao_nam.txt" in html
    download = b.get(f"/inbox/reports/{report.id}/attachment")
    assert download.status_code == 200 and download.data == "Kết quả năm".encode()
    assert "attachment" in download.headers["Content-Disposition"]
    # the sender reads it too; an unrelated unit does not
    assert browser("chuyenvien").get(f"/inbox/reports/{report.id}/attachment").status_code == 200
    assert browser("thon01").get(f"/inbox/reports/{report.id}/attachment").status_code == 403


def test_a_late_report_is_marked_late(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_mttq"])
    duty = sorted(dist.duties, key=lambda d: d.due_date)[0]  # "6 tháng", 5 days overdue
    b = browser("mttq")
    assert "quá hạn" in b.text(f"/inbox/{dist.id}")
    b.post(f"/inbox/{dist.id}/reports", {"duty_id": duty.id, "text": "Báo cáo muộn."})
    assert duty.filed_at is not None and duty.reports[0].late
    assert "Đã nộp báo cáo (muộn hạn)." in b.text(f"/inbox/{dist.id}")
    assert duty.status(clock.local_date()) == "late"


def test_empty_report_is_refused(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_mttq"])
    duty = dist.duties[0]
    b = browser("mttq")
    b.get(f"/inbox/{dist.id}")
    b.post(f"/inbox/{dist.id}/reports", {"duty_id": duty.id, "text": ""})
    assert duty.filed_at is None
    assert "Bắt buộc nhập." in b.text(f"/inbox/{dist.id}")


def test_report_for_another_organization_is_refused(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_mttq"])
    duty = dist.duties[0]
    b = browser("ttdv")
    b.get("/inbox")
    b.post(f"/inbox/{dist.id}/reports", {"duty_id": duty.id, "text": "Không phải của tôi."})
    assert duty.filed_at is None


def test_recipient_for_information_has_no_report_form(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["laichau_svhttdl"])
    html = browser("so_vhttdl").text(f"/inbox/{dist.id}")
    assert "Văn bản không yêu cầu đơn vị báo cáo." in html and "Nộp báo cáo" not in html


def test_refuse_a_copy_with_a_reason(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_dangu"])
    b = browser("danguy")
    b.get(f"/inbox/{dist.id}")
    b.post(f"/inbox/{dist.id}/refuse", {"reason": ""})
    assert dist.status == "sent"
    b.post(f"/inbox/{dist.id}/refuse", {"reason": "Không thuộc thẩm quyền."})
    assert dist.status == "refused"
    html = b.text(f"/inbox/{dist.id}")
    assert "Đã từ chối lúc" in html and "Xác nhận đã nhận" not in html


def test_due_dates_drive_the_overdue_view(browser, plans, demo, frozen_clock):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_ttdv"])
    last_due = max(d.due_date for d in dist.duties)
    frozen_clock(clock.now() + timedelta(days=(last_due - clock.local_date()).days + 1))
    html = browser("ttdv").text("/inbox?view=overdue")
    assert ISSUED in html and html.count("quá hạn") >= 2
