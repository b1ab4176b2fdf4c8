"""The reader on synthetic variations of real layouts (not special-cased to the corpus)."""

import pytest

from workflow.docio import read_document, read_docx, read_text

from .builders import BODY, build_docx, text_document

SIGNATURE = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Lò Thị Mai"]


def test_standard_text_document():
    result = read_text(text_document())
    assert result["doc_type"] == "KH"
    assert result["doc_type_name"] == "KẾ HOẠCH"
    assert result["issuer"] == "ỦY BAN NHÂN DÂN XÃ BÌNH LƯ"
    assert result["issuer_lines"] == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]
    assert (result["number"], result["symbol"]) == (5, "KH-UBND")
    assert result["place"] == "Bình Lư"
    assert result["date"] == {"day": 5, "month": 1, "year": 2025}
    assert result["title"] == "Tổ chức Ngày hội văn hóa năm 2025"
    assert result["recipients"] == [{"name": "UBND huyện", "purpose": "b/c"},
                                    {"name": "Các thôn, bản", "purpose": None}]
    assert result["archive"] == ["VT", "VHXH"]
    assert result["signer"] == {"authority": ["TM. ỦY BAN NHÂN DÂN"], "position": "CHỦ TỊCH",
                                "name": "Lò Văn Minh"}
    assert [s["heading"] for s in result["sections"]] == [None, "I. MỤC ĐÍCH, YÊU CẦU",
                                                          "II. TỔ CHỨC THỰC HIỆN"]


def test_header_in_paragraphs_instead_of_a_table():
    data = build_docx([
        ("p", "ỦY BAN NHÂN DÂN", {}), ("p", "XÃ BÌNH LƯ", {"bold": True}), "Số:    /KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Bình Lư, ngày    tháng 4 năm 2026",
        ("p", "KẾ HOẠCH", {"bold": True, "align": "center"}),
        ("p", "Tổ chức giải bóng đá", {"bold": True, "align": "center"}),
        ("p", "thiếu niên năm 2026", {"bold": True, "align": "center"}),
        *BODY,
        ("table", [[["Nơi nhận:", "- Sở VHTTDL (b/c);", "- Lưu: VT, VHXH."], SIGNATURE]]),
    ])
    result = read_docx(data)
    assert result["issuer"] == "ỦY BAN NHÂN DÂN XÃ BÌNH LƯ"
    assert (result["number"], result["symbol"]) == (None, "KH-UBND")
    assert result["date"] == {"day": None, "month": 4, "year": 2026}
    assert result["title"] == "Tổ chức giải bóng đá thiếu niên năm 2026"
    assert result["signer"]["position"] == "PHÓ CHỦ TỊCH"
    assert result["signer"]["authority"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]


def test_header_laid_out_with_tabs_in_text():
    text = text_document(header=[
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "XÃ BÌNH LƯ\tĐộc lập - Tự do - Hạnh phúc",
        "Số: 12/KH-UBND\tBình Lư, ngày 5 tháng 2 năm 2025"])
    result = read_text(text)
    assert result["issuer_lines"] == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]
    assert (result["number"], result["place"]) == (12, "Bình Lư")
    assert result["date"] == {"day": 5, "month": 2, "year": 2025}


def test_missing_header_gives_nulls():
    result = read_text(text_document(header=[]))
    for key in ("issuer", "number", "symbol", "place", "date"):
        assert result[key] is None, key
    assert result["doc_type"] == "KH"


@pytest.mark.parametrize("label", ["Số:", "Sô:", "Số :", "SỐ:", "So:"])
def test_number_label_typos(label):
    header = ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ", f"{label} 07/KH-UBND",
              "Bình Lư, ngày 21 tháng 03 năm 2024"]
    result = read_text(text_document(header=header))
    assert (result["number"], result["symbol"]) == (7, "KH-UBND")
    assert result["date"] == {"day": 21, "month": 3, "year": 2024}


@pytest.mark.parametrize("line, number, symbol", [
    ("Số: /KH-BCĐ", None, "KH-BCĐ"),
    ("Số:      /KH-UBND", None, "KH-UBND"),
    ("Số: ....../KH-UBND", None, "KH-UBND"),
    ("Số: 123/KH-VPUB", 123, "KH-VPUB"),
    ("Số: 12/2024/QĐ-UBND", 12, "QĐ-UBND"),
])
def test_number_and_symbol_forms(line, number, symbol):
    result = read_text(text_document(header=["UBND XÃ BÌNH LƯ", line]))
    assert (result["number"], result["symbol"]) == (number, symbol)


