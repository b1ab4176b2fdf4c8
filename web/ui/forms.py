"""Base classes of the UI's forms: WTForms' own messages come from our catalogues.

WTForms ships no Vietnamese translation, so its built-in messages ("This
field is required.") are listed here for extraction and translated in
web/translations like every other string of the UI.
"""
from __future__ import annotations

from flask_babel import get_translations, lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Form
from wtforms.widgets import Select, html_params


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


WTFORMS_MESSAGES = [
    N_("This field is required."), N_("Not a valid choice."), N_("Not a valid date value."),
    N_("Not a valid integer value."), N_("Field cannot be longer than %(max)d characters."),
    N_("Field must be at least %(min)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("'%(value)s' is not a valid choice for this field."),
    N_("'%(value)s' are not valid choices for this field."),
    N_("Invalid input."),
]


class _CatalogueTranslations:
    """WTForms' translations protocol answered by the Flask-Babel catalogue."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class TranslatedMeta:
    """Form meta that translates WTForms' built-in messages."""

    def get_translations(self, form):
        return _CatalogueTranslations()


class UIForm(FlaskForm):
    """A CSRF-protected form of the UI."""

    class Meta(TranslatedMeta):
        pass


class UISubForm(Form):
    """A repeated part of a form (no CSRF token of its own)."""

    class Meta(TranslatedMeta):
        pass


class ManyOptionsSelect(Select):
    """A select rendered in one pass: the units of a province are thousands of options,
    which WTForms' own widget formats one by one through several layers (tens of
    microseconds each) on every document page and every row of the draft editor.
    Choices are a list of (value, label) or, grouped, a dict of such lists by group
    label (None: no optgroup); a multiple select marks each value of its data chosen.

    With more than `FILTER_FROM` options it carries `data-filter` (the placeholder of
    the search box static/js/app.js puts before it: typing, without diacritics or with,
    hides the options whose name lacks a word typed)."""

    FILTER_FROM = 15

    def __init__(self, multiple=False, filter_label=_l("Type part of a name to filter…")):
        super().__init__(multiple=multiple)
        self.filter_label = filter_label

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and getattr(field.flags, "required", False):
            kwargs["required"] = True
        if self.multiple:
            kwargs["multiple"] = True
        data = field.data if self.multiple else [field.data]
        chosen = {str(value) for value in data or () if value is not None}
        groups = field.choices.items() if isinstance(field.choices, dict) else [(None, field.choices)]
        if self.filter_label and sum(len(options) for _, options in groups) > self.FILTER_FROM:
            kwargs.setdefault("data-filter", str(self.filter_label))
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for group, options in groups:
            if group is not None:
                html.append(f"<optgroup {html_params(label=group)}>")
            html.extend(f'<option value="{escape(value)}"{" selected" if str(value) in chosen else ""}>'
                        f"{escape(label)}</option>" for value, label in options)
            if group is not None:
                html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))
