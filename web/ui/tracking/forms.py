"""Forms of the tracking area: sending an issued document to one more recipient."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from models import RecipientGroup

from ..documents.forms import PURPOSE_CHOICES
from ..forms import ManyOptionsSelect, UIForm


class SendAgainForm(UIForm):
    """One more recipient (a unit, or a group expanded to its members) and the purpose."""

    target = SelectField(_l("Recipient"), choices=[], validators=[DataRequired()], widget=ManyOptionsSelect())
    purpose = SelectField(_l("Purpose"), choices=PURPOSE_CHOICES, validators=[Optional()])

    def set_choices(self, orgs: list, groups: list[RecipientGroup]) -> "SendAgainForm":
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
