"""Forms of the delegations page: give a delegation, revoke one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from models import User

from ..forms import UIForm


class DelegationForm(UIForm):
    """The colleague (of the same issuing body), the first and last day, a reason."""

    delegate_id = SelectField(_l("Colleague"), coerce=int, choices=[], validators=[DataRequired()])
    starts_on = DateField(_l("From"), validators=[DataRequired()])
    ends_on = DateField(_l("Until (inclusive)"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)],
                           render_kw={"placeholder": "Đi công tác, nghỉ phép…"})

    def set_colleagues(self, colleagues: list[User]) -> "DelegationForm":
        """Fill the select with the colleagues, grouped by unit."""
        grouped: dict[str, list[tuple[int, str]]] = {}
        for user in colleagues:
            unit = user.organization.short_name or user.organization.name
            grouped.setdefault(unit, []).append((user.id, f"{user.full_name} — {user.position}"))
        self.delegate_id.choices = {None: [(0, _l("— choose —"))], **grouped}
        return self

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first."))


class RevokeForm(UIForm):
    """A CSRF-protected "revoke" button."""
