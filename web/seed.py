"""Loading the demo data of config/demo.yaml (organizations, groups, users)."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Organization, RecipientGroup, User

DEMO_FILE = Path(__file__).resolve().parent.parent / "config" / "demo.yaml"
DEMO_PASSWORD = "demo"


def load_demo(session: Session, path: Path = DEMO_FILE, password: str = DEMO_PASSWORD) -> dict:
    """Create the demo organizations, groups and users unless they exist; return them by key.

    Idempotent: running it twice changes nothing. Users get `password`.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    orgs: dict[str, Organization] = {}
    existing = {o.name: o for o in session.scalars(select(Organization))}
    for raw in data["organizations"]:
        raw = dict(raw)
        key, parent = raw.pop("key"), raw.pop("parent", None)
        org = existing.get(raw["name"]) or Organization(**raw)
        org.parent = orgs.get(parent) if parent else None
        session.add(org)
        orgs[key] = org
    village_spec = data.get("villages") or {}
    villages = []
    for i, name in enumerate(village_spec.get("names", []), start=1):
        org = existing.get(name) or Organization(name=name, short_name=name, abbreviation=f"T{i:02d}",
                                                 kind="village")
        org.parent = orgs[village_spec["parent"]]
        session.add(org)
        orgs[f"village{i:02d}"] = org
        villages.append(org)
    session.flush()
    groups = {}
    existing_groups = {g.name: g for g in session.scalars(select(RecipientGroup))}
    for raw in data["groups"]:
        members = villages if raw["members"] == "villages" else [orgs[k] for k in raw["members"]]
        group = existing_groups.get(raw["name"]) or RecipientGroup(name=raw["name"])
        group.owner, group.members, group.aliases = orgs.get(raw.get("owner")), members, raw.get("aliases", [])
        session.add(group)
        groups[raw["key"]] = group
    users = {u.username: u for u in session.scalars(select(User))}
    specs = list(data["users"]) + [
        {"username": f"thon{i:02d}", "full_name": f"Trưởng {v.name.lower().replace('thôn ', 'thôn ')}",
         "org": f"village{i:02d}", "position": "Cán bộ", "roles": ["recipient"]}
        for i, v in enumerate(villages, start=1)]
    for raw in specs:
        user = users.get(raw["username"])
        if user is None:
            user = User(username=raw["username"])
            user.set_password(password)
            users[raw["username"]] = user
        user.full_name, user.organization = raw["full_name"], orgs[raw["org"]]
        user.position, user.roles = raw["position"], list(raw["roles"])
        session.add(user)
    session.flush()
    return {"organizations": orgs, "groups": groups, "users": users}
