"""Builders of synthetic documents and access to the corpus, shared by the docio tests."""

import io
import json
import os
import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = Path(os.environ.get("CORPUS_DIR", REPO.parent / "shared" / "corpus"))
REQUIRED_KEYS = ["doc_type", "doc_type_name", "issuer", "number", "symbol", "place", "date",
                 "title", "recipients", "archive", "signer", "report_deadlines"]


def corpus_names() -> list[str]:
    """Stems of the corpus documents that have an expected.json."""
    if not CORPUS_DIR.is_dir():
        return []
    return sorted(p.name[: -len(".expected.json")] for p in CORPUS_DIR.glob("*.expected.json"))


def load_expected(name: str) -> dict:
    return json.loads((CORPUS_DIR / f"{name}.expected.json").read_text(encoding="utf-8"))


def comparable(result: dict) -> dict:
    """The required keys of an import result, deadlines reduced to period and due."""
    out = {k: result[k] for k in REQUIRED_KEYS}
    out["report_deadlines"] = [{"period": d["period"], "due": d["due"]}
                               for d in result["report_deadlines"]]
    return out


def build_docx(blocks: list) -> bytes:
    """A .docx from blocks: a str (plain paragraph), ("p", text, {"bold", "align"})
    or ("table", [[cell lines, ...], ...]) with one list of lines per cell."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        elif block[0] == "p":
            options = block[2] if len(block) > 2 else {}
            paragraph = document.add_paragraph()
            paragraph.add_run(block[1]).bold = options.get("bold")
            if options.get("align") == "center":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block[0] == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, lines in enumerate(row):
                    cell = table.cell(r, c)
                    cell.paragraphs[0].text = lines[0] if lines else ""
                    for line in lines[1:]:
                        cell.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


BODY = [
    "Thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2025 của UBND huyện, UBND xã xây dựng "
    "Kế hoạch như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "- Nâng cao nhận thức của cán bộ, công chức.",
    "II. TỔ CHỨC THỰC HIỆN",
    "Các cơ quan, đơn vị triển khai thực hiện./.",
]


def text_document(*, header=None, type_line="KẾ HOẠCH", title="Tổ chức Ngày hội văn hóa năm 2025",
                  body=None, closing=None) -> str:
    """A published-text document with replaceable parts (lists of lines)."""
    if header is None:
        header = ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ", "Số: 05/KH-UBND",
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "Bình Lư, ngày 05 tháng 01 năm 2025"]
    if closing is None:
        closing = ["Nơi nhận:", "- UBND huyện (b/c);", "- Các thôn, bản;", "- Lưu: VT, VHXH.",
                   "", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "Lò Văn Minh"]
    parts = header + [""] + ([type_line] if type_line else []) + [title, ""]
    return "\n".join(parts + (body if body is not None else BODY) + [""] + closing) + "\n"


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive of `members` (name → bytes), for files that only look like .docx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
