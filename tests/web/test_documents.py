"""The draft editor and the document page: create, save revisions, preview, buttons, refusals."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Document, DocumentRevision, db
from tests.factories import make_draft, run_chain
from workflow import services


def form_data(demo, title="Kế hoạch tổ chức Ngày hội văn hóa", **extra) -> dict:
    orgs, groups = demo["organizations"], demo["groups"]
    data = {"doc_type": "KH", "title": title, "place": "",
            "sections-0-heading": "I. MỤC ĐÍCH, YÊU CẦU",
            "sections-0-paragraphs": "Giữ gìn bản sắc văn hóa.\n\nTạo sân chơi lành mạnh.",
            "recipients-0-target": f"o:{orgs['binhlu_mttq'].id}", "recipients-0-purpose": "t/h",
            "recipients-1-target": f"g:{groups['binhlu_phongban'].id}", "recipients-1-purpose": "",
            "recipients-2-target": f"o:{orgs['laichau_svhttdl'].id}", "recipients-2-purpose": "b/c",
            "deadlines-0-period": "6 tháng", "deadlines-0-due": "2026-06-15"}
    data.update(extra)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def transition(b, doc, trigger, comment="", version=None, **kw):
    data = {"trigger": trigger, "comment": comment,
            "version": doc.version if version is None else version}
    return b.post(f"/documents/{doc.id}/transition", data, **kw)


def flashes(b) -> str:
    return b.text("/")


# --- the draft editor --------------------------------------------------------------

def test_new_draft_form_has_labelled_fields_and_the_directory(browser):
    html = browser("chuyenvien").text("/documents/new")
    for field in ("doc_type", "title", "sections-0-heading", "recipients-0-target", "deadlines-0-due"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert '<optgroup label="Nhóm">' in html and '<optgroup label="Cơ quan, đơn vị">' in html
    assert "Phòng ban chuyên môn xã" in html


def test_create_a_plan_from_the_form(browser, demo):
    b = browser("chuyenvien")
    b.get("/documents/new")
    response = b.post("/documents/new", form_data(demo))
    assert response.status_code == 303
    doc = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert response.headers["Location"] == f"/documents/{doc.id}"
    assert doc.state == "draft" and doc.author.username == "chuyenvien"
    assert doc.sections == [{"heading": "I. MỤC ĐÍCH, YÊU CẦU",
                             "paragraphs": ["Giữ gìn bản sắc văn hóa.", "Tạo sân chơi lành mạnh."]}]
    assert [(r.name, r.purpose) for r in doc.recipients] == [
        ("Ủy ban Mặt trận Tổ quốc Việt Nam xã Bình Lư", "t/h"), ("Phòng ban chuyên môn xã", None),
        ("Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu", "b/c")]
    assert [(o.period, o.due_date.isoformat()) for o in doc.obligations] == [("6 tháng", "2026-06-15")]
    assert [r.number for r in doc.revisions] == [1]
    html = b.text(f"/documents/{doc.id}")
    assert "Đã lưu dự thảo (bản 1)." in html


def test_invalid_draft_is_shown_again_with_errors_and_nothing_saved(browser, demo):
    b = browser("chuyenvien")
    b.get("/documents/new")
    before = count(Document)
    response = b.post("/documents/new", form_data(demo, title="", **{"deadlines-0-due": ""}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bắt buộc nhập." in html and "Nhập hạn nộp." in html
    assert "I. MỤC ĐÍCH, YÊU CẦU" in html  # what was typed is kept
    assert count(Document) == before


def test_unknown_recipient_is_refused(browser, demo):
    b = browser("chuyenvien")
    b.get("/documents/new")
    before = count(Document)
    response = b.post("/documents/new", form_data(demo, **{"recipients-0-target": "o:99999"}))
    assert response.status_code == 422
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert count(Document) == before


def test_submitting_a_draft_without_recipients_is_refused(browser, demo):
    b = browser("chuyenvien")
    b.get("/documents/new")
    data = {k: v for k, v in form_data(demo).items() if not k.startswith("recipients")}
    assert b.post("/documents/new", data).status_code == 303
    doc = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    b.get(f"/documents/{doc.id}")
    assert transition(b, doc, "submit").status_code == 303
    assert doc.state == "draft"
    assert "Văn bản chưa có nơi nhận." in flashes(b)


def test_add_row_buttons_work_without_javascript(browser, demo):
    b = browser("chuyenvien")
    b.get("/documents/new")
    before = count(Document)
    response = b.post("/documents/new", dict(form_data(demo), add="sections"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="sections-1-heading"' in html
    assert count(Document) == before


def test_only_drafters_may_create(browser, demo):
    b = browser("mttq")
    response = b.get("/documents/new")
    assert response.status_code == 403
    assert "Chỉ người soạn thảo mới được tạo văn bản." in response.get_data(as_text=True)
    before = count(Document)
    assert b.post("/documents/new", form_data(demo)).status_code == 303
    assert count(Document) == before
    assert "documents/new" not in b.text("/")  # no "Soạn mới" link either


def test_each_save_is_a_revision(browser, demo):
    doc = make_draft(db.session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]])
    db.session.commit()
    b = browser("chuyenvien")
    html = b.text(f"/documents/{doc.id}/edit")
    assert 'value="Nội dung."' not in html and "Nội dung." in html
    response = b.post(f"/documents/{doc.id}/edit", form_data(demo, title="Tên mới", version=doc.version))
    assert response.status_code == 303
    assert doc.title == "Tên mới" and [r.number for r in doc.revisions] == [1, 2]
    assert "Đã lưu dự thảo (bản 2)." in b.text(f"/documents/{doc.id}")


def test_the_editor_shows_the_saved_recipients_and_deadline_units_chosen(browser, demo):
    orgs, groups = demo["organizations"], demo["groups"]
    mttq, svh = orgs["binhlu_mttq"].id, orgs["laichau_svhttdl"].id
    doc = make_draft(db.session, demo["users"]["chuyenvien"], [orgs["binhlu_mttq"]])
    db.session.commit()
    b = browser("chuyenvien")
    data = form_data(demo, version=doc.version, **{"deadlines-0-units": [str(mttq), str(svh)]})
    assert b.post(f"/documents/{doc.id}/edit", data).status_code == 303
    html = b.text(f"/documents/{doc.id}/edit")
    assert html.count(" selected>") == 5  # three recipients, two units of the deadline (one select each)
    for chosen in (f'value="o:{mttq}" selected', f'value="g:{groups["binhlu_phongban"].id}" selected',
                   f'value="o:{svh}" selected', f'value="{mttq}" selected', f'value="{svh}" selected'):
        assert chosen in html, chosen
    assert 'name="deadlines-0-units" multiple' in html or 'multiple name="deadlines-0-units"' in html


def test_deadline_units_outside_the_recipients_are_pointed_out_on_the_page(browser, demo):
    orgs = demo["organizations"]
    svh, mttq = orgs["laichau_svhttdl"], orgs["binhlu_mttq"]
    b = browser("chuyenvien")
    b.get("/documents/new")
    data = form_data(demo, **{"recipients-2-target": "", "deadlines-0-units": [str(mttq.id), str(svh.id)]})
    response = b.post("/documents/new", data)
    assert response.status_code == 303
    html = b.text(response.headers["Location"])
    assert "Không có trong Nơi nhận nên sẽ không nhận văn bản và không phải báo cáo: " + svh.name in html
    assert mttq.name + ". Hãy thêm" not in html
    data["recipients-2-target"] = f"o:{svh.id}"
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    data["version"] = db.session.get(Document, doc_id).version
    assert b.post(f"/documents/{doc_id}/edit", data).status_code == 303
    assert "Không có trong Nơi nhận" not in b.text(f"/documents/{doc_id}")


def test_stale_edit_is_refused_and_changes_nothing(browser, demo):
    doc = make_draft(db.session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]])
    db.session.commit()
    b = browser("chuyenvien")
    b.get(f"/documents/{doc.id}/edit")
    old = doc.version
    assert b.post(f"/documents/{doc.id}/edit", form_data(demo, title="A", version=old)).status_code == 303
    response = b.post(f"/documents/{doc.id}/edit", form_data(demo, title="B", version=old))
    assert response.status_code == 303
    assert doc.title == "A" and len(doc.revisions) == 2
    assert "vừa được người khác thay đổi" in flashes(b)


def test_only_the_author_edits_and_only_a_draft(browser, plans):
    draft, in_review = plans["draft"], plans["in_review"]
    assert browser("kp_photruongban").get(f"/documents/{draft.id}/edit").status_code == 403
    response = browser("chuyenvien").get(f"/documents/{in_review.id}/edit")
    assert response.status_code == 403
    assert "Bạn không được sửa văn bản ở trạng thái hiện tại." in response.get_data(as_text=True)


# --- the document page --------------------------------------------------------------

def test_document_page_renders_the_nd30_layout(browser, plans):
    html = browser("chuyenvien").text(f"/documents/{plans['issued'].id}")
    for text in ("ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Số: 01/KH-UBND", "KẾ HOẠCH", "Nơi nhận:",
                 "- Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu (b/c);", "- Lưu: VT, VHXH.",
                 "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thị Nhàn"):
        assert text in html, text
    assert "Bình Lư, ngày " in html


def test_draft_preview_shows_the_planned_signature_and_no_number(browser, plans):
    html = browser("kp_chuyenvien").text(f"/documents/{plans['draft'].id}")
    assert "DỰ THẢO" in html and "chưa ký" in html
    assert "BAN CHỈ ĐẠO" in html and "Số: \u2003\u2003/KH-BCĐ" in html


def test_buttons_follow_the_guards(browser, plans):
    doc = plans["in_review"]
    head = browser("truongphong").text(f"/documents/{doc.id}")
    assert 'value="approve"' in head and 'value="return"' in head
    for user in ("chuyenvien", "vanthu", "danguy"):
        html = browser(user).get(f"/documents/{doc.id}").get_data(as_text=True)
        assert 'name="trigger"' not in html, user
    # later members of the chain may already return it (the guard allows it), not approve it
    for user in ("vanphong", "phochutich"):
        html = browser(user).text(f"/documents/{doc.id}")
        assert 'value="return"' in html and 'value="approve"' not in html, user
    author = browser("kp_chuyenvien").text(f"/documents/{plans['draft'].id}")
    assert 'value="submit"' in author and 'value="approve"' not in author


def test_approval_chain_shows_people_decisions_and_times(browser, plans):
    html = browser("chuyenvien").text(f"/documents/{plans['issued'].id}")
    for text in ("Trưởng phòng thẩm định nội dung", "Hoàng Thị Lan", "Văn phòng kiểm tra thể thức",
                 "Đèo Văn Hùng", "Nguyễn Thị Nhàn", "Vàng Thị Mai", "đồng ý", "đã ký", "đã phát hành"):
        assert text in html, text
    assert html.count('class="step st-done"') == 4


def test_wrong_role_is_refused_and_changes_nothing(browser, plans):
    doc = plans["in_review"]
    b = browser("vanphong")
    b.get(f"/documents/{doc.id}")
    version = doc.version
    assert transition(b, doc, "approve").status_code == 303
    assert doc.state == "in_review" and doc.version == version
    assert doc.current_step.key == "department_review"
    assert "Bạn không phải người được giao xử lý ở bước hiện tại." in flashes(b)


def test_wrong_state_is_refused(browser, plans):
    doc = plans["in_review"]
    b = browser("chuyenvien")
    b.get(f"/documents/{doc.id}")
    transition(b, doc, "submit")
    assert doc.state == "in_review"
    assert "Không thể thực hiện thao tác này khi văn bản ở trạng thái “Đang thẩm định”." in flashes(b)


def test_a_user_who_may_not_view_gets_403_and_cannot_act(browser, plans):
    doc = plans["in_review"]
    b = browser("mttq")
    response = b.get(f"/documents/{doc.id}")
    assert response.status_code == 403
    assert "Bạn không có quyền xem văn bản này." in response.get_data(as_text=True)
    transition(b, doc, "approve")
    assert doc.current_step.key == "department_review"
    assert browser("mttq").get("/documents/99999").status_code == 404


def test_return_needs_a_comment(browser, plans):
    doc = plans["in_review"]
    b = browser("truongphong")
    b.get(f"/documents/{doc.id}")
    assert transition(b, doc, "return", comment="   ").status_code == 303
    assert doc.state == "in_review"
    assert "Cần nhập ý kiến (lý do trả lại)." in flashes(b)


def test_a_stale_page_cannot_act_twice(browser, plans):
    doc = plans["in_review"]
    b = browser("truongphong")
    b.get(f"/documents/{doc.id}")
    seen = doc.version
    assert transition(b, doc, "approve", version=seen).status_code == 303
    assert doc.current_step.key == "office_check"
    after = doc.version
    assert transition(b, doc, "approve", version=seen).status_code == 303
    assert doc.current_step.key == "office_check" and doc.version == after
    assert "Văn bản vừa được người khác thay đổi" in flashes(b)


def test_transition_without_csrf_is_refused(browser, plans):
    doc = plans["in_review"]
    b = browser("truongphong")
    b.get(f"/documents/{doc.id}")
    assert transition(b, doc, "approve", csrf=False).status_code == 303
    assert doc.current_step.key == "department_review"
    assert "CSRF" in flashes(b)


def test_return_fix_resubmit_and_the_reviewer_sees_the_diff(browser, plans, demo):
    doc = plans["in_review"]
    head = browser("truongphong")
    head.get(f"/documents/{doc.id}")
    transition(head, doc, "return", comment="Bổ sung mục kinh phí.")
    assert doc.state == "draft"

    drafter = browser("chuyenvien")
    page = drafter.text(f"/documents/{doc.id}")
    assert "Hoàng Thị Lan đã trả lại" in page and "Bổ sung mục kinh phí." in page
    edit = drafter.text(f"/documents/{doc.id}/edit")
    assert "Bị trả lại với ý kiến" in edit and "Bổ sung mục kinh phí." in edit
    data = form_data(demo, title=doc.title, version=doc.version,
                     **{"sections-1-heading": "IV. KINH PHÍ",
                        "sections-1-paragraphs": "Kinh phí từ ngân sách xã."})
    assert drafter.post(f"/documents/{doc.id}/edit", data).status_code == 303
    drafter.get(f"/documents/{doc.id}")
    transition(drafter, doc, "submit")
    assert doc.state == "in_review" and doc.chain_round == 2

    html = head.text(f"/documents/{doc.id}")
    assert "Thay đổi từ lần bạn xem trước (bản 1 → 2)" in html
    assert "IV. KINH PHÍ" in html and "diff-added" in html
    assert "Các vòng trước (1)" in html
    # the drafter sees no "changes since you saw it" for their own text
    assert "Thay đổi từ lần bạn xem trước" not in drafter.text(f"/documents/{doc.id}")


def test_signer_sees_the_final_signature_block_then_signs(browser, plans, demo):
    doc = plans["in_review"]
    run_chain(db.session, doc, until="reviewed")
    db.session.commit()
    b = browser("phochutich")
    html = b.text(f"/documents/{doc.id}")
    block = html[html.index("Khối chữ ký của bạn"):]
    for line in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thị Nhàn"):
        assert line in block[:800], line
    assert transition(b, doc, "sign").status_code == 303
    assert doc.state == "signed" and doc.signer_authority == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert "(đã ký)" in b.text(f"/documents/{doc.id}")


def test_clerk_sees_the_forecast_number_and_issues(browser, plans):
    doc = plans["in_review"]
    run_chain(db.session, doc, until="signed")
    db.session.commit()
    b = browser("vanthu")
    html = b.text(f"/documents/{doc.id}")
    assert "Số sẽ cấp (dự kiến):" in html and "02/KH-UBND" in html
    transition(b, doc, "issue")
    assert doc.state == "distributed" and doc.number_symbol == "02/KH-UBND"
    assert "Văn bản đã được cho số và phát hành." in b.text(f"/documents/{doc.id}")


def test_diff_history_and_preview_pages(browser, plans, demo):
    doc = make_draft(db.session, demo["users"]["chuyenvien"], [demo["organizations"]["binhlu_mttq"]],
                     title="Bản đầu")
    services.update_draft(db.session, doc, doc.author, services.parse_draft_input({
        "title": "Bản sau", "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung mới."]}],
        "recipients": [{"organization_id": demo["organizations"]["binhlu_mttq"].id, "purpose": "t/h"}]}))
    db.session.commit()
    b = browser("chuyenvien")
    diff = b.text(f"/documents/{doc.id}/diff")
    assert "Bản 1 → 2" in diff and "<del>đầu</del><ins>sau</ins>" in diff
    assert "Không có thay đổi." in b.text(f"/documents/{doc.id}/diff?a=2&b=2")
    assert "Tạo dự thảo" in b.text(f"/documents/{doc.id}/history")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in b.text(f"/documents/{doc.id}/preview")
    assert db.session.scalar(select(func.count(DocumentRevision.id))
                             .where(DocumentRevision.document_id == doc.id)) == 2


def test_document_page_in_english(browser, plans):
    b = browser("truongphong")
    b.post("/locale", {"locale": "en", "next": "/"})
    html = b.text(f"/documents/{plans['in_review'].id}")
    assert "In review" in html and "Approval chain" in html and "Return with a comment" in html
