"""Render a :class:`RenderSpec` as a .docx laid out by Nghị định 30/2020.

A4 portrait, margins 20/20/30/15 mm (top, bottom, left, right), Times New
Roman throughout. A borderless two-column header table holds the issuing
body (parent body plain, issuing body bold over a short rule) and "Số:" on
the left, the Quốc hiệu, Tiêu ngữ (ruled) and the italic place-and-date
line on the right. Then the type name and title, centred and bold; the
body, justified with a 1.27 cm first-line indent; and a borderless closing
table with "Nơi nhận" on the left and the signature block on the right.
Page numbers are centred in the header from page 2 on.

The WordprocessingML is written as text (python-docx reads it back; building
it through python-docx's object model is several times slower), and the
package is zipped deterministically: the same spec always gives the same
bytes, so the SHA-256 of an issued file can be recorded and checked.
"""

import datetime

from .ooxml import FONTS, R_NS, W_NS, core_properties, escape, write_package
from .spec import RenderSpec

PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838          # A4 in twips
MARGIN_TOP = MARGIN_BOTTOM = 1134               # 20 mm
MARGIN_LEFT, MARGIN_RIGHT = 1701, 850           # 30 mm, 15 mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
HEADER_COLUMNS = (3402, TEXT_WIDTH - 3402)
CLOSING_COLUMNS = (4253, TEXT_WIDTH - 4253)
CELL_MARGIN = 57
FIRST_LINE_INDENT = 720                         # 1.27 cm
BODY_LINE = 312                                 # 1.3 lines
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGNATURE_ROOM = 4


def render_docx(spec: RenderSpec) -> bytes:
    """Render ``spec`` to .docx bytes, identical for identical specs.

    Raises nothing for well-typed specs; missing parts (no issuer, no
    recipients, no signer) are simply left out of the layout.
    """
    body = "".join((
        _header_table(spec),
        _type_and_title(spec),
        _body(spec),
        _closing_table(spec),
        _section_properties(),
    ))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>'
    )
    stamp = _stamp(spec)
    creator = spec.issuer_lines[-1] if spec.issuer_lines else ""
    title = " ".join(t for t in (spec.doc_type_name, spec.title) if t)
    return write_package(document, core_properties(title, creator, stamp))


def _stamp(spec: RenderSpec) -> str:
    day = spec.issue_date
    if day is None and spec.draft_year:
        day = datetime.date(spec.draft_year, spec.draft_month or 1, 1)
    day = day or datetime.date(2000, 1, 1)
    return f"{day.isoformat()}T00:00:00Z"


def run(text: str, size: int, bold: bool = False, italic: bool = False) -> str:
    """One run in Times New Roman at ``size`` points (half-points in the XML)."""
    half = size * 2
    flags = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    pieces = text.split("\n")
    content = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in pieces)
    return (f'<w:r><w:rPr>{FONTS}{flags}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
            f'</w:rPr>{content}</w:r>')


def paragraph(runs: str, *, align: str | None = None, first_line: int | None = None,
              before: int = 0, after: int = 0, line: int = 240, size: int = 14,
              border_top: bool = False, indent: int = 0, keep_next: bool = False) -> str:
    """A paragraph; spacing in twips, ``line`` in 240ths of a line (auto rule)."""
    ppr = ["<w:keepNext/>" if keep_next else ""]
    if border_top:
        ppr.append('<w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>')
    ppr.append(f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" '
               'w:lineRule="auto"/>')
    if indent or first_line:
        ind = f' w:left="{indent}" w:right="{indent}"' if indent else ""
        ind += f' w:firstLine="{first_line}"' if first_line else ""
        ppr.append(f"<w:ind{ind}/>")
    if align:
        ppr.append(f'<w:jc w:val="{align}"/>')
    half = size * 2
    ppr.append(f'<w:rPr>{FONTS}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>')
    return f'<w:p><w:pPr>{"".join(ppr)}</w:pPr>{runs}</w:p>'


