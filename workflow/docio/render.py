"""Render a :class:`RenderSpec` as a .docx laid out by Nghị định 30/2020, with python-docx.

A4 portrait, margins 20/20/30/15 mm (top, bottom, left, right), Times New
Roman throughout. A borderless two-column header table holds the issuing
body (parent body plain, issuing body bold over a short rule) and "Số:" on
the left, the Quốc hiệu, Tiêu ngữ (ruled) and the italic place-and-date
line on the right. Then the type name and title, centred and bold; the
body, justified with a 1.27 cm first-line indent; and a borderless closing
table with "Nơi nhận" on the left and the signature block on the right.
Page numbers are centred in the header from page 2 on.

Everything that does not depend on the spec (page setup, header with the
PAGE field, the styles — one paragraph style per ND30 component) is built
once from python-docx's default template, trimmed of the parts and styles a
document never uses, and kept as bytes, opened once; each render adds the
content to a deep copy of it. Each paragraph takes its component's style, and the
properties readers check — alignment, the body's indent and spacing, and the
runs' font, size, bold and italic — are also set directly, because python-docx
and the importer (:mod:`.container`) read direct formatting only; they are set
through python-docx once per component and copied (see :class:`_Writer`). The saved
zip is re-packed deterministically (:func:`.ooxml.repack`) and the core
properties carry the document's date, so the same spec always gives the same
bytes and the SHA-256 of an issued file can be recorded and checked.
"""

import copy
import datetime
import functools
import io
from dataclasses import dataclass

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, Twips

from .ooxml import (FONT, add_field, add_top_border, clean_text, complete_font_names,
                    keep_row_on_one_page, remove_table_borders, repack, set_document_defaults,
                    tune_settings)
from .spec import RenderSpec

PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838          # A4 in twips
MARGIN_TOP = MARGIN_BOTTOM = 1134               # 20 mm
MARGIN_LEFT, MARGIN_RIGHT = 1701, 850           # 30 mm, 15 mm
HEADER_DISTANCE = 567                           # 10 mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
HEADER_COLUMNS = (3402, TEXT_WIDTH - 3402)
CLOSING_COLUMNS = (4253, TEXT_WIDTH - 4253)
CELL_MARGIN = 57
FIRST_LINE_INDENT = 720                         # 1.27 cm
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGNATURE_ROOM = 4
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
_KEPT_STYLES = {"Normal", "Header", "Header Char", "Default Paragraph Font", "Normal Table",
                "No List"}
_DROPPED_PARTS = ("stylesWithEffects", "/customXml", "/numbering", "/thumbnail",
                  "/extended-properties")


@dataclass(frozen=True)
class Look:
    """How one ND30 component looks: its paragraph style and the values it sets.

    Sizes and spacing are in points; ``line`` is a multiple of single spacing.
    """

    style: str
    size: float
    bold: bool = False
    italic: bool = False
    align: WD_ALIGN_PARAGRAPH | None = CENTER
    before: float = 0
    after: float = 0
    line: float = 1.0
    first_line: int = 0
    keep_next: bool = False


ISSUER = Look("ND30 Issuer", 13)
ISSUING_BODY = Look("ND30 Issuing Body", 13, bold=True)
NUMBER = Look("ND30 Number", 13, before=3)
NATION_LOOK = Look("ND30 Nation", 13, bold=True)
MOTTO_LOOK = Look("ND30 Motto", 14, bold=True)
DATE = Look("ND30 Date", 14, italic=True, before=3)
TYPE = Look("ND30 Type", 14, bold=True, before=18, keep_next=True)
TITLE = Look("ND30 Title", 14, bold=True, keep_next=True)
BODY = Look("ND30 Body", 14, align=JUSTIFY, after=6, line=1.3, first_line=FIRST_LINE_INDENT)
HEADING = Look("ND30 Body Heading", 14, bold=True, align=JUSTIFY, after=6, line=1.3,
               first_line=FIRST_LINE_INDENT, keep_next=True)
