"""Delegations area (ủy quyền): give one to a colleague for a date range, see those given
and received, revoke.

While a delegation is active the colleague finds the delegator's review and signing
steps in their worklist and acts on them; the history says "on behalf of" and a
signature reads "TUQ." (the engine does both: `workflow.services.chain`).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from models import Delegation, Organization, User, db
from workflow import clock, queries
from workflow.errors import PermissionDenied, ValidationFailed
from workflow.services import followup

from ...auth import actor
from ..formatting import vn_date
from .forms import DelegationForm, RevokeForm

bp = Blueprint("delegations", __name__, url_prefix="/delegations")


def can_delegate(user: User) -> bool:
    """Reviewers, format checkers and signers (and administrators) may delegate their
    steps, as `followup.create_delegation` allows."""
    return any(user.has_role(role) for role in followup.DELEGABLE_ROLES)


def can_revoke(user: User, delegation: Delegation, today: date) -> bool:
    """Its delegator (or an administrator) may revoke a delegation not revoked and not
    ended, as `followup.revoke_delegation` allows."""
    return ((user.id == delegation.delegator_id or user.is_admin) and delegation.revoked_at is None
            and delegation.ends_on >= today)


def status_of(delegation: Delegation, today: date) -> str:
    """`revoked`, `ended`, `scheduled` (starts later) or `active`."""
    if delegation.revoked_at is not None:
        return "revoked"
    if delegation.ends_on < today:
        return "ended"
    return "scheduled" if delegation.starts_on > today else "active"


def colleagues(session: Session, user: User) -> list[User]:
    """The active users of the user's issuing body (and the units below it), except the user."""
    return list(session.scalars(
        select(User).join(Organization, Organization.id == User.organization_id)
        .where(User.organization_id.in_(queries.issuing_scope_ids(session, user)),
               User.active.is_(True), User.id != user.id)
        .options(joinedload(User.organization)).order_by(Organization.name, User.full_name)))


def _delegations(session: Session, user: User) -> list[Delegation]:
    return list(session.scalars(
        select(Delegation).where(or_(Delegation.delegator_id == user.id, Delegation.delegate_id == user.id))
        .options(joinedload(Delegation.delegator), joinedload(Delegation.delegate))
        .order_by(Delegation.starts_on.desc(), Delegation.id.desc())))


def _page(form: DelegationForm | None, status: int = 200):
    """The page; `form` is the submitted form to show again with its errors."""
    user, today = actor(), clock.local_date()
    rows = _delegations(db.session, user)
    if form is None and can_delegate(user):
        form = DelegationForm(formdata=None, starts_on=today).set_colleagues(colleagues(db.session, user))
    return render_template(
        "delegations/index.html", form=form, revoke_form=RevokeForm(),
        given=[d for d in rows if d.delegator_id == user.id],
        received=[d for d in rows if d.delegate_id == user.id],
        status_of=lambda d: status_of(d, today), may_revoke=lambda d: can_revoke(user, d, today)), status


@login_required
def index():
    """Delegations I gave and received, with the form to give one (if I may delegate)."""
    return _page(None)


@login_required
def create():
    """Give a delegation; a refusal of the service shows next to the form (422)."""
    user = actor()
    if not can_delegate(user):
        raise PermissionDenied(_("Only reviewers and signers delegate their own steps; "
                                 "a delegation cannot be passed on."))
    form = DelegationForm()
    form.set_colleagues(colleagues(db.session, user))
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        item = followup.create_delegation(db.session, user, db.session.get(User, form.delegate_id.data),
                                          form.starts_on.data, form.ends_on.data, reason=form.reason.data or "")
    except ValidationFailed as exc:  # the 422 answer rolls the request back
        form.form_errors.append(exc.message)
        return _page(form, 422)
    flash(_("%(name)s may act for you from %(start)s to %(end)s.", name=item.delegate.full_name,
            start=vn_date(item.starts_on), end=vn_date(item.ends_on)), "success")
    return redirect(url_for("delegations.index"), 303)


@login_required
def revoke(delegation_id: int):
    """End a delegation now (its delegator or an administrator)."""
    form = RevokeForm()
    if form.validate_on_submit():
        item = followup.get_delegation(db.session, delegation_id, actor())
        followup.revoke_delegation(db.session, item, actor())
        flash(_("The delegation to %(name)s was revoked.", name=item.delegate.full_name), "success")
    return redirect(url_for("delegations.index"), 303)


bp.add_app_template_global(can_delegate)
bp.add_url_rule("", "index", index)
bp.add_url_rule("", "create", create, methods=["POST"])
bp.add_url_rule("/<int:delegation_id>/revoke", "revoke", revoke, methods=["POST"])
