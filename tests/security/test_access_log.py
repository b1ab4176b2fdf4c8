"""Opening or downloading a document writes who, what, when and from where (ND30)."""
from datetime import datetime

from sqlalchemy import select

from models import AccessLog, db
from workflow.access_log import accesses_of, record_access

T0 = datetime(2026, 3, 2, 2, 0, 0)


def _draft(api, demo):
    response = api("chuyenvien").post("/api/v1/documents", json={
        "doc_type": "KH", "title": "Kế hoạch kiểm tra nhật ký truy cập",
        "recipients": [{"organization_id": demo["organizations"]["binhlu_mttq"].id, "purpose": "t/h"}]})
    assert response.status_code == 201
    return response.get_json()["id"]


def _rows(doc_id):
    rows = [(r.user.username, r.action, r.at, r.ip) for r in db.session.scalars(
        select(AccessLog).where(AccessLog.document_id == doc_id).order_by(AccessLog.id))]
    db.session.rollback()
    return rows


def test_view_and_download_are_logged(api, demo, frozen_clock):
    doc_id = _draft(api, demo)
    assert _rows(doc_id) == []  # creating is not opening
    frozen_clock(T0)
    assert api("chuyenvien").get(f"/api/v1/documents/{doc_id}").status_code == 200
    response = api("chuyenvien").get(f"/api/v1/documents/{doc_id}/docx",
                                     environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 200
    assert _rows(doc_id) == [("chuyenvien", "view", T0, "127.0.0.1"),
                             ("chuyenvien", "download", T0, "203.0.113.7")]


def test_refused_access_writes_nothing(api, demo):
    doc_id = _draft(api, demo)
    assert api("mttq").get(f"/api/v1/documents/{doc_id}").status_code == 403
    assert api("mttq").get(f"/api/v1/documents/{doc_id}/docx").status_code == 403
    assert api("mttq").get("/api/v1/documents/999999").status_code == 404
    assert _rows(doc_id) == []


def test_accesses_of_lists_newest_first(app, demo, session):
    from workflow import services
    user = demo["users"]["chuyenvien"]
    document = services.create_draft(session, user, services.parse_draft_input(
        {"title": "Kế hoạch", "recipients": []}))
    for moment, action in [(datetime(2026, 1, 1), "view"), (datetime(2026, 1, 2), "download")]:
        record_access(session, user, document, action, "10.1.1.1", now=moment)
    session.flush()
    assert [(a.action, a.user.username) for a in accesses_of(session, document)] == [
        ("download", "chuyenvien"), ("view", "chuyenvien")]
    try:
        record_access(session, user, document, "edit")
    except ValueError as exc:
        assert "edit" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("unknown actions are refused")
