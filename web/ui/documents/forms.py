"""Forms of the documents area: the draft editor and the transition buttons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (DateField, FieldList, FormField, HiddenField, IntegerField,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from models import DOC_TYPES, Document, Organization, RecipientGroup

from ..forms import ManyOptionsSelect, UIForm, UISubForm

PURPOSE_CHOICES = [("", _l("— unmarked —")), ("t/h", _l("t/h — for action")),
                   ("b/c", _l("b/c — to report")), ("để biết", _l("để biết — for information"))]
ADDABLE = ("sections", "recipients", "deadlines")


class SectionForm(UISubForm):
    """A section of the body: a heading and its paragraphs, one per line."""

    heading = StringField(_l("Heading"), validators=[Optional(), Length(max=500)])
    paragraphs = TextAreaField(_l("Paragraphs (one per line)"),
                               validators=[Optional(), Length(max=20000)])


class RecipientForm(UISubForm):
    """A line of Nơi nhận: an organization or a group of the directory, and the purpose."""

    target = SelectField(_l("Recipient"), choices=[], validators=[Optional()], widget=ManyOptionsSelect())
    purpose = SelectField(_l("Purpose"), choices=PURPOSE_CHOICES, validators=[Optional()])


class DeadlineForm(UISubForm):
    """A reporting deadline the plan imposes, optionally on named units only."""

    period = StringField(_l("Report"), validators=[Optional(), Length(max=40)],
                         render_kw={"placeholder": "6 tháng, năm…"})
    due = DateField(_l("Due date"), validators=[Optional()])
    units = SelectMultipleField(_l("Only these units (none selected: every unit that must act)"),
                                coerce=int, choices=[], validators=[Optional()],
                                widget=ManyOptionsSelect(multiple=True))


class DraftForm(UIForm):
    """The whole draft; `to_input()` gives the mapping `parse_draft_input` expects."""

    doc_type = SelectField(_l("Type"), choices=[(k, f"{v} ({k})") for k, v in DOC_TYPES.items()],
                           default="KH", validators=[DataRequired()])
    issuer_id = SelectField(_l("Issuing body"), choices=[], validators=[Optional()])
    title = TextAreaField(_l("Title (trích yếu)"), validators=[DataRequired(), Length(max=1000)])
    place = StringField(_l("Place (in the date line)"), validators=[Optional(), Length(max=80)])
    sections = FieldList(FormField(SectionForm), min_entries=1, max_entries=200)
    recipients = FieldList(FormField(RecipientForm), min_entries=1, max_entries=500)
    deadlines = FieldList(FormField(DeadlineForm), min_entries=1, max_entries=50)
    version = HiddenField()

    def set_choices(self, orgs: list, groups: list[RecipientGroup],
                    issuers: list[Organization]) -> None:
        """Fill the selects from the directory (groups first, then organizations)."""
        targets = {None: [("", _l("— choose —"))],
                   str(_l("Groups")): [(f"g:{g.id}", g.name) for g in groups],
                   str(_l("Organizations")): [(f"o:{o.id}", o.name) for o in orgs]}
        for entry in self.recipients:
            entry.form.target.choices = targets
        units = [(o.id, o.name) for o in orgs]
        for entry in self.deadlines:
            entry.form.units.choices = units
        self.issuer_id.choices = [("", _l("— my issuing body —"))] + [(str(o.id), o.name) for o in issuers]

    def add_row(self, which: str | None) -> bool:
        """Append an empty row when the "add" button of a list was pressed (no JS)."""
        if which not in ADDABLE:
            return False
        getattr(self, which).append_entry()
        return True

    def pad(self) -> None:
        """Give each list one empty row to type into."""
        for name in ADDABLE:
            getattr(self, name).append_entry()

    def validate_deadlines(self, field) -> None:
        for entry in field:
            if (entry.period.data or "").strip() and entry.due.data is None:
                entry.due.errors = list(entry.due.errors) + [_l("Give the due date.")]
                raise ValidationError(_l("Each reporting deadline needs a due date."))

    def to_input(self) -> dict:
        """The mapping given to `workflow.services.parse_draft_input`; empty rows are left out."""
        sections = []
        for entry in self.sections:
            heading = (entry.heading.data or "").strip()
            paragraphs = [p.strip() for p in (entry.paragraphs.data or "").splitlines() if p.strip()]
            if heading or paragraphs:
                sections.append({"heading": heading, "paragraphs": paragraphs})
        recipients = []
        for entry in self.recipients:
            kind, _, raw_id = (entry.target.data or "").partition(":")
            if raw_id.isdigit() and kind in ("o", "g"):
                recipients.append({"organization_id": int(raw_id) if kind == "o" else None,
                                   "group_id": int(raw_id) if kind == "g" else None,
                                   "purpose": entry.purpose.data or None})
        deadlines = [{"period": (e.period.data or "").strip() or "định kỳ", "due": e.due.data.isoformat(),
                      "unit_ids": list(e.units.data or [])}
                     for e in self.deadlines if e.due.data is not None]
        issuer = self.issuer_id.data
        return {"doc_type": self.doc_type.data, "title": self.title.data, "place": self.place.data,
                "sections": sections, "recipients": recipients, "report_deadlines": deadlines,
                "issuer_id": int(issuer) if issuer and str(issuer).isdigit() else None}

    def attach_errors(self, details: dict) -> None:
        """Show a service's field errors ("title", "recipients[1]", …) next to the fields."""
        for key, message in (details or {}).items():
            name, _, rest = key.partition("[")
            index = rest.split("]")[0]
            target = {"sections": "sections", "recipients": "recipients",
                      "report_deadlines": "deadlines"}.get(name)
            if target and index.isdigit() and int(index) < len(getattr(self, target).entries):
                entry = getattr(self, target)[int(index)]
                first = next(iter(entry.form))
                first.errors = list(first.errors) + [message]
            elif name in self._fields and name != "csrf_token":
                self[name].errors = list(self[name].errors) + [message]
            else:
                self.form_errors.append(f"{key}: {message}")


def draft_data(document: Document, obligations) -> dict:
    """The draft editor's initial data for an existing document."""
    return {
        "doc_type": document.doc_type, "title": document.title, "place": document.place,
        "issuer_id": str(document.issuer_id), "version": document.version,
        "sections": [{"heading": s.get("heading", ""), "paragraphs": "\n".join(s.get("paragraphs", []))}
                     for s in document.sections or []] or [{}],
        "recipients": [{"target": f"g:{r.group_id}" if r.group_id else f"o:{r.organization_id}",
                        "purpose": r.purpose or ""} for r in document.recipients] or [{}],
        "deadlines": [{"period": o.period, "due": o.due_date, "units": [u.id for u in o.units]}
                      for o in obligations] or [{}],
    }


class TransitionForm(UIForm):
    """One button of the approval chain: the trigger, an optional comment, the version seen."""

    trigger = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)])
    version = IntegerField(widget=HiddenInput(), validators=[DataRequired()])

    def validate_comment(self, field) -> None:
        if self.trigger.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("A comment is required to return a document."))
