"""How the route matrix calls the administration routes (see route_requests.py).

Each POST changes a directory entry made for it, never one of the demo's.
"""
from __future__ import annotations

from sqlalchemy import select

from models import Organization, RecipientGroup, User, db
from tests.security.route_world import Call


def _org_form(name: str) -> dict:
    return {"name": name, "short_name": name, "abbreviation": "TMQ", "kind": "unit", "parent_id": "",
            "header_lines": "", "place": "", "aliases": ""}


def _spare(world, make):
    """A directory entry made for the administration routes to change (never a demo one)."""
    row = make(next(world.seq))
    db.session.add(row)
    db.session.commit()
    return row.id


def _spare_org(world):
    return _spare(world, lambda n: Organization(name=f"Đơn vị thử {n}", short_name=f"ĐVT{n}",
                                                abbreviation="DVT", kind="unit"))


def organization_new(world, actor, doc, trigger):
    name = f"Đơn vị mới {next(world.seq)}"
    return Call("POST", "/admin/organizations/new", data=_org_form(name),
                effect=lambda: world.count(Organization, Organization.name == name))


def organization_edit_get(world, actor, doc, trigger):
    return Call("GET", f"/admin/organizations/{_spare_org(world)}")


def organization_edit(world, actor, doc, trigger):
    org = _spare_org(world)
    return Call("POST", f"/admin/organizations/{org}", data=_org_form(f"Đơn vị đổi tên {org}"),
                effect=lambda: world.value(select(Organization.name).where(Organization.id == org)))


def _group_form(world, name: str) -> dict:
    return {"name": name, "owner_id": "", "member_ids": [str(world.orgs["mttq"])], "aliases": ""}


def _spare_group(world):
    group = RecipientGroup(name=f"Nhóm thử {next(world.seq)}",
                           members=[db.session.get(Organization, world.orgs["mttq"])])
    db.session.add(group)
    db.session.commit()
    return group.id


def group_new(world, actor, doc, trigger):
    name = f"Nhóm mới {next(world.seq)}"
    return Call("POST", "/admin/groups/new", data=_group_form(world, name),
                effect=lambda: world.count(RecipientGroup, RecipientGroup.name == name))


def group_edit_get(world, actor, doc, trigger):
    return Call("GET", f"/admin/groups/{_spare_group(world)}")


def group_edit(world, actor, doc, trigger):
    group = _spare_group(world)
    return Call("POST", f"/admin/groups/{group}", data=_group_form(world, f"Nhóm đổi tên {group}"),
                effect=lambda: world.value(select(RecipientGroup.name).where(RecipientGroup.id == group)))


def _user_form(world, username: str, full_name: str, password: str) -> dict:
    return {"username": username, "full_name": full_name, "organization_id": str(world.orgs["mttq"]),
            "position": "Cán bộ", "roles": ["recipient"], "email": "", "active": "y", "password": password}


def _spare_user(world):
    return _spare(world, lambda n: User(username=f"thu{n}", full_name=f"Người thử {n}", position="Cán bộ",
                                        organization_id=world.orgs["mttq"], roles=["recipient"],
                                        password_hash="!"))


def user_new(world, actor, doc, trigger):
    username = f"moi{next(world.seq)}"
    return Call("POST", "/admin/users/new", data=_user_form(world, username, "Người mới", "mat-khau-dai-1"),
                effect=lambda: world.count(User, User.username == username))


def user_edit_get(world, actor, doc, trigger):
    return Call("GET", f"/admin/users/{_spare_user(world)}")


def user_edit(world, actor, doc, trigger):
    user = _spare_user(world)
    username = world.value(select(User.username).where(User.id == user))[0]
    return Call("POST", f"/admin/users/{user}", data=_user_form(world, username, f"Tên mới {user}", ""),
                effect=lambda: world.value(select(User.full_name).where(User.id == user)))


RECIPES = {
    "POST admin.organization_new": organization_new,
    "GET admin.organization_edit": organization_edit_get,
    "POST admin.organization_edit": organization_edit,
    "POST admin.group_new": group_new,
    "GET admin.group_edit": group_edit_get,
    "POST admin.group_edit": group_edit,
    "POST admin.user_new": user_new,
    "GET admin.user_edit": user_edit_get,
    "POST admin.user_edit": user_edit,
}
