"""Use cases: the only code that changes a document's state.

Each service takes the session and the acting user, checks, changes data,
flushes and returns; the caller (the request wrapper or a CLI command) commits.
"""
from .drafting import DraftInput, create_draft, update_draft, parse_draft_input, unreached_units
from .chain import approve, load_for_transition, return_to_drafter, sign, submit, transition
from .issuing import issue_document
from .receiving import Acknowledged, acknowledge, acknowledge_copy, file_report, refuse

__all__ = ["DraftInput", "create_draft", "update_draft", "parse_draft_input", "submit",
           "approve", "return_to_drafter", "sign", "transition", "load_for_transition",
           "unreached_units", "issue_document", "acknowledge", "acknowledge_copy", "Acknowledged", "file_report", "refuse"]
