"""The follow-through API: tracking JSON and XLSX, sending again, the bell, delegations;
bad input answers JSON 4xx, never 500."""
from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.followup.conftest import at

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def long_tokens(app):
    """Tokens outlive the months the tests move the clock through."""
    app.config["API_TOKEN_HOURS"] = 24 * 800


@pytest.fixture
def issued(api, demo, frozen_clock):
    frozen_clock(at("2026-01-05"))
    orgs, groups = demo["organizations"], demo["groups"]
    r = api("chuyenvien").post("/api/v1/documents", json={
        "doc_type": "KH", "title": "Kế hoạch phòng chống thiên tai giai đoạn 2026-2030",
        "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}],
        "recipients": [{"organization_id": orgs["binhlu_mttq"].id, "purpose": "t/h"},
                       {"group_id": groups["binhlu_phongban"].id, "purpose": "t/h"},
                       {"organization_id": orgs["laichau_svhttdl"].id, "purpose": "b/c"}],
        "report_deadlines": [{"period": "năm", "due": "2026-11-25"}]})
    doc_id = r.get_json()["id"]
    for user, trigger in [("chuyenvien", "submit"), ("truongphong", "approve"), ("vanphong", "approve"),
                          ("phochutich", "sign"), ("vanthu", "issue")]:
        r = api(user).post(f"/api/v1/documents/{doc_id}/transitions", json={"trigger": trigger})
        assert r.status_code == 200, r.get_json()
    return doc_id


def test_tracking_json_and_xlsx(api, demo, issued, frozen_clock):
    frozen_clock(at("2026-11-27"))
    body = api("vanthu").get("/api/v1/tracking").get_json()
    [item] = body["items"]
    assert item["document"]["id"] == issued and item["progress"]["recipients"] == 5
    assert item["progress"]["overdue"] == 4 and body["today"] == "2026-11-27"
    doc = api("chuyenvien").get(f"/api/v1/documents/{issued}/tracking").get_json()
    assert doc["progress"]["reports_owed"] == 4
    assert (doc["page"], doc["per_page"], doc["total"], len(doc["recipients"])) == (1, 100, 5, 5)
    pages = [api("chuyenvien").get(f"/api/v1/documents/{issued}/tracking?per_page=2&page={p}").get_json()
             for p in (1, 2, 3)]
    assert [[r["distribution_id"] for r in p["recipients"]] for p in pages] == \
        [[r["distribution_id"] for r in doc["recipients"]][i:i + 2] for i in (0, 2, 4)]
    assert {p["total"] for p in pages} == {5} and pages[0]["progress"] == doc["progress"]
    first = doc["recipients"][0]
    assert first["duties"][0]["status"] == "overdue" and first["status"] == "sent"
    assert {r["via_group"] for r in doc["recipients"]} == {None, "Phòng ban chuyên môn xã"}
    mttq = demo["organizations"]["binhlu_mttq"].id
    for url in ("/api/v1/tracking.xlsx", f"/api/v1/documents/{issued}/tracking.xlsx",
                "/api/v1/tracking/units.xlsx", f"/api/v1/tracking/units/{mttq}.xlsx"):
        r = api("vanthu").get(url)
        assert r.status_code == 200 and r.mimetype == XLSX, url
        assert load_workbook(BytesIO(r.data)).active.max_row >= 3
    units = api("vanthu").get("/api/v1/tracking/units?outstanding=1").get_json()["items"]
    assert units[0]["overdue"] == 1 and len(units) == 5
    answer = api("vanthu").get(f"/api/v1/tracking/units/{mttq}").get_json()
    items = answer["items"]
    assert [i["kind"] for i in items] == ["acknowledge", "report"] and all(i["overdue"] for i in items)
    assert (answer["total"], answer["page"], answer["per_page"]) == (2, 1, 100)
    second = api("vanthu").get(f"/api/v1/tracking/units/{mttq}?per_page=1&page=2").get_json()
    assert (second["total"], [i["kind"] for i in second["items"]]) == (2, ["report"])
    whole = api("vanthu").get("/api/v1/tracking/units").get_json()
    paged = [api("vanthu").get(f"/api/v1/tracking/units?per_page=2&page={n}").get_json() for n in (1, 2, 3, 4)]
    assert [u["organization"]["id"] for p in paged for u in p["items"]] == \
        [u["organization"]["id"] for u in whole["items"]]
    assert {p["total"] for p in paged} == {whole["total"]} == {len(whole["items"])}


def test_tracking_access_and_bad_input(api, demo, issued):
    assert api("mttq").get(f"/api/v1/documents/{issued}/tracking").status_code == 403
    for url, status in [("/api/v1/documents/99999/tracking", 404), ("/api/v1/tracking?page=abc", 422),
                        (f"/api/v1/documents/{issued}/tracking?per_page=x", 422),
                        ("/api/v1/tracking/units/99999", 404), ("/api/v1/notifications?limit=x", 422),
                        ("/api/v1/tracking/units?per_page=x", 422), ("/api/v1/tracking/units/1?page=y", 422)]:
        r = api("vanthu").get(url)
        assert r.status_code == status and {"error", "message"} <= set(r.get_json()), url
    assert api("mttq").get("/api/v1/tracking").get_json()["items"] == []


