"""Import a Vietnamese administrative document (.docx or published .txt).

The reader follows the layout of Nghị định 30/2020 and the ways real
documents bend it: the header may be a two-column table or plain
paragraphs (or missing), "Số" may be typed "Sô", "Nơi nhận :" may carry a
space, purpose markers may follow the semicolon, the signature block may
have one to four lines. Both formats are first flattened into lines (see
:mod:`.container`), then read by the same rules, so a .docx and its published
text give the same result wherever the text holds the same words.
"""

import re

from . import closing
from .container import Line, docx_lines, sniff, text_lines
from .deadlines import find_report_deadlines
from .errors import ImportRejected
from .sections import build_sections, join_kind
from .vntext import (code_to_type_name, fold, is_rule, is_upper, squash, type_code,
                     type_name_of)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_NUMBER = re.compile(r"\bs[o]\s*:\s*|\bso\s+(?=[\d._…]*\s*/)")
_NUMBER_BODY = re.compile(r"([\d]*)[\s._…]*/\s*(?:(\d{4})\s*/\s*)?([^\s/]+(?:/[^\s/]+)*)")
_DATE = re.compile(r"ngay[\s._…]*(\d{1,2})?[\s._…]*thang[\s._…]*(\d{1,2})?[\s._…]*"
                   r"nam[\s._…]*(\d{4})?")
