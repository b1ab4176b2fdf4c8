"""E-mail copies of notifications, over SMTP when `MAIL_SERVER` is configured.

Settings: MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER, MAIL_TIMEOUT, and BASE_URL
for the link back to the application.
"""
from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import Notification

from . import clock

KIND_LABELS = {
    "submitted": "Trình văn bản", "approved": "Văn bản được duyệt", "returned": "Trả lại văn bản",
    "signed": "Văn bản đã ký", "issued": "Văn bản đã phát hành", "arrived": "Văn bản đến",
    "refused": "Từ chối tiếp nhận", "report_filed": "Báo cáo đã gửi", "reported": "Đã nhận đủ báo cáo",
    "due_soon": "Sắp đến hạn báo cáo", "overdue": "Quá hạn báo cáo", "escalation": "Đôn đốc báo cáo",
    "delegated": "Ủy quyền",
}


@dataclass(frozen=True)
class MailSettings:
    """How to reach the SMTP server, read from the application's settings."""

    server: str | None = None
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "vanban@localhost"
    base_url: str = ""
    timeout: float = 10.0

    @classmethod
    def from_mapping(cls, config: Mapping) -> "MailSettings":
        return cls(server=config.get("MAIL_SERVER") or None, port=int(config.get("MAIL_PORT") or 25),
                   use_tls=bool(config.get("MAIL_USE_TLS")), use_ssl=bool(config.get("MAIL_USE_SSL")),
                   username=config.get("MAIL_USERNAME") or None,
                   password=config.get("MAIL_PASSWORD") or None,
                   sender=config.get("MAIL_DEFAULT_SENDER") or "vanban@localhost",
                   base_url=(config.get("BASE_URL") or "").rstrip("/"),
                   timeout=float(config.get("MAIL_TIMEOUT") or 10))

    @property
    def enabled(self) -> bool:
        return bool(self.server)


def compose(notification: Notification, settings: MailSettings) -> EmailMessage:
    """The e-mail for one notification: the action and the title in the subject,
    the message and a link to the page in the body."""
    action = KIND_LABELS.get(notification.kind, "Thông báo")
    document = notification.document
    title = document.title if document is not None else ""
    reference = document.number_symbol if document is not None and document.number else ""
    subject = " ".join(p for p in (f"[{action}]", reference, title) if p)
    link = f"{settings.base_url}{notification.url}" if notification.url else settings.base_url
    message = EmailMessage()
    message["Subject"] = subject[:250]
    message["From"] = settings.sender
    message["To"] = formataddr((notification.user.full_name, notification.user.email))
    message["Message-ID"] = make_msgid(domain="vanban.local")
    lines = [f"Kính gửi {notification.user.full_name},", "", notification.message, ""]
    if title:
        lines.append(f"Văn bản: {title}")
    lines += [f"Thao tác: {action}", f"Xem chi tiết: {link}", "",
              "Thư này được gửi tự động từ hệ thống quản lý văn bản."]
    message.set_content("\n".join(lines), charset="utf-8")
    return message


def send(message: EmailMessage, settings: MailSettings) -> None:
    """Deliver `message` through the configured SMTP server; raises `smtplib.SMTPException`
    or `OSError` when the server refuses or cannot be reached."""
    factory = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    with factory(settings.server, settings.port, timeout=settings.timeout) as smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def deliver_notification(session: Session, config: Mapping, notification_id: int) -> bool:
    """Job: e-mail one notification to its user and stamp `emailed_at`.

    Does nothing (answers False) when SMTP is not configured, the user has no
    address, or the notification was already e-mailed; SMTP errors propagate
    so that the job is marked failed.
    """
    settings = MailSettings.from_mapping(config)
    notification = session.scalars(
        select(Notification).where(Notification.id == notification_id)
        .options(joinedload(Notification.user), joinedload(Notification.document))).first()
    if notification is None or notification.emailed_at is not None or not settings.enabled \
            or not (notification.user.email or "").strip():
        return False
    send(compose(notification, settings), settings)
    notification.emailed_at = clock.now()
    session.flush()
    return True
