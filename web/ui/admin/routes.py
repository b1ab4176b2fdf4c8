"""Administration area: the directory (organizations, groups), users, workflow definitions."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from models import POSITIONS, Organization, RecipientGroup, User, db
from workflow import directory, registry
from workflow.errors import NotFound, PermissionDenied, ValidationFailed
from workflow.guards import GUARDS
from workflow.services import admin as admin_services

from ...auth import actor
from ...extensions import login_manager
from ..context import page_arg
from ..formatting import locale
from ..predicates import can_administer
from .diagram import diagram_svg
from .forms import GroupForm, OrganizationForm, UserForm, attach_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _administrators_only():
    """Every page of this area needs a logged-in administrator."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not can_administer(actor()):
        raise PermissionDenied(_("Only administrators can open this page."))


def _load(model, obj_id: int):
    obj = db.session.get(model, obj_id)
    if obj is None:
        raise NotFound(_("Not found."))
    return obj


def _org_choices(blank: str | None = None) -> list[tuple[str, str]]:
    orgs = db.session.scalars(select(Organization).order_by(Organization.name))
    head = [("", blank)] if blank is not None else []
    return head + [(str(o.id), o.name) for o in orgs]


def _save(form, template: str, call, done_url: str, message: str, **context):
    """Validate `form`, run one service through `call(input)`, redirect or show errors."""
    if form.validate_on_submit():
        try:
            call(form.to_input())
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.details)
            flash(exc.message, "error")
            return render_template(template, form=form, **context), 422
        flash(message, "success")
        return redirect(done_url, 303)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def index():
    """Counts of the directory and links to each list."""
    count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
    return render_template("admin/index.html", organizations=count(Organization),
                           groups=count(RecipientGroup), users=count(User),
                           definitions=registry.all_definitions())


def organizations():
    """The organizations, filtered and paginated."""
    q = (request.args.get("q") or "").strip()[:100]
    page = directory.organizations_page(db.session, q=q, page=page_arg())
    return render_template("admin/organizations.html", page=page, q=q)


def organization_form(org_id: int | None = None):
    """Create or edit an organization."""
    org = _load(Organization, org_id) if org_id else None
    form = OrganizationForm(obj=org) if request.method == "GET" else OrganizationForm()
    if request.method == "GET" and org is not None:
        form.parent_id.data = str(org.parent_id or "")
        form.header_lines.data = "\n".join(org.header_lines or [])
        form.aliases.data = "\n".join(org.aliases or [])
    form.parent_id.choices = _org_choices(_("— none —"))
    if org is None:
        call = lambda data: admin_services.create_organization(db.session, actor(), data)  # noqa: E731
    else:
        call = lambda data: admin_services.update_organization(db.session, actor(), org, data)  # noqa: E731
    return _save(form, "admin/organization_form.html", call, url_for("admin.organizations"),
                 _("Organization saved."), org=org)


def groups():
    """Every recipient group with its number of members."""
    return render_template("admin/groups.html", rows=directory.groups_with_counts(db.session))


def group_form(group_id: int | None = None):
    """Create or edit a recipient group."""
    group = _load(RecipientGroup, group_id) if group_id else None
    form = GroupForm(obj=group) if request.method == "GET" else GroupForm()
    if request.method == "GET" and group is not None:
        form.owner_id.data = str(group.owner_id or "")
        form.member_ids.data = [m.id for m in group.members]
        form.aliases.data = "\n".join(group.aliases or [])
    choices = _org_choices()
    form.owner_id.choices = [("", _("— none —"))] + choices
    form.member_ids.choices = [(int(v), label) for v, label in choices]
    if group is None:
        call = lambda data: admin_services.create_group(db.session, actor(), data)  # noqa: E731
    else:
        call = lambda data: admin_services.update_group(db.session, actor(), group, data)  # noqa: E731
    return _save(form, "admin/group_form.html", call, url_for("admin.groups"), _("Group saved."),
                 group=group)


def users():
    """The users, filtered and paginated."""
    q = (request.args.get("q") or "").strip()[:100]
    page = directory.users_page(db.session, q=q, page=page_arg())
    return render_template("admin/users.html", page=page, q=q)


def user_form(user_id: int | None = None):
    """Create or edit a user (roles, active, optionally a new password)."""
    user = _load(User, user_id) if user_id else None
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    if request.method == "GET" and user is not None:
        form.organization_id.data = str(user.organization_id)
        form.password.data = ""
    form.organization_id.choices = _org_choices(_("— choose —"))
    positions = list(dict.fromkeys(POSITIONS + list(db.session.scalars(select(User.position).distinct()))))
    form.position.choices = [(p, p) for p in positions]
    if user is None:
        call = lambda data: admin_services.create_user(db.session, actor(), data)  # noqa: E731
    else:
        call = lambda data: admin_services.update_user(db.session, actor(), user, data)  # noqa: E731
    return _save(form, "admin/user_form.html", call, url_for("admin.users"), _("User saved."),
                 user=user)


def workflows():
    """The loaded workflow definitions."""
    return render_template("admin/workflows.html", definitions=registry.all_definitions())


def workflow(name: str):
    """One definition: its diagram (states, transitions, guards), chain and permissions."""
    definitions = registry.all_definitions()
    if name not in definitions:
        abort(404)
    definition = definitions[name]
    return render_template("admin/workflow.html", definition=definition, guards=GUARDS,
                           diagram=diagram_svg(definition, locale()))


ROUTES = [
    ("", "index", index, ["GET"]),
    ("/organizations", "organizations", organizations, ["GET"]),
    ("/organizations/new", "organization_new", organization_form, ["GET", "POST"]),
    ("/organizations/<int:org_id>", "organization_edit", organization_form, ["GET", "POST"]),
    ("/groups", "groups", groups, ["GET"]),
    ("/groups/new", "group_new", group_form, ["GET", "POST"]),
    ("/groups/<int:group_id>", "group_edit", group_form, ["GET", "POST"]),
    ("/users", "users", users, ["GET"]),
    ("/users/new", "user_new", user_form, ["GET", "POST"]),
    ("/users/<int:user_id>", "user_edit", user_form, ["GET", "POST"]),
    ("/workflows", "workflows", workflows, ["GET"]),
    ("/workflows/<name>", "workflow", workflow, ["GET"]),
]
for rule, endpoint, view, methods in ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
