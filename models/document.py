"""The document aggregate: the document, its revisions, planned recipients and chain."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from unidecode import unidecode

from .base import Base, utcnow
from .organization import Organization, RecipientGroup
from .user import User

DOC_TYPES = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế",
    "QyĐ": "Quy định", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình",
    "KH": "Kế hoạch", "PA": "Phương án", "ĐA": "Đề án", "BC": "Báo cáo",
    "BB": "Biên bản", "TTr": "Tờ trình", "CĐ": "Công điện", "GM": "Giấy mời",
    "CV": "Công văn",
}
PURPOSES = {"b/c": "Báo cáo", "t/h": "Thực hiện", "để biết": "Để biết"}


def fold(text: str) -> str:
    """Lower-case text without diacritics, for searching ("Bình Lư" → "binh lu")."""
    return unidecode(text or "").lower()


class Document(Base):
    """An administrative document carried through a workflow definition.

    `state` is changed only by `workflow.services`; `version` is the row
    version that makes two concurrent changes fail for one of them.
    """

    __tablename__ = "document"
    __table_args__ = (
        # what the worklist reads of a document waiting at a step, from the index alone
        Index("ix_document_current_step_id", "current_step_id", "state", "chain_round", "updated_at", "id"),
        Index("ix_document_author_id_state", "author_id", "state"),
        Index("ix_document_drafting_unit_id_id", "drafting_unit_id", "id"),
        # the documents list, newest first: walked until a page of visible ones is found
        Index("ix_document_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(80))
    doc_type: Mapped[str] = mapped_column(String(10))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    drafting_unit_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    sections: Mapped[list] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(80), default="")
    signer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    signer_authority: Mapped[list] = mapped_column(JSON, default=list)
    signer_position: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    archive: Mapped[list] = mapped_column(JSON, default=list)
    number: Mapped[Optional[int]]
    symbol: Mapped[str] = mapped_column(String(40), default="")
    year: Mapped[Optional[int]]
    issue_date: Mapped[Optional[date]] = mapped_column(Date)
    issued_at: Mapped[Optional[datetime]]
    state: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    chain_round: Mapped[int] = mapped_column(default=0)
    current_step_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("approval_step.id", use_alter=True, ondelete="SET NULL"))
    search_text: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # The anchor of the hash-chained history: seq and hash of its last row,
    # written with that row (workflow.history.record), so that deleting the
    # last rows is detected by `flask verify`.
    history_head_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    history_head_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")

    __mapper_args__ = {"version_id_col": version}

    issuer: Mapped[Organization] = relationship(foreign_keys=[issuer_id])
    drafting_unit: Mapped[Organization] = relationship(foreign_keys=[drafting_unit_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    signer: Mapped[Optional[User]] = relationship(foreign_keys=[signer_id])
    recipients: Mapped[list["DocumentRecipient"]] = relationship(
        back_populates="document", order_by="DocumentRecipient.position",
        cascade="all, delete-orphan")
    steps: Mapped[list["ApprovalStep"]] = relationship(
        back_populates="document", foreign_keys="ApprovalStep.document_id",
        order_by="(ApprovalStep.round, ApprovalStep.position)", cascade="all, delete-orphan")
    current_step: Mapped[Optional["ApprovalStep"]] = relationship(
        foreign_keys=[current_step_id], post_update=True)
    revisions: Mapped[list["DocumentRevision"]] = relationship(
        back_populates="document", order_by="DocumentRevision.number",
        cascade="all, delete-orphan")

    @property
    def type_name(self) -> str:
        """The Vietnamese name of the type ("Kế hoạch")."""
        return DOC_TYPES.get(self.doc_type, self.doc_type)

    @property
    def number_symbol(self) -> str:
        """"05/KH-UBND" once issued, "/KH-UBND" before."""
        if self.number is None:
            return f"/{self.symbol}" if self.symbol else ""
        return f"{self.number:02d}/{self.symbol}"

    def chain(self) -> list["ApprovalStep"]:
        """The steps of the current round, in order."""
        return [s for s in self.steps if s.round == self.chain_round]

    def refresh_search_text(self) -> None:
        """Recompute the folded text the search box matches against."""
        parts = [self.title, self.number_symbol, self.type_name]
        self.search_text = fold(" ".join(p for p in parts if p))


class DocumentRecipient(Base):
    """A line of Nơi nhận as drafted: an organization or a group, with a purpose."""

    __tablename__ = "document_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"))
    group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("recipient_group.id"))
    purpose: Mapped[Optional[str]] = mapped_column(String(20))

    document: Mapped[Document] = relationship(back_populates="recipients")
    organization: Mapped[Optional[Organization]] = relationship()
    group: Mapped[Optional[RecipientGroup]] = relationship()

    @property
    def name(self) -> str:
        """The name printed in Nơi nhận."""
        if self.group is not None:
            return self.group.name
        return self.organization.name if self.organization else ""


class DocumentRevision(Base):
    """One saved edit of a draft; revisions are never changed once written."""

    __tablename__ = "document_revision"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    sections: Mapped[list] = mapped_column(JSON, default=list)
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="revisions")
    author: Mapped[User] = relationship()


class ApprovalStep(Base):
    """A step of a document's approval chain in one round.

    A return to the drafter starts a new round; earlier rounds are kept.
    `decision` is `pending` until the assignee (or a delegate, `decided_by`) acts.
    """

    __tablename__ = "approval_step"
    __table_args__ = (
        Index("ix_approval_step_pending_assignee_id", "assignee_id", "id", "kind",
              postgresql_where=text("decision = 'pending'"), sqlite_where=text("decision = 'pending'")),
        Index("ix_approval_step_assignee_id_document_id", "assignee_id", "document_id"),
        Index("ix_approval_step_decided_by_id_document_id", "decided_by_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[Optional[datetime]]

    document: Mapped[Document] = relationship(back_populates="steps", foreign_keys=[document_id])
    assignee: Mapped[Optional[User]] = relationship(foreign_keys=[assignee_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])

    @property
    def status(self) -> str:
        """`done`, `current`, `returned` or `waiting`, for progress displays."""
        if self.decision in ("approved", "signed", "issued"):
            return "done"
        if self.decision == "returned":
            return "returned"
        if self.document.current_step_id == self.id:
            return "current"
        return "waiting"
