"""What the renderer needs to lay out one document (:class:`RenderSpec`).

The formatting rules of Nghị định 30/2020 that concern text, not layout, live
here too: the number with a leading zero below 10 ("Số: 05/KH-UBND"), a blank
number on drafts ("Số:      /KH-UBND"), and the date line with a leading zero
for days below 10 and for January and February ("ngày 05 tháng 01 năm 2026";
"ngày 21 tháng 3 năm 2024"), with a blank day on drafts.
"""

import datetime
from dataclasses import dataclass, field

NUMBER_BLANK = " " * 5
DATE_BLANK = " " * 3


@dataclass
class RenderSpec:
    """Everything shown on an ND30 document, in the order it is laid out.

    ``issuer_lines`` are the parent body (not bold) then the issuing body
    (last line, bold, ruled); ``number`` is None on a draft, whose date line
    then shows ``draft_month``/``draft_year`` with a blank day.
    ``sections`` is ``[{"heading": str|None, "paragraphs": [str]}]``;
    ``recipients`` is ``[(name, purpose|None)]``; ``archive`` the units after
    "Lưu" (e.g. ``["VT", "VHXH"]``).
    """

    issuer_lines: list[str] = field(default_factory=list)
    number: int | None = None
    symbol: str = ""
    place: str = ""
    issue_date: datetime.date | None = None
    draft_month: int | None = None
    draft_year: int | None = None
    doc_type_name: str = ""
    title: str = ""
    sections: list[dict] = field(default_factory=list)
    recipients: list[tuple[str, str | None]] = field(default_factory=list)
    archive: list[str] = field(default_factory=list)
    signer_authority: list[str] = field(default_factory=list)
    signer_position: str = ""
    signer_name: str = ""

    def number_line(self) -> str:
        """The "Số:" line, e.g. "Số: 05/KH-UBND", or "Số:      /KH-UBND" on a draft."""
        return format_number_line(self.number, self.symbol)

    def date_line(self) -> str:
        """The place-and-date line, e.g. "Bình Lư, ngày 05 tháng 01 năm 2026"."""
        if self.issue_date is not None:
            return format_date_line(self.place, self.issue_date.day, self.issue_date.month,
                                    self.issue_date.year)
        return format_date_line(self.place, None, self.draft_month, self.draft_year)


def format_number_line(number: int | None, symbol: str) -> str:
    """"Số: 05/KH-UBND" (leading zero below 10), or a blank number when None."""
    shown = NUMBER_BLANK if number is None else f"{number:02d}"
    return f"Số: {shown}/{symbol}" if symbol else f"Số: {shown}"


def format_date_line(place: str, day: int | None, month: int | None, year: int | None) -> str:
    """"Place, ngày DD tháng M năm YYYY" following ND30; blanks where None.

    Days below 10 and months 1 and 2 take a leading zero; other months do
    not ("tháng 3"). A missing part is left blank for the signer to fill.
    """
    day_text = DATE_BLANK if day is None else f"{day:02d}"
    if month is None:
        month_text = DATE_BLANK
    else:
        month_text = f"{month:02d}" if month <= 2 else str(month)
    year_text = DATE_BLANK if year is None else str(year)
    line = f"ngày {day_text} tháng {month_text} năm {year_text}"
    return f"{place}, {line}" if place else line[:1].upper() + line[1:]


def spec_from_import(doc: dict) -> RenderSpec:
    """Build a RenderSpec from a dict returned by ``read_document``.

    A full date (day, month, year) gives ``issue_date``; otherwise the spec
    is a draft keeping the month and year shown, with a blank day.
    """
    date = doc.get("date") or {}
    issue_date = None
    if date.get("day") and date.get("month") and date.get("year"):
        try:
            issue_date = datetime.date(date["year"], date["month"], date["day"])
        except ValueError:
            issue_date = None
    signer = doc.get("signer") or {}
    issuer_lines = list(doc.get("issuer_lines") or ([doc["issuer"]] if doc.get("issuer") else []))
    return RenderSpec(
        issuer_lines=issuer_lines,
        number=doc.get("number"),
        symbol=doc.get("symbol") or "",
        place=doc.get("place") or "",
        issue_date=issue_date,
        draft_month=date.get("month"),
        draft_year=date.get("year"),
        doc_type_name=doc.get("doc_type_name") or "",
        title=doc.get("title") or "",
        sections=[{"heading": s.get("heading"), "paragraphs": list(s.get("paragraphs") or [])}
                  for s in doc.get("sections") or []],
        recipients=[(r["name"], r.get("purpose")) for r in doc.get("recipients") or []],
        archive=list(doc.get("archive") or []),
        signer_authority=list(signer.get("authority") or []),
        signer_position=signer.get("position") or "",
        signer_name=signer.get("name") or "",
    )
