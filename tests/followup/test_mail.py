"""E-mail copies of notifications, delivered to a real SMTP server the test starts."""
from sqlalchemy import select

from models import Notification
from tests.factories import make_draft
from workflow import jobs, services
from workflow.mail import MailSettings, compose

from .conftest import notes


def _submit(session, commune):
    p = commune["people"]
    p["head"].email = "truongphong@example.test"
    doc = make_draft(session, p["drafter"], commune["recipients"], title="Kế hoạch tiêm chủng mở rộng")
    services.submit(session, doc, p["drafter"])
    return doc


def test_notification_is_emailed_after_the_commit(session, commune, mail_config):
    doc = _submit(session, commune)
    [note] = notes(session, commune["people"]["head"])
    assert mail_config.messages == []  # nothing leaves before the transaction commits
    note_id = note.id
    session.commit()
    [message] = mail_config.messages
    assert message["To"].addresses[0].addr_spec == "truongphong@example.test"
    assert "[Trình văn bản]" in message["Subject"] and "Kế hoạch tiêm chủng mở rộng" in message["Subject"]
    text = message.get_content()
    assert f"https://vanban.example.test/documents/{doc.id}" in text
    assert "Trưởng phòng thẩm định nội dung" in text  # the step whose turn it is
    session.expire_all()
    assert session.get(Notification, note_id).emailed_at is not None


def test_no_address_or_no_server_means_no_email(session, commune, mail_config, app):
    p = commune["people"]
    doc = make_draft(session, p["drafter"], commune["recipients"])
    services.submit(session, doc, p["drafter"])  # the head has no address
    session.commit()
    assert mail_config.messages == []
    app.config["MAIL_SERVER"] = None
    p["office"].email = "vp@example.test"
    services.approve(session, doc, p["head"])
    assert session.info.get(jobs.PENDING) is None
    session.commit()
    assert mail_config.messages == []
    assert all(n.emailed_at is None for n in notes(session))


def test_a_rolled_back_action_sends_nothing(session, commune, mail_config):
    _submit(session, commune)
    session.rollback()
    assert mail_config.messages == [] and session.info.get(jobs.PENDING) is None


def test_smtp_down_keeps_the_action_and_the_notification(session, commune, mail_config, app):
    from .conftest import free_port
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    _submit(session, commune)
    session.commit()
    session.expire_all()
    note = session.scalars(select(Notification).where(Notification.kind == "submitted")).one()
    assert note.emailed_at is None and mail_config.messages == []


def test_message_without_document():
    settings = MailSettings(server="x", base_url="https://x.test")

    class U:
        full_name, email = "Nguyễn Văn A", "a@example.test"

    class N:
        kind, message, url, document, user = "delegated", "Ủy quyền cho anh", "/", None, U()
    message = compose(N(), settings)
    assert message["Subject"] == "[Ủy quyền]" and "https://x.test/" in message.get_content()
