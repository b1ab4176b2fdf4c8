"""Users of the system and their API tokens."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Base, utcnow
from .organization import Organization

POSITIONS = ["Chủ tịch", "Phó Chủ tịch", "Chánh Văn phòng", "Phó Chánh Văn phòng",
             "Trưởng phòng", "Phó Trưởng phòng", "Trưởng ban", "Chuyên viên", "Văn thư",
             "Cán bộ"]
ROLES = {
    "drafter": "Soạn thảo",
    "reviewer": "Thẩm định",
    "format_checker": "Kiểm tra thể thức",
    "signer": "Ký ban hành",
    "clerk": "Văn thư",
    "recipient": "Tiếp nhận",
    "admin": "Quản trị",
}


class User(Base):
    """A person with an account, belonging to one organization with a position.

    Roles say what kinds of work the user may be given (`signer`, `clerk`);
    who acts on a given document is decided by its approval chain.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    position: Mapped[str] = mapped_column(String(80), default="Chuyên viên")
    roles: Mapped[list] = mapped_column(JSON, default=list)
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Login lockout, kept in the database so every app process sees it
    # (see workflow.services.accounts).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[Optional[datetime]]

    organization: Mapped[Organization] = relationship(lazy="joined")

    # Flask-Login protocol, kept here so models need no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password`."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, role: str) -> bool:
        """True when the user holds `role` (admins hold every role)."""
        return role in (self.roles or []) or "admin" in (self.roles or [])

    @property
    def is_admin(self) -> bool:
        return "admin" in (self.roles or [])

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def hash(token: str) -> str:
        """The stored form of a token."""
        return hashlib.sha256(token.encode()).hexdigest()
