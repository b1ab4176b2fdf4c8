"""The distribution table of a document, and the clerk's outgoing register with its exports."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from models import Distribution, db
from tests.factories import make_draft, make_org, make_user, run_chain
from workflow import services

ISSUED = "Triển khai thực hiện Kế hoạch 256/KH-UBND"


def test_distribution_table_with_totals_and_progress(browser, plans):
    html = browser("chuyenvien").text(f"/documents/{plans['issued'].id}")
    table = html[html.index('id="distribution"'):]
    assert "Phát hành và báo cáo" in table
    assert "Đã xác nhận nhận: 0/7" in table and "Báo cáo đã nộp: 0/10" in table
    assert "qua nhóm Phòng ban chuyên môn xã" in table
    assert "báo cáo (b/c)" in table and "thực hiện (t/h)" in table
    assert "quá hạn: 5" in table and "chưa đến hạn: 5" in table
    assert 'class="bar"' in table and 'role="img"' in table


def test_distribution_filters(browser, plans, demo):
    doc = plans["issued"]
    mttq = next(d for d in services_dists(doc) if d.organization_id == demo["organizations"]["binhlu_mttq"].id)
    services.acknowledge(db.session, mttq, demo["users"]["mttq"])
    db.session.commit()
    b = browser("chuyenvien")
    unacknowledged = b.text(f"/documents/{doc.id}?recipients=unacknowledged")
    rows = unacknowledged[unacknowledged.index("<tbody>"):unacknowledged.index("</tbody>")]
    assert rows.count("<tr>") == 6 and "Ủy ban Mặt trận" not in rows
    overdue = b.text(f"/documents/{doc.id}?recipients=overdue")
    rows = overdue[overdue.index("<tbody>"):overdue.index("</tbody>")]
    assert rows.count("<tr>") == 5 and "Sở Văn hóa" not in rows  # b/c owes no report


def services_dists(doc):
    return list(db.session.scalars(select(Distribution).where(Distribution.document_id == doc.id)
                                   .order_by(Distribution.id)))


def test_distribution_table_paginates_many_recipients(browser, demo):
    author = demo["users"]["chuyenvien"]
    units = [make_org(db.session, f"Thôn thử {i:03d}", parent=demo["organizations"]["binhlu"], kind="village")
             for i in range(60)]
    doc = make_draft(db.session, author, units, deadlines=[("năm", "2026-12-31")])
    run_chain(db.session, doc)
    db.session.commit()
    b = browser("chuyenvien")
    first = section(b.text(f"/documents/{doc.id}"))
    assert "Đã xác nhận nhận: 0/60" in first and "Trang 1/2" in first
    assert "Thôn thử 000" in first and "Thôn thử 059" not in first
    second = section(b.text(f"/documents/{doc.id}?rpage=2"))
    assert "Thôn thử 059" in second and "Thôn thử 000" not in second


def section(html: str) -> str:
    return html[html.index('id="distribution"'):html.index('id="history"')]


def test_outgoing_register_has_the_columns_of_phu_luc_iv(browser, plans):
    html = browser("vanthu").text("/registers/outgoing")
    for column in ("Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
                   "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
                   "Ngày chuyển", "Ký nhận", "Ghi chú"):
        assert column in html, column
    assert "01/KH-UBND" in html and ISSUED in html and "Nguyễn Thị Nhàn" in html
    assert "Phòng ban chuyên môn xã" in html and "0/7 đã nhận" in html


def test_register_lists_only_the_clerks_issuing_body(browser, plans):
    sonla = plans["signed"]
    run_chain(db.session, sonla)
    db.session.commit()
    assert "Triển khai thực hiện Phong trào" not in browser("vanthu").text("/registers/outgoing")
    html = browser("sl_vanthu").text("/registers/outgoing")
    assert "01/KH-VPUB" in html and ISSUED not in html


def test_register_exports_xlsx_and_csv(browser, plans):
    b = browser("vanthu")
    response = b.get("/registers/outgoing.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="so-van-ban-di-UBND-' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("SỔ ĐĂNG KÝ VĂN BẢN ĐI")
    assert rows[1][0] == "Số, ký hiệu văn bản" and rows[1][9] == "Ghi chú"
    assert rows[2][0] == "01/KH-UBND" and ISSUED in rows[2][2] and rows[2][3] == "Nguyễn Thị Nhàn"
    response = b.get("/registers/outgoing.csv")
    text = response.data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "Số, ký hiệu văn bản" and lines[1][0] == "01/KH-UBND"
    assert response.mimetype == "text/csv"


def test_register_is_for_clerks_only(browser, plans):
    for user in ("chuyenvien", "mttq"):
        b = browser(user)
        assert b.get("/registers/outgoing").status_code == 403
        assert b.get("/registers/outgoing.xlsx").status_code == 403
    assert browser("admin").get("/registers/outgoing").status_code == 200


def test_clerk_without_an_issuing_body_is_refused(browser, demo):
    loner = make_org(db.session, "Đơn vị độc lập")
    make_user(db.session, loner, username="vanthu_le", roles=("clerk",))
    db.session.commit()
    response = browser("vanthu_le").get("/registers/outgoing")
    assert response.status_code == 403
    assert "không thuộc cơ quan ban hành" in response.get_data(as_text=True)
