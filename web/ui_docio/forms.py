"""Forms of the import and verification pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length


class UploadForm(FlaskForm):
    """Upload a .docx or .txt to start a draft."""

    file = FileField(_l("File (.docx or .txt)"), validators=[FileRequired(_l("Choose a file."))])


class ConfirmForm(FlaskForm):
    """Confirm an import: the title, and how each recipient name maps to the directory."""

    payload = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=1000)])


class VerifyForm(FlaskForm):
    """Upload a received copy to compare its SHA-256 with the issued file."""

    file = FileField(_l("Your copy (.docx)"), validators=[FileRequired(_l("Choose a file."))])
