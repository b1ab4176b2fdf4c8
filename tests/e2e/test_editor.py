"""The draft editor's search boxes in a real browser: typing part of a unit's name, with or
without diacritics, narrows the long recipient and deadline-unit lists; an added row starts
with its whole list."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_plan_lifecycle import Session

pytestmark = pytest.mark.e2e
MTTQ = "Ủy ban Mặt trận Tổ quốc Việt Nam xã Bình Lư"


def visible_labels(page, select: str) -> list[str]:
    return page.eval_on_selector(select, "s => Array.from(s.options).filter(o => !o.hidden).map(o => o.text)")


def test_typing_narrows_the_directory_and_an_added_row_starts_whole(live_server, chromium, shots):
    drafter = Session(chromium, live_server, "chuyenvien")
    page = drafter.goto("/documents/new")
    total = page.eval_on_selector("#recipients-0-target", "s => s.options.length")
    box = page.locator("#recipients-0-target").locator("xpath=preceding-sibling::input[@type='search']")
    expect(box).to_have_attribute("placeholder", "Gõ một phần tên để lọc…")
    box.fill("mat tran to quoc")  # no diacritics
    shown = visible_labels(page, "#recipients-0-target")
    assert MTTQ in shown and len(shown) < total and all(
        label == MTTQ or label.startswith("—") or "Mặt trận" in label for label in shown), shown
    box.press("Enter")  # filters, does not submit
    expect(page).to_have_url(live_server + "/documents/new")
    page.select_option("#recipients-0-target", label=MTTQ)
    shots(page, "20-editor-filtered-recipients")
    page.click("button[data-add=recipients]")
    assert len(visible_labels(page, "#recipients-1-target")) == total
    new_box = page.locator("#recipients-1-target").locator("xpath=preceding-sibling::input[@type='search']")
    expect(new_box).to_have_value("")
    new_box.fill("Sở Văn hóa")
    assert "Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu" in visible_labels(page, "#recipients-1-target")
    assert MTTQ not in visible_labels(page, "#recipients-1-target")
    units = page.locator("#deadlines-0-units").locator("xpath=preceding-sibling::input[@type='search']")
    units.fill("binh lu mat tran")
    assert visible_labels(page, "#deadlines-0-units") == [MTTQ]
    drafter.close()
