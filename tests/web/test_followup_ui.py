"""Follow-through in the browser: the tracking dashboard and its XLSX exports, sending again,
refusals seen by the sender, the bell, and delegations (ủy quyền)."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from models import Delegation, Distribution, Notification, User, db
from tests.factories import make_draft, run_chain
from workflow import clock

ISSUED = "Triển khai thực hiện Kế hoạch 256/KH-UBND"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSRF_MESSAGE = "thiếu mã bảo vệ (CSRF)"


def dist_of(doc, org) -> Distribution:
    return db.session.scalar(select(Distribution).where(
        Distribution.document_id == doc.id, Distribution.organization_id == org.id))


def workbook_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    sheet = load_workbook(io.BytesIO(response.data)).active
    return "\n".join(" | ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))


def unread(username: str) -> int:
    user = db.session.scalar(select(User).where(User.username == username))
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


# --- the tracking dashboard ------------------------------------------------------------

def test_dashboard_shows_the_shares_overdue_first(browser, plans, demo):
    b = browser("chuyenvien")
    b.get("/inbox")
    mttq = browser("mttq")
    mttq.get("/inbox")
    mttq.post(f"/inbox/{dist_of(plans['issued'], demo['organizations']['binhlu_mttq']).id}/acknowledge")
    html = b.text("/tracking")
    assert "Theo dõi thực hiện văn bản" in html and ISSUED in html and "01/KH-UBND" in html
    assert "1/7" in html and "(14%)" in html            # acknowledged among the recipients
    assert "0/10" in html and "quá hạn" in html          # reports filed, some overdue
    assert 'class="row-overdue"' in html and 'class="bar"' in html
    assert plans["in_review"].title not in html        # only issued documents
    assert 'href="/tracking"' in html and "Theo dõi" in html  # the navigation link


def test_dashboard_search_overdue_filter_and_pages(browser, plans, demo, monkeypatch):
    orgs = demo["organizations"]
    doc = make_draft(db.session, demo["users"]["chuyenvien"], [orgs["binhlu_mttq"]], title="Kế hoạch phụ",
                     deadlines=[("năm", (clock.local_date() + timedelta(days=40)).isoformat())])
    run_chain(db.session, doc)
    db.session.commit()
    b = browser("chuyenvien")
    html = b.text("/tracking?q=ke+hoach+256")
    assert ISSUED in html and "Kế hoạch phụ" not in html and "Có 1 văn bản." in html
    html = b.text("/tracking?overdue=1")
    assert ISSUED in html and "Kế hoạch phụ" not in html
    assert "Không có văn bản nào." in b.text("/tracking?q=khong+co+van+ban+nay")
    monkeypatch.setattr("web.ui.tracking.routes.PER_PAGE", 1)
    first, second = b.text("/tracking"), b.text("/tracking?page=2")
    assert ISSUED in first and "Kế hoạch phụ" not in first and "Trang 1/2" in first  # overdue first
    assert "Kế hoạch phụ" in second and ISSUED not in second


def test_dashboard_is_scoped_to_what_the_user_follows(browser, plans):
    html = browser("mttq").text("/tracking")
    assert ISSUED not in html and "Anh/chị chưa theo dõi văn bản đã phát hành nào." in html
    assert 'href="/tracking"' not in browser("mttq").text("/")  # no link for a recipient unit
    assert ISSUED in browser("vanthu").text("/tracking")  # the issuing body's clerk


def test_dashboard_export_keeps_the_filters(browser, plans, demo):
    orgs = demo["organizations"]
    doc = make_draft(db.session, demo["users"]["chuyenvien"], [orgs["binhlu_mttq"]], title="Kế hoạch phụ")
    run_chain(db.session, doc)
    db.session.commit()
    b = browser("chuyenvien")
    assert 'href="/tracking.xlsx?q=256&amp;overdue=1"' in b.text("/tracking?q=256&overdue=1")
    text = workbook_text(b.get("/tracking.xlsx"))
    assert "Theo dõi thực hiện văn bản" in text and ISSUED in text and "Kế hoạch phụ" in text
    text = workbook_text(b.get("/tracking.xlsx?overdue=1"))
    assert ISSUED in text and "Kế hoạch phụ" not in text


def test_units_and_one_unit_sorted_overdue_first(browser, plans, demo):
    orgs = demo["organizations"]
    b = browser("chuyenvien")
    html = b.text("/tracking/units")
    assert "Theo dõi theo đơn vị nhận" in html and orgs["binhlu_ttdv"].name in html
    assert f'/tracking/units/{orgs["binhlu_ttdv"].id}"' in html and 'class="row-overdue"' in html
    html = b.text(f"/tracking/units/{orgs['binhlu_ttdv'].id}")
    assert "Xác nhận đã nhận" in html and "Báo cáo 6 tháng" in html and "Báo cáo năm" in html
    assert html.index("Báo cáo 6 tháng") < html.index("Báo cáo năm")  # overdue first
    assert "trễ 5 ngày" in html  # the 6-month report was due 5 days ago
    text = workbook_text(b.get(f"/tracking/units/{orgs['binhlu_ttdv'].id}.xlsx"))
    assert "Việc còn nợ: " + orgs["binhlu_ttdv"].name in text and "6 tháng" in text
    text = workbook_text(b.get("/tracking/units.xlsx?outstanding=1"))
    assert orgs["binhlu_ttdv"].name in text
    assert b.get("/tracking/units/999999").status_code == 404


def test_document_page_export_link_and_file(browser, plans, demo):
    doc = plans["issued"]
    html = browser("chuyenvien").text(f"/documents/{doc.id}")
    assert f'href="/documents/{doc.id}/tracking.xlsx"' in html
    text = workbook_text(browser("chuyenvien").get(f"/documents/{doc.id}/tracking.xlsx"))
    assert "Theo dõi văn bản 01/KH-UBND" in text and demo["organizations"]["binhlu_mttq"].name in text
    mttq = browser("mttq")
    assert mttq.get(f"/documents/{doc.id}/tracking.xlsx").status_code == 403  # a recipient
    assert f"/documents/{doc.id}/tracking.xlsx" not in mttq.text(f"/documents/{doc.id}")
    assert mttq.get("/documents/999999/tracking.xlsx").status_code == 404


# --- refusals and sending again -----------------------------------------------------------

def test_the_sender_sees_a_refusal_and_its_reason(browser, plans, demo):
    doc = plans["issued"]
    dist = dist_of(doc, demo["organizations"]["binhlu_mttq"])
    mttq = browser("mttq")
    mttq.get(f"/inbox/{dist.id}")
    mttq.post(f"/inbox/{dist.id}/refuse", {"reason": "Văn bản không thuộc lĩnh vực của Mặt trận."})
    assert dist.status == "refused"
    html = browser("chuyenvien").text(f"/documents/{doc.id}#distribution")
    assert 'class="refusal"' in html and "Lý do:" in html
    assert "Văn bản không thuộc lĩnh vực của Mặt trận." in html
    assert "từ chối tiếp nhận" in browser("chuyenvien").text("/notifications")


def test_author_sends_again_and_the_new_copy_is_tracked_from_its_send_time(browser, plans, demo):
    doc, orgs, groups = plans["issued"], demo["organizations"], demo["groups"]
    b = browser("chuyenvien")
    html = b.text(f"/documents/{doc.id}")
    assert 'href="/documents/%d/send-again"' % doc.id in html and "Gửi bổ sung nơi nhận" in html
    assert "<option" not in html.split('id="distribution"')[1]  # the choices are a page of their own
    html = b.text(f"/documents/{doc.id}/send-again")
    assert 'action="/documents/%d/send-again"' % doc.id in html and f'value="o:{orgs["kp_mttq"].id}"' in html
    assert f'value="o:{orgs["binhlu_mttq"].id}"' not in html  # already has a copy
    response = b.post(f"/documents/{doc.id}/send-again", {"target": f"o:{orgs['kp_mttq'].id}", "purpose": "t/h"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#distribution")
    added = dist_of(doc, orgs["kp_mttq"])
    assert added.added_after_issue and added.sent_by.username == "chuyenvien"
    assert [d.obligation.period for d in added.duties] == ["năm"]  # 6 tháng was due before it was sent
    html = b.text(f"/documents/{doc.id}")
    assert "Đã gửi bổ sung cho: " + orgs["kp_mttq"].name in html and "gửi bổ sung" in html
    b.post(f"/documents/{doc.id}/send-again", {"target": f"g:{groups['kp_thanhvien'].id}", "purpose": ""})
    assert dist_of(doc, orgs["kp_hlhpn"]) is not None and dist_of(doc, orgs["kp_truong"]) is not None
    b.post(f"/documents/{doc.id}/send-again", {"target": f"o:{orgs['kp_mttq'].id}"})
    assert "Các đơn vị này đã nhận văn bản." in b.text(f"/documents/{doc.id}")


def test_the_clerk_may_send_again(browser, plans, demo):
    doc = plans["issued"]
    b = browser("vanthu")
    assert "Gửi bổ sung nơi nhận" in b.text(f"/documents/{doc.id}")
    b.post(f"/documents/{doc.id}/send-again", {"target": f"o:{demo['organizations']['kp_mttq'].id}"})
    assert dist_of(doc, demo["organizations"]["kp_mttq"]) is not None


@pytest.mark.parametrize("username, message", [
    ("truongphong", "Chỉ người soạn thảo hoặc văn thư của cơ quan ban hành mới được gửi bổ sung."),
    ("mttq", "Bạn không theo dõi văn bản này."),   # a recipient
])
def test_others_may_not_send_again(browser, plans, demo, username, message):
    doc, target = plans["issued"], demo["organizations"]["kp_mttq"]
    b = browser(username)
    assert "Gửi bổ sung nơi nhận" not in b.text(f"/documents/{doc.id}")
    response = b.get(f"/documents/{doc.id}/send-again")
    assert response.status_code == 403 and message in response.get_data(as_text=True)
    response = b.post(f"/documents/{doc.id}/send-again", {"target": f"o:{target.id}"},
                      headers={"Referer": f"/documents/{doc.id}"})
    assert response.status_code == 303 and dist_of(doc, target) is None
    assert message in b.text(f"/documents/{doc.id}")


def test_send_again_refuses_missing_csrf_a_bad_choice_and_an_unissued_document(browser, plans, demo):
    target = demo["organizations"]["kp_mttq"]
    b = browser("chuyenvien")
    b.get(f"/documents/{plans['issued'].id}")
    b.post(f"/documents/{plans['issued'].id}/send-again", {"target": f"o:{target.id}"}, csrf=False)
    assert dist_of(plans["issued"], target) is None
    assert CSRF_MESSAGE in b.text("/")
    b.post(f"/documents/{plans['issued'].id}/send-again", {"target": "o:999999"})
    assert "Lựa chọn không hợp lệ." in b.text(f"/documents/{plans['issued'].id}")
    b.post(f"/documents/{plans['in_review'].id}/send-again", {"target": f"o:{target.id}"},
           headers={"Referer": "/"})
    assert dist_of(plans["in_review"], target) is None
    assert "Văn bản chưa được phát hành." in b.text("/")


# --- the bell ---------------------------------------------------------------------------------

def test_bell_count_list_and_open(browser, plans):
    b = browser("truongphong")
    count = unread("truongphong")
    assert count >= 1
    html = b.text("/")
    assert 'class="bell has-unread"' in html and f'<span class="count" aria-hidden="true">{count}</span>' in html
    html = b.text("/notifications")
    assert "Thông báo" in html and plans["in_review"].title in html and "note-unread" in html
    note = db.session.scalar(select(Notification).where(Notification.user.has(username="truongphong"))
                             .order_by(Notification.id.desc()))
    response = b.get(f"/notifications/{note.id}")
    assert response.status_code == 303 and response.headers["Location"] == note.url
    assert note.read_at is not None and unread("truongphong") == count - 1


def test_notifications_newest_first(browser, plans, demo):
    b = browser("chuyenvien")
    ttdv = browser("ttdv")
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_ttdv"])
    ttdv.get(f"/inbox/{dist.id}")
    ttdv.post(f"/inbox/{dist.id}/refuse", {"reason": "Không đúng đơn vị."})
    html = b.text("/notifications")
    assert html.index("từ chối tiếp nhận") < html.index("đã được phát hành")


def test_mark_one_and_all_read(browser, plans, demo):
    dist = dist_of(plans["issued"], demo["organizations"]["binhlu_ttdv"])
    ttdv = browser("ttdv")
    ttdv.get(f"/inbox/{dist.id}")
    ttdv.post(f"/inbox/{dist.id}/refuse", {"reason": "Không đúng đơn vị."})
    b = browser("chuyenvien")
    notes = list(db.session.scalars(select(Notification).where(Notification.user.has(username="chuyenvien"))))
    assert len(notes) >= 2 and all(n.read_at is None for n in notes)
    b.get("/notifications")
    response = b.post(f"/notifications/{notes[0].id}/read", {"next": "/notifications?unread=1"})
    assert response.status_code == 303 and response.headers["Location"] == "/notifications?unread=1"
    assert notes[0].read_at is not None and notes[1].read_at is None
    b.post("/notifications/read-all")
    assert unread("chuyenvien") == 0
    html = b.text("/notifications?unread=1")
    assert "Không có thông báo chưa đọc." in html and "has-unread" not in html


def test_the_bell_refuses_other_people_and_missing_csrf(browser, plans):
    note = db.session.scalar(select(Notification).where(Notification.user.has(username="truongphong")))
    other = browser("chuyenvien")
    other.get("/notifications")
    assert other.get(f"/notifications/{note.id}").status_code == 404
    other.post(f"/notifications/{note.id}/read")
    assert note.read_at is None
    owner = browser("truongphong")
    owner.get("/notifications")
    owner.post(f"/notifications/{note.id}/read", csrf=False)
    owner.post("/notifications/read-all", csrf=False)
    assert note.read_at is None and unread("truongphong") >= 1
    assert browser().get("/notifications").status_code in (302, 401)


def test_the_count_is_one_statement_per_page(browser, plans):
    b = browser("chuyenvien")
    url = f"/documents/{plans['issued'].id}"
    b.get(url)
    seen = []

    def listener(conn, cursor, statement, *args):
        if re.search(r"\bFROM notification\b", statement):
            seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert b.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(seen) == 1


# --- delegations ------------------------------------------------------------------------------

def _delegate(b, colleague: User, days: int = 7, start_offset: int = 0):
    today = clock.local_date()
    return b.post("/delegations", {"delegate_id": colleague.id,
                                   "starts_on": (today + timedelta(days=start_offset)).isoformat(),
                                   "ends_on": (today + timedelta(days=days)).isoformat(),
                                   "reason": "Đi công tác tỉnh"})


def test_delegation_page_form_limited_to_the_issuing_body(browser, demo):
    users = demo["users"]
    b = browser("phochutich")
    html = b.text("/delegations")
    assert "Ủy quyền xử lý thay" in html and 'href="/delegations"' in html
    options = re.findall(r'<option value="(\d+)"', html)
    assert str(users["chutich"].id) in options and str(users["truongphong"].id) in options
    assert str(users["phochutich"].id) not in options and str(users["sl_chuyenvien"].id) not in options
    assert str(users["mttq"].id) not in options


def test_give_list_and_revoke_a_delegation(browser, demo):
    users = demo["users"]
    b = browser("phochutich")
    b.get("/delegations")
    response = _delegate(b, users["chutich"])
    assert response.status_code == 303
    item = db.session.scalar(select(Delegation))
    assert item.delegator.username == "phochutich" and item.delegate.username == "chutich"
    html = b.text("/delegations")
    assert "Đã ủy quyền cho Lò Văn Thắng xử lý thay" in html and "Đi công tác tỉnh" in html
    assert "delegation-badge-active" in html and f"/delegations/{item.id}/revoke" in html
    received = browser("chutich").text("/delegations")
    assert "Nguyễn Thị Nhàn" in received and f"/delegations/{item.id}/revoke" not in received
    assert unread("chutich") >= 1  # the colleague is told
    b.post(f"/delegations/{item.id}/revoke")
    assert item.revoked_at is not None
    html = b.text("/delegations")
    assert "Đã thu hồi ủy quyền cho Lò Văn Thắng." in html and "delegation-badge-revoked" in html


def test_a_scheduled_delegation_is_not_active_yet(browser, demo):
    b = browser("phochutich")
    b.get("/delegations")
    _delegate(b, demo["users"]["chutich"], days=9, start_offset=3)
    assert "delegation-badge-scheduled" in b.text("/delegations")


def test_delegation_refusals(browser, demo):
    users = demo["users"]
    b = browser("phochutich")
    b.get("/delegations")
    today = clock.local_date()
    response = b.post("/delegations", {"delegate_id": users["chutich"].id, "starts_on": today.isoformat(),
                                       "ends_on": (today - timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.get_data(as_text=True)
    response = _delegate(b, users["sl_chuyenvien"])  # not in the select: another issuing body
    assert response.status_code == 422
    b.post("/delegations", {"delegate_id": users["chutich"].id, "starts_on": today.isoformat(),
                            "ends_on": today.isoformat()}, csrf=False)
    assert db.session.scalar(select(func.count(Delegation.id))) == 0
    drafter = browser("chuyenvien")
    html = drafter.text("/delegations")
    assert "Ủy quyền xử lý thay" not in html and 'href="/delegations"' not in drafter.text("/")
    _delegate(drafter, users["truongphong"])
    assert db.session.scalar(select(func.count(Delegation.id))) == 0
    assert "Chỉ người thẩm định hoặc người ký mới được ủy quyền" in drafter.text("/delegations")


def test_only_the_delegator_revokes(browser, demo):
    users = demo["users"]
    b = browser("phochutich")
    b.get("/delegations")
    _delegate(b, users["chutich"])
    item = db.session.scalar(select(Delegation))
    for username in ("chutich", "truongphong"):
        other = browser(username)
        other.get("/delegations")
        other.post(f"/delegations/{item.id}/revoke")
        assert item.revoked_at is None
    b.post(f"/delegations/{item.id}/revoke", csrf=False)
    assert item.revoked_at is None


def test_the_colleague_acts_and_the_history_and_signature_say_so(browser, plans, demo):
    users = demo["users"]
    doc = plans["in_review"]
    head = browser("truongphong")
    head.get("/delegations")
    _delegate(head, users["vanphong"])
    office = browser("vanphong")
    assert doc.title in office.text("/")  # the delegator's step is in the colleague's worklist
    office.get(f"/documents/{doc.id}")
    office.post(f"/documents/{doc.id}/transition", {"trigger": "approve", "version": doc.version})
    html = office.text(f"/documents/{doc.id}")
    assert "thay Hoàng Thị Lan" in html and "do Đèo Văn Hùng thực hiện thay" in html



def _reviewed_plan(demo, title="Kế hoạch ký thay"):
    doc = make_draft(db.session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]], title=title)
    run_chain(db.session, doc, until="reviewed")
    db.session.commit()
    return doc


def test_signing_under_a_delegation_shows_and_prints_tuq(browser, plans, demo):
    doc = _reviewed_plan(demo)
    vice = browser("phochutich")
    vice.get("/delegations")
    _delegate(vice, demo["users"]["vanphong"])  # a member of the chain, who may open the plan
    office = browser("vanphong")
    html = office.text(f"/documents/{doc.id}")
    assert "TUQ. PHÓ CHỦ TỊCH" in html and "CHÁNH VĂN PHÒNG" in html  # the block before signing
    office.post(f"/documents/{doc.id}/transition", {"trigger": "sign", "version": doc.version})
    assert doc.state == "signed" and doc.signer_authority == ["TUQ. PHÓ CHỦ TỊCH"]
    assert "thay Nguyễn Thị Nhàn" in office.text(f"/documents/{doc.id}")


def test_a_delegate_outside_the_chain_can_open_the_document(browser, plans, demo):
    doc = _reviewed_plan(demo)
    vice = browser("phochutich")
    vice.get("/delegations")
    _delegate(vice, demo["users"]["chutich"])
    chairman = browser("chutich")
    assert doc.title in chairman.text("/")
    assert "TUQ. PHÓ CHỦ TỊCH" in chairman.text(f"/documents/{doc.id}")
