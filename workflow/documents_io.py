"""Documents in and out: the .docx of a document, and drafts started from a file.

Bridges the pure `workflow.docio` reader/renderer and the models: a document
renders at any state (drafts with a blank number and day); at issue the file is
frozen and its SHA-256 recorded, and every later download returns those bytes.
"""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from unidecode import unidecode

from models import Document, IssuedFile, Organization, RecipientGroup, fold
from models.document import DOC_TYPES

from . import registry
from .docio import DirectoryEntry, RenderSpec, match_recipients, read_document, render_docx
from .services.assignment import signature_block


def planned_signature(document: Document) -> tuple[list[str], str, str]:
    """The signature block as printed now: the signed one, else the planned signer's."""
    if document.signer_position:
        return document.signer_authority, document.signer_position, document.signer_name
    step = next((s for s in document.chain() if s.kind == "sign"), None)
    if step is None or step.assignee is None:
        return [], "", ""
    authority, position = signature_block(registry.get(document.workflow), step.assignee)
    return authority, position, step.assignee.full_name


def render_spec(document: Document) -> RenderSpec:
    """The `RenderSpec` of `document` in its current state."""
    authority, position, name = planned_signature(document)
    issuer = document.issuer
    created = document.created_at
    return RenderSpec(
        issuer_lines=list(issuer.header_lines or [issuer.name.upper()]),
        number=document.number, symbol=document.symbol, place=document.place or issuer.place,
        issue_date=document.issue_date, draft_month=created.month, draft_year=created.year,
        doc_type_name=DOC_TYPES.get(document.doc_type, document.doc_type).upper()
        if document.doc_type != "CV" else "",
        title=document.title, sections=document.sections or [],
        recipients=[(r.name, r.purpose) for r in document.recipients],
        archive=list(document.archive or ["VT"]), signer_authority=list(authority),
        signer_position=position, signer_name=name)


def file_name(document: Document) -> str:
    """A safe file name: "01-KH-UBND-2026.docx" once issued, "du-thao-12.docx" before."""
    if document.number is not None:
        base = f"{document.number:02d}-{document.symbol}-{document.year}"
    else:
        base = f"du-thao-{document.id}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", unidecode(base)) + ".docx"


def freeze(session: Session, document: Document) -> IssuedFile:
    """Render the issued document once, store the bytes and record their SHA-256."""
    data = render_docx(render_spec(document))
    digest = hashlib.sha256(data).hexdigest()
    frozen = IssuedFile(document_id=document.id, file_name=file_name(document), sha256=digest,
                        size=len(data), data=data)
    session.add(frozen)
    document.file_sha256 = digest
    return frozen


def docx_bytes(session: Session, document: Document) -> tuple[bytes, str]:
    """(bytes, file name): the frozen file of an issued document, else a fresh render."""
    if document.file_sha256:
        frozen = session.get(IssuedFile, document.id)
        if frozen is not None:
            return frozen.data, frozen.file_name
    return render_docx(render_spec(document)), file_name(document)


def directory(session: Session) -> list[DirectoryEntry]:
    """The organizations and groups, with their aliases, for matching Nơi nhận names."""
    entries = [DirectoryEntry(kind="group", id=g.id, name=g.name, aliases=list(g.aliases or []))
               for g in session.scalars(select(RecipientGroup).options(selectinload(RecipientGroup.members)))]
    entries += [DirectoryEntry(kind="organization", id=o.id, name=o.name,
                               aliases=[a for a in [o.short_name, *(o.aliases or [])] if a])
                for o in session.scalars(select(Organization))]
    return entries


def _local_entries(session: Session, entries: list[DirectoryEntry], user) -> list[DirectoryEntry]:
    """The entries near `user`: units of the same tree, groups they own, units of their place."""
    from .queries import issuing_scope_ids
    root = user.organization.ancestors()[-1]
    body = user.organization.issuing_body() or root
    tree = set(issuing_scope_ids(session, user)) | {o.id for o in session.scalars(
        select(Organization).where(Organization.parent_id == root.id))} | {root.id}
    place = fold(body.place or root.place or "")
    owners = {g.id: g.owner_id for g in session.scalars(select(RecipientGroup))}
    return [e for e in entries
            if (e.kind == "group" and owners.get(e.id) in tree)
            or (e.kind == "organization" and (e.id in tree or (place and place in fold(e.name))))]


def import_file(session: Session, data: bytes, filename: str, *, max_bytes: int, user=None) -> dict:
    """Read an uploaded .docx/.txt and map its recipients and deadlines to the directory.

    Returns the reader's dict (the corpus `expected.json` shape) plus
    `recipients[i].match` ({kind, id, name} or None — unmatched names are kept
    for the drafter to map, never dropped) and `report_deadline_matches[i]` (the units each deadline names, matched).
    With `user`, units near the drafter win over same-named units elsewhere.
    Raises `docio.ImportRejected` for a bad file; nothing is stored.
    """
    result = read_document(data, filename, max_bytes=max_bytes)
    entries = directory(session)
    names = [r["name"] for r in result["recipients"]]
    matches = match_recipients(names, entries)
    if user is not None:
        # The same name ("Sở Văn hóa, TT&DL") exists in every province: prefer
        # the unit of the drafter's own tree and place when one matches.
        local = match_recipients(names, _local_entries(session, entries, user))
        matches = [near if near.entry is not None else far for near, far in zip(local, matches)]
    for recipient, found in zip(result["recipients"], matches):
        recipient["match"] = None if found.entry is None else {
            "kind": found.entry.kind, "id": found.entry.id, "name": found.entry.name}
    unit_names = result.get("report_deadline_units") or [[] for _ in result.get("report_deadlines", [])]
    for deadline, units in zip(result.get("report_deadlines", []), unit_names):
        unit_matches = match_recipients(units, [e for e in entries if e.kind == "organization"]) if units else []
        result.setdefault("report_deadline_matches", []).append(
            [None if m.entry is None else {"id": m.entry.id, "name": m.entry.name} for m in unit_matches])
    result["unmatched"] = [r["name"] for r in result["recipients"] if r["match"] is None]
    return result


def draft_payload(imported: dict, mapping: dict[int, dict | None] | None = None) -> dict:
    """The `parse_draft_input` payload for an import, with the drafter's mapping applied.

    `mapping` gives, by recipient index, {"organization_id"|"group_id": id} for
    names the drafter mapped, or None to leave a line out on purpose.
    """
    mapping = mapping or {}
    recipients = []
    for i, r in enumerate(imported["recipients"]):
        chosen = mapping.get(i, "auto")
        if chosen == "auto":
            m = r.get("match")
            chosen = None if m is None else {f"{'group' if m['kind'] == 'group' else 'organization'}_id": m["id"]}
        if chosen:
            recipients.append(dict(chosen, purpose=r.get("purpose")))
    deadlines = []
    matches = imported.get("report_deadline_matches") or []
    for i, d in enumerate(imported.get("report_deadlines", [])):
        unit_ids = [m["id"] for m in (matches[i] if i < len(matches) else []) if m]
        deadlines.append({"period": d["period"], "due": d["due"], "unit_ids": unit_ids})
    doc_type = imported.get("doc_type")
    if doc_type not in DOC_TYPES:
        doc_type = "CV" if (imported.get("doc_type_name") or "").upper() == "CÔNG VĂN" else "KH"
    return {"doc_type": doc_type, "title": imported.get("title") or "", "sections": imported.get("sections") or [],
            "recipients": recipients, "report_deadlines": deadlines,
            "archive": [a for a in imported.get("archive") or [] if a]}
