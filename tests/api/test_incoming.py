"""The recipient's incoming list over the API: newest first, a page at a time, filtered by
the copy's status, with the exact total (a commune receives every plan of its province)."""
from datetime import datetime, timedelta

from models import db
from tests.factories import make_draft, run_chain


def test_incoming_comes_a_page_at_a_time_newest_first(api, demo, frozen_clock):
    users, orgs = demo["users"], demo["organizations"]
    for i in range(3):
        frozen_clock(datetime(2026, 12, 1, 2) + timedelta(minutes=5 * i))
        run_chain(db.session, make_draft(db.session, users["chuyenvien"], [orgs["binhlu_mttq"]],
                                         title=f"Kế hoạch gửi Mặt trận {i}", deadlines=[("năm", "2030-12-15")]))
    db.session.commit()
    mttq = api("mttq")
    first = mttq.get("/api/v1/incoming?per_page=2").get_json()
    second = mttq.get("/api/v1/incoming?per_page=2&page=2").get_json()
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (3, 1, 2, 2)
    assert (second["total"], second["page"], len(second["items"])) == (3, 2, 1)
    titles = [x["document"]["title"] for x in first["items"] + second["items"]]
    assert titles == [f"Kế hoạch gửi Mặt trận {i}" for i in (2, 1, 0)]
    assert all(x["reports_due"][0]["period"] == "năm" for x in first["items"])
    newest = first["items"][0]
    assert mttq.post(f"/api/v1/distributions/{newest['id']}/acknowledge").status_code == 200
    acknowledged = mttq.get("/api/v1/incoming?status=acknowledged").get_json()
    assert [x["id"] for x in acknowledged["items"]] == [newest["id"]] and acknowledged["total"] == 1
    assert mttq.get("/api/v1/incoming?status=sent").get_json()["total"] == 2
    assert api("so_vhttdl").get("/api/v1/incoming").get_json() == {"items": [], "total": 0, "page": 1,
                                                                   "per_page": 20}
    bad = mttq.get("/api/v1/incoming?per_page=many")
    assert bad.status_code == 422 and bad.get_json()["error"]
