"""The rendered .docx follows ND30, read back with python-docx rule by rule."""

import datetime
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from workflow.docio import RenderSpec, render_docx
from workflow.docio.spec import format_date_line, format_number_line

REPO = Path(__file__).resolve().parents[2]


def make_spec(**changes) -> RenderSpec:
    spec = RenderSpec(
        issuer_lines=["Ủy ban nhân dân", "xã Bình Lư"], number=5, symbol="KH-UBND",
        place="Bình Lư", issue_date=datetime.date(2026, 1, 5), doc_type_name="Kế hoạch",
        title="Tổ chức Ngày hội văn hóa các dân tộc năm 2026",
        sections=[{"heading": None, "paragraphs": ["Thực hiện chỉ đạo của UBND huyện."]},
                  {"heading": "I. MỤC ĐÍCH, YÊU CẦU",
                   "paragraphs": ["- Nâng cao nhận thức.", "- Tổ chức an toàn & tiết kiệm <ít>."]}],
        recipients=[("Sở VH TT & DL", "b/c"), ("Các thôn, bản", None)],
        archive=["VT", "VHXH"], signer_authority=["TM. Ủy ban nhân dân", "KT. Chủ tịch"],
        signer_position="Phó Chủ tịch", signer_name="Nguyễn Thị Nhàn")
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(make_spec())


@pytest.fixture(scope="module")
def document(rendered):
    return docx.Document(io.BytesIO(rendered))


def _runs(paragraph):
    return [r for r in paragraph.runs if r.text.strip()]


def _check(paragraph, size, bold=None, italic=None, align=None):
    runs = _runs(paragraph)
    assert runs, paragraph.text
    for r in runs:
        assert r.font.size == Pt(size), (paragraph.text, r.font.size)
        if bold is not None:
            assert bool(r.bold) == bold, paragraph.text
        if italic is not None:
            assert bool(r.italic) == italic, paragraph.text
    if align is not None:
        assert paragraph.alignment == align, paragraph.text


def test_page_is_a4_portrait_with_nd30_margins(document):
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for margin, mm in ((section.top_margin, 20), (section.bottom_margin, 20),
                       (section.left_margin, 30), (section.right_margin, 15)):
        assert abs(margin - Mm(mm)) < Mm(0.1)


def test_times_new_roman_everywhere(rendered, document):
    xml = zipfile.ZipFile(io.BytesIO(rendered)).read("word/document.xml").decode()
    for run in document.element.body.iter(qn("w:r")):
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(attr)) == "Times New Roman"
    assert "Arial" not in xml and "Calibri" not in xml
    styles = zipfile.ZipFile(io.BytesIO(rendered)).read("word/styles.xml").decode()
    assert 'w:eastAsia="Times New Roman"' in styles and 'w:cs="Times New Roman"' in styles


