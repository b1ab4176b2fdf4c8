"""Forms of the bell: mark one notification, or all of them, read."""
from wtforms import HiddenField

from ..forms import UIForm


class MarkReadForm(UIForm):
    """A CSRF-protected button; `next` is where to go back to (a path on this site)."""

    next = HiddenField()
