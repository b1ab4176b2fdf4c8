"""Administration: organizations, groups, users, and the workflow definitions with their diagram."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Organization, RecipientGroup, User, db

ADMIN_PAGES = ["/admin", "/admin/organizations", "/admin/organizations/new", "/admin/groups",
               "/admin/groups/new", "/admin/users", "/admin/users/new", "/admin/workflows",
               "/admin/workflows/ke_hoach_ubnd"]


@pytest.mark.parametrize("username", ["chuyenvien", "vanthu", "phochutich", "mttq"])
def test_admin_pages_are_for_administrators_only(browser, username):
    b = browser(username)
    for url in ADMIN_PAGES:
        response = b.get(url)
        assert response.status_code == 403, url
    assert "Chỉ quản trị hệ thống mới được mở trang này." in response.get_data(as_text=True)
    before = db.session.scalar(select(func.count(Organization.id)))
    b.post("/admin/organizations/new", {"name": "Đơn vị lạ", "kind": "unit"})
    assert db.session.scalar(select(func.count(Organization.id))) == before


def test_every_admin_page_renders(browser):
    b = browser("admin")
    for url in ADMIN_PAGES:
        assert b.get(url).status_code == 200, url


def test_create_and_edit_an_organization(browser, demo):
    b = browser("admin")
    b.get("/admin/organizations/new")
    parent = demo["organizations"]["binhlu"]
    response = b.post("/admin/organizations/new", {
        "name": "Phòng Tư pháp", "short_name": "Phòng TP", "abbreviation": "TP", "kind": "department",
        "parent_id": str(parent.id), "place": "", "header_lines": "", "aliases": "Tư pháp\n"})
    assert response.status_code == 303
    org = db.session.scalar(select(Organization).where(Organization.name == "Phòng Tư pháp"))
    assert org.parent_id == parent.id and org.aliases == ["Tư pháp"]
    assert "Phòng Tư pháp" in b.text("/admin/organizations?q=tu+ph")
    html = b.text(f"/admin/organizations/{org.id}")
    assert 'value="Phòng Tư pháp"' in html
    b.post(f"/admin/organizations/{org.id}", {"name": "Phòng Tư pháp - Hộ tịch", "kind": "department",
                                               "parent_id": str(parent.id)})
    assert org.name == "Phòng Tư pháp - Hộ tịch"


def test_an_organization_cannot_move_under_itself(browser, demo):
    binhlu, dept = demo["organizations"]["binhlu"], demo["organizations"]["binhlu_vhxh"]
    b = browser("admin")
    b.get(f"/admin/organizations/{binhlu.id}")
    response = b.post(f"/admin/organizations/{binhlu.id}", {
        "name": binhlu.name, "kind": "commune", "parent_id": str(dept.id), "issues_documents": "y",
        "abbreviation": "UBND", "header_lines": "ỦY BAN NHÂN DÂN\nXÃ BÌNH LƯ"})
    assert response.status_code == 422
    assert "Không thể đặt đơn vị dưới chính nó" in response.get_data(as_text=True)
    db.session.refresh(binhlu)
    assert binhlu.parent_id is None


def test_issuing_body_needs_header_lines(browser):
    b = browser("admin")
    b.get("/admin/organizations/new")
    response = b.post("/admin/organizations/new", {"name": "UBND xã Mới", "kind": "commune",
                                                   "issues_documents": "y", "abbreviation": "UBND"})
    assert response.status_code == 422
    assert "Cơ quan ban hành cần dòng tên" in response.get_data(as_text=True)


def test_create_and_edit_a_group(browser, demo):
    orgs = demo["organizations"]
    b = browser("admin")
    b.get("/admin/groups/new")
    members = [orgs["binhlu_mttq"].id, orgs["binhlu_dangu"].id]
    b.post("/admin/groups/new", {"name": "Các đoàn thể xã", "owner_id": str(orgs["binhlu"].id),
                                 "member_ids": [str(m) for m in members]})
    group = db.session.scalar(select(RecipientGroup).where(RecipientGroup.name == "Các đoàn thể xã"))
    assert sorted(m.id for m in group.members) == sorted(members)
    assert "Các đoàn thể xã" in b.text("/admin/groups")
    response = b.post(f"/admin/groups/{group.id}", {"name": "Các đoàn thể xã", "member_ids": []})
    assert response.status_code == 422 and "Nhóm cần ít nhất một đơn vị." in response.get_data(as_text=True)
    assert len(group.members) == 2


def test_create_a_user_who_can_then_log_in(browser, demo):
    b = browser("admin")
    b.get("/admin/users/new")
    response = b.post("/admin/users/new", {
        "username": "vanthu2", "full_name": "Lò Thị Thu", "organization_id": str(demo["organizations"]["binhlu_vp"].id),
        "position": "Văn thư", "roles": ["clerk"], "email": "", "active": "y", "password": "mat-khau-moi"})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.username == "vanthu2"))
    assert user.roles == ["clerk"] and user.password_hash != "mat-khau-moi"
    assert browser().login("vanthu2", "mat-khau-moi").get("/registers/outgoing").status_code == 200


def test_user_form_refusals(browser, demo):
    b = browser("admin")
    b.get("/admin/users/new")
    org = str(demo["organizations"]["binhlu_vp"].id)
    taken = b.post("/admin/users/new", {"username": "chuyenvien", "full_name": "X", "organization_id": org,
                                        "position": "Cán bộ", "password": "12345678"})
    assert taken.status_code == 422 and "Tên đăng nhập đã có người dùng." in taken.get_data(as_text=True)
    short = b.post("/admin/users/new", {"username": "moi", "full_name": "X", "organization_id": org,
                                        "position": "Cán bộ", "password": "123"})
    assert short.status_code == 422 and "ít nhất 8 ký tự" in short.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "moi")) is None


def test_edit_roles_and_lock_a_user(browser, demo):
    user = demo["users"]["ttdv"]
    b = browser("admin")
    html = b.text(f"/admin/users/{user.id}")
    assert 'value="ttdv"' in html
    b.post(f"/admin/users/{user.id}", {"username": "ttdv", "full_name": user.full_name,
                                        "organization_id": str(user.organization_id), "position": "Cán bộ",
                                        "roles": ["recipient", "drafter"], "password": ""})
    assert user.roles == ["drafter", "recipient"] and not user.active
    assert user.check_password("demo")  # an empty password keeps the old one
    b2 = browser()
    b2.get("/login")
    assert b2.post("/login", {"username": "ttdv", "password": "demo"}).status_code == 401


def test_admin_cannot_lock_themselves_out(browser, demo):
    admin = demo["users"]["admin"]
    b = browser("admin")
    b.get(f"/admin/users/{admin.id}")
    response = b.post(f"/admin/users/{admin.id}", {
        "username": "admin", "full_name": admin.full_name, "organization_id": str(admin.organization_id),
        "position": admin.position, "roles": ["clerk"], "active": "y"})
    assert response.status_code == 422
    assert admin.roles == ["admin"]


def test_workflow_page_shows_a_generated_diagram(browser):
    html = browser("admin").text("/admin/workflows/ke_hoach_ubnd")
    svg = html[html.index("<svg"):html.index("</svg>")]
    for state in ("Dự thảo", "Đang thẩm định", "Đã thẩm định", "Đã ký", "Đã phát hành", "Đã báo cáo đủ"):
        assert state in svg, state
    for label in ("submit", "approve", "return", "sign", "issue", "complete_reporting",
                  "is_chain_reviewer_or_signer", "has_comment", "last_review_step"):
        assert label in svg, label
    assert svg.count('marker-end="url(#arrow)"') == 8  # return has two sources
    assert "Cần nhập ý kiến (lý do trả lại)." in html  # guard messages in the table
    assert "TM. ỦY BAN NHÂN DÂN" in html and "Văn thư cho số, phát hành" in html
    assert browser("admin").get("/admin/workflows/khong_co").status_code == 404
