"""Auth area: log in, log out, switch language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ...auth import SUPPORTED_LOCALES, authenticate
from .forms import LocaleForm, LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def login():
    """Show the login form; on valid credentials start a fresh, expiring session."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            chosen = session.get("locale")
            session.clear()
            if chosen:
                session["locale"] = chosen
            login_user(user)
            session.permanent = True
            flash(_("Welcome, %(name)s.", name=user.full_name), "info")
            return redirect(safe_next(form.next.data, url_for("home.index")), 303)
        flash(_("Wrong username or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@login_required
def logout():
    """End the session."""
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"), 303)


def set_locale():
    """Remember the chosen language (vi or en) in the session."""
    form = LocaleForm()
    if form.validate_on_submit() and form.locale.data in SUPPORTED_LOCALES:
        session["locale"] = form.locale.data
    return redirect(safe_next(form.next.data, url_for("home.index")), 303)


bp.add_url_rule("/login", "login", login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", logout, methods=["POST"])
bp.add_url_rule("/locale", "set_locale", set_locale, methods=["POST"])
