"""Numbers stay unique and gap-free, and only one of two racing approvals wins.

These run real threads, each with its own connection, against the test
database (PostgreSQL in CI's second run, a SQLite file in the first).
"""
import threading

import pytest
from sqlalchemy import func, select

from models import Document, HistoryEntry, db
from tests.conftest import USE_PG
from tests.factories import make_commune, make_draft, run_chain
from workflow import queries, services

ISSUES = 50 if USE_PG else 20


def _in_threads(app, count, work):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = work(i)
                db.session.commit()
            except Exception as exc:  # collected and asserted on below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_parallel_issues_get_unique_gap_free_numbers(app, session):
    commune = make_commune(session)
    p = commune["people"]
    ids = []
    for i in range(ISSUES):
        doc = make_draft(session, p["drafter"], commune["recipients"], title=f"Kế hoạch {i}")
        run_chain(session, doc, until="signed")
        ids.append(doc.id)
    clerk_id = p["clerk"].id
    session.commit()
    session.remove()

    def issue(i):
        doc = db.session.get(Document, ids[i])
        clerk = db.session.get(type(p["clerk"]), clerk_id)
        services.issue_document(db.session, doc, clerk)
        return doc.number

    numbers, errors = _in_threads(app, ISSUES, issue)
    assert errors == []
    assert sorted(numbers) == list(range(1, ISSUES + 1))
    stored = db.session.scalars(select(Document.number).where(Document.id.in_(ids))).all()
    assert sorted(stored) == list(range(1, ISSUES + 1))


@pytest.mark.parametrize("round_", range(5))
def test_double_approval_one_wins_other_gets_409(app, session, round_):
    commune = make_commune(session)
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])
    head = p["head"]
    head.set_password("pw")
    session.commit()
    doc_id, version = doc.id, doc.version
    token = app.test_client().post("/api/v1/tokens", json={"username": head.username, "password": "pw"}).get_json()["token"]
    session.remove()

    def approve(_):
        client = app.test_client()
        return client.post(f"/api/v1/documents/{doc_id}/transitions",
                           json={"trigger": "approve", "version": version},
                           headers={"Authorization": f"Bearer {token}"})

    responses, errors = _in_threads(app, 2, approve)
    assert errors == []
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], [r.get_json() for r in responses]
    loser = next(r for r in responses if r.status_code == 409).get_json()
    assert loser["error"] == "conflict" and "người khác" in loser["message"]
    doc = db.session.get(Document, doc_id)
    assert [s.decision for s in doc.chain()][:2] == ["approved", "pending"]
    approvals = db.session.scalars(select(HistoryEntry).where(
        HistoryEntry.document_id == doc_id, HistoryEntry.trigger == "approve")).all()
    assert len(approvals) == 1


def test_an_acknowledgement_from_a_stale_copy_gets_409_and_writes_nothing(app, session):
    """Two users of one unit open the same copy; the second to act holds the old row
    version, so the compare-and-set refuses it (409) and no history row is added."""
    from sqlalchemy.orm import Session

    from models import Distribution, User
    from workflow.errors import Conflict
    commune = make_commune(session)
    p = commune["people"]
    doc = run_chain(session, make_draft(session, p["drafter"], commune["recipients"][:1]))
    dist_id, org_id = session.scalars(select(Distribution.id).where(Distribution.document_id == doc.id)).one(), \
        commune["recipients"][0].id
    reader = next(u for k, u in p.items() if k.startswith("recipient_") and u.organization_id == org_id)
    colleague = User(username="dong_nghiep", full_name="Đồng nghiệp", organization_id=org_id,
                     position="Cán bộ", roles=["recipient"])
    session.add(colleague)
    session.commit()
    ids, doc_id = (reader.id, colleague.id), doc.id
    session.remove()
    stale = Session(db.engine, expire_on_commit=False)
    late_dist = queries.get_distribution(stale, dist_id)
    late_user = stale.get(User, ids[1])
    stale.commit()  # the copy, version 1, is kept as it was read
    with Session(db.engine) as first:
        services.acknowledge(first, queries.get_distribution(first, dist_id), first.get(User, ids[0]))
        first.commit()
    with pytest.raises(Conflict) as raised:
        services.acknowledge(stale, late_dist, late_user)
    stale.rollback()
    stale.close()
    assert raised.value.code == "conflict"
    rows = db.session.scalars(select(HistoryEntry).where(HistoryEntry.document_id == doc_id,
                                                         HistoryEntry.trigger == "acknowledge")).all()
    assert [r.actor_id for r in rows] == [ids[0]]
    dist = db.session.get(Distribution, dist_id)
    assert (dist.status, dist.acknowledged_by_id, dist.version) == ("acknowledged", ids[0], 2)


def test_concurrent_acknowledgements_of_one_document_all_land_on_one_chain(app, session):
    """Every recipient acknowledges at once (their history rows race for the document's
    anchor) while two users of one unit race for the same copy: every copy is acknowledged
    once, the counter adds up, and the chain verifies (on PostgreSQL each is one statement,
    hashed in SQL, re-chained when another won the anchor)."""
    from models import Distribution, Organization, User
    from workflow import progress
    from workflow.errors import Conflict
    from workflow.history import verify
    commune = make_commune(session)
    p = commune["people"]
    units = commune["recipients"] + [Organization(name=f"Thôn \"Nà\" \\ số {i}", kind="village",
                                                  parent=commune["ubnd"]) for i in range(4, 13)]
    session.add_all(units[3:])
    session.flush()
    readers = [User(username=f"doc_{u.id}", full_name="Cán bộ", organization_id=u.id, position="Cán bộ",
                    roles=["recipient"]) for u in units]
    twin = User(username="doc_twin", full_name="Cán bộ 2", organization_id=units[0].id, position="Cán bộ",
                roles=["recipient"])
    session.add_all(readers + [twin])
    doc = run_chain(session, make_draft(session, p["drafter"], units))
    session.commit()
    copies = dict(session.execute(select(Distribution.organization_id, Distribution.id)
                                  .where(Distribution.document_id == doc.id)).all())
    work = [(copies[r.organization_id], r.id) for r in readers] + [(copies[units[0].id], twin.id)]
    doc_id = doc.id
    session.remove()

    def ack(i):
        dist_id, user_id = work[i]
        return services.acknowledge_copy(db.session, dist_id, db.session.get(User, user_id))
    results, errors = _in_threads(app, len(work), ack)
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert sum(r is not None for r in results) == len(units)
    assert db.session.scalar(select(func.count()).select_from(Distribution).where(
        Distribution.document_id == doc_id, Distribution.status == "acknowledged")) == len(units)
    acks = db.session.scalars(select(HistoryEntry.distribution_id).where(
        HistoryEntry.document_id == doc_id, HistoryEntry.trigger == "acknowledge")).all()
    assert sorted(acks) == sorted(copies.values())
    assert progress.stored(db.session, doc_id)["acknowledged"] == len(units)
    assert verify(db.session, doc_id) == []
