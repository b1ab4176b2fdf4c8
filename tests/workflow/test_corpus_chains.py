"""A full chain on each corpus document's recipients, with the demo bodies and people.

The recipients, deadlines and signer of each `corpus/*.expected.json` are
mapped onto the demo directory; the plan is carried from draft to reported and
its symbol and signature block must be the ones the real document shows.
"""
import json

import pytest
from sqlalchemy import select

from models import Distribution, User
from tests.conftest import CORPUS_DIR
from workflow import services

CASES = {
    "000": {"drafter": "chuyenvien", "reviewers": ["truongphong", "vanphong"], "signer": "phochutich",
            "clerk": "vanthu", "symbol": "KH-UBND"},
    "002": {"drafter": "kp_chuyenvien", "reviewers": ["kp_photruongban"], "signer": "kp_truongban",
            "clerk": "kp_vanthu", "symbol": "KH-BCĐ"},
    "004": {"drafter": "sl_chuyenvien", "reviewers": ["sl_truongphong"], "signer": "sl_chanhvanphong",
            "clerk": "sl_vanthu", "symbol": "KH-VPUB"},
}


def _lookup(demo, name):
    for group in demo["groups"].values():
        if name == group.name or name in (group.aliases or []):
            return {"group_id": group.id}
    for org in demo["organizations"].values():
        if name in (org.name, org.short_name) or name in (org.aliases or []):
            return {"organization_id": org.id}
    raise AssertionError(f"demo directory has no unit for {name!r}")


@pytest.mark.parametrize("number", sorted(CASES))
def test_corpus_plan_goes_from_draft_to_reported(session, demo, number):
    expected = json.loads((CORPUS_DIR / f"{number}.expected.json").read_text(encoding="utf-8"))
    case, users = CASES[number], demo["users"]
    recipients = [dict(_lookup(demo, r["name"]), purpose=r["purpose"] or "t/h")
                  for r in expected["recipients"]]
    deadlines = expected["report_deadlines"] or [{"period": "năm", "due": "2099-12-31"}]
    data = services.parse_draft_input({
        "doc_type": expected["doc_type"], "title": expected["title"], "sections": [],
        "recipients": recipients, "report_deadlines": deadlines})
    doc = services.create_draft(session, users[case["drafter"]], data)
    services.submit(session, doc, users[case["drafter"]])
    for reviewer in case["reviewers"]:
        services.approve(session, doc, users[reviewer])
    services.sign(session, doc, users[case["signer"]])
    assert doc.signer_authority == expected["signer"]["authority"]
    assert doc.signer_position == expected["signer"]["position"]
    services.issue_document(session, doc, users[case["clerk"]])
    assert doc.symbol == (expected["symbol"] or case["symbol"]) == case["symbol"]
    assert doc.number_symbol == f"01/{case['symbol']}"
    dists = session.scalars(select(Distribution).where(Distribution.document_id == doc.id)).all()
    assert len(dists) >= len(expected["recipients"])
    members = {}
    for dist in dists:
        members[dist.id] = session.scalars(select(User).where(User.organization_id == dist.organization_id)).first()
        services.acknowledge(session, dist, members[dist.id])
    # A multi-year plan ("giai đoạn 2022 - 2026") renews its yearly report when
    # one is filed: keep filing until every period of the series is in.
    for _round in range(10):
        if doc.state == "reported":
            break
        for dist in dists:
            session.refresh(dist)
            if any(d.filed_at is None for d in dist.duties):
                services.file_report(session, dist, members[dist.id], "Báo cáo kết quả thực hiện.")
    assert all(d.status == "acknowledged" for d in dists)
    assert doc.state == "reported"
