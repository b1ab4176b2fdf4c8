"""Recipient names matched to the directory, abbreviations understood (table-driven)."""

import pytest

from workflow.docio import DirectoryEntry, Match, match_recipients, normalize_unit_name

SVHTTDL = "so van hoa the thao du lich"


@pytest.mark.parametrize("name, normal", [
    ("Sở VH TT & DL", SVHTTDL),
    ("Sở Văn hóa, TT&DL", SVHTTDL),
    ("Sở Văn hóa, Thể thao và Du lịch", SVHTTDL),
    ("Sở Văn hoá, Thể thao và Du lịch", SVHTTDL),
    ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", SVHTTDL),
    ("Sở VHTTDL", SVHTTDL),
    ("Phòng VH TT huyện", "phong van hoa thong tin huyen"),
    ("Sở TT&TT", "so thong tin truyen thong"),
    ("TT Đảng ủy, HĐND", "thuong truc dang uy hoi dong nhan dan"),
    ("Thường trực Đảng ủy xã", "thuong truc dang uy xa"),
    ("TT Huyện ủy", "thuong truc huyen uy"),
    ("TT Y tế xã", "trung tam y te xa"),
    ("Trung tâm DVTH", "trung tam dich vu tong hop"),
    ("LĐVP UBND tỉnh", "lanh dao van phong uy ban nhan dan tinh"),
    ("UBMTTQ Việt Nam xã", "uy ban mat tran to quoc viet nam xa"),
    ("Ủy ban MTTQ Việt Nam xã", "uy ban mat tran to quoc viet nam xa"),
    ("Uỷ ban Mặt trận Tổ quốc Việt Nam xã", "uy ban mat tran to quoc viet nam xa"),
    ("Thành viên BCD", "thanh vien ban chi dao"),
    ("Thành viên BCĐ", "thanh vien ban chi dao"),
    ("Phòng Tư pháp", "phong tu phap"),
    ("ĐU xã", "dang uy xa"),
    ("U.B.N.D xã", "uy ban nhan dan xa"),
    ("Sở GD&ĐT", "so giao duc dao tao"),
    ("Sở KH&ĐT", "so ke hoach dau tu"),
    ("Sở KH&CN", "so khoa hoc cong nghe"),
])
def test_normalize_unit_name(name, normal):
    assert normalize_unit_name(name) == normal


DIRECTORY = [
    DirectoryEntry("organization", 1, "Sở Văn hóa, Thể thao và Du lịch", ["Sở VHTTDL"]),
    DirectoryEntry("organization", 2, "Phòng Văn hóa và Thông tin", []),
    DirectoryEntry("organization", 3, "Thường trực Đảng ủy xã", []),
    DirectoryEntry("organization", 4, "Ủy ban Mặt trận Tổ quốc Việt Nam xã", []),
    DirectoryEntry("group", 5, "Thành viên Ban Chỉ đạo", ["Thành viên BCĐ"]),
    DirectoryEntry("group", 6, "Các thôn, xóm", ["14 thôn xóm"]),
    DirectoryEntry("organization", 7, "Lãnh đạo Văn phòng UBND tỉnh", []),
    DirectoryEntry("organization", 8, "Trường Tiểu học A", []),
    DirectoryEntry("organization", 9, "UBND xã Kim Phượng", []),
    DirectoryEntry("organization", 10, "Trung tâm Thông tin", []),
]


@pytest.mark.parametrize("name, entry_id", [
    ("Sở VH TT & DL", 1),
    ("Sở Văn hóa, TT&DL", 1),
    ("Sở Văn hoá, Thể thao và Du lịch", 1),
    ("Phòng VH TT huyện", 2),
    ("Thường trực Đảng ủy xã", 3),
    ("UBMTTQ Việt Nam xã", 4),
    ("Thành viên BCD", 5),
    ("14 thôn xóm", 6),
    ("LĐVP UBND tỉnh", 7),
    ("Trường Tiểu học B", None),
    ("UBND xã Kim Phụng", 9),
    ("Trung tâm Thông tin", 10),
    ("Công an tỉnh", None),
    ("UBND huyện", None),
])
def test_match_recipients(name, entry_id):
    [match] = match_recipients([name], DIRECTORY)
    assert match.name == name
    assert (match.entry.id if match.entry else None) == entry_id
    assert (match.score > 0) == (entry_id is not None)


def test_exact_match_scores_one_and_order_is_kept():
    names = ["Công an tỉnh", "Sở Văn hóa, Thể thao và Du lịch", "Thành viên BCĐ"]
    matches = match_recipients(names, DIRECTORY)
    assert [m.name for m in matches] == names
    assert matches[0] == Match("Công an tỉnh", None, 0.0)
    assert matches[1].score == 1.0 and matches[2].score == 1.0


def test_unmatched_names_are_never_dropped():
    matches = match_recipients(["A", "B", "A"], [])
    assert [(m.name, m.entry) for m in matches] == [("A", None), ("B", None), ("A", None)]
