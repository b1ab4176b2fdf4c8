"""Forms of the auth area."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import UIForm


class LoginForm(UIForm):
    """Username and password; `next` is where to go afterwards."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class LocaleForm(UIForm):
    """The language switch (a POST, so it carries a CSRF token)."""

    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class LogoutForm(UIForm):
    """Logging out is a POST with a CSRF token."""
