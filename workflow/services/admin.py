"""Administration use cases: the directory of organizations and groups, and the users.

Each service takes the session and the acting user, checks that the actor is
an administrator and that the input is sound, changes the data, flushes and
returns; the caller commits. Field errors are raised together as
`ValidationFailed` with `details` keyed by field name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ORG_KINDS, ROLES, Organization, RecipientGroup, User

from ..errors import PermissionDenied, ValidationFailed

MIN_PASSWORD = 8


def require_admin(actor: User) -> None:
    """Raise `PermissionDenied` unless `actor` is an administrator."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied("Chỉ quản trị hệ thống mới được thực hiện thao tác này.")


@dataclass
class OrganizationInput:
    """The editable fields of an organization."""

    name: str
    short_name: str = ""
    abbreviation: str = ""
    kind: str = "unit"
    parent_id: int | None = None
    issues_documents: bool = False
    header_lines: list[str] = field(default_factory=list)
    place: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class GroupInput:
    """The editable fields of a recipient group."""

    name: str
    owner_id: int | None = None
    member_ids: list[int] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass
class UserInput:
    """The editable fields of a user; `password` empty keeps the current one."""

    username: str
    full_name: str
    organization_id: int
    position: str = "Chuyên viên"
    roles: list[str] = field(default_factory=list)
    email: str = ""
    active: bool = True
    password: str = ""


