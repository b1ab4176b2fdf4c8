"""The closing block of a document: Nơi nhận, Lưu, and the signature.

Real documents put the recipient list and the signature side by side in a
borderless table, or one after the other as plain paragraphs; published text
flattens either into lines. The functions here classify lines by content
(dash entries, "Lưu", TM./KT. authority lines, upper-case position lines,
the signer's name) so both shapes give the same result.
"""

import re

from .container import Line
from .vntext import fold, is_rule, is_upper, squash, strip_bullet

_RECIPIENTS = re.compile(r"^\s*noi\s*nhan\s*(?::\s*|$|\t\s*|\s{2,}|\s+(?=[-–+•]))")
_LUU = re.compile(r"^luu\b\s*[:.\-]?\s*")
_AUTHORITY = re.compile(r"^(tm|kt|tl|tuq|t/m|k/t|t/l|t\.m|k\.t|t\.l)\s*[.:/]?\s+\S")
_MARKER = re.compile(r"\(([^()]{1,40})\)")
_COPIES = re.compile(r"\s*\(\s*\d+\s*(?:b|ban|bản)?\s*\)\s*$", re.IGNORECASE)
_SPLIT = re.compile(r"\t+| {3,}")
_PURPOSES = {
    "b/c": "b/c", "bc": "b/c", "baocao": "b/c", "b.c": "b/c",
    "t/h": "t/h", "th": "t/h", "thuchien": "t/h", "t.h": "t/h",
    "biet": None, "d/b": None, "db": None,
}


def is_recipients_heading(text: str) -> bool:
    """True for the "Nơi nhận:" line, also written "Nơi nhận :" or "Noi nhan"."""
    return bool(_RECIPIENTS.match(fold(text)))


def after_recipients_heading(text: str) -> str:
    """What follows "Nơi nhận:" on its own line (often nothing, or a first entry)."""
    match = _RECIPIENTS.match(fold(text))
    return text[match.end():].strip() if match else text


def is_authority(text: str) -> bool:
    """True for a signing-authority line: "TM. ...", "KT. ...", "TL. ...", "TUQ. ..."."""
    return bool(_AUTHORITY.match(fold(squash(text))))


def is_archive(text: str) -> bool:
    """True for the archive entry "Lưu: VT, ..." (also "Lưu VT.")."""
    return bool(_LUU.match(fold(text)))


def parse_recipient(entry: str) -> dict:
    """Split one "Nơi nhận" entry into ``{"name", "purpose"}``.

    A purpose marker in parentheses may stand anywhere, also after the
    semicolon ("Phòng VH TT huyện; (b/c)"); "(Báo cáo)" counts as "b/c" and
    "(thực hiện)" as "t/h". Trailing punctuation is dropped from the name.
    """
    purpose = None
    name = entry
    for match in _MARKER.finditer(entry):
        key = fold(match.group(1)).replace(" ", "")
        if key not in _PURPOSES and key.startswith("de"):
            key = key[2:]
        if key in _PURPOSES:
            purpose = _PURPOSES[key]
            name = name.replace(match.group(0), " ", 1)
            break
    return {"name": _trim(name), "purpose": purpose}


def parse_archive(entry: str) -> list[str]:
    """The units after "Lưu" ("Lưu: VT, TCHCQT." → ["VT", "TCHCQT"])."""
    rest = entry[_LUU.match(fold(entry)).end():]
    units = []
    for part in re.split(r"[,;]", rest):
        part = _COPIES.sub("", _trim(part))
        if part:
            units.append(part)
    return units


def _trim(text: str) -> str:
    return squash(text).strip(" ;,.:").strip()


def split_parts(text: str) -> list[str]:
    """Split a line laid out with tabs or runs of spaces into its columns."""
    return [p.strip() for p in _SPLIT.split(text) if p.strip()]