@pytest.mark.parametrize("heading", ["Nơi nhận:", "Nơi nhận :", "Nơi nhận", "NƠI NHẬN:"])
def test_recipients_heading_variants(heading):
    closing = [heading, "- UBND huyện (b/c);", "- Lưu: VT.", "", "CHỦ TỊCH", "", "Lò Văn Minh"]
    result = read_text(text_document(closing=closing))
    assert result["recipients"] == [{"name": "UBND huyện", "purpose": "b/c"}]
    assert result["archive"] == ["VT"]


@pytest.mark.parametrize("entry, name, purpose", [
    ("- Sở VH TT & DL (b/c);", "Sở VH TT & DL", "b/c"),
    ("- Phòng VH TT huyện; (b/c)", "Phòng VH TT huyện", "b/c"),
    ("- Thành viên BCD.; (t/h)", "Thành viên BCD", "t/h"),
    ("- Sở Văn hóa, TT&DL (Báo cáo);", "Sở Văn hóa, TT&DL", "b/c"),
    ("- UBND huyện (để báo cáo);", "UBND huyện", "b/c"),
    ("- Các thôn, bản (thực hiện);", "Các thôn, bản", "t/h"),
    ("- Đảng ủy xã (để biết);", "Đảng ủy xã", None),
    ("- 14 thôn xóm; (t/h)", "14 thôn xóm", "t/h"),
    ("+ Trạm Y tế xã;", "Trạm Y tế xã", None),
    ("- Công an xã (qua hệ thống);", "Công an xã (qua hệ thống)", None),
])
def test_recipient_markers(entry, name, purpose):
    closing = ["Nơi nhận:", entry, "- Lưu: VT.", "", "CHỦ TỊCH", "", "Lò Văn Minh"]
    result = read_text(text_document(closing=closing))
    assert result["recipients"] == [{"name": name, "purpose": purpose}]


@pytest.mark.parametrize("entry, archive", [
    ("- Lưu VT.", ["VT"]),
    ("- Lưu: VT, TCHCQT.", ["VT", "TCHCQT"]),
    ("- Lưu: VT, VHXH (02b).", ["VT", "VHXH"]),
    ("- Lưu: VT; VP.", ["VT", "VP"]),
])
def test_archive_forms(entry, archive):
    closing = ["Nơi nhận:", "- UBND huyện;", entry, "", "CHỦ TỊCH", "", "Lò Văn Minh"]
    result = read_text(text_document(closing=closing))
    assert result["archive"] == archive
    assert [r["name"] for r in result["recipients"]] == ["UBND huyện"]


@pytest.mark.parametrize("block, authority, position, name", [
    (["Nguyễn Văn An"], [], None, "Nguyễn Văn An"),
    (["CHÁNH VĂN PHÒNG", "", "Nguyễn Huy Anh"], [], "CHÁNH VĂN PHÒNG", "Nguyễn Huy Anh"),
    (["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", "Lò Văn Nam"], ["KT. CHỦ TỊCH"],
     "PHÓ CHỦ TỊCH", "Lò Văn Nam"),
    (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "Nguyễn Thị Nhàn"],
     ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH", "Nguyễn Thị Nhàn"),
    (["TM. BAN CHỈ ĐẠO", "", "TRƯỞNG BAN", "", "PHÓ CHỦ TỊCH UBND XÃ", "", "Nguyễn Xuân Dũng"],
     ["TM. BAN CHỈ ĐẠO"], "TRƯỞNG BAN", "Nguyễn Xuân Dũng"),
    (["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Hà Văn Bình"], ["TL. CHỦ TỊCH"], "CHÁNH VĂN PHÒNG",
     "Hà Văn Bình"),
])
def test_signature_blocks_of_one_to_four_lines(block, authority, position, name):
    closing = ["Nơi nhận:", "- UBND huyện (b/c);", "- Lưu: VT.", ""] + block
    for data in (text_document(closing=closing).encode(), _docx_with_closing(block)):
        result = read_document(data, "x")
        assert result["signer"] == {"authority": authority, "position": position, "name": name}
        assert result["recipients"] == [{"name": "UBND huyện", "purpose": "b/c"}]