def test_header_table(document):
    table = document.tables[0]
    assert len(table.columns) == 2 and len(table.rows) == 2
    left, right = table.cell(0, 0), table.cell(0, 1)
    issuer = [p for p in left.paragraphs if p.text]
    assert [p.text for p in issuer] == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]
    _check(issuer[0], 13, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _check(issuer[1], 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    nation, motto = [p for p in right.paragraphs if p.text]
    assert nation.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    _check(nation, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _check(motto, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    number, = [p for p in table.cell(1, 0).paragraphs if p.text]
    date, = [p for p in table.cell(1, 1).paragraphs if p.text]
    assert number.text == "Số: 05/KH-UBND"
    _check(number, 13, bold=False)
    assert date.text == "Bình Lư, ngày 05 tháng 01 năm 2026"
    _check(date, 14, italic=True)


def _rule_after(cell, text) -> int:
    """Left indent + right indent of the ruled paragraph after ``text`` (its shortness)."""
    paragraphs = cell.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == text)
    ruled = paragraphs[index + 1]
    border = ruled._p.find(qn("w:pPr")).find(qn("w:pBdr"))
    assert border is not None and border.find(qn("w:top")).get(qn("w:val")) == "single"
    return ruled.paragraph_format.left_indent + ruled.paragraph_format.right_indent


def test_rules_under_issuing_body_and_motto(document):
    table = document.tables[0]
    cell_width = Cm(6)
    assert _rule_after(table.cell(0, 0), "XÃ BÌNH LƯ") > cell_width / 3, "issuer rule is short"
    assert _rule_after(table.cell(0, 1), "Độc lập - Tự do - Hạnh phúc") >= 0


def test_type_name_and_title(document):
    texts = [p for p in document.paragraphs if p.text]
    type_name, title = texts[0], texts[1]
    assert type_name.text == "KẾ HOẠCH"
    _check(type_name, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    assert title.text == "Tổ chức Ngày hội văn hóa các dân tộc năm 2026"
    _check(title, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def test_body_paragraphs(document):
    texts = [p for p in document.paragraphs if p.text][2:]
    assert [p.text for p in texts] == [
        "Thực hiện chỉ đạo của UBND huyện.", "I. MỤC ĐÍCH, YÊU CẦU", "- Nâng cao nhận thức.",
        "- Tổ chức an toàn & tiết kiệm <ít>."]
    for p in texts:
        _check(p, 14, bold=p.text.startswith("I."), align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        fmt = p.paragraph_format
        assert abs(fmt.first_line_indent - Cm(1.27)) < Cm(0.01)
        assert fmt.space_after >= Pt(6)
        assert 1.15 <= fmt.line_spacing <= 1.5


def test_closing_table(document):
    table = document.tables[1]
    assert len(table.columns) == 2 and len(table.rows) == 1
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(b.get(qn("w:val")) == "nil" for b in borders)
    left = [p for p in table.cell(0, 0).paragraphs if p.text]
    assert [p.text for p in left] == ["Nơi nhận:", "- Sở VH TT & DL (b/c);", "- Các thôn, bản;",
                                      "- Lưu: VT, VHXH."]
    _check(left[0], 12, bold=True, italic=True)
    for p in left[1:]:
        _check(p, 11, bold=False)
    right = [p for p in table.cell(0, 1).paragraphs if p.text]
    assert [p.text for p in right] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                       "Nguyễn Thị Nhàn"]
    for p in right:
        _check(p, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    empty = [p for p in table.cell(0, 1).paragraphs if not p.text]
    assert len(empty) >= 3, "room for the signature and seal"


def test_header_tables_have_no_borders(document):
    borders = document.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(b.get(qn("w:val")) == "nil" for b in borders)


def test_page_numbers_from_page_two(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header
    assert not header.is_linked_to_previous
    xml = header._element.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
    assert header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" not in section.first_page_header._element.xml


@pytest.mark.parametrize("number, symbol, line", [
    (5, "KH-UBND", "Số: 05/KH-UBND"), (12, "KH-UBND", "Số: 12/KH-UBND"),
    (1, "UBND-VX", "Số: 01/UBND-VX"), (None, "KH-UBND", "Số:      /KH-UBND"),
    (None, "KH-BCĐ", "Số:      /KH-BCĐ"),
])
def test_number_format(number, symbol, line):
    assert format_number_line(number, symbol) == line


@pytest.mark.parametrize("day, month, year, line", [
    (5, 1, 2026, "Bình Lư, ngày 05 tháng 01 năm 2026"),
    (21, 2, 2026, "Bình Lư, ngày 21 tháng 02 năm 2026"),
    (21, 3, 2024, "Bình Lư, ngày 21 tháng 3 năm 2024"),
    (9, 12, 2025, "Bình Lư, ngày 09 tháng 12 năm 2025"),
    (None, 4, 2026, "Bình Lư, ngày     tháng 4 năm 2026"),
    (None, 1, 2026, "Bình Lư, ngày     tháng 01 năm 2026"),
])
def test_date_format(day, month, year, line):
    assert format_date_line("Bình Lư", day, month, year) == line


def test_draft_has_blank_number_and_day():
    spec = make_spec(number=None, issue_date=None, draft_month=4, draft_year=2026)
    table = docx.Document(io.BytesIO(render_docx(spec))).tables[0]
    assert table.cell(1, 0).paragraphs[0].text == "Số:      /KH-UBND"
    assert table.cell(1, 1).paragraphs[0].text == "Bình Lư, ngày     tháng 4 năm 2026"


def test_same_spec_gives_identical_bytes(rendered):
    again = render_docx(make_spec())
    assert again == rendered
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(rendered).hexdigest()
    assert render_docx(make_spec(number=6)) != rendered


def test_package_metadata_is_fixed(rendered, document):
    for info in zipfile.ZipFile(io.BytesIO(rendered)).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
    core = document.core_properties
    expected = datetime.datetime(2026, 1, 5, tzinfo=core.created.tzinfo)
    assert core.created == core.modified == expected
    assert core.revision == 1


def test_empty_parts_are_left_out():
    spec = RenderSpec(doc_type_name="Kế hoạch", title="T")
    document = docx.Document(io.BytesIO(render_docx(spec)))
    assert [p.text for p in document.paragraphs if p.text] == ["KẾ HOẠCH", "T"]
    assert [p.text for p in document.tables[1].cell(0, 0).paragraphs if p.text] == ["Nơi nhận:"]


def test_recipients_without_archive_end_with_a_full_stop():
    spec = make_spec(archive=[])
    table = docx.Document(io.BytesIO(render_docx(spec))).tables[1]
    assert table.cell(0, 0).paragraphs[-1].text == "- Các thôn, bản."


def _draft_spec() -> RenderSpec:
    return make_spec(number=None, issue_date=None, draft_month=4, draft_year=2026)


def test_same_bytes_across_processes_and_hash_seeds():
    script = (
        "import hashlib\n"
        "from tests.docio.test_docio_render import _draft_spec, make_spec\n"
        "from workflow.docio import render_docx\n"
        "for spec in (make_spec(), _draft_spec()):\n"
        "    print(hashlib.sha256(render_docx(spec)).hexdigest())\n"
    )
    expected = [hashlib.sha256(render_docx(spec)).hexdigest()
                for spec in (make_spec(), _draft_spec())]
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == expected, f"PYTHONHASHSEED={seed}"


def test_other_renders_do_not_change_the_bytes(rendered):
    render_docx(_draft_spec())
    render_docx(RenderSpec())
    render_docx(make_spec(sections=[{"heading": "X", "paragraphs": ["y"] * 50}]))
    assert render_docx(make_spec()) == rendered


def test_entries_come_in_a_fixed_order(rendered):
    names = zipfile.ZipFile(io.BytesIO(rendered)).namelist()
    assert names[0] == "[Content_Types].xml"
    assert names[1:] == sorted(names[1:])
    assert "word/document.xml" in names and "word/styles.xml" in names
    assert not any(n.startswith(("customXml/", "docProps/thumbnail")) or "stylesWithEffects" in n
                   for n in names), names


def test_no_compatibility_mode(rendered):
    settings = zipfile.ZipFile(io.BytesIO(rendered)).read("word/settings.xml").decode()
    assert 'w:name="compatibilityMode"' in settings
    assert 'w:val="15"' in settings and 'w:val="14"' not in settings


def test_components_take_nd30_styles(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    texts = [p for p in document.paragraphs if p.text]
    assert [p.style.name for p in texts] == ["ND30 Type", "ND30 Title", "ND30 Body",
                                             "ND30 Body Heading", "ND30 Body", "ND30 Body"]
    body = document.styles["ND30 Body"]
    assert body.base_style.name == "Normal"
    assert body.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(body.paragraph_format.first_line_indent - Cm(1.27)) < Cm(0.01)
    closing = document.tables[1].cell(0, 0).paragraphs
    assert [p.style.name for p in closing[:2]] == ["ND30 Recipients", "ND30 Recipient"]
    assert document.styles["ND30 Recipient"].font.size == Pt(11)


def test_tabs_breaks_and_control_characters():
    spec = make_spec(title="Tổ chức\x01 hội thi",
                     sections=[{"heading": None, "paragraphs": ["a\tb\nc", "d\x0be"]}])
    document = docx.Document(io.BytesIO(render_docx(spec)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == ["KẾ HOẠCH", "Tổ chức hội thi", "a\tb\nc", "de"]
    body = [p for p in document.paragraphs if p.text == "a\tb\nc"][0]
    _check(body, 14, bold=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
