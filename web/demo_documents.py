"""Sample plans for the demo, carried through the chain by the services themselves."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Document
from workflow import clock, services

BINHLU_SECTIONS = [
    {"heading": "I. MỤC ĐÍCH, YÊU CẦU", "paragraphs": [
        "Nâng cao nhận thức, trách nhiệm cho cán bộ, đảng viên, đội ngũ văn nghệ sĩ và các tầng lớp "
        "Nhân dân về vị trí, vai trò, tầm quan trọng của văn học, nghệ thuật.",
        "Việc triển khai thực hiện cần bám sát sự chỉ đạo, định hướng của Trung ương, của tỉnh."]},
    {"heading": "II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", "paragraphs": [
        "Đẩy mạnh công tác tuyên truyền, quán triệt, nâng cao nhận thức về vị trí, vai trò của văn học, "
        "nghệ thuật.",
        "Đẩy mạnh chuyển đổi số và ứng dụng thành tựu khoa học - công nghệ trong lĩnh vực nghệ thuật."]},
    {"heading": "III. TỔ CHỨC THỰC HIỆN", "paragraphs": [
        "Các cơ quan đơn vị trực thuộc báo cáo kết quả thực hiện 06 tháng và năm về UBND xã "
        "(qua Phòng Văn hóa - Xã hội)."]},
]


def _draft(session, author, title, recipients, deadlines=(), sections=BINHLU_SECTIONS):
    data = services.parse_draft_input({
        "doc_type": "KH", "title": title, "sections": sections, "recipients": recipients,
        "report_deadlines": [{"period": p, "due": d.isoformat()} for p, d in deadlines]})
    return services.create_draft(session, author, data)


def create_demo_documents(session: Session, demo: dict) -> int:
    """Create four sample plans in different states, once (skipped when documents exist)."""
    if session.scalar(select(Document.id).limit(1)) is not None:
        return 0
    users, orgs, groups = demo["users"], demo["organizations"], demo["groups"]
    today = clock.local_date()
    go = services.transition

    issued = _draft(session, users["chuyenvien"],
                    "Triển khai thực hiện Kế hoạch 256/KH-UBND ngày 13/01/2026 của Ủy ban nhân dân tỉnh",
                    [{"organization_id": orgs["laichau_svhttdl"].id, "purpose": "b/c"},
                     {"organization_id": orgs["binhlu_dangu"].id, "purpose": "b/c"},
                     {"group_id": groups["binhlu_phongban"].id, "purpose": "t/h"},
                     {"organization_id": orgs["binhlu_mttq"].id, "purpose": None},
                     {"organization_id": orgs["binhlu_ttdv"].id, "purpose": "t/h"}],
                    [("6 tháng", today - timedelta(days=5)), ("năm", today + timedelta(days=2))])
    for who, trigger in [("chuyenvien", "submit"), ("truongphong", "approve"),
                         ("vanphong", "approve"), ("phochutich", "sign"), ("vanthu", "issue")]:
        go(session, issued, users[who], trigger)

    waiting = _draft(session, users["chuyenvien"],
                     "Tổ chức các hoạt động văn hóa, thể thao mừng Đảng, mừng Xuân năm 2027",
                     [{"group_id": groups["binhlu_phongban"].id, "purpose": "t/h"},
                      {"organization_id": orgs["binhlu_ttdv"].id, "purpose": "t/h"}],
                     [("năm", today + timedelta(days=30))])
    go(session, waiting, users["chuyenvien"], "submit")

    sonla = _draft(session, users["sl_chuyenvien"],
                   "Triển khai thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”, "
                   "giai đoạn 2022 - 2026",
                   [{"organization_id": orgs["sonla_svhttdl"].id, "purpose": "b/c"},
                    {"organization_id": orgs["sonla_ldvp"].id, "purpose": None},
                    {"group_id": groups["sonla_phongban"].id, "purpose": None},
                    {"organization_id": orgs["sonla_ttth"].id, "purpose": None}],
                   [("năm", today + timedelta(days=12))])
    for who, trigger in [("sl_chuyenvien", "submit"), ("sl_truongphong", "approve"),
                         ("sl_chanhvanphong", "sign")]:
        go(session, sonla, users[who], trigger)

    _draft(session, users["kp_chuyenvien"],
           "Thực hiện phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” xã Kim Phượng năm 2027",
           [{"organization_id": orgs["dinhhoa_vhtt"].id, "purpose": "b/c"},
            {"organization_id": orgs["kimphuong_dangu"].id, "purpose": "b/c"},
            {"group_id": groups["kp_thanhvien"].id, "purpose": "t/h"},
            {"group_id": groups["kp_thonxom"].id, "purpose": "t/h"}])
    return 4
