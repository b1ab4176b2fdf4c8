"""Bad input is rejected with ImportRejected(code, Vietnamese message)."""

import zipfile

import pytest

from workflow.docio import ImportRejected, read_document, read_docx
from workflow.docio import container

from .builders import build_docx, text_document, zip_of


def _rejected(data: bytes, filename: str = "file.docx", **kwargs) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        read_document(data, filename, **kwargs)
    error = info.value
    assert error.message and error.message == str(error)
    assert any(ch in error.message for ch in "ăâđêôơưàáạảãệếểễ"), "message must be Vietnamese"
    return error


@pytest.mark.parametrize("data, filename", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj", "a.pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "a.doc"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a.png"),
    (bytes(range(256)) * 4, "a.bin"),
])
def test_unsupported_format(data, filename):
    assert _rejected(data, filename).code == "unsupported_format"


def test_zip_that_is_not_a_docx_is_unsupported():
    assert _rejected(zip_of({"hello.txt": b"xin chao"})).code == "unsupported_format"


@pytest.mark.parametrize("data", [
    b"PK\x03\x04" + b"\x00" * 100,
    b"PK\x03\x04garbage that is not a zip at all",
])
def test_corruptzip_of(data):
    assert _rejected(data).code == "corrupt_file"


def test_truncated_docx_is_corrupt():
    data = build_docx(["KẾ HOẠCH", "Nơi nhận:", "- Lưu: VT."])
    assert _rejected(data[: len(data) // 2]).code == "corrupt_file"


def test_binary_named_docx_is_corrupt():
    assert _rejected(bytes(range(256)) * 4, "ke-hoach.docx").code == "corrupt_file"


def test_broken_document_xml_is_corrupt():
    data = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><w:body"})
    assert _rejected(data).code == "corrupt_file"


def test_zip_bomb_by_ratio_is_refused_before_decompressing(monkeypatch):
    data = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (8 << 20)})
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    assert _rejected(data).code == "zip_bomb"
    assert opened == []


def test_zip_bomb_by_total_size(monkeypatch):
    monkeypatch.setattr(container, "MAX_UNCOMPRESSED_TOTAL", 10_000)
    data = build_docx(["KẾ HOẠCH", "Nơi nhận:", "- Lưu: VT."])
    assert _rejected(data).code == "zip_bomb"


def test_zip_bomb_by_member_count():
    members = {f"m{i}.xml": b"" for i in range(container.MAX_MEMBERS + 1)}
    assert _rejected(zip_of(members)).code == "zip_bomb"


def test_too_large():
    data = text_document().encode()
    error = _rejected(data, "a.txt", max_bytes=len(data) - 1)
    assert error.code == "too_large"


def test_default_size_limit_is_ten_megabytes():
    assert _rejected(b"a" * (10 * 1024 * 1024 + 1), "a.txt").code == "too_large"


@pytest.mark.parametrize("data, filename", [
    (b"", "a.txt"), (b"   \n\n\t  ", "a.txt"), (b"\xef\xbb\xbf\n", "a.txt"),
])
def test_empty_text(data, filename):
    assert _rejected(data, filename).code == "empty"


def test_empty_docx():
    assert _rejected(build_docx([])).code == "empty"


def test_no_recipients_in_text():
    text = text_document(closing=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lò Văn Minh"])
    assert _rejected(text.encode(), "a.txt").code == "no_recipients"


def test_no_recipients_in_docx():
    data = build_docx(["KẾ HOẠCH", "Tổ chức Ngày hội", "Nội dung.", "CHỦ TỊCH"])
    assert _rejected(data).code == "no_recipients"


def test_read_docx_rejects_nonzip_of():
    with pytest.raises(ImportRejected) as info:
        read_docx(b"not a zip")
    assert info.value.code == "corrupt_file"


def test_error_repr_names_the_code():
    assert "zip_bomb" in repr(ImportRejected("zip_bomb"))