_NATION = re.compile(r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia\s*viet\s*nam")
_MOTTO = re.compile(r"doc\s*lap\s*[-–—]?\s*tu\s*do\s*[-–—]?\s*hanh\s*phuc")
_EXCERPT = re.compile(r"^(v/v|v\.v\b|ve viec)")
_ADDRESSEES = re.compile(r"^kinh\s*gui\s*:?\s*")
_COLUMN = re.compile(r"\t+| {3,}")
_MARKS = {"du thao", "khan", "thuong khan", "hoa toc", "hoa toc hen gio", "mat", "toi mat",
          "tuyet mat", "ban chinh thuc"}


def read_document(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    """Import an uploaded document, choosing the reader by content.

    ``data`` may be a .docx (zip) or published UTF-8 text; ``filename`` only
    words errors. Returns the dict described in :func:`parse_lines`. Raises
    :class:`ImportRejected` with code ``too_large``, ``unsupported_format``,
    ``corrupt_file``, ``zip_bomb``, ``unsafe_content``, ``empty`` or ``no_recipients``.
    """
    kind, text = sniff(data, filename, max_bytes)
    if kind == "docx":
        return read_docx(data)
    return read_text(text or "")


def read_docx(data: bytes) -> dict:
    """Import a .docx given as bytes (zip-bomb checked, see :mod:`.container`)."""
    return parse_lines(docx_lines(data))


def read_text(text: str) -> dict:
    """Import a document published as plain text (Markdown ``**`` allowed)."""
    return parse_lines(text_lines(text))


def parse_lines(lines: list[Line]) -> dict:
    """Read flattened lines into the import dict.

    Keys: ``doc_type``, ``doc_type_name``, ``issuer`` (header lines joined by
    a space, None if absent), ``issuer_lines``, ``number``, ``symbol``,
    ``place``, ``date`` ({day, month, year} or None), ``title``,
    ``recipients`` ([{name, purpose}]), ``archive``, ``signer`` ({authority,
    position, name}), ``signer_extra``, ``report_deadlines`` ([{period, due}]),
    ``report_deadline_units`` (for each deadline, the units it names), ``sections`` ([{heading, paragraphs}]) and ``addressees``
    (the "Kính gửi" list of a công văn). Raises ImportRejected ``empty`` or
    ``no_recipients``.
    """
    if not any(line.text.strip() for line in lines):
        raise ImportRejected("empty")
    anchor = next((i for i, ln in enumerate(lines) if closing.is_recipients_heading(ln.text)), None)
    if anchor is None:
        raise ImportRejected("no_recipients")
    type_index = next((i for i in range(anchor) if type_name_of(lines[i].text)), None)
    if type_index is not None:
        header = lines[:type_index]
        title, body_start = _title(lines, type_index + 1, anchor)
        type_name = type_name_of(lines[type_index].text)
    else:
        header_end = _header_end(lines, anchor)
        header = lines[:header_end]
        title, body_start, type_name = None, header_end, None
    head = _parse_header(header)
    if title is None:
        title = head["excerpt"]
    body_start, addressees = _addressees(lines, body_start, anchor)
    body_end = _body_end(lines, anchor)
    if body_end < body_start:  # the whole document sits in one table: read by content
        body_end = anchor
        lines = lines[:anchor] + [Line(ln.text, ln.bold, ln.align) for ln in lines[anchor:]]
    entries, signature = _closing_parts(lines, anchor, body_end)
    body = [ln for ln in lines[body_start:body_end] if not is_rule(ln.text)]
    if not signature:
        count = closing.trailing_signature(body)
        if count:
            signature = [ln.text for ln in body[-count:]]
            body = body[:-count]
    recipients, archive = closing.split_entries(entries)
    signer, signer_extra = closing.parse_signer(signature)
    sections = build_sections([squash(ln.text) for ln in body])
    doc_type, type_name = _doc_type(type_name, head["symbol"])
    date = head["date"]
    deadlines = find_report_deadlines(sections, _year(date, title))
    return {
        "doc_type": doc_type,
        "doc_type_name": type_name,
        "issuer": " ".join(head["issuer_lines"]) or None,
        "issuer_lines": head["issuer_lines"],
        "number": head["number"],
        "symbol": head["symbol"],
        "place": head["place"],
        "date": date,
        "title": title,
        "recipients": recipients,
        "archive": archive,
        "signer": signer,
        "signer_extra": signer_extra,
        "report_deadlines": [{"period": d["period"], "due": d["due"]} for d in deadlines],
        "report_deadline_units": [d["units"] for d in deadlines],
        "sections": sections,
        "addressees": addressees,
    }


def _year(date: dict | None, title: str | None) -> int | None:
    """The document's year: from its date, else the single year its title names."""
    if date and date["year"]:
        return date["year"]
    years = set(re.findall(r"\b(?:19|20)\d{2}\b", title or ""))
    return int(years.pop()) if len(years) == 1 else None


def _title(lines: list[Line], start: int, stop: int) -> tuple[str | None, int]:
    """The trích yếu after the type line, and the index where the body starts."""
    i = start
    while i < stop and is_rule(lines[i].text):
        i += 1
    if i >= stop:
        return None, i
    first = lines[i]
    parts = [squash(first.text)]
    i += 1
    while i < stop:
        line = lines[i]
        text = squash(line.text)
        if is_rule(text):
            i += 1
            break
        styled = (first.bold and line.bold and line.align == first.align == "center"
                  and not is_upper(text) and not closing.is_authority(text))
        if styled or join_kind(parts[-1], text) is not None:
            parts.append(text)
            i += 1
            continue
        break
    return " ".join(parts), i


def _header_end(lines: list[Line], anchor: int) -> int:
    """Where the header ends when there is no type line (a công văn)."""
    if lines[0].cell is not None:
        table = lines[0].cell[0]
        end = 0
        while end < anchor and lines[end].cell is not None and lines[end].cell[0] == table:
            end += 1
        return end
    last = -1
    in_excerpt = False
    for i, line in enumerate(lines[:min(anchor, 15)]):
        folded = fold(line.text)
        if in_excerpt and line.text[:1].islower():
            last = i
            continue
        in_excerpt = bool(_EXCERPT.match(folded))
        if (in_excerpt or _NUMBER.search(folded) or _DATE.search(folded)
                or _NATION.search(folded) or _MOTTO.search(folded)):
            last = i
    return last + 1


def _parse_header(header: list[Line]) -> dict:
    """Issuer lines, number, symbol, place, date and (for a công văn) the excerpt."""
    result = {"issuer_lines": [], "number": None, "symbol": None, "number_year": None,
              "place": None, "date": None, "excerpt": None}
    numbered = False  # the issuer column ends at "Số:" / "V/v"
    for line in header:
        text = line.text
        folded = fold(text)
        if result["excerpt"] is not None and text[:1].islower() and not _COLUMN.search(text):
            result["excerpt"] += " " + squash(text)
            continue
        left_column = line.cell is not None and line.cell[2] == 0 and not numbered
        mask = [False] * len(text)
        for pattern in (_NATION, _MOTTO):
            for match in pattern.finditer(folded):
                _mark(mask, match.start(), match.end())
        number = _NUMBER.search(folded)
        if number and result["symbol"] is None and result["number"] is None:
            body = _NUMBER_BODY.match(folded, number.end())
            if body:
                digits, year, _ = body.groups()
                result["number"] = int(digits) if digits else None
                result["number_year"] = int(year) if year else None
                result["symbol"] = text[body.start(3):body.end(3)].strip(" .,;") or None
                _mark(mask, number.start(), body.end())
            else:
                _mark(mask, number.start(), len(text))
        date = _DATE.search(folded)
        if date and result["date"] is None:
            day, month, year = (int(g) if g else None for g in date.groups())
            if (day, month, year) != (None, None, None):
                result["date"] = {"day": day, "month": month, "year": year}
            place_start = _place_start(text, mask, date.start())
            place = text[place_start:date.start()].strip(" ,\t")
            result["place"] = squash(place) or None
            _mark(mask, place_start, date.end())
        rest = "".join("\t" if m else c for c, m in zip(text, mask))
        for part in _COLUMN.split(rest):
            part = squash(part)
            if not part or is_rule(part):
                continue
            if _EXCERPT.match(fold(part)):
                result["excerpt"] = part
            elif (part.startswith("(") and part.endswith(")")) or fold(part) in _MARKS:
                continue
            elif is_upper(part) or left_column:
                result["issuer_lines"].append(part)
        numbered = numbered or bool(number) or result["excerpt"] is not None
    return result


def _mark(mask: list[bool], start: int, end: int) -> None:
    for i in range(start, min(end, len(mask))):
        mask[i] = True


def _place_start(text: str, mask: list[bool], date_start: int) -> int:
    """Start of the place name before ", ngày": after a column gap or masked text."""
    start = 0
    for i in range(date_start - 1, -1, -1):
        if mask[i] or text[i] == "\t":
            start = i + 1
            break
        if text[i] == " " and text[max(0, i - 2):i + 1] == "   ":
            start = i + 1
            break
    return start


def _addressees(lines: list[Line], start: int, anchor: int) -> tuple[int, list[str]]:
    """Skip a "Kính gửi:" block at the start of the body and return its entries."""
    i = start
    while i < anchor and is_rule(lines[i].text):
        i += 1
    if i >= anchor:
        return start, []
    match = _ADDRESSEES.match(fold(lines[i].text))
    if not match:
        return start, []
    entries = []
    first = lines[i].text[match.end():].strip()
    if first:
        entries.append(closing.strip_bullet(first)[0])
    i += 1
    while i < anchor:
        text, bullet = closing.strip_bullet(lines[i].text)
        if not bullet and entries and not lines[i].text.rstrip().endswith(";"):
            break
        entries.append(text)
        i += 1
    return i, [e.strip(" ;,.") for e in entries if e.strip(" ;,.")]


def _body_end(lines: list[Line], anchor: int) -> int:
    """The body ends where the closing table (or the "Nơi nhận" line) starts."""
    cell = lines[anchor].cell
    if cell is None:
        return anchor
    end = anchor
    while end > 0 and lines[end - 1].cell is not None and lines[end - 1].cell[0] == cell[0]:
        end -= 1
    return end


def _closing_parts(lines: list[Line], anchor: int, body_end: int) -> tuple[list[str], list[str]]:
    """Recipient entries and signature lines of the closing block."""
    rest = closing.after_recipients_heading(lines[anchor].text)
    head = [Line(rest)] if rest else []
    cell = lines[anchor].cell
    if cell is None:
        entries, signature = closing.classify_closing(head + lines[anchor + 1:])
        return entries, signature
    table = cell[0]
    end = body_end
    while end < len(lines) and lines[end].cell is not None and lines[end].cell[0] == table:
        end += 1
    same_cell = [ln for ln in lines[anchor + 1:end] if ln.cell == cell]
    signature = [ln.text for ln in lines[body_end:end] if ln.cell != cell]
    entries = closing.cell_entries(head + same_cell)
    if not signature:
        more, signature = closing.classify_closing(lines[end:])
        entries += more
    return entries, signature


def _doc_type(type_name: str | None, symbol: str | None) -> tuple[str | None, str | None]:
    """The Phụ lục III code and type name, from the type line or the symbol."""
    if type_name:
        return type_code(type_name), type_name
    if symbol:
        prefix = symbol.split("-")[0]
        name = code_to_type_name(prefix)
        if name:
            return type_code(name), name
        return None, "CÔNG VĂN"
    return None, None
