"""History is append-only and hash-chained; `flask verify` finds tampering."""
import pytest
from sqlalchemy import text

from models import HistoryEntry
from tests.factories import make_commune, make_draft, run_chain


@pytest.fixture
def issued(session):
    commune = make_commune(session)
    doc = run_chain(session, make_draft(session, commune["people"]["drafter"], commune["recipients"]))
    session.commit()
    return doc


def test_every_state_change_has_a_history_row(session, issued):
    rows = session.query(HistoryEntry).filter_by(document_id=issued.id).order_by(HistoryEntry.seq).all()
    assert [(r.trigger, r.from_state, r.to_state) for r in rows] == [
        ("create", "", "draft"), ("submit", "draft", "in_review"), ("approve", "in_review", "in_review"),
        ("approve", "in_review", "reviewed"), ("sign", "reviewed", "signed"),
        ("issue", "signed", "distributed")]


def test_orm_refuses_to_change_history(session, issued):
    row = session.query(HistoryEntry).filter_by(document_id=issued.id).first()
    row.comment = "sửa"
    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()
    session.rollback()


@pytest.mark.parametrize("tamper, expected", [
    ("UPDATE history_entry SET comment = 'đã sửa' WHERE seq = 3", "edited"),
    ("DELETE FROM history_entry WHERE seq = 2", "missing"),
])
def test_verify_reports_raw_sql_tampering(runner, session, issued, tamper, expected):
    assert runner.invoke(args=["verify"]).output.strip() == "history intact"
    session.execute(text(tamper))
    session.commit()
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1
    assert expected in result.output and f"document {issued.id}" in result.output


def test_rows_written_without_an_instance_hash_as_sealed_ones(session, issued):
    """`history.append` hashes a row's values (`chain_hash`) without building a
    `HistoryEntry`: every stored row, an acknowledgement's too, hashes the same both ways."""
    from models import Distribution, User
    from models.history import chain_hash
    from workflow import services
    from workflow.history import verify
    dist = session.query(Distribution).filter_by(document_id=issued.id).first()
    services.acknowledge_copy(session, dist.id, session.query(User).filter_by(
        organization_id=dist.organization_id).first())
    session.commit()
    rows = session.query(HistoryEntry).filter_by(document_id=issued.id).order_by(HistoryEntry.seq).all()
    assert rows[-1].trigger == "acknowledge" and verify(session, issued.id) == []
    for row in rows:
        values = {c.key: getattr(row, c.key) for c in HistoryEntry.__table__.columns}
        copy = HistoryEntry(**values)
        copy.seal()
        assert chain_hash(values) == copy.hash == row.hash


def test_payload_pieces_put_back_together_are_the_payload():
    """What the one-statement acknowledgement hashes in SQL: the pieces around the values it
    reads itself, joined with those values' JSON, are `chain_payload` exactly."""
    import json
    from datetime import datetime
    from models.history import CHAIN_SLOTS, chain_payload, chain_payload_pieces
    row = {"document_id": 7, "seq": 12, "actor_id": 3, "on_behalf_of_id": None, "trigger": "acknowledge",
           "from_state": "distributed", "to_state": "distributed", "comment": 'Thôn "Nà" \\ số 4\n',
           "distribution_id": 99, "created_at": datetime(2030, 6, 1, 3, 0, 0, 123), "prev_hash": "ab" * 32}
    pieces = chain_payload_pieces({k: v for k, v in row.items() if k not in CHAIN_SLOTS})
    values = [json.dumps(row[k]) for k in CHAIN_SLOTS]
    joined = pieces[0] + "".join(v + p for v, p in zip(values, pieces[1:]))
    assert joined == chain_payload(row)