def rule(width: int, column: int) -> str:
    """A centred horizontal rule ``width`` twips long inside a ``column`` twips wide."""
    indent = max(0, (column - width) // 2)
    return paragraph("", align="center", border_top=True, indent=indent, line=120, size=2)


def _text_width(text: str, size: int, bold: bool) -> int:
    """A rough width in twips of ``text`` in Times New Roman (for sizing rules)."""
    ratio = 0.68 if text.isupper() else 0.5
    if bold:
        ratio += 0.04
    return int(len(text) * ratio * size * 20)


def _table(columns: tuple[int, int], cells: list[list[str]]) -> str:
    """A borderless fixed-layout table; ``cells`` is a list of rows of cell XML."""
    borders = "".join(f'<w:{side} w:val="nil"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in columns)
    rows = []
    for row in cells:
        tcs = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{content}</w:tc>'
                      for w, content in zip(columns, row))
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{tcs}</w:tr>")
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(columns)}" w:type="dxa"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f'<w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )


def _header_table(spec: RenderSpec) -> str:
    left_width = HEADER_COLUMNS[0] - 2 * CELL_MARGIN
    right_width = HEADER_COLUMNS[1] - 2 * CELL_MARGIN
    lines = [line.upper() for line in spec.issuer_lines]
    left = []
    for i, line in enumerate(lines):
        issuing = i == len(lines) - 1
        left.append(paragraph(run(line, 13, bold=issuing), align="center", size=13))
    if lines:
        width = max(900, min(left_width, _text_width(lines[-1], 13, True) * 2 // 5))
        left.append(rule(width, left_width))
    else:
        left.append(paragraph("", size=13))
    right = [
        paragraph(run(NATION, 13, bold=True), align="center", size=13),
        paragraph(run(MOTTO, 14, bold=True), align="center"),
        rule(_text_width(MOTTO, 14, True), right_width),
    ]
    number = paragraph(run(spec.number_line(), 13), align="center", before=60, size=13)
    date = paragraph(run(spec.date_line(), 14, italic=True), align="center", before=60)
    return _table(HEADER_COLUMNS, [["".join(left), "".join(right)], [number, date]])


def _type_and_title(spec: RenderSpec) -> str:
    out = []
    if spec.doc_type_name:
        out.append(paragraph(run(spec.doc_type_name.upper(), 14, bold=True), align="center",
                             before=360, keep_next=True))
    if spec.title:
        out.append(paragraph(run(spec.title, 14, bold=True), align="center",
                             before=0 if spec.doc_type_name else 360, keep_next=True))
        width = max(1200, min(TEXT_WIDTH // 3, _text_width(spec.title, 14, True) // 3))
        out.append(rule(width, TEXT_WIDTH))
    return "".join(out)


def _body(spec: RenderSpec) -> str:
    out = []
    first = True
    for section in spec.sections:
        heading = section.get("heading")
        if heading:
            out.append(paragraph(run(heading, 14, bold=True), align="both",
                                 first_line=FIRST_LINE_INDENT, before=240 if first else 0,
                                 after=120, line=BODY_LINE, keep_next=True))
            first = False
        for text in section.get("paragraphs") or []:
            if not text:
                continue
            out.append(paragraph(run(text, 14), align="both", first_line=FIRST_LINE_INDENT,
                                 before=240 if first else 0, after=120, line=BODY_LINE))
            first = False
    return "".join(out)


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


def _closing_table(spec: RenderSpec) -> str:
    left = [paragraph(run("Nơi nhận:", 12, bold=True, italic=True), before=240, size=12)]
    left += [paragraph(run(text, 11), size=11) for text in recipient_lines(spec)]
    right = []
    heads = [line.upper() for line in spec.signer_authority]
    if spec.signer_position:
        heads.append(spec.signer_position.upper())
    for i, text in enumerate(heads):
        right.append(paragraph(run(text, 14, bold=True), align="center",
                               before=240 if i == 0 else 0))
    if spec.signer_name:
        right += [paragraph("", align="center") for _ in range(SIGNATURE_ROOM)]
        right.append(paragraph(run(spec.signer_name, 14, bold=True), align="center"))
    if not right:
        right.append(paragraph(""))
    return _table(CLOSING_COLUMNS, [["".join(left), "".join(right)]])


def _section_properties() -> str:
    return (
        '<w:sectPr><w:headerReference w:type="default" r:id="rId3"/>'
        '<w:headerReference w:type="first" r:id="rId4"/>'
        f'<w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_LEFT}" w:header="567" w:footer="567" w:gutter="0"/>'
        '<w:cols w:space="720"/><w:titlePg/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )
