"""The home page: my worklist (not my role's), counts, near-due and overdue widgets, search."""
from __future__ import annotations

from models import db
from tests.factories import make_draft, make_user
from workflow import clock
from workflow.services.delegation import delegate

WAITING = "Tổ chức các hoạt động văn hóa, thể thao mừng Đảng, mừng Xuân năm 2027"
ISSUED = "Triển khai thực hiện Kế hoạch 256/KH-UBND ngày 13/01/2026 của Ủy ban nhân dân tỉnh"
SONLA = "Triển khai thực hiện Phong trào"
KIMPHUONG = "xã Kim Phượng năm 2027"


def test_worklist_shows_what_waits_for_this_user(browser, plans):
    html = browser("truongphong").text("/")
    assert "Việc cần xử lý" in html and WAITING in html
    assert "Cần thẩm định" in html
    assert SONLA not in html and KIMPHUONG not in html


def test_worklist_is_per_person_not_per_role(browser, plans, demo):
    orgs = demo["organizations"]
    make_user(db.session, orgs["binhlu_kt"], username="tp_kinhte", position="Trưởng phòng",
              roles=("reviewer",))
    db.session.commit()
    assert WAITING not in browser("tp_kinhte").text("/")  # a reviewer, but not this step's
    assert WAITING not in browser("vanphong").text("/")   # the office step is not current yet
    assert WAITING not in browser("chuyenvien").text("/")  # the author waits, nothing to do


def test_delegate_sees_the_delegators_work(browser, plans, demo):
    users = demo["users"]
    today = clock.local_date()
    delegate(db.session, users["truongphong"], users["phongkt"], today, today)
    db.session.commit()
    assert WAITING in browser("phongkt").text("/")


def test_counts_by_kind_and_kind_filter(browser, plans):
    b = browser("sl_vanthu")
    html = b.text("/")
    assert SONLA in html and "Cần phát hành" in html
    filtered = b.text("/?kind=review")
    assert SONLA not in filtered and "Không có việc nào đang chờ bạn." in filtered
    assert SONLA in b.text("/?kind=issue")
    drafts = browser("kp_chuyenvien").text("/?kind=draft")
    assert KIMPHUONG in drafts


def test_returned_draft_shows_the_comment_in_the_worklist(browser, plans, demo):
    from workflow import services
    doc, users = plans["in_review"], demo["users"]
    services.transition(db.session, doc, users["truongphong"], "return", comment="Bổ sung kinh phí.")
    db.session.commit()
    html = browser("chuyenvien").text("/")
    assert WAITING in html and "Bị trả lại" in html and "Bổ sung kinh phí." in html


def test_overdue_and_near_due_widgets_for_a_recipient(browser, plans):
    html = browser("mttq").text("/")
    assert "Báo cáo quá hạn" in html and "Báo cáo 6 tháng" in html and "trễ 5 ngày" in html
    assert "Đến hạn trong 3 ngày" in html and "Báo cáo năm" in html


def test_recipient_for_information_owes_nothing(browser, plans):
    html = browser("so_vhttdl").text("/")
    assert "Đơn vị không có báo cáo quá hạn." in html
    assert "Không có báo cáo sắp đến hạn." in html


def test_author_sees_documents_with_overdue_reports(browser, plans):
    html = browser("chuyenvien").text("/")
    assert "Văn bản bạn theo dõi có báo cáo quá hạn" in html
    assert "01/KH-UBND" in html and "quá hạn" in html


def test_search_ignores_diacritics(browser, demo):
    orgs = demo["organizations"]
    make_draft(db.session, demo["users"]["chuyenvien"], [orgs["binhlu_mttq"]],
               title="Tổ chức Lễ hội Văn hóa xã Bình Lư")
    make_draft(db.session, demo["users"]["chuyenvien"], [orgs["binhlu_mttq"]],
               title="Phòng chống thiên tai năm 2026")
    db.session.commit()
    b = browser("chuyenvien")
    for q in ("ke hoach binh lu", "Kế hoạch Bình Lư", "KE HOACH BINH LU", "le hoi"):
        html = b.text(f"/documents?q={q}")
        assert "Lễ hội Văn hóa xã Bình Lư" in html, q
        assert "Phòng chống thiên tai" not in html, q
    assert "Không có văn bản nào." in b.text("/documents?q=kim+phuong")


def test_search_only_finds_what_the_user_may_see(browser, demo):
    make_draft(db.session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]],
               title="Tổ chức Lễ hội Văn hóa xã Bình Lư")
    db.session.commit()
    assert "Lễ hội" not in browser("mttq").text("/documents?q=le+hoi")


def test_documents_list_filters_by_state(browser, plans):
    b = browser("admin")
    html = b.text("/documents?state=signed")
    assert SONLA in html and WAITING not in html


def test_the_documents_list_shows_exactly_what_each_user_may_open(plans, demo):
    """The list's condition (sets read once, the issuing body's issuers by subquery) agrees
    with the per-document permission (`can_view`) for every demo user, and with the
    pages: the same documents page by page as in one page."""
    from sqlalchemy import select
    from models import Document
    from workflow import queries
    from workflow.permissions import can_view
    documents = list(db.session.scalars(select(Document)))
    for user in demo["users"].values():
        listed = queries.list_documents(db.session, user, per_page=1000)
        expected = {d.id for d in documents if can_view(db.session, user, d)}
        assert {d.id for d in listed.items} == expected and listed.total == len(expected), user.username
        paged = [d.id for p in (1, 2, 3, 4) for d in queries.list_documents(db.session, user, page=p, per_page=1).items]
        assert paged == [d.id for d in listed.items][:4], user.username


def test_a_long_list_counts_up_to_a_cap(browser, demo, monkeypatch):
    """Past the cap (a thousand, or two pages on: here two) the list says "more than" rather
    than counting every document, and the pages go on."""
    monkeypatch.setattr("web.ui.documents.routes.count_cap", lambda page, per_page: 2)
    for i in range(4):
        make_draft(db.session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]],
                   title=f"Kế hoạch đếm {i}")
    db.session.commit()
    html = browser("chuyenvien").text("/documents?q=ke+hoach+dem")
    assert "Có hơn 2 văn bản khớp với" in html
    assert all(f"Kế hoạch đếm {i}" in html for i in range(4))
