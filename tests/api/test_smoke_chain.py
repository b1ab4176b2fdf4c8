"""A scripted client carries a plan from draft to reported through the API."""


def test_full_chain_through_api(api, demo):
    orgs, groups = demo["organizations"], demo["groups"]
    drafter = api("chuyenvien")
    response = drafter.post("/api/v1/documents", json={
        "doc_type": "KH", "title": "Kế hoạch thử",
        "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung một."]}],
        "recipients": [{"organization_id": orgs["binhlu_mttq"].id, "purpose": "t/h"},
                       {"group_id": groups["binhlu_phongban"].id, "purpose": "t/h"},
                       {"organization_id": orgs["laichau_svhttdl"].id, "purpose": "b/c"}],
        "report_deadlines": [{"period": "năm", "due": "2026-12-31"}]})
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["state"] == "draft" and doc["number"] is None and doc["symbol"] == "KH-UBND"
    doc_id = doc["id"]
    for user, trigger, state in [("chuyenvien", "submit", "in_review"),
                                 ("truongphong", "approve", "in_review"),
                                 ("vanphong", "approve", "reviewed"),
                                 ("phochutich", "sign", "signed"),
                                 ("vanthu", "issue", "distributed")]:
        r = api(user).post(f"/api/v1/documents/{doc_id}/transitions", json={"trigger": trigger})
        assert r.status_code == 200, (user, trigger, r.get_json())
        assert r.get_json()["state"] == state
    doc = api("vanthu").get(f"/api/v1/documents/{doc_id}").get_json()
    assert doc["number"] == 1 and doc["number_symbol"] == "01/KH-UBND"
    assert doc["signature"]["authority"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    dists = api("vanthu").get(f"/api/v1/documents/{doc_id}/distributions").get_json()
    assert dists["totals"]["recipients"] == 5
    owed = [d for d in dists["items"] if d["reports_due"]]
    assert len(owed) == 4  # the b/c recipient owes nothing
    users_by_org = {u.organization_id: u.username for u in demo["users"].values()}
    for d in dists["items"]:
        who = api(users_by_org[d["organization"]["id"]])
        r = who.post(f"/api/v1/distributions/{d['id']}/acknowledge")
        assert r.status_code == 200
        answer = r.get_json()
        assert (answer["id"], answer["status"], answer["acknowledged_by"]["username"]) == \
            (d["id"], "acknowledged", users_by_org[d["organization"]["id"]])
        assert answer["reports_due"] == d["reports_due"]
    for d in owed:
        who = api(users_by_org[d["organization"]["id"]])
        r = who.post(f"/api/v1/distributions/{d['id']}/reports", json={"text": "Đã thực hiện."})
        assert r.status_code == 201, r.get_json()
    assert r.get_json()["document_state"] == "reported"
    final = api("vanthu").get(f"/api/v1/documents/{doc_id}/distributions").get_json()
    assert final["totals"] == {"recipients": 5, "acknowledged": 5, "refused": 0, "reports_owed": 4,
                               "reports_filed": 4}
    for d in final["items"]:
        for duty in d["reports_due"]:
            assert duty["status"] == "filed" and duty["period"] == "năm"
            assert [x["filed_by"]["username"] for x in duty["reports"]] == [users_by_org[d["organization"]["id"]]]
    own = api("mttq").get(f"/api/v1/documents/{doc_id}/distributions").get_json()
    assert [d["organization"]["id"] for d in own["items"]] == [orgs["binhlu_mttq"].id]
    assert own["totals"]["recipients"] == 1
    me = api("mttq").get("/api/v1/me").get_json()
    assert me["organization"]["name"].startswith("Ủy ban Mặt trận")


def test_deadlines_name_their_units_outside_the_recipients_and_refuse_unknown_ones(api, demo):
    orgs = demo["organizations"]
    drafter = api("chuyenvien")
    payload = {"doc_type": "KH", "title": "Kế hoạch kiểm tra",
               "recipients": [{"organization_id": orgs["binhlu_mttq"].id, "purpose": "t/h"}],
               "report_deadlines": [{"period": "năm", "due": "2030-11-25",
                                     "unit_ids": [orgs["binhlu_mttq"].id, orgs["binhlu_ttdv"].id]}]}
    created = drafter.post("/api/v1/documents", json=payload)
    assert created.status_code == 201, created.get_json()
    deadline = created.get_json()["report_deadlines"][0]
    assert set(deadline["unit_ids"]) == {orgs["binhlu_mttq"].id, orgs["binhlu_ttdv"].id}
    assert deadline["unreached_unit_ids"] == [orgs["binhlu_ttdv"].id]
    payload["report_deadlines"][0]["unit_ids"] = [999999]
    refused = drafter.post("/api/v1/documents", json=payload)
    assert refused.status_code == 422 and refused.get_json()["error"] == "unknown_unit"
    assert "đơn vị số 999999" in refused.get_json()["message"]
