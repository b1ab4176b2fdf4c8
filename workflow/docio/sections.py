"""The body of a document: re-joined paragraphs grouped under headings.

A page break in the source often splits one paragraph in two ("Kết luận số
84-" / "KL/TW, ngày ..."; "... nghệ thuật và" / "đội ngũ văn nghệ sĩ."). Such
pieces are re-joined; top-level headings ("I. MỤC ĐÍCH, YÊU CẦU", or an
upper-case line such as "MỤC ĐÍCH, YÊU CẦU") open a new section.
"""

import re

from .vntext import is_upper

_ROMAN = re.compile(r"^[IVXLC]{1,6}\s*[.)/]\s*\S")
_PART = re.compile(r"^(PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\s+([IVXLC]+|\d+)\b")
_LIST_START = re.compile(r"^([\-–—+•*·]|[a-zđ]{1,2}\)|\d+(\.\d+)*[.)]\s|[IVXLC]+\.\s)")
_HYPHEN_END = re.compile(r"\w-$")
_TERMINAL = (".", ":", ";", "!", "?", "…")


def is_heading(text: str) -> bool:
    """True for a top-level heading: Roman-numbered, "Phần/Chương", or upper case.

    An upper-case line must hold at least two words and must not be a list
    entry, so a stray acronym paragraph does not open a section.
    """
    if _ROMAN.match(text) or _PART.match(text):
        return True
    if text[:1] in "-–—+•*":
        return False
    return is_upper(text) and len(text.split()) >= 2 and len(text) <= 200


def join_kind(previous: str, following: str) -> str | None:
    """How ``following`` continues ``previous`` after a split: "", " " or None.

    A word cut at a hyphen ("84-" + "KL/TW") joins without a space; an
    unfinished sentence followed by a lower-case start joins with one. A new
    list entry, numbered item or heading never joins.
    """
    if not previous or not following or _LIST_START.match(following):
        return None
    if is_heading(previous) or is_heading(following):
        return None
    if _HYPHEN_END.search(previous) and not following[:1].isspace():
        return ""
    if previous.endswith(_TERMINAL):
        return None
    if following[:1].islower():
        return " "
    return None


def rejoin(paragraphs: list[str]) -> list[str]:
    """Re-join paragraphs that a page break (or a hard wrap) split in two."""
    out: list[str] = []
    for text in paragraphs:
        if out:
            kind = join_kind(out[-1], text)
            if kind is not None:
                out[-1] = out[-1] + kind + text
                continue
        out.append(text)
    return out


def build_sections(paragraphs: list[str]) -> list[dict]:
    """Group body paragraphs into ``[{"heading": str|None, "paragraphs": [str]}]``.

    Text before the first heading forms a section whose heading is None.
    Paragraphs are re-joined first (see :func:`rejoin`).
    """
    sections: list[dict] = []
    current: dict = {"heading": None, "paragraphs": []}
    for text in rejoin(paragraphs):
        if is_heading(text):
            if current["heading"] is not None or current["paragraphs"]:
                sections.append(current)
            current = {"heading": text, "paragraphs": []}
        else:
            current["paragraphs"].append(text)
    if current["heading"] is not None or current["paragraphs"]:
        sections.append(current)
    return sections
