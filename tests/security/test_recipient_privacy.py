"""A recipient sees its own copy and its own reports, not the other recipients' reports:
reports go to the sender, who follows every unit up (ND30: each unit answers the issuer)."""
import pytest
from sqlalchemy import select

from models import Distribution, User, db
from tests.web.conftest import Browser
from workflow import services


@pytest.fixture
def plan(api, demo):
    """A plan of UBND xã Bình Lư issued to three units; MTTQ has filed its report with a file."""
    orgs = demo["organizations"]
    units = [orgs["binhlu_mttq"], orgs["binhlu_dangu"], orgs["laichau_svhttdl"]]
    r = api("chuyenvien").post("/api/v1/documents", json={
        "doc_type": "KH", "title": "Kế hoạch tổng kết năm",
        "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}],
        "recipients": [{"organization_id": o.id, "purpose": "t/h"} for o in units],
        "report_deadlines": [{"period": "năm", "due": "2099-11-25"}]})
    doc_id = r.get_json()["id"]
    for user, trigger in [("chuyenvien", "submit"), ("truongphong", "approve"), ("vanphong", "approve"),
                          ("phochutich", "sign"), ("vanthu", "issue")]:
        assert api(user).post(f"/api/v1/documents/{doc_id}/transitions",
                              json={"trigger": trigger}).status_code == 200
    mttq_copy = db.session.scalar(select(Distribution).where(
        Distribution.document_id == doc_id, Distribution.organization_id == units[0].id))
    mttq_user = db.session.scalar(select(User).where(User.username == "mttq"))
    report = services.file_report(db.session, mttq_copy, mttq_user, "Báo cáo kết quả của MTTQ.",
                                  file_name="bao-cao-mttq.docx", file_data=b"noi dung rieng")
    db.session.commit()
    return {"doc_id": doc_id, "report_id": report.id, "units": units}


@pytest.mark.parametrize("username, sees", [
    ("vanthu", "all"), ("chuyenvien", "all"), ("truongphong", "all"),
    ("mttq", "own"), ("danguy", "own"), ("so_vhttdl", "own"),
])
def test_distribution_list_of_a_recipient_is_its_own_copy(api, demo, plan, username, sees):
    body = api(username).get(f"/api/v1/documents/{plan['doc_id']}/distributions").get_json()
    names = {item["organization"]["name"] for item in body["items"]}
    if sees == "all":
        assert names == {o.name for o in plan["units"]} and body["totals"]["recipients"] == 3
    else:
        user = db.session.scalar(select(User).where(User.username == username))
        assert names == {user.organization.name} and body["totals"]["recipients"] == 1


@pytest.mark.parametrize("username, status", [
    ("mttq", 200),        # the unit that filed it
    ("vanthu", 200),      # the issuing office follows the plan up
    ("chuyenvien", 200),  # its author
    ("danguy", 403),      # another recipient of the same plan
    ("so_vhttdl", 403),   # a recipient in another province
])
def test_report_attachment_for_the_filer_and_the_sender_only(app, demo, plan, username, status):
    browser = Browser(app).login(username)
    response = browser.get(f"/inbox/reports/{plan['report_id']}/attachment")
    assert response.status_code == status, username
    if status == 200:
        assert response.data == b"noi dung rieng"
    else:
        assert "báo cáo" in response.get_data(as_text=True).lower()


def test_document_page_of_a_recipient_shows_its_own_copy_only(app, demo, plan):
    other_units = {o.name for o in plan["units"]} - {"Ủy ban Mặt trận Tổ quốc Việt Nam xã Bình Lư"}
    mttq_page = Browser(app).login("mttq").text(f"/documents/{plan['doc_id']}")
    assert "Bản gửi đơn vị mình và báo cáo" in mttq_page and "bao-cao-mttq.docx" in mttq_page
    assert "Đã xác nhận nhận:" not in mttq_page  # no totals over the other units
    danguy_page = Browser(app).login("danguy").text(f"/documents/{plan['doc_id']}")
    assert "bao-cao-mttq.docx" not in danguy_page and "Bản gửi đơn vị mình" in danguy_page
    sender_page = Browser(app).login("vanthu").text(f"/documents/{plan['doc_id']}")
    assert "Phát hành và báo cáo" in sender_page and "bao-cao-mttq.docx" in sender_page
    assert "Đã xác nhận nhận:" in sender_page
    for name in other_units:  # the sender's table lists every unit (the preview names them too)
        assert sender_page.count(name) >= mttq_page.count(name)
