"""The document anchors its history chain, so `flask verify` also sees the last
rows deleted (or replaced) with raw SQL, which the chain alone cannot show."""
import pytest
from sqlalchemy import func, select, text

from models import Distribution, Document, HistoryEntry, User
from tests.factories import make_commune, make_draft, run_chain
from workflow import services
from workflow.history import verify


@pytest.fixture
def issued(session):
    commune = make_commune(session)
    doc = run_chain(session, make_draft(session, commune["people"]["drafter"], commune["recipients"]))
    session.commit()
    return doc


def _last_seq(session, doc_id):
    return session.scalar(select(func.max(HistoryEntry.seq)).where(HistoryEntry.document_id == doc_id))


def _acknowledge_one(session, document):
    """A recipient unit acknowledges: one more history row, no state change."""
    dist = session.scalars(select(Distribution).where(Distribution.document_id == document.id)).first()
    user = session.scalars(select(User).where(User.organization_id == dist.organization_id)).first()
    services.acknowledge(session, dist, user)
    session.commit()


def test_anchor_follows_every_row(session, issued):
    session.expire_all()
    assert issued.history_head_seq == _last_seq(session, issued.id) == 6
    last = session.scalar(select(HistoryEntry).where(HistoryEntry.document_id == issued.id,
                                                     HistoryEntry.seq == 6))
    assert issued.history_head_hash == last.hash


def test_anchor_does_not_bump_the_row_version(session, issued):
    version = issued.version
    _acknowledge_one(session, issued)
    session.expire_all()
    assert issued.history_head_seq == 7 and issued.version == version


def test_verify_reports_the_deleted_last_row(runner, session, issued):
    assert runner.invoke(args=["verify"]).output.strip() == "history intact"
    session.execute(text("DELETE FROM history_entry WHERE document_id = :d AND seq = 6"), {"d": issued.id})
    session.commit()
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1
    assert f"document {issued.id}: history rows 6..6 at the end are missing (deleted)" in result.output


def test_verify_reports_all_rows_deleted(runner, session, issued):
    session.execute(text("DELETE FROM history_entry WHERE document_id = :d"), {"d": issued.id})
    session.commit()
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1 and "rows 1..6 at the end are missing" in result.output


def test_a_row_written_after_the_deletion_keeps_the_gap_visible(session, issued):
    session.execute(text("DELETE FROM history_entry WHERE document_id = :d AND seq = 6"), {"d": issued.id})
    session.commit()
    session.expire_all()
    _acknowledge_one(session, issued)
    problems = verify(session, issued.id)
    assert problems and "rows 6..6 are missing" in problems[0]


def test_verify_reports_a_replaced_last_row(session, issued):
    """A forged last row, correctly chained and sealed, still differs from the anchor."""
    last = session.scalar(select(HistoryEntry).where(HistoryEntry.document_id == issued.id,
                                                     HistoryEntry.seq == 6))
    forged = HistoryEntry(**{c.key: getattr(last, c.key) for c in HistoryEntry.__table__.columns
                             if c.key not in ("id", "hash")})
    forged.comment = "ghi đè"
    forged.seal()
    values = {c.key: getattr(forged, c.key) for c in HistoryEntry.__table__.columns if c.key != "id"}
    session.execute(text("DELETE FROM history_entry WHERE id = :i"), {"i": last.id})
    session.execute(HistoryEntry.__table__.insert().values(**values))
    session.commit()
    problems = verify(session)
    assert problems == [f"document {issued.id}: history row 6 is not the row the document anchored (replaced)"]


def test_rows_added_past_the_anchor_are_reported(session, issued):
    session.execute(Document.__table__.update().where(Document.__table__.c.id == issued.id)
                    .values(history_head_seq=5))
    session.commit()
    assert "rows 6..6 are not anchored" in verify(session, issued.id)[0]


def test_a_row_appended_since_the_document_was_loaded_is_chained_to(app, session, issued):
    """The anchor is taken from the loaded document; when another transaction appended
    meanwhile, the compare-and-set misses, the anchor is read afresh and the new row
    follows the other one (no fork, no 409)."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.attributes import set_committed_value

    from models import db
    first, second = session.execute(select(Distribution.id, Distribution.organization_id)
                                    .where(Distribution.document_id == issued.id)
                                    .order_by(Distribution.id)).all()[:2]
    readers = {d: session.scalars(select(User.id).where(User.organization_id == org)).first()
               for d, org in (first, second)}
    loaded = (issued.history_head_seq, issued.history_head_hash)
    session.commit()
    with Session(db.engine) as other:
        services.acknowledge(other, other.get(Distribution, first[0]), other.get(User, readers[first[0]]))
        other.commit()
    set_committed_value(issued, "history_head_seq", loaded[0])  # as loaded before the other append
    set_committed_value(issued, "history_head_hash", loaded[1])
    entry = services.acknowledge(session, session.get(Distribution, second[0]),
                                 session.get(User, readers[second[0]]))
    session.commit()
    assert entry.status == "acknowledged"
    session.expire_all()
    assert issued.history_head_seq == _last_seq(session, issued.id) == 8
    assert verify(session, issued.id) == []