def _docx_with_closing(block: list[str]) -> bytes:
    return build_docx([
        ("table", [[["UBND XÃ BÌNH LƯ", "Số: 05/KH-UBND"],
                    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Bình Lư, ngày 05 tháng 01 năm 2025"]]]),
        "KẾ HOẠCH", "Tổ chức Ngày hội", *BODY,
        ("table", [[["Nơi nhận:", "- UBND huyện (b/c);", "- Lưu: VT."], block]]),
    ])


def test_signature_placed_before_recipients_as_paragraphs():
    data = build_docx([
        "KẾ HOẠCH", "Tổ chức Ngày hội", *BODY,
        ("p", "KT. CHỦ TỊCH", {"align": "center"}), ("p", "PHÓ CHỦ TỊCH", {"align": "center"}),
        ("p", "Lò Văn Nam", {"align": "center"}),
        "Nơi nhận:", "- UBND huyện (b/c);", "- Lưu: VT.",
    ])
    result = read_docx(data)
    assert result["signer"] == {"authority": ["KT. CHỦ TỊCH"], "position": "PHÓ CHỦ TỊCH",
                                "name": "Lò Văn Nam"}
    assert all("Lò Văn Nam" not in p for s in result["sections"] for p in s["paragraphs"])


def test_closing_columns_laid_out_with_tabs():
    closing = ["Nơi nhận:\tCHỦ TỊCH", "- UBND huyện (để báo cáo);", "- Lưu: VT.", "",
               "\tLò Văn Minh"]
    result = read_text(text_document(closing=closing))
    assert result["recipients"] == [{"name": "UBND huyện", "purpose": "b/c"}]
    assert result["signer"] == {"authority": [], "position": "CHỦ TỊCH", "name": "Lò Văn Minh"}


def test_page_break_split_paragraphs_rejoin_and_markdown_is_dropped():
    body = ["I. NỘI DUNG", "- Thực hiện Kết luận số 84-", "", "KL/TW của Bộ Chính trị và",
            "đội ngũ văn nghệ sĩ.", "- Báo cáo năm trước ngày **05/12/2025**./.",
            "1. Mục đích", "a) Tuyên truyền *thông tin tốt*."]
    result = read_text(text_document(body=body))
    assert result["sections"] == [{"heading": "I. NỘI DUNG", "paragraphs": [
        "- Thực hiện Kết luận số 84-KL/TW của Bộ Chính trị và đội ngũ văn nghệ sĩ.",
        "- Báo cáo năm trước ngày 05/12/2025./.", "1. Mục đích", "a) Tuyên truyền thông tin tốt."]}]
    assert result["report_deadlines"] == [{"period": "năm", "due": "2025-12-05"}]


def test_upper_case_heading_without_roman_numeral_opens_a_section():
    result = read_text(text_document(body=["Mở đầu.", "MỤC ĐÍCH, YÊU CẦU", "Nội dung."]))
    assert result["sections"] == [{"heading": None, "paragraphs": ["Mở đầu."]},
                                  {"heading": "MỤC ĐÍCH, YÊU CẦU", "paragraphs": ["Nội dung."]}]


@pytest.mark.parametrize("type_line, code", [
    ("QUYẾT ĐỊNH", "QĐ"), ("THÔNG BÁO", "TB"), ("BÁO CÁO", "BC"), ("TỜ TRÌNH", "TTr"),
    ("CHƯƠNG TRÌNH", "CTr"), ("QUY ĐỊNH", "QyĐ"), ("KẾ HOẠCH", "KH"),
])
def test_document_types(type_line, code):
    result = read_text(text_document(type_line=type_line))
    assert (result["doc_type"], result["doc_type_name"]) == (code, type_line)


def test_official_letter_has_no_type_code():
    text = "\n".join([
        "ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ", "Số: 45/UBND-VX", "V/v tổ chức các hoạt động",
        "chào mừng ngày 2/9", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Bình Lư, ngày 20 tháng 8 năm 2025", "", "Kính gửi:", "- Các thôn, bản;",
        "- Trường học trên địa bàn.", "", "Thực hiện chỉ đạo của UBND huyện.", "",
        "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "",
        "Lò Văn Nam"])
    result = read_text(text)
    assert (result["doc_type"], result["doc_type_name"]) == (None, "CÔNG VĂN")
    assert (result["number"], result["symbol"]) == (45, "UBND-VX")
    assert result["title"] == "V/v tổ chức các hoạt động chào mừng ngày 2/9"
    assert result["addressees"] == ["Các thôn, bản", "Trường học trên địa bàn"]
    assert result["sections"] == [{"heading": None,
                                   "paragraphs": ["Thực hiện chỉ đạo của UBND huyện."]}]


def test_text_with_crlf_and_bom_reads_the_same():
    text = text_document()
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    assert read_document(data, "a.txt") == read_text(text)


def test_decomposed_unicode_is_normalised():
    import unicodedata
    text = unicodedata.normalize("NFD", text_document())
    assert read_text(text)["issuer"] == "ỦY BAN NHÂN DÂN XÃ BÌNH LƯ"


def test_nơi_nhận_inside_the_body_is_not_the_closing():
    body = ["I. THỦ TỤC", "Nơi nhận hồ sơ: Bộ phận một cửa xã.", "Thời gian nhận: giờ hành chính."]
    result = read_text(text_document(body=body))
    assert result["sections"][0]["paragraphs"][0] == "Nơi nhận hồ sơ: Bộ phận một cửa xã."
    assert [r["name"] for r in result["recipients"]] == ["UBND huyện", "Các thôn, bản"]


def test_draft_and_urgency_marks_are_not_issuer_lines():
    header = ["(DỰ THẢO)", "ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ", "KHẨN", "Số: /KH-UBND",
              "Bình Lư, ngày    tháng 4 năm 2026"]
    assert read_text(text_document(header=header))["issuer_lines"] == ["ỦY BAN NHÂN DÂN",
                                                                        "XÃ BÌNH LƯ"]


def test_signer_name_written_in_capitals():
    closing = ["Nơi nhận:", "- UBND huyện;", "- Lưu: VT.", "", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "",
               "NGUYỄN VĂN AN"]
    signer = read_text(text_document(closing=closing))["signer"]
    assert signer == {"authority": ["KT. CHỦ TỊCH"], "position": "PHÓ CHỦ TỊCH",
                      "name": "NGUYỄN VĂN AN"}


def test_issuer_column_of_a_header_table_may_be_mixed_case():
    data = build_docx([
        ("table", [[["Ủy ban nhân dân", "XÃ BÌNH LƯ", "Số: 03/TB-UBND", "Ngày hội Văn hóa"],
                    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Bình Lư, ngày 02 tháng 02 năm 2026"]]]),
        "THÔNG BÁO", "Lịch tổ chức Ngày hội", *BODY,
        ("table", [[["Nơi nhận:", "- Các thôn, bản;", "- Lưu: VT."], ["CHỦ TỊCH", "Lò Văn Minh"]]]),
    ])
    result = read_docx(data)
    assert result["issuer_lines"] == ["Ủy ban nhân dân", "XÃ BÌNH LƯ"]
    assert (result["doc_type"], result["number"], result["symbol"]) == ("TB", 3, "TB-UBND")


def test_text_boxes_and_line_breaks_in_docx():
    import io
    import docx as python_docx
    document = python_docx.Document(io.BytesIO(build_docx([
        "KẾ HOẠCH", "Tổ chức Ngày hội", *BODY, "Nơi nhận:", "- Lưu: VT."])))
    paragraph = document.add_paragraph()
    run = paragraph.add_run("KT. CHỦ TỊCH")
    run.add_break()
    run.add_text("PHÓ CHỦ TỊCH")
    run.add_break()
    run.add_text("Lò Văn Nam")
    buffer = io.BytesIO()
    document.save(buffer)
    signer = read_docx(buffer.getvalue())["signer"]
    assert signer == {"authority": ["KT. CHỦ TỊCH"], "position": "PHÓ CHỦ TỊCH",
                      "name": "Lò Văn Nam"}


def test_deadline_year_falls_back_to_the_title_year():
    text = text_document(header=[], title="Tổ chức Ngày hội năm 2024",
                         body=["Báo cáo năm trước ngày 30/11."])
    assert read_text(text)["report_deadlines"] == [
        {"period": "năm", "due": "2024-11-30"}]


def test_document_laid_out_inside_one_table():
    data = build_docx([("table", [[["UBND XÃ BÌNH LƯ", "Số: 05/KH-UBND", "KẾ HOẠCH",
                                    "Tổ chức Ngày hội", *BODY, "Nơi nhận:", "- UBND huyện (b/c);",
                                    "- Lưu: VT.", "CHỦ TỊCH", "Lò Văn Minh"]]])])
    result = read_docx(data)
    assert result["title"] == "Tổ chức Ngày hội"
    assert result["recipients"] == [{"name": "UBND huyện", "purpose": "b/c"}]
    assert result["signer"] == {"authority": [], "position": "CHỦ TỊCH", "name": "Lò Văn Minh"}
    assert result["sections"][0]["paragraphs"][0].startswith("Thực hiện Kế hoạch số 12")
