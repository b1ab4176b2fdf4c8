"""The outgoing register as rows of Phụ lục IV, and as XLSX or CSV files."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from workflow.registers import RegisterRow
from workflow.tracking_export import workbook

from ..formatting import vn_date

COLUMNS = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
           "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
           "Ngày chuyển", "Ký nhận", "Ghi chú"]
WIDTHS = [16, 12, 60, 22, 50, 22, 10, 12, 14, 20]


def register_cells(row: RegisterRow) -> list:
    """The ten columns of Phụ lục IV for one document."""
    doc = row.document
    received = f"{row.acknowledged}/{row.copies - len(doc.archive or [])} đã nhận"
    return [
        doc.number_symbol, vn_date(doc.issue_date), f"{doc.type_name}: {doc.title}",
        doc.signer_name, "; ".join(r.name for r in doc.recipients),
        ", ".join(doc.archive or []) or doc.drafting_unit.short_name, row.copies,
        vn_date(doc.issued_at), received, "",
    ]


def to_csv(rows: Iterable[RegisterRow]) -> Iterator[str]:
    """CSV text (UTF-8 with a BOM so that spreadsheet programs read the diacritics)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(register_cells(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def to_xlsx(rows: Iterable[RegisterRow], title: str) -> bytes:
    """An XLSX workbook with a title line, the column headings and one row per document."""
    return workbook("Sổ văn bản đi", title, list(zip(COLUMNS, WIDTHS)),
                    (register_cells(row) for row in rows))