def test_send_again_through_the_api(api, demo, issued, frozen_clock):
    frozen_clock(at("2026-03-01"))
    ttdv = demo["organizations"]["binhlu_ttdv"].id
    url = f"/api/v1/documents/{issued}/recipients"
    bad = api("vanthu").post(url, json={"recipients": [{"organization_id": "x"}]})
    assert bad.status_code == 422 and bad.get_json()["error"] == "validation_error"
    assert api("vanthu").post(url, data="nope", content_type="text/plain").status_code == 422
    assert api("mttq").post(url, json={"recipients": [{"organization_id": ttdv}]}).status_code == 403
    r = api("vanthu").post(url, json={"recipients": [{"organization_id": ttdv, "purpose": "t/h"}]})
    assert r.status_code == 201, r.get_json()
    [added] = r.get_json()["added"]
    assert added["organization"]["id"] == ttdv and len(added["reports_due"]) == 1
    assert api("vanthu").post(url, json={"recipients": [{"organization_id": ttdv}]}).status_code == 409
    bell = api("ttdv").get("/api/v1/notifications").get_json()
    assert bell["unread"] == 1 and bell["items"][0]["url"] == f"/inbox/{added['id']}"


def test_bell(api, demo, issued):
    # the head reviewed it (their turn), then their department received it (a recipient unit
    # with no one holding the recipient role: everyone there is told)
    bell = api("truongphong").get("/api/v1/notifications").get_json()
    assert bell["unread"] == 2 and [n["kind"] for n in bell["items"]] == ["arrived", "submitted"]
    assert {n["document"]["id"] for n in bell["items"]} == {issued}
    kinds = [n["kind"] for n in api("chuyenvien").get("/api/v1/notifications").get_json()["items"]]
    assert sorted(kinds) == ["arrived", "issued"]
    r = api("truongphong").post("/api/v1/notifications/read", json={"ids": [bell["items"][1]["id"]]})
    assert r.get_json() == {"marked": 1, "unread": 1}
    unread = api("truongphong").get("/api/v1/notifications?unread=1").get_json()["items"]
    assert [n["kind"] for n in unread] == ["arrived"]
    older = api("truongphong").get(f"/api/v1/notifications?before={bell['items'][0]['id']}").get_json()
    assert [n["kind"] for n in older["items"]] == ["submitted"]
    assert api("chuyenvien").post("/api/v1/notifications/read", json={"all": True}).get_json()["unread"] == 0
    for payload in ({"ids": "1"}, {"ids": [True]}, {}, []):
        r = api("chuyenvien").post("/api/v1/notifications/read", json=payload)
        assert r.status_code in (400, 422) and "message" in r.get_json(), payload


def test_recurrence_through_the_api(api, demo, issued):
    doc = api("vanthu").get(f"/api/v1/documents/{issued}").get_json()
    assert doc["state"] == "distributed"
    from models import ReportingObligation, db
    obligation = db.session.query(ReportingObligation).filter_by(document_id=issued).one()
    assert (obligation.recurrence_months, obligation.series_until.year) == (12, 2030)
    url = f"/api/v1/obligations/{obligation.id}/recurrence"
    r = api("vanthu").put(url, json={"months": 12, "until": "2027-12-31"})
    assert r.status_code == 200 and r.get_json()["series_until"] == "2027-12-31"
    assert api("vanthu").put(url, json={"months": 12, "until": "soon"}).status_code == 422
    assert api("vanthu").put(url, json={"months": "12"}).status_code == 422
    assert api("mttq").put(url, json={"months": None}).status_code == 403
    assert api("vanthu").put("/api/v1/obligations/99999/recurrence", json={"months": None}).status_code == 404


def test_delegations_through_the_api(api, demo, frozen_clock):
    frozen_clock(datetime(2026, 6, 10, 2))
    payload = {"delegate_username": "chutich", "starts_on": "2026-06-10", "ends_on": "2026-06-12",
               "reason": "Đi công tác"}
    r = api("phochutich").post("/api/v1/delegations", json=payload)
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["active"] is True and created["delegate"]["username"] == "chutich"
    received = api("chutich").get("/api/v1/delegations").get_json()
    assert [d["id"] for d in received["received"]] == [created["id"]] and received["given"] == []
    assert api("chutich").post(f"/api/v1/delegations/{created['id']}/revoke").status_code == 403
    r = api("phochutich").post(f"/api/v1/delegations/{created['id']}/revoke")
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert api("phochutich").post(f"/api/v1/delegations/{created['id']}/revoke").status_code == 409
    assert api("mttq").post(f"/api/v1/delegations/{created['id']}/revoke").status_code == 404
    again = dict(payload, delegate_username="phongkt")
    assert api("mttq").post("/api/v1/delegations", json=again).status_code == 403
    for bad in ({**payload, "starts_on": "10/06/2026"}, {**payload, "delegate_username": "nobody"},
                {"starts_on": "2026-06-10", "ends_on": "2026-06-12"}, {**payload, "ends_on": "2026-06-01"},
                {**payload, "reason": 5}):
        r = api("phochutich").post("/api/v1/delegations", json=bad)
        assert r.status_code == 422 and {"error", "message"} <= set(r.get_json()), bad
