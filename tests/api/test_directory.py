"""The directory over the API: every organization by default (as before), or found by
words of the name without diacritics, or under a parent, a page at a time on request."""
from models import Organization, db, fold


def test_organizations_whole_searched_under_a_parent_and_paged(api, demo):
    client = api("chuyenvien")
    whole = client.get("/api/v1/organizations").get_json()
    every = db.session.query(Organization).order_by(Organization.id).all()
    assert [o["id"] for o in whole["items"]] == [o.id for o in every] and whole["total"] == len(every)
    assert set(whole["items"][0]) == {"id", "name", "short_name", "abbreviation", "kind", "parent_id",
                                      "issues_documents"}
    mttq = demo["organizations"]["binhlu_mttq"]
    words = fold(mttq.name).split()[-3:]  # typed without diacritics
    found = client.get("/api/v1/organizations", query_string={"q": " ".join(words).upper()}).get_json()
    assert mttq.id in [o["id"] for o in found["items"]]
    assert all(all(w in fold(f"{o['name']} {o['short_name']}") for w in words) for o in found["items"])
    parent = next(o.parent_id for o in every if o.parent_id)
    under = client.get(f"/api/v1/organizations?parent_id={parent}").get_json()
    assert {o["id"] for o in under["items"]} == {o.id for o in every if o.parent_id == parent} != set()
    pages = [client.get(f"/api/v1/organizations?per_page=3&page={n}").get_json() for n in range(1, 100)]
    pages = pages[:next(i for i, p in enumerate(pages) if not p["items"]) + 1]
    assert [o["id"] for p in pages for o in p["items"]] == [o.id for o in every]
    assert {(p["total"], p["per_page"]) for p in pages} == {(len(every), 3)}


def test_bad_directory_arguments_are_refused(api):
    for url in ("/api/v1/organizations?parent_id=abc", "/api/v1/organizations?per_page=x",
                "/api/v1/organizations?page=1&per_page=-"):
        r = api("chuyenvien").get(url)
        assert r.status_code == 422 and r.get_json()["error"], url
    assert api("chuyenvien").get("/api/v1/organizations?q=%27%3B%20DROP%20TABLE").get_json()["items"] == []
