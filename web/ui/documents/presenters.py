"""How a document looks on paper (ND30, Phụ lục I), as data for the preview template."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models import Document, User
from workflow import registry
from workflow.errors import WorkflowError
from workflow.services.assignment import resolve_assignee, signature_block

from ..formatting import nd30_date

PURPOSE_MARKS = {"b/c": "(b/c)", "t/h": "(t/h)", "để biết": "(để biết)"}
COLLECTIVE_FIRST_LINES = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")


@dataclass
class SignatureBlock:
    """The signature block: authority lines ("TM. …", "KT. …"), position, name."""

    authority: list[str] = field(default_factory=list)
    position: str = ""
    name: str = ""
    planned: bool = False


@dataclass
class Preview:
    """Everything the ND30 layout prints, in order."""

    header_regular: list[str]
    header_bold: list[str]
    number_line: str
    date_line: str
    type_line: str
    title: str
    sections: list[dict]
    recipients: list[str]
    signature: SignatureBlock
    draft: bool


def header_parts(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split the issuer lines into the regular parent line and the bold issuing body.

    "ỦY BAN NHÂN DÂN / XÃ BÌNH LƯ" is one body written on two lines (all bold);
    "UBND TỈNH SƠN LA / VĂN PHÒNG" names the parent first (regular), then the body.
    """
    if len(lines) < 2 or lines[0].strip().upper() in COLLECTIVE_FIRST_LINES:
        return [], list(lines)
    return list(lines[:1]), list(lines[1:])


def recipient_lines(document: Document) -> list[str]:
    """The entries of Nơi nhận: "- name (b/c);" …, and "- Lưu: VT, VHXH." last."""
    lines = []
    for line in document.recipients:
        mark = PURPOSE_MARKS.get(line.purpose or "", "")
        lines.append(f"- {line.name}{' ' + mark if mark else ''};")
    lines.append(f"- Lưu: {', '.join(document.archive or ['VT'])}.")
    return lines


def planned_signer(session: Session, document: Document) -> User | None:
    """Who is expected to sign: the signer, the sign step's assignee, or the one the
    definition would pick now (None when nobody fits)."""
    if document.signer is not None:
        return document.signer
    step = next((s for s in document.chain() if s.kind == "sign"), None)
    if step is not None and step.assignee is not None:
        return step.assignee
    definition = registry.get(document.workflow)
    step_def = next((s for s in definition.chain if s.kind == "sign"), None)
    if step_def is None:
        return None
    try:
        with session.no_autoflush:
            return resolve_assignee(session, document, step_def)
    except WorkflowError:
        return None


def signature_of(session: Session, document: Document) -> SignatureBlock:
    """The block as signed, or as planned before the signature."""
    if document.signer_name:
        return SignatureBlock(list(document.signer_authority or []), document.signer_position,
                              document.signer_name)
    signer = planned_signer(session, document)
    definition = registry.get(document.workflow)
    if signer is None:
        return SignatureBlock([definition.collective] if definition.collective else [], planned=True)
    authority, position = signature_block(definition, signer)
    return SignatureBlock(authority, position, signer.full_name, planned=True)


def final_signature(document: Document, signer: User) -> SignatureBlock:
    """The block `signer` would print by signing now (as `services.sign` writes it):
    "TUQ. …" when signing for the step's assignee under a delegation."""
    definition = registry.get(document.workflow)
    step = document.current_step
    if step is not None and step.assignee is not None and step.assignee_id != signer.id:
        return SignatureBlock([f"TUQ. {step.assignee.position.upper()}"], signer.position.upper(),
                              signer.full_name)
    authority, position = signature_block(definition, signer)
    return SignatureBlock(authority, position, signer.full_name)


def preview_of(session: Session, document: Document, *, sections: list | None = None,
               title: str | None = None) -> Preview:
    """The ND30 rendering of `document` (or of a revision's title and sections)."""
    regular, bold = header_parts(list(document.issuer.header_lines or [document.issuer.name.upper()]))
    number = f"{document.number:02d}" if document.number is not None else "\u2003\u2003"
    title = title if title is not None else document.title
    type_line = document.type_name.upper()
    if document.doc_type == "CV":  # a công văn prints no type, only "V/v …" under its number
        type_line, title = "", f"V/v {title}"
    return Preview(
        header_regular=regular, header_bold=bold,
        number_line=f"Số: {number}/{document.symbol}",
        date_line=nd30_date(document.issue_date, document.place),
        type_line=type_line, title=title,
        sections=sections if sections is not None else list(document.sections or []),
        recipients=recipient_lines(document), signature=signature_of(session, document),
        draft=not document.signer_name)
