"""Factories for organizations, users and documents, and a helper to run a chain."""
from __future__ import annotations

import itertools

from models import Organization, RecipientGroup, User
from workflow import services

_seq = itertools.count(1)


def make_org(session, name=None, *, parent=None, kind="unit", abbreviation=None, issues=False,
             header_lines=None, place="") -> Organization:
    n = next(_seq)
    org = Organization(name=name or f"Đơn vị {n}", short_name=name or f"ĐV{n}",
                       abbreviation=abbreviation or f"DV{n}", kind=kind, parent=parent,
                       issues_documents=issues, header_lines=header_lines or [], place=place)
    session.add(org)
    session.flush()
    return org


def make_group(session, name, members) -> RecipientGroup:
    group = RecipientGroup(name=name, members=list(members))
    session.add(group)
    session.flush()
    return group


def make_user(session, org, *, username=None, position="Chuyên viên", roles=("drafter",),
              full_name=None, password="demo") -> User:
    n = next(_seq)
    user = User(username=username or f"user{n}", full_name=full_name or f"Người dùng {n}",
                organization=org, position=position, roles=list(roles))
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def make_commune(session, name="Xã Thử Nghiệm"):
    """A UBND xã with a department, an office and the people of a full chain."""
    ubnd = make_org(session, f"Ủy ban nhân dân {name}", kind="commune", abbreviation="UBND",
                    issues=True, header_lines=["ỦY BAN NHÂN DÂN", name.upper()], place=name)
    dept = make_org(session, "Phòng Văn hóa - Xã hội", parent=ubnd, kind="department", abbreviation="VHXH")
    office = make_org(session, "Văn phòng", parent=ubnd, kind="office", abbreviation="VP")
    people = {
        "drafter": make_user(session, dept, roles=("drafter",)),
        "head": make_user(session, dept, position="Trưởng phòng", roles=("reviewer",)),
        "office": make_user(session, office, position="Chánh Văn phòng", roles=("format_checker",)),
        "signer": make_user(session, ubnd, position="Phó Chủ tịch", roles=("signer",)),
        "clerk": make_user(session, office, position="Văn thư", roles=("clerk",)),
        "outsider": make_user(session, make_org(session, "Cơ quan khác"), roles=("drafter",)),
    }
    recipients = [make_org(session, f"Thôn {i}", parent=ubnd, kind="village") for i in range(1, 4)]
    for org in recipients:
        people[f"recipient_{org.id}"] = make_user(session, org, roles=("recipient",))
    return {"ubnd": ubnd, "dept": dept, "office": office, "people": people, "recipients": recipients}


def make_draft(session, author, recipients, *, title="Kế hoạch thử nghiệm", deadlines=(),
               purpose="t/h", doc_type="KH"):
    data = services.parse_draft_input({
        "doc_type": doc_type, "title": title,
        "sections": [{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}],
        "recipients": [{"organization_id": r.id, "purpose": purpose} for r in recipients],
        "report_deadlines": [{"period": p, "due": d} for p, d in deadlines]})
    return services.create_draft(session, author, data)


CHAIN = ["submit", "approve", "approve", "sign", "issue"]


def run_chain(session, document, until="distributed"):
    """Fire triggers as the right person until `document` reaches `until`."""
    while document.state != until:
        if document.state == "draft":
            services.submit(session, document, document.author)
            continue
        step = document.current_step
        trigger = {"review": "approve", "sign": "sign", "issue": "issue"}[step.kind]
        services.transition(session, document, step.assignee, trigger)
    return document
