"""Vietnamese text helpers shared by the reader and the matcher.

``fold`` removes diacritics and case one character for one character, so a
match found in the folded text has the same offsets in the original text.
"""

import re
import unicodedata


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [(0x41, 0x5B), (0xC0, 0x250), (0x1E00, 0x1F00)]
    for start, stop in ranges:
        for code in range(start, stop):
            char = chr(code)
            if unicodedata.combining(char):
                continue
            base = unicodedata.normalize("NFD", char)[0].lower()
            if len(base) == 1 and base != char:
                table[code] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


_FOLD = _build_fold_table()
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b]+")
_RULE = re.compile(r"^[\s_\-–—=.·*~]+$")
_BULLET = re.compile(r"^[\-–—+•·*]\s*")

TYPE_CODES = {
    "NGHỊ QUYẾT": "NQ", "QUYẾT ĐỊNH": "QĐ", "CHỈ THỊ": "CT", "QUY CHẾ": "QC",
    "QUY ĐỊNH": "QyĐ", "THÔNG CÁO": "TC", "THÔNG BÁO": "TB", "HƯỚNG DẪN": "HD",
    "CHƯƠNG TRÌNH": "CTr", "KẾ HOẠCH": "KH", "PHƯƠNG ÁN": "PA", "ĐỀ ÁN": "ĐA",
    "DỰ ÁN": "DA", "BÁO CÁO": "BC", "BIÊN BẢN": "BB", "TỜ TRÌNH": "TTr",
    "HỢP ĐỒNG": "HĐ", "CÔNG ĐIỆN": "CĐ", "BẢN GHI NHỚ": "BGN",
    "BẢN THỎA THUẬN": "BTT", "GIẤY ỦY QUYỀN": "GUQ", "GIẤY MỜI": "GM",
    "GIẤY GIỚI THIỆU": "GGT", "GIẤY NGHỈ PHÉP": "GNP", "PHIẾU GỬI": "PG",
    "PHIẾU CHUYỂN": "PC", "PHIẾU BÁO": "PB", "THƯ CÔNG": None,
}


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, keeping its length.

    "Ủy ban" and "Uỷ ban" both give "uy ban"; "Đ" gives "d". Characters
    outside the Latin ranges (quotes, digits, punctuation) are unchanged, so
    offsets found in the folded string index the original string.
    """
    return text.translate(_FOLD)


def squash(text: str) -> str:
    """Collapse runs of spaces and tabs to one space and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def is_upper(text: str) -> bool:
    """True when ``text`` has letters and none of them is lower case."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters)


def is_rule(text: str) -> bool:
    """True for a drawn rule line such as "______" or "-----" (or nothing)."""
    return not text.strip() or bool(_RULE.match(text))


def strip_bullet(text: str) -> tuple[str, bool]:
    """Remove a leading list dash or bullet; say whether there was one."""
    match = _BULLET.match(text)
    if not match:
        return text, False
    return text[match.end():], True


def type_code(type_name: str | None) -> str | None:
    """The Phụ lục III abbreviation for a type name ("KẾ HOẠCH" → "KH")."""
    if not type_name:
        return None
    key = fold(squash(type_name)).rstrip(":")
    for name, code in TYPE_CODES.items():
        if fold(name) == key:
            return code
    return None


def type_name_of(text: str) -> str | None:
    """The canonical type name when ``text`` is a type line, else None.

    The line must be upper case ("KẾ HOẠCH", "QUYẾT ĐỊNH:"), so a sentence
    that starts with "Kế hoạch" is not taken for the type line.
    """
    cleaned = squash(text).rstrip(":").strip()
    if not cleaned or len(cleaned) > 20 or not is_upper(cleaned):
        return None
    key = fold(cleaned)
    for name in TYPE_CODES:
        if fold(name) == key:
            return name
    return None


def code_to_type_name(code: str | None) -> str | None:
    """The type name for a Phụ lục III code ("KH" → "KẾ HOẠCH"), else None."""
    if not code:
        return None
    for name, known in TYPE_CODES.items():
        if known and fold(known) == fold(code):
            return name
    return None
