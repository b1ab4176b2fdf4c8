"""Forms of the inbox: acknowledge, refuse, file a report."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..forms import UIForm


class AcknowledgeForm(UIForm):
    """One click: confirm that the unit received the document."""

    next = HiddenField()


class RefuseForm(UIForm):
    """Refuse a copy that is not for this unit, with the reason."""

    reason = TextAreaField(_l("Reason for refusing"), validators=[DataRequired(), Length(max=2000)])


class ReportForm(UIForm):
    """A report against one duty: the text and an optional attachment."""

    duty_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    text = TextAreaField(_l("Report"), validators=[DataRequired(), Length(max=20000)])
    attachment = FileField(_l("Attachment (optional)"), validators=[Optional()])
