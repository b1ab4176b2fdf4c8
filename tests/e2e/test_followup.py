"""Follow-through in a real browser: recipients acknowledge, report and refuse; the sender
sees the bell, the tracking dashboard and the units, exports XLSX, sends the plan to one more
recipient; a signer delegates. Screenshots under tests/e2e/screenshots/ (30-…)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_plan_lifecycle import DESKTOP, PHONE, Session

ISSUED = "Triển khai thực hiện Kế hoạch 256/KH-UBND"
REFUSAL = "Văn bản không thuộc lĩnh vực Đảng ủy theo dõi, đề nghị gửi Phòng Văn hóa - Xã hội."
EXTRA = "Sở Văn hóa, Thể thao và Du lịch tỉnh Sơn La"

pytestmark = pytest.mark.e2e


def test_recipients_report_and_the_sender_follows_up(live_server, chromium, shots):
    # 1. The drafter opens the tracking dashboard: nobody has acknowledged the plan yet.
    drafter = Session(chromium, live_server, "chuyenvien")
    page = drafter.page
    before = int(page.locator("a.bell .count").inner_text())  # e.g. "your plan was issued"
    page.click("nav.mainnav >> text=Theo dõi")
    row = page.locator("table.tracking tbody tr", has_text=ISSUED)
    expect(row).to_contain_text("0/7")
    expect(row).to_have_class("row-overdue")
    shots(page, "30-tracking-dashboard-before")

    # 2. A recipient on a phone follows the bell to the copy, acknowledges it and files both reports.
    mttq = Session(chromium, live_server, "mttq", viewport=PHONE, mobile=True)
    page = mttq.page
    expect(page.locator("a.bell .count")).to_have_text("1")
    page.click("a.bell")
    expect(page.locator("h1")).to_have_text("Thông báo")
    shots(page, "31-recipient-bell-phone", full_page=False)
    page.locator(".note-unread a.note-link", has_text=ISSUED[:40]).click()
    expect(page.locator("h1")).to_contain_text(ISSUED)
    expect(page.locator("a.bell .count")).to_have_count(0)
    page.click("button:has-text('Xác nhận đã nhận')")
    expect(page.locator(".flash-success")).to_contain_text("Đã xác nhận nhận văn bản")
    duty = page.locator(".duty", has_text="Báo cáo 6 tháng")
    duty.locator("textarea").fill("Đã tuyên truyền kế hoạch tới các chi hội; 12/14 thôn đã triển khai.")
    duty.locator("button:has-text('Nộp báo cáo')").click()
    expect(page.locator(".flash-warning")).to_contain_text("muộn hạn")
    duty = page.locator(".duty", has_text="Báo cáo năm")
    duty.locator("textarea").fill("Hoàn thành các chỉ tiêu của kế hoạch năm.")
    duty.locator("button:has-text('Nộp báo cáo')").click()
    expect(page.locator(".flash-success")).to_contain_text("đúng hạn")
    shots(page, "32-recipient-acknowledged-and-reported-phone")
    mttq.close()

    # 3. Another recipient refuses the copy with a reason.
    danguy = Session(chromium, live_server, "danguy")
    page = danguy.goto("/inbox")
    page.locator(".inbox-item a.work-title", has_text=ISSUED).click()
    page.click("summary:has-text('Từ chối tiếp nhận')")
    page.fill("#reason", REFUSAL)
    page.click("button.btn-danger:has-text('Từ chối')")
    expect(page.locator(".flash-success")).to_contain_text("từ chối")
    danguy.close()

    # 4. The sender's bell counts the refusal and the two reports; the list says what happened.
    page = drafter.page
    page.goto(live_server + "/tracking")
    expect(page.locator("a.bell .count")).to_have_text(str(before + 3))  # a refusal, two reports
    page.click("a.bell")
    notes = page.locator("ul.notifications li")
    expect(notes.first).to_contain_text("từ chối tiếp nhận")
    expect(notes.first).to_contain_text(REFUSAL)
    shots(page, "33-sender-notifications")
    page.click("button:has-text('Đánh dấu tất cả đã đọc')")
    expect(page.locator(".flash-success")).to_contain_text(f"Đã đánh dấu {before + 3} thông báo")
    expect(page.locator("a.bell .count")).to_have_count(0)

    # 5. The dashboard shows the progress: 1 of 6 acknowledged (one refused), 2 of 10 reports.
    page.click("nav.mainnav >> text=Theo dõi")
    row = page.locator("table.tracking tbody tr", has_text=ISSUED)
    expect(row).to_contain_text("1/6")
    expect(row).to_contain_text("1 từ chối")
    expect(row).to_contain_text("2/10")
    expect(row).to_contain_text("quá hạn")
    shots(page, "34-tracking-dashboard-progress")
    page.set_viewport_size(PHONE)
    shots(page, "34b-tracking-dashboard-phone")
    page.set_viewport_size(DESKTOP)
    page.check("input[name=overdue]")
    page.click("form.filters button:has-text('Lọc')")
    expect(page.locator("table.tracking tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.click("a:has-text('Xuất XLSX')")
    assert download.value.suggested_filename == "theo-doi-van-ban.xlsx"

    # 6. By recipient unit: overdue first; one unit's outstanding items, overdue first.
    page.click("nav.segmented >> text=Theo đơn vị nhận")
    table = page.locator("table.tracking")
    expect(table).to_contain_text("Trung tâm Dịch vụ tổng hợp xã Bình Lư")
    shots(page, "35-tracking-units")
    table.locator("a", has_text="Trung tâm Dịch vụ tổng hợp xã Bình Lư").click()
    items = page.locator("table.tracking tbody tr")
    expect(items.first).to_contain_text("Báo cáo 6 tháng")
    expect(items.first).to_contain_text("trễ 5 ngày")
    shots(page, "36-tracking-one-unit")
    with page.expect_download() as download:
        page.click("a:has-text('Xuất XLSX')")
    assert download.value.suggested_filename.endswith(".xlsx")

    # 7. The document page: the refusal and its reason, an export, and sending to one more unit.
    page.click("nav.segmented >> text=Theo văn bản")
    page.locator("table.tracking a", has_text=ISSUED).click()
    dist = page.locator("#distribution")
    expect(dist.locator(".refusal")).to_contain_text(REFUSAL)
    with page.expect_download() as download:
        dist.locator("a:has-text('Xuất XLSX')").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.click("#send-again a:has-text('Gửi bổ sung nơi nhận')")
    page.select_option("#target", label=EXTRA)
    page.select_option("#purpose", "t/h")
    page.click("#send-again button:has-text('Gửi')")
    expect(page.locator(".flash-success")).to_contain_text("Đã gửi bổ sung cho: " + EXTRA)
    expect(dist.locator("tr", has_text=EXTRA)).to_contain_text("gửi bổ sung")
    dist.locator("tr", has_text=EXTRA).scroll_into_view_if_needed()
    shots(page, "37-document-distribution-sent-again")
    drafter.close()


def test_a_signer_delegates_to_a_colleague(live_server, chromium, shots):
    signer = Session(chromium, live_server, "phochutich")
    page = signer.page
    page.click("nav.mainnav >> text=Ủy quyền")
    page.select_option("#delegate_id", label="Đèo Văn Hùng — Chánh Văn phòng")
    page.fill("#ends_on", "2099-12-31")
    page.fill("#reason", "Đi công tác tại tỉnh")
    page.click("button:has-text('Ủy quyền')")
    expect(page.locator(".flash-success")).to_contain_text("Đã ủy quyền cho Đèo Văn Hùng")
    expect(page.locator(".delegation-badge-active")).to_have_text("đang hiệu lực")
    shots(page, "38-delegation-given")
    signer.close()

    colleague = Session(chromium, live_server, "vanphong")
    page = colleague.page
    expect(page.locator("a.bell .count")).to_be_visible()
    page.click("nav.mainnav >> text=Ủy quyền")
    expect(page.locator("section[aria-labelledby=received-title]")).to_contain_text("Nguyễn Thị Nhàn")
    shots(page, "39-delegation-received")
    colleague.close()
