"""Forms of the tracking area: sending an issued document to one more recipient."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.widgets import Select, html_params
from wtforms.validators import DataRequired, Optional

from models import Organization, RecipientGroup

from ..documents.forms import PURPOSE_CHOICES
from ..forms import UIForm


class ManyOptionsSelect(Select):
    """A select of grouped choices rendered in one pass: the units of a province are
    thousands of options, which WTForms' own widget formats one by one through several
    layers (tens of microseconds each) on every document page."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and getattr(field.flags, "required", False):
            kwargs["required"] = True
        chosen = None if field.data is None else str(field.data)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for group, options in field.choices.items():
            if group is not None:
                html.append(f"<optgroup {html_params(label=group)}>")
            html.extend(f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
                        f"{escape(label)}</option>" for value, label in options)
            if group is not None:
                html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))


class SendAgainForm(UIForm):
    """One more recipient (a unit, or a group expanded to its members) and the purpose."""

    target = SelectField(_l("Recipient"), choices=[], validators=[DataRequired()], widget=ManyOptionsSelect())
    purpose = SelectField(_l("Purpose"), choices=PURPOSE_CHOICES, validators=[Optional()])

    def set_choices(self, orgs: list[Organization], groups: list[RecipientGroup]) -> "SendAgainForm":
        """Fill the recipient select: groups first, then the units without a copy yet."""
        self.target.choices = {None: [("", _l("— choose —"))],
                               str(_l("Groups")): [(f"g:{g.id}", g.name) for g in groups],
                               str(_l("Organizations")): [(f"o:{o.id}", o.name) for o in orgs]}
        return self

    def recipient(self) -> dict:
        """The line `followup.send_again` expects: organization_id or group_id, purpose."""
        kind, _, raw_id = (self.target.data or "").partition(":")
        return {"organization_id": int(raw_id) if kind == "o" else None,
                "group_id": int(raw_id) if kind == "g" else None,
                "purpose": self.purpose.data or None}
