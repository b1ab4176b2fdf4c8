"""XLSX files of the tracking lists (dashboard, one document, units, one unit).

Each builder takes what the matching query in `workflow.tracking` returned and
answers the bytes of a workbook: a title line, bold column headings, one row
per line of the list in the same order, frozen headings.
"""
from __future__ import annotations

import io
from copy import copy
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .tracking import DocumentProgressRow, DocumentTracking, UnitItem, UnitRow, local_time

DISTRIBUTION_STATUS = {"sent": "Đã đến, chưa xác nhận", "acknowledged": "Đã tiếp nhận",
                       "refused": "Từ chối tiếp nhận"}
DUTY_STATUS = {"due": "Chưa đến hạn", "overdue": "Quá hạn", "filed": "Đã nộp đúng hạn",
               "late": "Nộp muộn"}
STATE_LABELS = {"distributed": "Đã phát hành", "reported": "Đã báo cáo đủ"}


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _moment(value: datetime | None) -> str:
    local = local_time(value)
    return f"{local:%H:%M %d/%m/%Y}" if local else ""


def workbook(sheet_title: str, title: str, columns: Sequence[tuple[str, int]],
             rows: Iterable[Sequence]) -> bytes:
    """A one-sheet workbook: `title` on the first line, then headings and rows.

    Written as a stream (openpyxl's write-only mode), each style registered once and
    its indexes copied to the cells: what a commune owes across a province's documents
    is tens of thousands of rows, which styling cell by cell (each style object made,
    hashed and looked up again) took half a minute to write.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    title_style = _style(sheet, Font(bold=True, size=14))
    heading = _style(sheet, Font(bold=True), Alignment(wrap_text=True, vertical="center", horizontal="center"))
    body = _style(sheet, alignment=Alignment(wrap_text=True, vertical="top"))
    sheet.append([_cell(sheet, title, title_style)])
    sheet.append([_cell(sheet, name, heading) for name, _ in columns])
    for row in rows:
        sheet.append([_cell(sheet, value, body) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _style(sheet, font: Font | None = None, alignment: Alignment | None = None):
    """The workbook's indexes of a font and an alignment (registered once), to copy to cells."""
    cell = WriteOnlyCell(sheet)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell._style


def _cell(sheet, value, style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell._style = copy(style)
    return cell


DASHBOARD_COLUMNS = [("Số, ký hiệu", 16), ("Ngày ban hành", 12), ("Trích yếu", 50), ("Trạng thái", 16),
                     ("Nơi nhận", 9), ("Đã tiếp nhận", 10), ("Chưa xác nhận", 10), ("Từ chối", 9),
                     ("Tỷ lệ tiếp nhận (%)", 11), ("Báo cáo phải nộp", 10), ("Đã nộp", 9),
                     ("Nộp muộn", 9), ("Quá hạn", 9), ("Tỷ lệ báo cáo (%)", 11), ("Hạn gần nhất", 12)]


def dashboard_xlsx(rows: Iterable[DocumentProgressRow], title: str = "Theo dõi thực hiện văn bản") -> bytes:
    """The dashboard: one line per document with its shares acknowledged and reported."""
    def cells(row: DocumentProgressRow):
        doc, p = row.document, row.progress
        return [doc.number_symbol, _day(doc.issue_date), f"{doc.type_name}: {doc.title}",
                STATE_LABELS.get(doc.state, doc.state), p.recipients, p.acknowledged, p.unacknowledged,
                p.refused, p.acknowledged_percent, p.reports_owed, p.filed, p.late, p.overdue,
                p.reported_percent, _day(p.next_due)]
    return workbook("Theo dõi", title, DASHBOARD_COLUMNS, (cells(r) for r in rows))


DOCUMENT_COLUMNS = [("Đơn vị nhận", 36), ("Mục đích", 9), ("Gửi lúc", 16), ("Gửi bổ sung", 9),
                    ("Tình trạng", 20), ("Người xác nhận", 20), ("Xác nhận lúc", 16), ("Lý do từ chối", 30),
                    ("Kỳ báo cáo", 14), ("Hạn báo cáo", 12), ("Tình trạng báo cáo", 16), ("Nộp lúc", 16),
                    ("Số lần nhắc", 9), ("Số lần đôn đốc", 9)]


def document_xlsx(tracking: DocumentTracking) -> bytes:
    """One document's recipients: a line per report owed (or per recipient owing none)."""
    def lines():
        for row in tracking.rows:
            d = row.distribution
            head = [d.organization.name, d.purpose or "", _moment(d.sent_at), "x" if d.added_after_issue else "",
                    DISTRIBUTION_STATUS.get(d.status, d.status),
                    d.acknowledged_by.full_name if d.acknowledged_by else "", _moment(d.acknowledged_at),
                    d.refused_reason or ""]
            if not row.duties:
                yield head + ["", "", "", "", "", ""]
            for line in row.duties:
                duty = line.duty
                yield head + [line.period, _day(duty.due_date), DUTY_STATUS[line.status],
                              _moment(duty.filed_at), duty.reminder_count, duty.escalation_count]
    doc = tracking.document
    title = f"Theo dõi văn bản {doc.number_symbol}: {doc.title}"[:250]
    return workbook("Nơi nhận", title, DOCUMENT_COLUMNS, lines())


UNIT_COLUMNS = [("Đơn vị", 40), ("Văn bản nhận", 10), ("Chưa xác nhận", 10), ("Từ chối", 9),
                ("Báo cáo còn nợ", 10), ("Quá hạn", 9), ("Hạn gần nhất", 12)]


def units_xlsx(rows: Iterable[UnitRow], title: str = "Theo dõi theo đơn vị nhận") -> bytes:
    """The recipient units: what each has not acknowledged and the reports it owes."""
    return workbook("Đơn vị", title, UNIT_COLUMNS,
                    ([r.organization.name, r.documents, r.unacknowledged, r.refused, r.reports_owed,
                      r.overdue, _day(r.next_due)] for r in rows))


ITEM_COLUMNS = [("Việc", 16), ("Số, ký hiệu", 16), ("Trích yếu", 50), ("Kỳ báo cáo", 14), ("Hạn", 12),
                ("Tình trạng", 12), ("Số ngày", 8), ("Số lần nhắc", 9)]


def unit_items_xlsx(organization_name: str, items: Iterable[UnitItem]) -> bytes:
    """What one unit still owes: documents to acknowledge and reports to file."""
    def cells(item: UnitItem):
        doc = item.document
        status = "Quá hạn" if item.overdue else "Trong hạn"
        return ["Báo cáo" if item.kind == "report" else "Xác nhận đã nhận", doc.number_symbol,
                f"{doc.type_name}: {doc.title}", item.duty.obligation.period if item.duty else "",
                _day(item.due_date), status, item.days, item.duty.reminder_count if item.duty else ""]
    return workbook("Việc còn nợ", f"Việc còn nợ: {organization_name}", ITEM_COLUMNS, (cells(i) for i in items))
