"""Every corpus document, as .docx and as published text, reads as its expected.json."""

import pytest

from workflow.docio import read_document, read_docx

from .builders import CORPUS_DIR, comparable, corpus_names, load_expected

NAMES = corpus_names()


@pytest.mark.parametrize("name", NAMES)
def test_docx_matches_expected(corpus_dir, name):
    data = (corpus_dir / f"{name}.docx").read_bytes()
    assert comparable(read_document(data, f"{name}.docx")) == load_expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_text_matches_expected(corpus_dir, name):
    """The published text drops the header cells' first lines in some files; when
    the issuer's lines are not in the text the issuer must come back None, every
    other required key must equal the expected value."""
    text = (corpus_dir / f"{name}.txt").read_bytes()
    result = comparable(read_document(text, f"{name}.txt"))
    expected = load_expected(name)
    issuer_lines = read_docx((corpus_dir / f"{name}.docx").read_bytes())["issuer_lines"]
    decoded = text.decode("utf-8-sig")
    if expected["issuer"] and not all(line in decoded for line in issuer_lines):
        expected["issuer"] = None
    assert result == expected


@pytest.mark.parametrize("name", NAMES)
def test_docx_and_text_give_the_same_body(corpus_dir, name):
    from_docx = read_document((corpus_dir / f"{name}.docx").read_bytes(), "a.docx")
    from_text = read_document((corpus_dir / f"{name}.txt").read_bytes(), "a.txt")
    assert from_docx["sections"] == from_text["sections"]
    assert from_docx["sections"], "body must not be empty"


@pytest.mark.parametrize("name", NAMES)
def test_result_has_every_required_key(corpus_dir, name):
    result = read_document((corpus_dir / f"{name}.docx").read_bytes(), "a.docx")
    expected = load_expected(name)
    assert set(expected) <= set(result)
    assert {"sections", "issuer_lines"} <= set(result)
    assert len(result["report_deadline_units"]) == len(result["report_deadlines"])
    for deadline, units in zip(result["report_deadlines"], result["report_deadline_units"]):
        assert set(deadline) == {"period", "due"} and isinstance(units, list)


def test_corpus_is_present():
    assert CORPUS_DIR.is_dir() and NAMES, f"no corpus in {CORPUS_DIR}"


def test_page_break_split_paragraphs_are_rejoined(corpus_dir):
    if not (corpus_dir / "000.docx").exists():
        pytest.skip("corpus 000 not present")
    result = read_document((corpus_dir / "000.docx").read_bytes(), "000.docx")
    paragraphs = [p for s in result["sections"] for p in s["paragraphs"]]
    assert any("Kết luận số 84-KL/TW, ngày 21/6/2024" in p for p in paragraphs)
    assert any("trong đội ngũ cán bộ làm công tác quản lý nhà nước về văn học, nghệ thuật và "
               "đội ngũ văn nghệ sĩ." in p for p in paragraphs)
    assert not any(p.startswith(("KL/TW", "đội ngũ văn nghệ sĩ")) for p in paragraphs)
