"""Jobs go through Redis to a real `rq worker` process, which e-mails the notification.

CI has Redis at 127.0.0.1:6379 (or REDIS_URL): without it this test fails with a
clear message rather than skipping.
"""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Notification
from tests.factories import make_draft
from workflow import services

from .conftest import notes

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_queue(app):
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue
    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        connection.ping()
    except RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start redis-server "
                    "(CI runs this test against a real Redis)")
    name = f"test-followup-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS_URL, RQ_QUEUE=name)
    queue = Queue(name, connection=connection)
    yield queue
    queue.delete(delete_jobs=True)
    app.config["REDIS_URL"] = None


def test_email_job_runs_on_a_real_rq_worker(app, session, commune, mail_config, redis_queue):
    p = commune["people"]
    p["head"].email = "truongphong@example.test"
    doc = make_draft(session, p["drafter"], commune["recipients"], title="Kế hoạch qua hàng đợi")
    services.submit(session, doc, p["drafter"])
    [note] = notes(session, p["head"])
    note_id, doc_id = note.id, doc.id
    session.commit()
    session.close()  # hold no lock on a SQLite file while the worker writes
    assert redis_queue.count == 1 and mail_config.messages == []  # queued, not run here
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], APP_ENV="development",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail_config.port), BASE_URL="https://vanban.example.test",
               REDIS_URL="")
    rq = Path(sys.executable).with_name("rq")
    worker = subprocess.run([str(rq), "worker", "--burst", "--url", REDIS_URL, redis_queue.name],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert redis_queue.count == 0
    assert len(redis_queue.failed_job_registry) == 0, worker.stderr[-2000:]
    [message] = mail_config.messages
    assert "Kế hoạch qua hàng đợi" in message["Subject"]
    assert f"https://vanban.example.test/documents/{doc_id}" in message.get_content()
    assert session.scalars(select(Notification).where(Notification.id == note_id)).one().emailed_at is not None