def classify_closing(lines: list[Line]) -> tuple[list[str], list[str]]:
    """Split the lines after "Nơi nhận" into recipient entries and signature lines.

    Dash entries and "Lưu" are always entries; until the signature starts, a
    line ending in ";" is one too and a lower-case line after an unfinished
    entry continues it. Any other line belongs to the signature. Columns
    laid out with tabs are classified one by one.
    """
    entries: list[str] = []
    signature: list[str] = []
    in_list = True
    for line in lines:
        if "\t" in line.text or "   " in line.text:
            for part in split_parts(line.text):
                text, bullet = strip_bullet(part)
                if bullet or is_archive(part):
                    entries.append(text)
                elif not is_recipients_heading(part):
                    signature.append(part)
            continue
        text, bullet = strip_bullet(line.text)
        if bullet or is_archive(text):
            entries.append(text)
            continue
        if in_list:
            if entries and text[:1].islower() and not entries[-1].rstrip().endswith((";", ".")):
                entries[-1] += " " + text
                continue
            if text.rstrip().endswith(";") and not is_upper(text):
                entries.append(text)
                continue
            in_list = False
        signature.append(line.text)
    return entries, signature


def cell_entries(lines: list[Line]) -> list[str]:
    """Entries of a "Nơi nhận" table cell: every line is one, or continues one."""
    entries: list[str] = []
    for line in lines:
        text, bullet = strip_bullet(line.text)
        if (not bullet and entries and text[:1].islower()
                and not entries[-1].rstrip().endswith((";", "."))):
            entries[-1] += " " + text
        elif text.strip():
            entries.append(text)
    return entries


def split_entries(entries: list[str]) -> tuple[list[dict], list[str]]:
    """Turn raw entries into (recipients, archive); "Lưu" is not a recipient."""
    recipients: list[dict] = []
    archive: list[str] = []
    for entry in entries:
        if is_archive(entry):
            archive.extend(parse_archive(entry))
            continue
        recipient = parse_recipient(entry)
        if recipient["name"]:
            recipients.append(recipient)
    return recipients, archive


def parse_signer(lines: list[str]) -> tuple[dict, list[str]]:
    """Read a signature block into ``{"authority", "position", "name"}``.

    Authority lines (TM./KT./TL./TUQ.) come first; the position is the first
    upper-case line after them; later upper-case lines (a second title such
    as "PHÓ CHỦ TỊCH UBND XÃ") are returned as extras; the name is the first
    line that is not upper case. "(Đã ký)" style notes and rules are skipped.
    """
    cleaned = []
    for text in lines:
        text = squash(text)
        if not text or is_rule(text) or (text.startswith("(") and text.endswith(")")):
            continue
        cleaned.append(text)
    start = next((i for i, t in enumerate(cleaned) if is_authority(t) or is_upper(t)), None)
    if start is None:
        name = cleaned[0] if cleaned else None
        return {"authority": [], "position": None, "name": name}, []
    authority: list[str] = []
    position = None
    name = None
    extras: list[str] = []
    for text in cleaned[start:]:
        if position is None and not extras and is_authority(text):
            authority.append(text)
        elif is_upper(text):
            if position is None:
                position = text
            else:
                extras.append(text)
        else:
            name = text
            break
    if name is None and extras and _looks_like_upper_name(extras[-1]):
        name = extras.pop()
    return {"authority": authority, "position": position, "name": name}, extras


def trailing_signature(lines: list[Line]) -> int:
    """How many lines at the end of ``lines`` form a signature block (0 if none).

    Used when the signature stands before "Nơi nhận" as plain paragraphs: a
    run of at most six authority/upper-case lines, optionally followed by a
    short name line, containing at least one authority or position line.
    """
    count = 0
    seen_upper = False
    for line in reversed(lines[-7:]):
        text = squash(line.text)
        if line.align not in (None, "center", "right"):
            break
        if is_authority(text) or (is_upper(text) and len(text) <= 60):
            seen_upper = True
            count += 1
        elif not seen_upper and count == 0 and _looks_like_name(text):
            count += 1
        else:
            break
    return count if seen_upper else 0


_TITLE_PHRASES = ("CHỦ TỊCH", "PHÓ", "TRƯỞNG", "GIÁM ĐỐC", "ỦY BAN", "UỶ BAN", "UBND", "VĂN PHÒNG",
                  "BÍ THƯ", "CHÁNH", "BAN", "XÃ", "HUYỆN", "TỈNH", "HỘI ĐỒNG", "ỦY VIÊN",
                  "THƯỜNG TRỰC", "CHỈ HUY", "TỔNG BIÊN TẬP", "KẾ TOÁN", "ĐOÀN", "HỘI")


def _looks_like_upper_name(text: str) -> bool:
    words = text.split()
    padded = f" {' '.join(words)} "
    return 2 <= len(words) <= 5 and not any(f" {p} " in padded for p in _TITLE_PHRASES)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and text[-1:].isalpha()
