"""Forms of the administration area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from models import ORG_KINDS, POSITIONS, ROLES
from workflow.services.admin import GroupInput, OrganizationInput, UserInput

from ..forms import UIForm


class CheckboxListField(SelectMultipleField):
    """Several choices shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _int_or_none(value) -> int | None:
    return int(value) if value not in (None, "", "None") and str(value).isdigit() else None


class OrganizationForm(UIForm):
    """An organization of the directory."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=255)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=120)])
    abbreviation = StringField(_l("Abbreviation (used in symbols)"), validators=[Optional(), Length(max=20)])
    kind = SelectField(_l("Kind"), choices=list(ORG_KINDS.items()))
    parent_id = SelectField(_l("Parent organization"), choices=[], validators=[Optional()])
    issues_documents = BooleanField(_l("Issues documents in its own name (own number sequence)"))
    header_lines = TextAreaField(_l("Header lines (one per line, top left of documents)"),
                                 validators=[Optional(), Length(max=1000)])
    place = StringField(_l("Place (in the date line)"), validators=[Optional(), Length(max=80)])
    aliases = TextAreaField(_l("Other names used in documents (one per line)"),
                            validators=[Optional(), Length(max=2000)])

    def to_input(self) -> OrganizationInput:
        return OrganizationInput(
            name=self.name.data or "", short_name=self.short_name.data or "",
            abbreviation=self.abbreviation.data or "", kind=self.kind.data,
            parent_id=_int_or_none(self.parent_id.data), issues_documents=self.issues_documents.data,
            header_lines=_lines(self.header_lines.data), place=self.place.data or "",
            aliases=_lines(self.aliases.data))


class GroupForm(UIForm):
    """A recipient group and its member organizations."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    owner_id = SelectField(_l("Managed by"), choices=[], validators=[Optional()])
    member_ids = CheckboxListField(_l("Members"), coerce=int, choices=[])
    aliases = TextAreaField(_l("Other names used in documents (one per line)"),
                            validators=[Optional(), Length(max=2000)])

    def to_input(self) -> GroupInput:
        return GroupInput(name=self.name.data or "", owner_id=_int_or_none(self.owner_id.data),
                          member_ids=list(self.member_ids.data or []), aliases=_lines(self.aliases.data))


class UserForm(UIForm):
    """An account: identity, organization, position, roles, password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    organization_id = SelectField(_l("Organization"), choices=[], validators=[DataRequired()])
    position = SelectField(_l("Position"), choices=[(p, p) for p in POSITIONS])
    roles = CheckboxListField(_l("Roles"), choices=list(ROLES.items()))
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active (may log in)"), default=True)
    password = PasswordField(_l("New password (leave empty to keep the current one)"),
                             validators=[Optional(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})

    def to_input(self) -> UserInput:
        return UserInput(username=self.username.data or "", full_name=self.full_name.data or "",
                         organization_id=_int_or_none(self.organization_id.data) or 0,
                         position=self.position.data or "", roles=list(self.roles.data or []),
                         email=self.email.data or "", active=bool(self.active.data),
                         password=self.password.data or "")


def attach_errors(form: UIForm, details: dict) -> None:
    """Show a service's field errors next to the matching fields."""
    for key, message in (details or {}).items():
        if key in form._fields:
            form[key].errors = list(form[key].errors) + [message]
        else:
            form.form_errors.append(message)
