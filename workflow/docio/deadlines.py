"""Reporting duties stated in a plan's text.

Plans say things like "báo cáo kết quả thực hiện 06 tháng trước ngày 15/6/2026
và năm 2026 trước ngày 25/11/2026", "Định kỳ báo cáo ... 06 tháng (trước ngày
20/6); hàng năm (trước ngày 30/11)" or "Thời gian: Báo cáo năm trước ngày
05/12/2022". Each due date becomes ``{"period", "due", "units"}``; a day/month
without a year takes the document's year.
"""

import datetime
import re

from .vntext import fold, squash

_DUE = re.compile(
    r"(?:truoc|cham nhat(?: la)?(?: vao)?|han chot(?: la)?|khong muon hon|truoc hoac vao)"
    r"\s*(?:ngay\s*)?(?:"
    r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?"
    r"|(\d{1,2})\s*thang\s*(\d{1,2})(?:\s*(?:nam|/)\s*(\d{4}))?)"
)
_DATES = re.compile(
    r"ngay\s*\d{1,2}\s*(?:thang\s*\d{1,2}|[/.\-]\s*\d{1,2})(?:\s*(?:nam|[/.\-])\s*\d{4})?"
    r"|thang\s*\d{1,2}(?:\s*(?:nam|/)\s*\d{4})?|\d{1,2}/\d{1,2}(?:/\d{4})?"
)
_PERIOD = re.compile(
    r"\b(\d{1,2})\s*thang(?:\s*(?:dau|cuoi)\s*nam)?\b"
    r"|\bquy(?:\s*(?:[ivx]+|\d))?\b"
    r"|\b(?:hang|moi|dinh ky)\s*thang\b"
    r"|\b(?:hang|moi)\s*tuan\b"
    r"|\bnam\b"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_REPORT = "bao cao"
_UNIT_START = re.compile(
    r"\b(?:cac\s+)?(?:phong|so|ban|ubnd|uy ban|hdnd|trung tam|van phong|co quan|don vi|"
    r"cong an|hoi|doan|truong|thanh vien|dang uy|chi cuc|ubmttq|mat tran|tram|xa|thon|"
    r"ban chi dao|bcd|to chuc|nganh|doan the|phuong|thi tran|huyen|tinh)\b"
)
_UNIT_END = re.compile(
    r"\s+(?:chu tri|dinh ky|co trach nhiem|chiu trach nhiem|thuc hien|can cu|"
    r"tham muu|phoi hop|xay dung|gui|theo doi|kip thoi|hang nam|hang thang)\b"
    r"|(?<!dich vu)\s+tong hop\b"
)
_LEAD = re.compile(r"^(?:de nghi|giao cho|giao|yeu cau|[-+•*]\s*)+\s*")


def find_report_deadlines(sections: list[dict], year: int | None) -> list[dict]:
    """All reporting deadlines in the body, in document order.

    ``year`` (the document's) completes dates written without one; when it
    is unknown such a date is dropped rather than guessed.
    """
    found: list[dict] = []
    for section in sections:
        for paragraph in section["paragraphs"]:
            found.extend(_paragraph_deadlines(paragraph, year))
    return found


def _paragraph_deadlines(text: str, year: int | None) -> list[dict]:
    folded = fold(text)
    if _REPORT not in folded:
        return []
    sentences = _sentence_spans(text)
    result = []
    window_start = None
    for match in _DUE.finditer(folded):
        day, month, yr = _due_parts(match)
        sentence_index = next(i for i, (a, b) in enumerate(sentences) if a <= match.start() < b)
        start, _ = sentences[sentence_index]
        if not _about_report(folded, sentences, sentence_index):
            window_start = match.end()
            continue
        window = max(start, window_start or 0)
        period = _last_period(folded[window:match.start()])
        if period is None:
            period = _last_period(folded[start:match.start()])
        window_start = match.end()
        yr = yr or year
        if yr is None:
            continue
        try:
            due = datetime.date(yr, month, day)
        except ValueError:
            continue
        result.append({"period": period, "due": due.isoformat(),
                       "units": _units(text[start:match.start()], folded[start:match.start()])})
    return result


def _due_parts(match: re.Match) -> tuple[int, int, int | None]:
    groups = match.groups()
    if groups[0] is not None:
        day, month, yr = groups[0], groups[1], groups[2]
    else:
        day, month, yr = groups[3], groups[4], groups[5]
    return int(day), int(month), int(yr) if yr else None


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE.finditer(text):
        if not text[match.end()].isupper():
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text) + 1))
    return spans


def _about_report(folded: str, sentences: list, index: int) -> bool:
    start, end = sentences[index]
    if _REPORT in folded[start:end]:
        return True
    head = folded[start:start + 12]
    if index and head.startswith(("thoi gian", "thoi han", "han ")):
        prev_start, prev_end = sentences[index - 1]
        return _REPORT in folded[prev_start:prev_end]
    return False


def _last_period(folded: str) -> str | None:
    masked = _DATES.sub(lambda m: " " * len(m.group(0)), folded)
    period = None
    for match in _PERIOD.finditer(masked):
        period = _normalise_period(match)
    return period


def _normalise_period(match: re.Match) -> str:
    token = match.group(0)
    if match.group(1):
        return f"{int(match.group(1))} tháng"
    if token.startswith("quy"):
        return "quý"
    if token.endswith("tuan"):
        return "tuần"
    if token.endswith("thang"):
        return "tháng"
    return "năm"


def _units(text: str, folded: str) -> list[str]:
    """Unit names named as responsible before "báo cáo" in the sentence."""
    cut = folded.find(_REPORT)
    if cut <= 0:
        return []
    subject, fsubject = text[:cut], folded[:cut]
    lead = _LEAD.match(fsubject)
    offset = lead.end() if lead else 0
    units: list[str] = []
    open_unit = False
    for part, fpart in _split_subject(subject[offset:], fsubject[offset:]):
        if not _UNIT_START.match(fpart):
            open_unit = False
            continue
        end = _UNIT_END.search(fpart)
        name = squash(part[:end.start() if end else len(part)]).strip(" ,;:.")
        if not name:
            continue
        if name[:1].islower() and not fpart.startswith("cac "):
            if units and open_unit:
                units[-1] += ", " + name
            continue
        units.append(name)
        open_unit = end is None
    return units


def _split_subject(text: str, folded: str):
    pos = 0
    for match in re.finditer(r"[,;]|\s+va\s+", folded):
        yield text[pos:match.start()].strip(), folded[pos:match.start()].strip()
        pos = match.end()
    yield text[pos:].strip(), folded[pos:].strip()
