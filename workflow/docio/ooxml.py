"""The few WordprocessingML details python-docx has no API for, and a deterministic zip.

:mod:`.render` builds the document with python-docx; this module adds, through
``docx.oxml``, only what python-docx cannot express: east-asian and
complex-script font names (and the language) of the document defaults, of
styles and of runs, three document settings, the top border of the short rules under the issuing body, the
Tiêu ngữ and the title, the removal of table borders (with narrow cell
margins), rows that must not split across pages, and fields such as PAGE.

:func:`repack` rewrites the zip python-docx saved, whose entries carry the time
of saving, with a fixed time, order and attributes, so that equal documents
give equal bytes.
"""

import io
import re
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FONT = "Times New Roman"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
               "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
               "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
               "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_TBL_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                      "w:tblDescription", "w:tblPrChange")
_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
                     "w:ins", "w:del", "w:trPrChange")


def clean_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (lxml refuses them)."""
    return _INVALID.sub("", text)


def complete_font_names(rpr, font: str = FONT) -> None:
    """Name ``font`` for the east-asian and complex-script text of ``rpr`` too.

    python-docx's ``Font.name`` sets only the ASCII and high-ANSI names; Word
    falls back to the theme fonts for the other two slots otherwise.
    """
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:cs"), font)


def set_document_defaults(styles_element, font: str = FONT, lang: str = "vi-VN") -> None:
    """Make ``font`` (not the theme fonts) and ``lang`` the run defaults of styles.xml."""
    rpr = styles_element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.get_or_add_rFonts()
    fonts.attrib.clear()
    for slot in ("w:ascii", "w:eastAsia", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), font)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), lang)


def tune_settings(settings_element, lang: str = "vi-VN") -> None:
    """Word 2013+ layout (no "Compatibility Mode"), ``lang`` theme fonts, no stale proofing.

    python-docx's template says Word 2010 (compatibilityMode 14), Japanese
    theme-font language and "spelling checked"; this fixes those three.
    """
    for setting in settings_element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    theme_lang = settings_element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.attrib.clear()
        theme_lang.set(qn("w:val"), lang)
    proof_state = settings_element.find(qn("w:proofState"))
    if proof_state is not None:
        settings_element.remove(proof_state)


def add_top_border(paragraph) -> None:
    """Draw a thin single line along the top of ``paragraph`` (a python-docx Paragraph)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    borders.append(OxmlElement("w:top", {qn("w:val"): "single", qn("w:sz"): "6",
                                         qn("w:space"): "1", qn("w:color"): "auto"}))
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def remove_table_borders(table, cell_margin: int) -> None:
    """Give ``table`` no borders at all and left/right cell margins of ``cell_margin`` twips."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{side}", {qn("w:val"): "nil"}))
    tblpr.insert_element_before(borders, *_AFTER_TBL_BORDERS)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(OxmlElement(f"w:{side}", {qn("w:w"): str(cell_margin),
                                                 qn("w:type"): "dxa"}))
    tblpr.insert_element_before(margins, *_AFTER_CELL_MARGINS)


def keep_row_on_one_page(row) -> None:
    """Forbid page breaks inside ``row`` (a python-docx _Row)."""
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        trpr.insert_element_before(OxmlElement("w:cantSplit"), *_AFTER_CANT_SPLIT)


def add_field(paragraph, instruction: str, shown: str, format_run) -> None:
    """Append a field (e.g. ``PAGE``) showing ``shown`` until the reader updates it.

    ``format_run`` is called on each of the five runs python-docx adds
    (begin, instruction, separate, result, end) to give them their font.
    """
    def field_run(child=None, text=None):
        run = paragraph.add_run(text)
        format_run(run)
        if child is not None:
            run._r.append(child)

    instruction_text = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instruction_text.text = f" {instruction} "
    field_run(OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"}))
    field_run(instruction_text)
    field_run(OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"}))
    field_run(text=shown)
    field_run(OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"}))


def repack(data: bytes) -> bytes:
    """Re-zip a saved package with fixed entry times, order and attributes.

    ``[Content_Types].xml`` comes first, then the other parts by name; every
    entry is deflated at level 6 with the 1980-01-01 timestamp and no
    system-specific attributes, so the bytes depend on the content alone.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