def _clean_lines(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _check_organization(session: Session, data: OrganizationInput,
                        organization: Organization | None) -> Organization | None:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "Bắt buộc nhập."
    if data.kind not in ORG_KINDS:
        errors["kind"] = "Loại đơn vị không hợp lệ."
    parent = None
    if data.parent_id is not None:
        parent = session.get(Organization, data.parent_id)
        if parent is None:
            errors["parent_id"] = "Đơn vị cấp trên không tồn tại."
        elif organization is not None and parent.is_within(organization):
            errors["parent_id"] = "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó."
    if data.issues_documents and not _clean_lines(data.header_lines):
        errors["header_lines"] = "Cơ quan ban hành cần dòng tên in ở góc trái văn bản."
    if data.issues_documents and not data.abbreviation.strip():
        errors["abbreviation"] = "Cơ quan ban hành cần chữ viết tắt (dùng trong ký hiệu)."
    if errors:
        raise ValidationFailed("Thông tin đơn vị chưa hợp lệ.", details=errors)
    return parent


def _apply_organization(org: Organization, data: OrganizationInput, parent: Organization | None) -> None:
    org.name, org.short_name = data.name.strip(), data.short_name.strip() or data.name.strip()
    org.abbreviation, org.kind, org.parent = data.abbreviation.strip(), data.kind, parent
    org.issues_documents = bool(data.issues_documents)
    org.header_lines = _clean_lines(data.header_lines)
    org.place, org.aliases = data.place.strip(), _clean_lines(data.aliases)


def create_organization(session: Session, actor: User, data: OrganizationInput) -> Organization:
    """Add an organization to the directory (administrators only).

    Raises `PermissionDenied`, or `ValidationFailed` naming the wrong fields.
    """
    require_admin(actor)
    parent = _check_organization(session, data, None)
    org = Organization(name=data.name)
    _apply_organization(org, data, parent)
    session.add(org)
    session.flush()
    return org


def update_organization(session: Session, actor: User, org: Organization,
                        data: OrganizationInput) -> Organization:
    """Change an organization (administrators only); it may not become its own descendant."""
    require_admin(actor)
    parent = _check_organization(session, data, org)
    _apply_organization(org, data, parent)
    session.flush()
    return org


def _check_group(session: Session, data: GroupInput) -> tuple[Organization | None, list[Organization]]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "Bắt buộc nhập."
    owner = session.get(Organization, data.owner_id) if data.owner_id is not None else None
    if data.owner_id is not None and owner is None:
        errors["owner_id"] = "Đơn vị quản lý không tồn tại."
    ids = list(dict.fromkeys(data.member_ids))
    members = list(session.scalars(select(Organization).where(Organization.id.in_(ids)))) if ids else []
    if len(members) != len(ids):
        errors["member_ids"] = "Có thành viên không tồn tại."
    elif not members:
        errors["member_ids"] = "Nhóm cần ít nhất một đơn vị."
    if errors:
        raise ValidationFailed("Thông tin nhóm chưa hợp lệ.", details=errors)
    order = {i: n for n, i in enumerate(ids)}
    return owner, sorted(members, key=lambda o: order[o.id])


def create_group(session: Session, actor: User, data: GroupInput) -> RecipientGroup:
    """Add a recipient group ("UBND các xã, phường") with its member units (administrators only)."""
    require_admin(actor)
    owner, members = _check_group(session, data)
    group = RecipientGroup(name=data.name.strip(), owner=owner, members=members,
                           aliases=_clean_lines(data.aliases))
    session.add(group)
    session.flush()
    return group


def update_group(session: Session, actor: User, group: RecipientGroup, data: GroupInput) -> RecipientGroup:
    """Rename a group or change its members (administrators only).

    Documents already issued keep their distributions: a group is expanded
    when a document is issued.
    """
    require_admin(actor)
    owner, members = _check_group(session, data)
    group.name, group.owner, group.members = data.name.strip(), owner, members
    group.aliases = _clean_lines(data.aliases)
    session.flush()
    return group


def _check_user(session: Session, data: UserInput, user: User | None, actor: User) -> Organization:
    errors: dict[str, str] = {}
    username = data.username.strip()
    if not username:
        errors["username"] = "Bắt buộc nhập."
    elif len(username) > 80 or any(c.isspace() for c in username):
        errors["username"] = "Tên đăng nhập không được chứa khoảng trắng (tối đa 80 ký tự)."
    else:
        taken = session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
        if taken is not None and (user is None or taken != user.id):
            errors["username"] = "Tên đăng nhập đã có người dùng."
    if not data.full_name.strip():
        errors["full_name"] = "Bắt buộc nhập."
    org = session.get(Organization, data.organization_id)
    if org is None:
        errors["organization_id"] = "Đơn vị không tồn tại."
    unknown = [r for r in data.roles if r not in ROLES]
    if unknown:
        errors["roles"] = "Vai trò không hợp lệ: " + ", ".join(unknown) + "."
    if user is None and not data.password:
        errors["password"] = "Cần đặt mật khẩu cho tài khoản mới."
    if data.password and len(data.password) < MIN_PASSWORD:
        errors["password"] = f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    if user is not None and user.id == actor.id and ("admin" not in data.roles or not data.active):
        errors["roles"] = "Không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình."
    if errors:
        raise ValidationFailed("Thông tin người dùng chưa hợp lệ.", details=errors)
    return org


def _apply_user(user: User, data: UserInput, org: Organization) -> None:
    user.username, user.full_name = data.username.strip(), data.full_name.strip()
    user.organization, user.position = org, data.position.strip() or "Chuyên viên"
    user.roles = [r for r in ROLES if r in data.roles]
    user.email, user.active = data.email.strip(), bool(data.active)
    if data.password:
        user.set_password(data.password)


def create_user(session: Session, actor: User, data: UserInput) -> User:
    """Create an account in an organization with roles and a password (administrators only).

    Only the password's salted hash is stored.
    """
    require_admin(actor)
    org = _check_user(session, data, None, actor)
    user = User(username=data.username.strip())
    _apply_user(user, data, org)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, actor: User, user: User, data: UserInput) -> User:
    """Change an account: details, roles, active flag, optionally a new password.

    An administrator cannot remove their own admin role or lock themselves out.
    """
    require_admin(actor)
    org = _check_user(session, data, user, actor)
    _apply_user(user, data, org)
    session.flush()
    return user

