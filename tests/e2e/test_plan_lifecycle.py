"""A plan walks the whole chain in a real browser, with the demo users, step by step.

Drafter creates and submits; the head of department returns it with a comment;
the drafter fixes and resubmits; head and office approve; the vice chairman
signs (on a phone); the clerk issues it; two recipients (on phones)
acknowledge and file reports. A screenshot of each step is saved under
tests/e2e/screenshots/.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from workflow import clock

TITLE = "Tổ chức Ngày hội Văn hóa các dân tộc xã Bình Lư năm 2026"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
RETURN_COMMENT = "Đề nghị bổ sung mục kinh phí thực hiện và nêu rõ thời gian tổ chức."

pytestmark = pytest.mark.e2e


class Session:
    """One person at one browser window."""

    def __init__(self, chromium, base: str, username: str, viewport=DESKTOP, mobile=False,
                 password: str = "demo"):
        self.context = chromium.new_context(viewport=viewport, locale="vi-VN", is_mobile=mobile,
                                            has_touch=mobile, device_scale_factor=1)
        self.page = self.context.new_page()
        self.base = base
        page = self.page
        page.goto(f"{base}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("form[action='/login'] button[type=submit]")
        expect(page.locator("h1")).to_have_text("Việc cần xử lý")

    def goto(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def open_from_worklist(self, title: str):
        self.page.goto(self.base + "/")
        self.page.locator(".worklist a.work-title", has_text=title).click()
        expect(self.page.locator("h1")).to_have_text(title)
        return self.page

    def close(self):
        self.context.close()


def test_plan_walks_the_whole_chain(live_server, chromium, shots):
    today = clock.local_date()
    first_due, second_due = today + timedelta(days=10), today + timedelta(days=60)

    # 1. The drafter creates a plan from the form, saves it and submits it.
    drafter = Session(chromium, live_server, "chuyenvien")
    page = drafter.page
    shots(page, "01-drafter-worklist")
    page.click("nav.mainnav >> text=Soạn mới")
    page.select_option("#doc_type", "KH")
    page.fill("#title", TITLE)
    page.fill("#sections-0-heading", "I. MỤC ĐÍCH, YÊU CẦU")
    page.fill("#sections-0-paragraphs", "Giữ gìn và phát huy bản sắc văn hóa các dân tộc trên địa bàn xã.\n"
                                        "Tạo sân chơi lành mạnh, thiết thực cho Nhân dân.")
    page.click("button[data-add=sections]")
    page.fill("#sections-1-heading", "II. NỘI DUNG")
    page.fill("#sections-1-paragraphs", "Thi trang phục truyền thống, ẩm thực và văn nghệ giữa các thôn.")
    page.select_option("#recipients-0-target", label="Ủy ban Mặt trận Tổ quốc Việt Nam xã Bình Lư")
    page.select_option("#recipients-0-purpose", "t/h")
    page.click("button[data-add=recipients]")
    page.select_option("#recipients-1-target", label="Trung tâm Dịch vụ tổng hợp xã Bình Lư")
    page.select_option("#recipients-1-purpose", "t/h")
    page.click("button[data-add=recipients]")
    page.select_option("#recipients-2-target", label="Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu")
    page.select_option("#recipients-2-purpose", "b/c")
    page.fill("#deadlines-0-period", "6 tháng")
    page.fill("#deadlines-0-due", first_due.isoformat())
    page.click("button[data-add=deadlines]")
    page.fill("#deadlines-1-period", "năm")
    page.fill("#deadlines-1-due", second_due.isoformat())
    shots(page, "02-drafter-new-plan-form")
    page.click("button:has-text('Lưu dự thảo')")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu dự thảo (bản 1)")
    expect(page.locator(".paper .nd30-type")).to_have_text("KẾ HOẠCH")
    expect(page.locator(".paper")).to_contain_text("- Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu (b/c);")
    shots(page, "03-drafter-draft-preview")
    page.click(".action-submit button")
    expect(page.locator(".flash-success")).to_contain_text("Đã gửi văn bản đi thẩm định")
    expect(page.locator(".badge.state").first).to_have_text("Đang thẩm định")
    shots(page, "04-drafter-submitted")

    # 2. The head of department finds it in her worklist and returns it with a comment.
    head = Session(chromium, live_server, "truongphong")
    expect(head.page.locator(".worklist")).to_contain_text(TITLE)
    shots(head.page, "05-head-worklist")
    page = head.open_from_worklist(TITLE)
    page.fill("#comment-return", RETURN_COMMENT)
    shots(page, "06-head-returns-with-comment")
    page.click(".action-return button")
    expect(page.locator(".flash-success")).to_contain_text("Đã trả lại văn bản")
    expect(page.locator(".badge.state").first).to_have_text("Dự thảo")

    # 3. The drafter sees the comment, fixes the draft next to it and resubmits.
    page = drafter.page
    page.goto(live_server + "/")
    expect(page.locator(".kind-returned")).to_contain_text(RETURN_COMMENT)
    shots(page, "07-drafter-sees-return")
    drafter.open_from_worklist(TITLE)
    page.click("a:has-text('Sửa dự thảo')")
    expect(page.locator(".callout-returned")).to_contain_text(RETURN_COMMENT)
    page.fill("#sections-2-heading", "III. KINH PHÍ VÀ THỜI GIAN")
    page.fill("#sections-2-paragraphs", "Kinh phí từ ngân sách xã và nguồn xã hội hóa.\n"
                                        "Thời gian tổ chức: tháng 4 năm 2026.")
    shots(page, "08-drafter-edits-next-to-comment")
    page.click("button:has-text('Lưu dự thảo')")
    expect(page.locator(".flash-success")).to_contain_text("bản 2")
    page.click(".action-submit button")
    expect(page.locator(".badge.state").first).to_have_text("Đang thẩm định")

    # 4. The head sees what changed since she returned it, and approves.
    page = head.open_from_worklist(TITLE)
    expect(page.locator(".changes")).to_contain_text("bản 1 → 2")
    expect(page.locator(".changes .diff-added").first).to_contain_text("KINH PHÍ VÀ THỜI GIAN")
    shots(page, "09-head-sees-diff")
    page.click(".action-approve button")
    expect(page.locator(".flash-success")).to_contain_text("Bạn đã đồng ý")
    head.close()

    # 5. The office checks the format and approves.
    office = Session(chromium, live_server, "vanphong")
    page = office.open_from_worklist(TITLE)
    page.fill("#comment-approve", "Thể thức đúng quy định.")
    page.click(".action-approve button")
    expect(page.locator(".badge.state").first).to_have_text("Đã thẩm định")
    shots(page, "10-office-approved")
    office.close()

    # 6. The vice chairman signs on a phone, after seeing the final signature block.
    signer = Session(chromium, live_server, "phochutich", viewport=PHONE, mobile=True)
    page = signer.open_from_worklist(TITLE)
    block = page.locator(".sign-preview")
    expect(block).to_contain_text("TM. ỦY BAN NHÂN DÂN")
    expect(block).to_contain_text("KT. CHỦ TỊCH")
    expect(block).to_contain_text("PHÓ CHỦ TỊCH")
    expect(block).to_contain_text("Nguyễn Thị Nhàn")
    shots(page, "11-signer-phone-before-signing", full_page=False)
    page.click(".action-sign button")
    expect(page.locator(".badge.state").first).to_have_text("Đã ký")
    shots(page, "12-signer-phone-signed")
    signer.close()

    # 7. The clerk gives the number and issues it; the outgoing register lists it.
    clerk = Session(chromium, live_server, "vanthu")
    page = clerk.open_from_worklist(TITLE)
    expect(page.locator(".issue-preview")).to_contain_text("/KH-UBND")
    shots(page, "13-clerk-before-issue")
    page.click(".action-issue button")
    expect(page.locator(".badge.state").first).to_have_text("Đã phát hành")
    number = page.locator(".eyebrow").inner_text().split()[-1]
    assert number.endswith("/KH-UBND")
    clerk.goto("/registers/outgoing")
    expect(page.locator("table.register")).to_contain_text(TITLE)
    expect(page.locator("table.register")).to_contain_text(number)
    shots(page, "14-clerk-outgoing-register")
    with page.expect_download() as download:
        page.click("a:has-text('Xuất XLSX')")
    assert download.value.suggested_filename.endswith(".xlsx")
    clerk.close()

    # 8. Two recipients acknowledge with one click and file reports, on phones.
    mttq = Session(chromium, live_server, "mttq", viewport=PHONE, mobile=True)
    page = mttq.goto("/inbox")
    item = page.locator(".inbox-item", has_text=TITLE)
    shots(page, "15-recipient-inbox-phone")
    item.locator("button:has-text('Xác nhận đã nhận')").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã xác nhận nhận văn bản")
    page.locator(".inbox-item a.work-title", has_text=TITLE).click()
    duty = page.locator(".duty", has_text="Báo cáo 6 tháng")
    duty.locator("textarea").fill("Đã xây dựng kế hoạch, phân công các chi hội phối hợp tổ chức.")
    duty.locator("input[type=file]").set_input_files(files=[{
        "name": "bao-cao-6-thang.txt", "mimeType": "text/plain",
        "buffer": "Báo cáo kết quả 6 tháng".encode()}])
    shots(page, "16-recipient-report-form-phone")
    duty.locator("button:has-text('Nộp báo cáo')").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã nộp báo cáo đúng hạn")
    duty = page.locator(".duty", has_text="Báo cáo năm")
    duty.locator("textarea").fill("Đã tổ chức thành công, 14 thôn tham gia.")
    duty.locator("button:has-text('Nộp báo cáo')").click()
    expect(page.locator(".flash-success")).to_contain_text("đúng hạn")
    shots(page, "17-recipient-reports-filed-phone")
    mttq.close()

    ttdv = Session(chromium, live_server, "ttdv", viewport=PHONE, mobile=True)
    page = ttdv.goto("/inbox")
    page.locator(".inbox-item", has_text=TITLE).locator("button:has-text('Xác nhận đã nhận')").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã xác nhận")
    page.locator(".inbox-item a.work-title", has_text=TITLE).click()
    duty = page.locator(".duty", has_text="Báo cáo 6 tháng")
    duty.locator("textarea").fill("Trung tâm đã chuẩn bị sân bãi, âm thanh, ánh sáng.")
    duty.locator("button:has-text('Nộp báo cáo')").click()
    expect(page.locator(".flash-success")).to_contain_text("đúng hạn")
    shots(page, "18-second-recipient-phone")
    ttdv.close()

    # 9. The drafter follows the distribution: who acknowledged, which reports are in.
    page = drafter.page
    page.goto(live_server + "/documents?q=ngay+hoi+van+hoa+binh+lu")
    page.locator("table a", has_text=TITLE).click()
    table = page.locator("#distribution")
    expect(table).to_contain_text("Đã xác nhận nhận: 2/3")
    expect(table).to_contain_text("Báo cáo đã nộp: 3/")
    expect(table).to_contain_text("Quàng Thị Hoa")
    shots(page, "19-document-page-distribution")
    page.click("#distribution a:has-text('Chưa xác nhận')")
    expect(page.locator("#distribution tbody tr")).to_have_count(1)
    expect(page.locator("#distribution tbody")).to_contain_text("Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu")
    page.goto(live_server + "/")
    shots(page, "20-drafter-worklist-after")
    drafter.close()
