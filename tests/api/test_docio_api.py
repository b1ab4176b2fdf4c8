"""Documents in and out through the API and the command line."""
import hashlib
import io
import json
import zipfile

import pytest
from docx import Document as DocxDocument

from tests.conftest import CORPUS_DIR
from tests.factories import run_chain


def _upload(client, path_or_bytes, name, **form):
    data = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    return client.post("/api/v1/imports" if not form.get("_draft") else "/api/v1/imports/drafts",
                       data={"file": (io.BytesIO(data), name),
                             **{k: v for k, v in form.items() if k != "_draft"}},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("number", ["000", "002", "004"])
def test_cli_import_docx_prints_expected_json(runner, number):
    result = runner.invoke(args=["import-docx", str(CORPUS_DIR / f"{number}.docx"), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    expected = json.loads((CORPUS_DIR / f"{number}.expected.json").read_text(encoding="utf-8"))
    for key, value in expected.items():
        assert got[key] == value, key


def test_cli_rejects_bad_file_with_json_error(runner, tmp_path):
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(args=["import-docx", str(bad), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"] in ("corrupt_file", "unsupported_format")


def test_import_matches_recipients_to_directory(api):
    response = _upload(api("chuyenvien"), CORPUS_DIR / "000.docx", "000.docx")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"].startswith("Triển khai thực hiện Kế hoạch 256")
    matched = {r["name"]: r["match"] for r in body["recipients"]}
    assert matched["Sở VH TT & DL"]["name"].startswith("Sở Văn hóa, Thể thao và Du lịch")
    assert matched["Phòng ban chuyên môn xã"]["kind"] == "group"
    assert body["unmatched"] == []


def test_import_creates_draft_and_unmatched_names_are_never_dropped(api, demo):
    client = api("sl_chuyenvien")
    text = (CORPUS_DIR / "004.txt").read_text(encoding="utf-8").replace("Trung tâm Thông tin", "Đài Phát thanh XYZ")
    refused = _upload(client, text.encode(), "004.txt", _draft=True)
    assert refused.status_code == 422
    assert refused.get_json()["details"]["unmatched"] == ["Đài Phát thanh XYZ"]
    index = 3
    mapping = json.dumps({index: {"organization_id": demo["organizations"]["sonla_ttth"].id}})
    created = _upload(client, text.encode(), "004.txt", _draft=True, mapping=mapping)
    assert created.status_code == 201, created.get_json()
    doc = created.get_json()
    assert doc["state"] == "draft" and doc["workflow"] == "ke_hoach_van_phong"
    assert len(doc["recipients"]) == 4
    assert doc["recipients"][0]["name"] == "Sở Văn hóa, Thể thao và Du lịch tỉnh Sơn La"
    assert doc["report_deadlines"][0]["due"] == "2022-12-05"


@pytest.mark.parametrize("payload, name, code, status", [
    (b"hello", "a.pdf", None, 422),
    (b"PK\x03\x04garbage", "a.docx", None, 422),
    (b"", "a.docx", None, 422),
])
def test_bad_files_get_clear_json_and_store_nothing(api, payload, name, code, status):
    client = api("chuyenvien")
    before = client.get("/api/v1/documents").get_json()["total"]
    response = _upload(client, payload, name, _draft=True)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] and body["message"]
    assert client.get("/api/v1/documents").get_json()["total"] == before


def test_zip_bomb_and_oversize_are_refused(api, app):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b"a" * (300 * 1024 * 1024) + b"/>")
    response = _upload(api("chuyenvien"), bomb.getvalue(), "bomb.docx")
    assert response.status_code == 422 and response.get_json()["error"] == "zip_bomb"
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = _upload(api("chuyenvien"), b"x" * 4096, "big.txt")
    assert response.status_code == 413 and response.get_json()["message"]


def test_issued_file_is_frozen_and_hash_is_shown(api, session, demo):
    from models import Document
    users, orgs = demo["users"], demo["organizations"]
    from tests.factories import make_draft
    doc = run_chain(session, make_draft(session, users["chuyenvien"], [orgs["binhlu_mttq"]]))
    session.commit()
    client = api("mttq")
    first = client.get(f"/api/v1/documents/{doc.id}/docx")
    assert first.status_code == 200
    digest = hashlib.sha256(first.data).hexdigest()
    assert first.headers["X-Content-SHA256"] == digest
    assert client.get(f"/api/v1/documents/{doc.id}").get_json()["file_sha256"] == digest
    second = client.get(f"/api/v1/documents/{doc.id}/docx")
    assert second.data == first.data
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(first.data)).paragraphs)
    assert "01/KH-UBND" in "\n".join(
        c.text for t in DocxDocument(io.BytesIO(first.data)).tables for r in t.rows for c in r.cells) + text
    assert session.get(Document, doc.id).file_sha256 == digest


def test_draft_renders_with_blank_number(api, session, demo):
    from tests.factories import make_draft
    doc = make_draft(session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]])
    session.commit()
    response = api("chuyenvien").get(f"/api/v1/documents/{doc.id}/docx")
    assert response.status_code == 200 and "X-Content-SHA256" not in response.headers
    cells = [c.text for t in DocxDocument(io.BytesIO(response.data)).tables for r in t.rows for c in r.cells]
    assert any("Số:" in c and "/KH-UBND" in c and "01/" not in c for c in cells)
