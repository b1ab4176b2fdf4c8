"""In a real browser: the administrator's pages (diagram, a new user) and the English UI."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_plan_lifecycle import DESKTOP, PHONE, Session

pytestmark = pytest.mark.e2e


def test_admin_sees_the_diagram_and_creates_a_user(live_server, chromium, shots):
    admin = Session(chromium, live_server, "admin")
    page = admin.goto("/admin/workflows/ke_hoach_ubnd")
    diagram = page.locator("svg.wf-diagram")
    expect(diagram).to_be_visible()
    expect(diagram).to_contain_text("Đang thẩm định")
    expect(diagram).to_contain_text("is_chain_reviewer_or_signer")
    shots(page, "21-admin-workflow-diagram")
    admin.goto("/admin/users/new")
    page.fill("#username", "vanthu_moi")
    page.fill("#full_name", "Lò Thị Hương")
    page.select_option("#organization_id", label="Văn phòng HĐND và UBND xã Bình Lư")
    page.select_option("#position", "Văn thư")
    page.check("input[name=roles][value=clerk]")
    page.fill("#password", "mat-khau-dai-du")
    page.click("button:has-text('Lưu')")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu người dùng.")
    expect(page.locator("table")).to_contain_text("vanthu_moi")
    admin.close()
    newcomer = Session(chromium, live_server, "vanthu_moi", password="mat-khau-dai-du")
    newcomer.goto("/registers/outgoing")
    expect(newcomer.page.locator("h1")).to_contain_text("Sổ văn bản đi")
    newcomer.close()


def test_the_ui_in_english_on_a_phone(live_server, chromium, shots):
    user = Session(chromium, live_server, "mttq", viewport=PHONE, mobile=True)
    page = user.page
    page.click("button:has-text('English')")
    expect(page.locator("h1")).to_have_text("My work")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shots(page, "22-english-phone-home")
    page.click("nav.mainnav >> text=Incoming")
    expect(page.locator("h1")).to_contain_text("Incoming documents")
    page.click("button:has-text('Tiếng Việt')")
    expect(page.locator("h1")).to_contain_text("Văn bản đến")
    user.close()
    desktop = Session(chromium, live_server, "chuyenvien", viewport=DESKTOP)
    page = desktop.page
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    desktop.close()
