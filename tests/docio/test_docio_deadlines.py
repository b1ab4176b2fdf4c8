"""Reporting deadlines found in a plan's text (table-driven)."""

import pytest

from workflow.docio.deadlines import find_report_deadlines
from workflow.docio import read_text

from .builders import text_document


def _find(paragraph: str, year: int | None = 2026) -> list[dict]:
    return find_report_deadlines([{"heading": None, "paragraphs": [paragraph]}], year)


@pytest.mark.parametrize("text, expected", [
    ("Báo cáo năm trước ngày 05/12/2022./.", [("năm", "2022-12-05")]),
    ("Thời gian: Báo cáo năm trước ngày **05/12/2022**./.".replace("**", ""),
     [("năm", "2022-12-05")]),
    ("Các đơn vị báo cáo kết quả thực hiện 06 tháng trước ngày 15/6/2026 và năm 2026 trước "
     "ngày 25/11/2026.", [("6 tháng", "2026-06-15"), ("năm", "2026-11-25")]),
    ("Định kỳ báo cáo kết quả về UBND xã 06 tháng (trước ngày 20/6); hàng năm (trước ngày "
     "30/11).", [("6 tháng", "2026-06-20"), ("năm", "2026-11-30")]),
    ("Báo cáo kết quả 6 tháng đầu năm trước ngày 15/6.", [("6 tháng", "2026-06-15")]),
    ("Báo cáo quý trước ngày 20/3/2026.", [("quý", "2026-03-20")]),
    ("Báo cáo 9 tháng chậm nhất ngày 15/9.", [("9 tháng", "2026-09-15")]),
    ("Báo cáo năm trước ngày 30 tháng 11 năm 2026.", [("năm", "2026-11-30")]),
    ("Gửi báo cáo định kỳ hằng tháng trước ngày 25/1.", [("tháng", "2026-01-25")]),
    ("Các đơn vị tổng hợp, báo cáo kết quả về UBND xã. Thời hạn: trước ngày 10/12/2026.",
     [(None, "2026-12-10")]),
])
def test_phrasings(text, expected):
    assert [(d["period"], d["due"]) for d in _find(text)] == expected


@pytest.mark.parametrize("text", [
    "Thực hiện Kế hoạch số 256/KH-UBND ngày 13/01/2026 của Ủy ban nhân dân tỉnh.",
    "Hoàn thành việc sửa chữa nhà văn hóa trước ngày 30/6/2026.",
    "Báo cáo số 12/BC-UBND ngày 05/01/2026 đã nêu rõ kết quả năm 2025.",
])
def test_no_deadline_without_a_report_duty(text):
    assert _find(text) == []


def test_date_without_year_is_dropped_when_year_unknown():
    assert _find("Báo cáo năm trước ngày 30/11.", year=None) == []


def test_impossible_date_is_ignored():
    assert _find("Báo cáo năm trước ngày 31/02/2026.") == []


@pytest.mark.parametrize("text, units", [
    ("Các phòng, ban, đơn vị báo cáo kết quả năm trước ngày 30/11.", ["Các phòng, ban, đơn vị"]),
    ("Đề nghị UBND các xã, phường báo cáo năm trước ngày 30/11.", ["UBND các xã, phường"]),
    ("Phòng Văn hóa - Xã hội chủ trì tổng hợp, báo cáo năm trước ngày 30/11.",
     ["Phòng Văn hóa - Xã hội"]),
    ("Phòng Văn hóa - Xã hội, Trung tâm Dịch vụ tổng hợp báo cáo năm trước ngày 30/11.",
     ["Phòng Văn hóa - Xã hội", "Trung tâm Dịch vụ tổng hợp"]),
    ("- Chủ trì tổng hợp, báo cáo kết quả thực hiện kế hoạch, gửi Sở Văn hóa, Thể thao và Du "
     "lịch. Thời gian: Báo cáo năm trước ngày 05/12/2022./.", []),
])
def test_units_named_as_responsible(text, units):
    found = _find(text)
    assert len(found) == 1
    assert found[0]["units"] == units


def test_deadline_without_year_takes_the_document_year():
    body = ["III. TỔ CHỨC THỰC HIỆN",
            "Định kỳ báo cáo 06 tháng (trước ngày 20/6); hàng năm (trước ngày 30/11)."]
    result = read_text(text_document(body=body))
    assert [(d["period"], d["due"]) for d in result["report_deadlines"]] == [
        ("6 tháng", "2025-06-20"), ("năm", "2025-11-30")]


def test_deadline_with_year_keeps_its_year():
    body = ["Báo cáo năm trước ngày 05/12/2026."]
    result = read_text(text_document(body=body))
    assert result["report_deadlines"] == [{"period": "năm", "due": "2026-12-05"}]
