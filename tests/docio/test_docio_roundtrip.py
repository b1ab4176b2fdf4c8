"""Import every corpus document, render it, and find the same texts in the result."""

import io

import docx
import pytest

from workflow.docio import read_document, read_docx, render_docx, spec_from_import

from .builders import corpus_names

NAMES = corpus_names()


@pytest.fixture(params=NAMES)
def imported(request, corpus_dir) -> dict:
    return read_document((corpus_dir / f"{request.param}.docx").read_bytes(), "a.docx")


def test_reimport_gives_the_same_texts(imported):
    again = read_docx(render_docx(spec_from_import(imported)))
    for key in ("title", "recipients", "archive", "signer", "sections", "issuer", "issuer_lines",
                "number", "symbol", "place", "date", "doc_type", "doc_type_name",
                "report_deadlines"):
        assert again[key] == imported[key], key


def test_every_body_paragraph_is_rendered_in_order(imported):
    document = docx.Document(io.BytesIO(render_docx(spec_from_import(imported))))
    texts = [p.text for p in document.paragraphs if p.text]
    expected = [imported["doc_type_name"], imported["title"]]
    for section in imported["sections"]:
        expected += ([section["heading"]] if section["heading"] else []) + section["paragraphs"]
    assert texts == expected
    closing = document.tables[-1]
    left = [p.text for p in closing.cell(0, 0).paragraphs if p.text]
    for recipient, line in zip(imported["recipients"], left[1:]):
        assert line.startswith(f"- {recipient['name']}")
    right = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    signer = imported["signer"]
    assert right == signer["authority"] + [signer["position"], signer["name"]]


def test_spec_from_import_keeps_draft_dates(imported):
    spec = spec_from_import(imported)
    date = imported["date"]
    if date and date["day"] is None:
        assert spec.issue_date is None and spec.draft_month == date["month"]
        assert spec.number_line().startswith("Số:      /")
