"""The fixed parts of a WordprocessingML package and a deterministic zip writer.

Everything that does not depend on the document's text is a constant here:
content types, relationships, styles (Times New Roman 14 pt by default, with
east-asian and complex-script fonts set), settings, the page-number header
and core/app properties. :func:`write_package` zips the parts in a fixed
order with fixed timestamps, so equal input gives equal bytes.
"""

import io
import re
import zipfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT = "Times New Roman"
FONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = _XML_HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/>'
    '</Types>'
)

PACKAGE_RELS = _XML_HEAD + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>'
)

DOCUMENT_RELS = _XML_HEAD + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/header" Target="header1.xml"/>'
    f'<Relationship Id="rId4" Type="{_REL}/header" Target="header2.xml"/>'
    '</Relationships>'
)

STYLES = _XML_HEAD + (
    f'<w:styles xmlns:w="{W_NS}">'
    '<w:docDefaults><w:rPrDefault><w:rPr>' + FONTS +
    '<w:sz w:val="28"/><w:szCs w:val="28"/>'
    '<w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/>'
    '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    '<w:qFormat/><w:rPr>' + FONTS + '<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
    '<w:unhideWhenUsed/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr>'
    '<w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
    '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>'
    '</w:styles>'
)

SETTINGS = _XML_HEAD + (
    f'<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/>'
    '<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="vi-VN"/></w:settings>'
)

_PAGE_RUN = f'<w:rPr>{FONTS}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
HEADER_PAGE_NUMBER = _XML_HEAD + (
    f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/>'
    '<w:jc w:val="center"/></w:pPr>'
    f'<w:r>{_PAGE_RUN}<w:fldChar w:fldCharType="begin"/></w:r>'
    f'<w:r>{_PAGE_RUN}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    f'<w:r>{_PAGE_RUN}<w:fldChar w:fldCharType="separate"/></w:r>'
    f'<w:r>{_PAGE_RUN}<w:t>2</w:t></w:r>'
    f'<w:r>{_PAGE_RUN}<w:fldChar w:fldCharType="end"/></w:r>'
    '</w:p></w:hdr>'
)

HEADER_FIRST_PAGE = _XML_HEAD + (
    f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
    '</w:p></w:hdr>'
)

APP = _XML_HEAD + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    '<Application>workflow.docio</Application><DocSecurity>0</DocSecurity></Properties>'
)


def escape(text: str) -> str:
    """Escape text for XML content and attributes, dropping forbidden characters."""
    text = _INVALID.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def core_properties(title: str, creator: str, stamp: str) -> str:
    """docProps/core.xml with fixed dates (``stamp`` as YYYY-MM-DDTHH:MM:SSZ), revision 1."""
    return _XML_HEAD + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dc:title>{escape(title)}</dc:title><dc:creator>{escape(creator)}</dc:creator>'
        f'<cp:lastModifiedBy>{escape(creator)}</cp:lastModifiedBy><cp:revision>1</cp:revision>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        '</cp:coreProperties>'
    )


def write_package(document_xml: str, core_xml: str) -> bytes:
    """Zip the parts of a .docx deterministically (fixed order, times and attributes)."""
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("word/settings.xml", SETTINGS),
        ("word/header1.xml", HEADER_PAGE_NUMBER),
        ("word/header2.xml", HEADER_FIRST_PAGE),
        ("docProps/core.xml", core_xml),
        ("docProps/app.xml", APP),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, text.encode("utf-8"), compresslevel=6)
    return buffer.getvalue()
