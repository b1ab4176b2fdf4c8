"""Turn uploaded bytes into a flat list of lines, safely.

A .docx is a zip: its central directory is checked for sizes and ratios
before anything is decompressed, a macro-enabled package (.docm) is refused,
then only ``word/document.xml`` is parsed, with lxml, entity resolution off;
one that declares a DTD (Word never writes one) is refused. Text files are
read as published (UTF-8, Markdown ``**bold**`` markers dropped). Either way
the result is a list of :class:`Line`, one per non-empty paragraph, with
table-cell and formatting hints when the source has them.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from lxml import etree

from .errors import ImportRejected

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED_TOTAL = 200 * 1024 * 1024
MAX_DOCUMENT_XML = 64 * 1024 * 1024
MAX_CONTENT_TYPES = 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # members smaller than this are never called bombs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _SDT = W + "p", W + "tbl", W + "tr", W + "tc", W + "sdt"
_T, _TAB, _BR, _CR = W + "t", W + "tab", W + "br", W + "cr"
_R, _RPR, _PPR, _B, _JC = W + "r", W + "rPr", W + "pPr", W + "b", W + "jc"
_TXBX = W + "txbxContent"
_SKIP = {W + "del", W + "moveFrom", MC + "Fallback", _PPR, _RPR, W + "instrText",
         W + "delText", W + "fldData", W + "footnoteReference", W + "commentReference"}
_FOREIGN_MAGIC = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8",
                  b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"{\\rtf")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_blank_text=False)


@dataclass(slots=True)
class Line:
    """One paragraph of text; ``cell`` is (table, row, column) when in a table."""

    text: str
    bold: bool | None = None
    align: str | None = None
    cell: tuple[int, int, int] | None = None


def sniff(data: bytes, filename: str, max_bytes: int) -> tuple[str, str | None]:
    """Say whether ``data`` is "docx" or "text" (with the decoded text); else raise.

    The content decides, not the name: a zip is read as .docx, UTF-8 text as
    .txt. The name only helps word the error for bytes that are neither.
    Raises ImportRejected ``too_large``, ``empty``, ``unsupported_format`` or
    ``corrupt_file``.
    """
    if len(data) > max_bytes:
        limit = max(1, max_bytes // (1024 * 1024))
        raise ImportRejected("too_large", f"Tệp vượt quá dung lượng cho phép ({limit} MB).")
    if not data.strip():
        raise ImportRejected("empty")
    if data.startswith(b"PK"):
        return "docx", None
    if data.startswith(_FOREIGN_MAGIC):
        raise ImportRejected("unsupported_format")
    text = decode_text(data)
    if text is not None:
        return "text", text
    if filename.lower().endswith(".docx"):
        raise ImportRejected("corrupt_file")
    raise ImportRejected("unsupported_format")


def decode_text(data: bytes) -> str | None:
    """Decode a published text file (UTF-8, or UTF-16 with a BOM); None if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    if "\x00" in text:
        return None
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\r\n\t\f")
    if controls > 8:
        return None
    return text


def text_lines(text: str) -> list[Line]:
    """Split published text into non-empty lines, dropping Markdown emphasis marks."""
    text = _EMPHASIS.sub(r"\1", unicodedata.normalize("NFC", text).replace("**", ""))
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw.strip():
            lines.append(Line(raw.strip()))
    return lines


def docx_xml(data: bytes) -> bytes:
    """Return ``word/document.xml`` from a .docx after the zip-bomb and macro checks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportRejected("corrupt_file") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ImportRejected("zip_bomb")
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                raise ImportRejected("zip_bomb")
        if total > MAX_UNCOMPRESSED_TOTAL:
            raise ImportRejected("zip_bomb")
        if _has_macros(archive, infos):
            raise ImportRejected("unsafe_content")
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise ImportRejected("unsupported_format") from None
        if info.file_size > MAX_DOCUMENT_XML:
            raise ImportRejected("zip_bomb")
        try:
            with archive.open(info) as member:
                xml = member.read(MAX_DOCUMENT_XML + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                RuntimeError):
            raise ImportRejected("corrupt_file") from None
        if len(xml) > MAX_DOCUMENT_XML:
            raise ImportRejected("zip_bomb")
        return xml


def _has_macros(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> bool:
    """True for a macro-enabled package: a VBA part, or a macro content type declared."""
    if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
        return True
    try:
        with archive.open("[Content_Types].xml") as member:
            types = member.read(MAX_CONTENT_TYPES)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError):
        return False
    return b"macroenabled" in types.lower()


def docx_lines(data: bytes) -> list[Line]:
    """Read a .docx into lines: body paragraphs and table cells in reading order."""
    xml = docx_xml(data)
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        raise ImportRejected("corrupt_file") from None
    if root.getroottree().docinfo.doctype:
        raise ImportRejected("unsafe_content")
    body = root.find(W + "body")
    if body is None:
        raise ImportRejected("corrupt_file")
    lines: list[Line] = []
    _walk(body, lines, None, [0])
    return lines


def _walk(parent, lines: list[Line], cell, table_counter: list[int]) -> None:
    for child in parent:
        tag = child.tag
        if tag == _P:
            _paragraph(child, lines, cell)
        elif tag == _TBL:
            table = table_counter[0]
            table_counter[0] += 1
            for r, row in enumerate(child.iterchildren(_TR)):
                for c, tc in enumerate(row.iterchildren(_TC)):
                    _walk(tc, lines, cell or (table, r, c), table_counter)
        elif tag == _SDT:
            content = child.find(W + "sdtContent")
            if content is not None:
                _walk(content, lines, cell, table_counter)
        elif tag in (W + "customXml", W + "ins", W + "smartTag"):
            _walk(child, lines, cell, table_counter)


def _paragraph(p, lines: list[Line], cell) -> None:
    parts: list[str] = []
    boxes: list = []
    bold_runs = plain_runs = 0
    stack = [iter(p)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _BR:
            parts.append(" " if node.get(W + "type") == "page" else "\n")
        elif tag == _CR:
            parts.append("\n")
        elif tag == _TXBX:
            boxes.append(node)
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        else:
            if tag == _R and _has_text(node):
                if _run_bold(node):
                    bold_runs += 1
                else:
                    plain_runs += 1
            stack.append(iter(node))
    for box in boxes:
        _walk(box, lines, cell, [10_000])
    text = unicodedata.normalize("NFC", "".join(parts))
    if not text.strip():
        return
    align = None
    ppr = p.find(_PPR)
    if ppr is not None:
        jc = ppr.find(_JC)
        if jc is not None:
            align = jc.get(W + "val")
    bold = bold_runs > 0 and plain_runs == 0
    for piece in text.split("\n"):
        if piece.strip():
            lines.append(Line(piece.strip(), bold, align, cell))


def _has_text(run) -> bool:
    for t in run.iterchildren(_T):
        if t.text and t.text.strip():
            return True
    return False


def _run_bold(run) -> bool:
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    b = rpr.find(_B)
    return b is not None and b.get(W + "val", "true") not in ("0", "false", "off")
