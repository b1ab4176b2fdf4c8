"""Pure presentation helpers: ND30 dates, Vietnam time, issuer header, the revision diff."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from models import DocumentRevision
from web.ui.documents.diff import diff_lines, diff_revisions, inline_diff
from web.ui.documents.presenters import header_parts
from web.ui.formatting import nd30_date, vn_date, vn_datetime


@pytest.mark.parametrize("day, expected", [
    (date(2026, 1, 5), "Bình Lư, ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 28), "Bình Lư, ngày 28 tháng 02 năm 2026"),
    (date(2026, 3, 9), "Bình Lư, ngày 09 tháng 3 năm 2026"),
    (date(2026, 12, 31), "Bình Lư, ngày 31 tháng 12 năm 2026"),
])
def test_nd30_date_leading_zeros(day, expected):
    assert nd30_date(day, "Bình Lư") == expected


def test_nd30_date_left_blank_before_issue():
    line = nd30_date(None, "Sơn La", year=2026)
    assert line.startswith("Sơn La, ngày\u00a0") and line.endswith("năm 2026")


def test_times_are_shown_in_vietnam_time():
    assert vn_datetime(datetime(2026, 1, 5, 18, 30)) == "06/01/2026 01:30"
    assert vn_date(datetime(2026, 1, 5, 18, 30)) == "06/01/2026"
    assert vn_date(date(2026, 1, 5)) == "05/01/2026" and vn_datetime(None) == ""


@pytest.mark.parametrize("lines, regular, bold", [
    (["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"], [], ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]),
    (["UBND TỈNH SƠN LA", "VĂN PHÒNG"], ["UBND TỈNH SƠN LA"], ["VĂN PHÒNG"]),
    (["SỞ TƯ PHÁP"], [], ["SỞ TƯ PHÁP"]),
])
def test_issuer_header_parent_regular_body_bold(lines, regular, bold):
    assert header_parts(lines) == (regular, bold)


def revision(title, sections, recipients=()):
    return DocumentRevision(number=1, title=title, sections=sections, recipients=list(recipients))


def test_inline_diff_marks_words():
    assert inline_diff("báo cáo 6 tháng", "báo cáo năm") == "báo cáo <del>6 tháng</del><ins>năm</ins>"
    assert inline_diff("<b>", "<i>") == "<del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>"


def test_diff_of_revisions_shows_added_changed_removed_and_folds():
    old = revision("Kế hoạch A", [{"heading": "I. MỤC ĐÍCH", "paragraphs": [f"Đoạn {i}." for i in range(8)]}],
                   [{"name": "UBMTTQ", "purpose": "t/h"}])
    new = revision("Kế hoạch B", [{"heading": "I. MỤC ĐÍCH",
                                   "paragraphs": [f"Đoạn {i}." for i in range(7)] + ["Đoạn mới."]},
                                  {"heading": "II. KINH PHÍ", "paragraphs": ["Ngân sách xã."]}],
                   [{"name": "UBMTTQ", "purpose": "b/c"}])
    rows = diff_revisions(old, new)
    kinds = [(r.kind, r.style) for r in rows]
    assert kinds[0] == ("changed", "title") and "<ins>B</ins>" in rows[0].html
    assert ("folded", "paragraph") in kinds
    assert ("added", "heading") in kinds and ("added", "paragraph") in kinds
    assert ("changed", "recipient") in kinds and "<ins>(b/c)</ins>" in rows[-1].html
    assert diff_revisions(old, old) == []


def test_diff_of_unrelated_lines_is_removed_then_added():
    rows = diff_lines([("heading", "I")], [("paragraph", "x")])
    assert [r.kind for r in rows] == ["removed", "added"]
