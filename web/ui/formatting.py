"""Template filters: Vietnam-time dates, ND30 dates, and the labels of domain codes."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Flask
from flask_babel import get_locale, lazy_gettext as _l
from markupsafe import Markup, escape

from models import ORG_KINDS, ROLES
from workflow import clock, registry
from workflow.paging import COUNT_CAP

PURPOSE_LABELS = {"t/h": _l("for action (t/h)"), "b/c": _l("to report (b/c)"),
                  "để biết": _l("for information"), None: _l("unmarked")}
TRIGGER_LABELS = {
    "create": _l("Draft created"), "submit": _l("Submitted for review"), "approve": _l("Approved"),
    "return": _l("Returned to the drafter"), "sign": _l("Signed"), "issue": _l("Numbered and issued"),
    "acknowledge": _l("Receipt acknowledged"), "refuse": _l("Receipt refused"),
    "file_report": _l("Report filed"), "complete_reporting": _l("All reports received"),
}
ACTION_LABELS = {"submit": _l("Submit for review"), "approve": _l("Approve"),
                 "return": _l("Return with a comment"), "sign": _l("Sign"),
                 "issue": _l("Give the number and issue")}
STEP_KINDS = {"review": _l("Review"), "sign": _l("Signature"), "issue": _l("Issue")}
DECISIONS = {"pending": _l("waiting"), "approved": _l("approved"), "returned": _l("returned"),
             "signed": _l("signed"), "issued": _l("issued")}
STEP_STATUS = {"done": _l("done"), "current": _l("in progress"), "returned": _l("returned"),
               "waiting": _l("not yet")}
DUTY_STATUS = {"filed": _l("on time"), "late": _l("late"), "overdue": _l("overdue"),
               "due": _l("not yet due")}
DIST_STATUS = {"sent": _l("not acknowledged"), "acknowledged": _l("acknowledged"),
               "refused": _l("refused")}
WORK_KINDS = {"review": _l("To review"), "sign": _l("To sign"), "issue": _l("To issue"),
              "returned": _l("Returned to you"), "draft": _l("Your drafts")}
ROLE_LABELS_EN = {"drafter": "Drafter", "reviewer": "Reviewer", "format_checker": "Format check",
                  "signer": "Signer", "clerk": "Clerk", "recipient": "Recipient", "admin": "Administrator"}
ORG_KINDS_EN = {"province": "Province", "commune": "Commune", "department": "Department",
                "office": "Office", "agency": "Agency", "steering_committee": "Steering committee",
                "party": "Party organization", "front": "Front, association", "village": "Village",
                "unit": "Unit"}


def locale() -> str:
    """The current UI language code ("vi" or "en")."""
    found = get_locale()
    return found.language if found is not None else "vi"


def to_vietnam(moment: datetime) -> datetime:
    """A naive UTC timestamp as Vietnam local time (UTC+7)."""
    return moment.replace(tzinfo=timezone.utc).astimezone(clock.VN_TZ)


def vn_datetime(moment: datetime | None) -> str:
    """"05/01/2026 14:30" in Vietnam time; empty for None."""
    return to_vietnam(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def vn_date(value: date | datetime | None) -> str:
    """"05/01/2026" (a timestamp is first taken to Vietnam time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_vietnam(value).date()
    return value.strftime("%d/%m/%Y")


def nd30_date(value: date | None, place: str = "", year: int | None = None) -> str:
    """"Bình Lư, ngày 05 tháng 01 năm 2026": leading 0 for days below 10 and months 1–2.

    Without a date (not issued yet) the day and month are left blank for the clerk.
    """
    prefix = f"{place}, " if place else ""
    if value is None:
        blank = "\u00a0" * 6
        return f"{prefix}ngày{blank}tháng{blank}năm {year or clock.local_date().year}"
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"{prefix}ngày {value.day:02d} tháng {month} năm {value.year}"


def state_label(document_or_workflow, state: str | None = None) -> str:
    """The label of a document's state in the UI language, from its definition."""
    workflow = getattr(document_or_workflow, "workflow", document_or_workflow)
    state = state or getattr(document_or_workflow, "state", "")
    try:
        definition = registry.get(workflow)
    except KeyError:
        return state
    return definition.state_label(state, locale())


def role_label(role: str) -> str:
    return ROLE_LABELS_EN.get(role, role) if locale() == "en" else ROLES.get(role, role)


def org_kind_label(kind: str) -> str:
    return ORG_KINDS_EN.get(kind, kind) if locale() == "en" else ORG_KINDS.get(kind, kind)


def _lookup(table: dict):
    """A filter answering the label of a code in the UI language; each label is translated
    once per language (the tables are fixed; a list page asks for the same few many times)."""
    translated: dict[tuple[str, object], str] = {}

    def label(code) -> str:
        if code not in table:
            return str(code or "")
        key = (locale(), code)
        found = translated.get(key)
        if found is None:
            found = translated[key] = str(table[code])
        return found
    return label


def at_most(n: int) -> str:
    """A count taken up to `paging.COUNT_CAP`: "1000+" past it."""
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def nl2br(text: str | None) -> Markup:
    """Escape `text` and keep its line breaks."""
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


def init_app(app: Flask) -> None:
    """Register the filters on `app`."""
    filters = {
        "vn_datetime": vn_datetime, "vn_date": vn_date, "nd30_date": nd30_date,
        "state_label": state_label, "role_label": role_label, "org_kind_label": org_kind_label,
        "purpose_label": _lookup(PURPOSE_LABELS), "trigger_label": _lookup(TRIGGER_LABELS),
        "action_label": _lookup(ACTION_LABELS), "step_kind_label": _lookup(STEP_KINDS),
        "decision_label": _lookup(DECISIONS), "step_status_label": _lookup(STEP_STATUS),
        "duty_status_label": _lookup(DUTY_STATUS), "dist_status_label": _lookup(DIST_STATUS),
        "work_kind_label": _lookup(WORK_KINDS), "nl2br": nl2br, "at_most": at_most,
    }
    app.jinja_env.filters.update(filters)
