"""Organizations (a tree) and recipient groups whose members are organizations."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

group_members = Table(
    "group_member",
    Base.metadata,
    Column("group_id", ForeignKey("recipient_group.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)

ORG_KINDS = {
    "province": "Tỉnh",
    "commune": "Xã, phường",
    "department": "Phòng, ban chuyên môn",
    "office": "Văn phòng",
    "agency": "Cơ quan, sở, ngành",
    "steering_committee": "Ban Chỉ đạo",
    "party": "Tổ chức Đảng",
    "front": "Mặt trận, đoàn thể",
    "village": "Thôn, bản, xóm",
    "unit": "Đơn vị",
}


class Organization(Base):
    """A unit of the administration: a UBND, a department, an office, a village.

    `issues_documents` marks the bodies that sign and number documents in their
    own name (a UBND, a Văn phòng of a province, a Ban Chỉ đạo); each of them
    keeps its own yearly number sequence. `header_lines` is how the body is
    printed in the top-left corner ("ỦY BAN NHÂN DÂN" / "XÃ BÌNH LƯ").
    """

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(120), default="")
    abbreviation: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(30), default="unit")
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"), index=True)
    issues_documents: Mapped[bool] = mapped_column(default=False)
    header_lines: Mapped[list] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(80), default="")
    aliases: Mapped[list] = mapped_column(JSON, default=list)

    parent: Mapped[Optional["Organization"]] = relationship(
        remote_side="Organization.id", back_populates="children")
    children: Mapped[list["Organization"]] = relationship(back_populates="parent")

    def ancestors(self) -> list["Organization"]:
        """This organization and its parents, nearest first."""
        chain, node = [], self
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain

    def issuing_body(self) -> Optional["Organization"]:
        """The nearest organization (itself or a parent) that issues documents."""
        for org in self.ancestors():
            if org.issues_documents:
                return org
        return None

    def is_within(self, other: "Organization") -> bool:
        """True when this organization is `other` or lies below it in the tree."""
        return any(org.id == other.id for org in self.ancestors())

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.short_name or self.name}>"


class RecipientGroup(Base):
    """A named list of organizations used in Nơi nhận ("UBND các xã, phường")."""

    __tablename__ = "recipient_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"))
    aliases: Mapped[list] = mapped_column(JSON, default=list)

    owner: Mapped[Optional[Organization]] = relationship()
    members: Mapped[list[Organization]] = relationship(
        secondary=group_members, order_by="Organization.id")

    def __repr__(self) -> str:
        return f"<RecipientGroup {self.id} {self.name}>"
