"""Inputs that once reached the database and failed there (found by schemathesis)
now get 4xx answers: huge ids in URLs and bodies, NUL characters."""
import pytest

HUGE = 58931786046032707584  # beyond 64 bits


@pytest.mark.parametrize("method, url", [
    ("get", f"/api/v1/documents/{HUGE}"),
    ("get", f"/api/v1/documents/{2**31}/docx"),
    ("post", f"/api/v1/distributions/{HUGE}/refuse"),
    ("post", f"/api/v1/distributions/{HUGE}/acknowledge"),
])
def test_ids_beyond_the_database_range_are_not_found(api, method, url):
    response = getattr(api("vanthu"), method)(url, json={"reason": "x"})
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_largest_database_id_is_still_routed(api):
    response = api("vanthu").get(f"/api/v1/documents/{2**31 - 1}")
    assert response.status_code == 404 and "văn bản" in response.get_json()["message"]


def test_huge_numbers_in_a_body_are_a_validation_error(api, demo):
    response = api("chuyenvien").post("/api/v1/documents", json={
        "title": "Kế hoạch", "recipients": [{"organization_id": HUGE, "purpose": "t/h"}]})
    assert response.status_code == 422


def test_nul_characters_are_refused_or_stored_never_a_500(api):
    response = api("chuyenvien").post("/api/v1/documents", json={"title": "Kế hoạch\x00 thử"})
    assert response.status_code in (201, 422)