RECIPIENTS = Look("ND30 Recipients", 12, bold=True, italic=True, align=None, before=12)
RECIPIENT = Look("ND30 Recipient", 11, align=None)
SIGNATURE = Look("ND30 Signature", 14, bold=True)
RULE = Look("ND30 Rule", 1, line=0.5)
LOOKS = (ISSUER, ISSUING_BODY, NUMBER, NATION_LOOK, MOTTO_LOOK, DATE, TYPE, TITLE, BODY,
         HEADING, RECIPIENTS, RECIPIENT, SIGNATURE, RULE)


def render_docx(spec: RenderSpec) -> bytes:
    """Render ``spec`` to .docx bytes, identical for identical specs.

    Raises nothing for well-typed specs; missing parts (no issuer, no
    recipients, no signer) are simply left out of the layout.
    """
    document = copy.deepcopy(_opened_template())
    writer = _Writer()
    _header_table(document, writer, spec)
    _type_and_title(document, writer, spec)
    _body(document, writer, spec)
    _closing_table(document, writer, spec)
    _core_properties(document, spec)
    buffer = io.BytesIO()
    document.save(buffer)
    return repack(buffer.getvalue())


class _Writer:
    """Adds paragraphs of a given :class:`Look` to the document or a :class:`_Cell`.

    The formatting of each look is set once through python-docx on a sample
    paragraph (:func:`_formats`) and each new paragraph and run gets a copy of
    it: python-docx's property setters cost about 0.4 ms per paragraph, copies
    a few microseconds.
    """

    def __init__(self):
        self.formats = _formats()

    def paragraph(self, container, look: Look, text: str = "", *, before: float | None = None):
        """A paragraph of ``look`` with ``text``; ``before`` overrides its space before."""
        paragraph = container.add_paragraph()
        ppr, rpr = self.formats[look.style]
        paragraph._p.append(copy.deepcopy(ppr))
        if before is not None:
            paragraph.paragraph_format.space_before = Pt(before)
        if text:
            run = paragraph.add_run()
            run._r.append(copy.deepcopy(rpr))
            set_text(run, clean_text(text))
        return paragraph

    def rule(self, container, width: int, column: int):
        """A centred horizontal rule ``width`` twips long inside a ``column`` twips wide."""
        paragraph = self.paragraph(container, RULE)
        add_top_border(paragraph)
        indent = Twips(max(0, (column - width) // 2))
        paragraph.paragraph_format.left_indent = indent
        paragraph.paragraph_format.right_indent = indent
        return paragraph


def set_text(run, text: str) -> None:
    """Put ``text`` in ``run``: one ``w:t`` directly, or python-docx's ``run.text``
    (which walks the text character by character) when it holds tabs or line breaks."""
    if "\t" in text or "\n" in text or "\r" in text:
        run.text = text
    else:
        run._r.add_t(text)


@functools.cache
def _formats() -> dict:
    """Each look's paragraph and run properties, set through python-docx once.

    Returns ``{style name: (w:pPr, w:rPr)}``: the paragraph takes the look's
    style and, directly, its alignment (and the body's indent, spacing after
    and line spacing); the run its font, size, bold and italic.
    """
    document = docx.Document(io.BytesIO(_template()))
    formats = {}
    for look in LOOKS:
        paragraph = document.add_paragraph(style=document.styles[look.style])
        fmt = paragraph.paragraph_format
        if look.align is not None:
            fmt.alignment = look.align
        if look.first_line:
            fmt.first_line_indent = Twips(look.first_line)
            fmt.space_after = Pt(look.after)
            fmt.line_spacing = look.line
        run = paragraph.add_run()
        format_run(run, look.size, look.bold, look.italic)
        formats[look.style] = (paragraph._p.pPr, run._r.rPr)
    return formats


def format_run(run, size: float, bold: bool = False, italic: bool = False) -> None:
    """Give ``run`` Times New Roman (all four font slots) at ``size`` points."""
    font = run.font
    font.name = FONT
    complete_font_names(run._r.rPr)
    font.size = Pt(size)
    if bold:
        font.bold = True
    if italic:
        font.italic = True


class _Cell:
    """Fills a table cell, starting with the empty paragraph python-docx puts in it."""

    def __init__(self, cell):
        self.cell = cell
        self.spare = cell.paragraphs[0]

    def add_paragraph(self):
        """The cell's first paragraph, the first time; a new one afterwards."""
        paragraph, self.spare = self.spare, None
        return paragraph if paragraph is not None else self.cell.add_paragraph()


def _table(document, columns: tuple[int, int], rows: int) -> list[list[_Cell]]:
    """A borderless fixed-layout table whose rows do not split across pages."""
    table = document.add_table(rows=rows, cols=len(columns))
    table.autofit = False
    remove_table_borders(table, CELL_MARGIN)
    for column, width in zip(table.columns, columns):
        column.width = Twips(width)
    cells = []
    for row in table.rows:
        keep_row_on_one_page(row)
        row_cells = row.cells
        for cell, width in zip(row_cells, columns):
            cell.width = Twips(width)
        cells.append([_Cell(cell) for cell in row_cells])
    return cells


def _text_width(text: str, size: int, bold: bool) -> int:
    """A rough width in twips of ``text`` in Times New Roman (for sizing rules)."""
    ratio = 0.68 if text.isupper() else 0.5
    if bold:
        ratio += 0.04
    return int(len(text) * ratio * size * 20)


def _header_table(document, writer: _Writer, spec: RenderSpec) -> None:
    (left, right), (number, date) = _table(document, HEADER_COLUMNS, 2)
    left_width = HEADER_COLUMNS[0] - 2 * CELL_MARGIN
    right_width = HEADER_COLUMNS[1] - 2 * CELL_MARGIN
    lines = [line.upper() for line in spec.issuer_lines]
    for i, line in enumerate(lines):
        look = ISSUING_BODY if i == len(lines) - 1 else ISSUER
        writer.paragraph(left, look, line)
    if lines:
        width = max(900, min(left_width, _text_width(lines[-1], 13, True) * 2 // 5))
        writer.rule(left, width, left_width)
    writer.paragraph(right, NATION_LOOK, NATION)
    writer.paragraph(right, MOTTO_LOOK, MOTTO)
    writer.rule(right, _text_width(MOTTO, 14, True), right_width)
    writer.paragraph(number, NUMBER, spec.number_line())
    writer.paragraph(date, DATE, spec.date_line())


def _type_and_title(document, writer: _Writer, spec: RenderSpec) -> None:
    if spec.doc_type_name:
        writer.paragraph(document, TYPE, spec.doc_type_name.upper())
    if spec.title:
        writer.paragraph(document, TITLE, spec.title,
                         before=None if spec.doc_type_name else TYPE.before)
        width = max(1200, min(TEXT_WIDTH // 3, _text_width(spec.title, 14, True) // 3))
        writer.rule(document, width, TEXT_WIDTH)


def _body(document, writer: _Writer, spec: RenderSpec) -> None:
    first = True
    for section in spec.sections:
        heading = section.get("heading")
        texts = ([(HEADING, heading)] if heading else [])
        texts += [(BODY, text) for text in section.get("paragraphs") or [] if text]
        for look, text in texts:
            writer.paragraph(document, look, text, before=12 if first else None)
            first = False


def recipient_lines(spec: RenderSpec) -> list[str]:
    """The entries under "Nơi nhận:", e.g. "- Sở VH TT & DL (b/c);" and "- Lưu: VT, VHXH."."""
    lines = []
    for name, purpose in spec.recipients:
        lines.append(f"- {name} ({purpose});" if purpose else f"- {name};")
    if spec.archive:
        lines.append(f"- Lưu: {', '.join(spec.archive)}.")
    elif lines:
        lines[-1] = lines[-1][:-1] + "."
    return lines


def _closing_table(document, writer: _Writer, spec: RenderSpec) -> None:
    (left, right), = _table(document, CLOSING_COLUMNS, 1)
    writer.paragraph(left, RECIPIENTS, "Nơi nhận:")
    for text in recipient_lines(spec):
        writer.paragraph(left, RECIPIENT, text)
    heads = [line.upper() for line in spec.signer_authority]
    if spec.signer_position:
        heads.append(spec.signer_position.upper())
    for i, text in enumerate(heads):
        writer.paragraph(right, SIGNATURE, text, before=12 if i == 0 else None)
    if spec.signer_name:
        for _ in range(SIGNATURE_ROOM):
            writer.paragraph(right, SIGNATURE)
        writer.paragraph(right, SIGNATURE, spec.signer_name)


def _stamp(spec: RenderSpec) -> datetime.datetime:
    """The document's date (or the draft's month) at midnight UTC, for core properties."""
    day = spec.issue_date
    if day is None and spec.draft_year:
        day = datetime.date(spec.draft_year, spec.draft_month or 1, 1)
    day = day or datetime.date(2000, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)


def _core_properties(document, spec: RenderSpec) -> None:
    """Fixed metadata: title, issuing body as author, the document's date, revision 1."""
    props = document.core_properties
    creator = clean_text(spec.issuer_lines[-1]) if spec.issuer_lines else ""
    props.title = clean_text(" ".join(t for t in (spec.doc_type_name, spec.title) if t))
    props.author = creator
    props.last_modified_by = creator
    props.comments = ""
    props.created = props.modified = _stamp(spec)
    props.revision = 1


@functools.cache
def _opened_template():
    """`_template` opened once; each render works on a deep copy (cheaper than opening
    the bytes again, and the same document)."""
    return docx.Document(io.BytesIO(_template()))


@functools.cache
def _template() -> bytes:
    """python-docx's default document set up for ND30 and saved once (see module doc)."""
    document = docx.Document()
    _trim(document)
    _define_styles(document)
    _set_up_page(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _trim(document) -> None:
    """Drop the template's unused parts and styles, and its stale app.xml and thumbnail.

    Also puts Word out of 2010 compatibility mode (see :func:`.ooxml.tune_settings`).
    """
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith(_DROPPED_PARTS):
            part.drop_rel(rid)
    package_rels = part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith(_DROPPED_PARTS):
            del package_rels[rid]
    styles = document.styles
    for style in list(styles):
        if style.name not in _KEPT_STYLES:
            style.delete()
    for latent in list(styles.latent_styles):
        latent.delete()
    tune_settings(document.settings.element)


def _define_styles(document) -> None:
    """Times New Roman 14 pt, single-spaced Normal, and one paragraph style per :class:`Look`."""
    styles = document.styles
    set_document_defaults(styles.element)
    normal = styles["Normal"]
    normal.font.name = FONT
    complete_font_names(normal.element.get_or_add_rPr())
    normal.font.size = Pt(14)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for look in LOOKS:
        style = styles.add_style(look.style, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = look in (BODY, HEADING)
        style.font.size = Pt(look.size)
        style.font.bold = look.bold or None
        style.font.italic = look.italic or None
        fmt = style.paragraph_format
        fmt.alignment = look.align
        fmt.space_before = Pt(look.before) if look.before else None
        fmt.space_after = Pt(look.after) if look.after else None
        fmt.line_spacing = look.line if look.line != 1.0 else None
        fmt.first_line_indent = Twips(look.first_line) if look.first_line else None
        fmt.keep_with_next = look.keep_next or None


def _set_up_page(document) -> None:
    """A4 portrait with ND30 margins; page numbers centred in the header from page 2."""
    section = document.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Twips(HEADER_DISTANCE)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = CENTER
    add_field(paragraph, "PAGE", "2", lambda run: format_run(run, 14))
