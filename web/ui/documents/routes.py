"""Documents area: list and search, draft editor, the document page, transitions, diffs."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import login_required

from models import Document, db
from workflow import clock, dashboards, directory, document_page, queries, registry, services
from workflow.access_log import record_access
from workflow.errors import PermissionDenied, ValidationFailed
from workflow.paging import count_cap
from workflow.permissions import ISSUED
from workflow.tracking_access import can_track

from ...auth import actor
from ..context import page_arg, remember_nav_counts
from ..formatting import locale
from ..predicates import can_create_draft, can_edit_draft
from . import presenters
from .diff import diff_revisions
from .forms import DraftForm, TransitionForm, draft_data

bp = Blueprint("documents", __name__)

DONE_MESSAGES = {"submit": _l("The document was sent for review."),
                 "approve": _l("You approved the document."),
                 "return": _l("The document was returned to the drafter with your comment."),
                 "sign": _l("You signed the document."),
                 "issue": _l("The document was numbered and issued.")}


def _state_choices() -> list[tuple[str, str]]:
    definition = next(iter(registry.all_definitions().values()))
    return [(s, definition.state_label(s, locale())) for s in definition.states]


@login_required
def index():
    """Documents visible to me, searchable without diacritics, filtered by state."""
    q = (request.args.get("q") or "").strip()[:200]
    state = request.args.get("state") or None
    page = page_arg()
    found = queries.list_documents(db.session, actor(), state=state, q=q or None, page=page, per_page=20,
                                   cap=count_cap(page, 20))
    return render_template("documents/list.html", page=found, q=q, state=state, states=_state_choices())


def _prepare(form: DraftForm) -> DraftForm:
    """Fill the form's selects from the directory, once per request (a province's
    directory is thousands of units)."""
    if not getattr(form, "prepared", False):
        orgs, groups = directory.directory(db.session)
        issuers = [o for o in actor().organization.ancestors() if o.issues_documents]
        form.set_choices(orgs, groups, issuers)
        form.prepared = True
    return form


def _editor(form: DraftForm, document: Document | None, status: int = 200):
    _prepare(form)
    returned = None
    if document is not None and document.chain_round:
        returned = dashboards.last_returns(db.session, [document.id]).get(document.id)
    return render_template("documents/form.html", form=form, document=document,
                           returned=returned), status


def _save_failed(form: DraftForm, document: Document | None, exc: ValidationFailed):
    db.session.rollback()
    form.attach_errors(exc.details)
    flash(exc.message, "error")
    return _editor(form, document, 422)


@login_required
def create():
    """The draft editor for a new document; saving stores revision 1."""
    user = actor()
    if not can_create_draft(user):
        raise PermissionDenied(_("Only drafters can create documents."))
    form = _prepare(DraftForm())
    if request.method == "POST" and form.add_row(request.form.get("add")):
        return _editor(form, None)
    if form.validate_on_submit():
        try:
            document = services.create_draft(db.session, user, services.parse_draft_input(form.to_input()))
        except ValidationFailed as exc:
            return _save_failed(form, None, exc)
        flash(_("Draft saved (revision %(n)d).", n=1), "success")
        return redirect(url_for("documents.show", doc_id=document.id), 303)
    return _editor(form, None, 422 if form.errors else 200)


@login_required
def edit(doc_id: int):
    """The draft editor for an existing draft (its author, in state draft); each save
    is a new revision."""
    user = actor()
    document = queries.get_document(db.session, doc_id, user)
    if not can_edit_draft(db.session, user, document):
        raise PermissionDenied(_("You cannot edit this document in its current state."))
    if request.method == "GET":
        form = DraftForm(data=draft_data(document, queries.obligations_of(db.session, document)))
        form.pad()
        return _editor(form, document)
    form = _prepare(DraftForm())
    if form.add_row(request.form.get("add")):
        return _editor(form, document)
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            revision = services.update_draft(db.session, document, user,
                                             services.parse_draft_input(form.to_input()),
                                             expected_version=version)
        except ValidationFailed as exc:
            return _save_failed(form, document, exc)
        flash(_("Draft saved (revision %(n)d).", n=revision.number), "success")
        return redirect(url_for("documents.show", doc_id=document.id), 303)
    return _editor(form, document, 422)


@login_required
def show(doc_id: int):
    """The document page: preview, approval chain, actions, changes since my last
    decision, distribution table and history."""
    user, today = actor(), clock.local_date()
    session = db.session
    head = document_page.load_document(session, doc_id, user, today, nav=True)
    document = head.document
    remember_nav_counts(dashboards.nav_counts_of(head.extra))
    record_access(session, user, document, "view", request.remote_addr or "")
    triggers = queries.available_triggers(session, document, user)
    lists = document_page.side_lists(session, document, history_size=8)
    changes, seen, latest = None, head.seen_revision, head.latest_revision
    if seen and latest and seen < latest and user.id != document.author_id:
        old_new = document_page.revisions_numbered(session, document, [seen, latest])
        changes = (seen, latest, diff_revisions(old_new[seen], old_new[latest]))
    context = {
        "document": document, "triggers": triggers, "revision_count": head.revision_count, "changes": changes,
        "definition": registry.get(document.workflow), "preview": presenters.preview_of(session, document),
        "obligations": lists.obligations,
        "unreached": services.unreached_units(session, document, lists.obligations),
        "returned": dashboards.last_returns(session, [document.id]).get(document.id)
        if document.chain_round and document.state == "draft" else None,
        "history": lists.history,
        "earlier_rounds": sorted({s.round for s in document.steps if s.round != document.chain_round}),
        "can_edit": can_edit_draft(session, user, document),
        "forms": {t: TransitionForm(trigger=t, version=document.version, formdata=None) for t in triggers},
    }
    if "sign" in triggers:
        context["final_signature"] = presenters.final_signature(document, user)
    if "issue" in triggers:
        context["next_number"] = document_page.next_number_preview(session, document, today.year)
    if document.state in ISSUED:
        view = request.args.get("recipients", "all")
        view = view if view in document_page.RECIPIENT_VIEWS else "all"
        totals = head.totals or document_page.DistributionTotals()
        context["tracks"] = can_track(session, user, document)  # also read by _distribution.html
        if context["tracks"]:
            context.update(recipients_view=view, totals=totals, distributions=document_page.distribution_page(
                session, document, view=view, today=today, page=page_arg("rpage"), total=totals.in_view(view)))
        else:  # a recipient sees its own unit's copy, not the other units' receipts and reports
            context.update(recipients_view="all", totals=totals, own_copy=True,
                           distributions=document_page.distribution_page(
                               session, document, today=today, per_page=10, organization_id=user.organization_id))
    return render_template("documents/show.html", **context)


@login_required
def transition(doc_id: int):
    """Fire one trigger (submit, approve, return, sign, issue) with the version seen."""
    user = actor()
    document = services.load_for_transition(db.session, doc_id, user)
    form = TransitionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("documents.show", doc_id=doc_id), 303)
    trigger = form.trigger.data
    services.transition(db.session, document, user, trigger, comment=form.comment.data or "",
                        expected_version=form.version.data)
    flash(str(DONE_MESSAGES.get(trigger, _l("Done."))), "success")
    return redirect(url_for("documents.show", doc_id=doc_id), 303)


@login_required
def diff(doc_id: int):
    """Compare any two revisions of the document (default: the last two)."""
    document = queries.get_document(db.session, doc_id, actor())
    revisions = document_page.revisions_of(db.session, document)
    numbers = [r.number for r in revisions]
    newest = numbers[-1] if numbers else 0
    new = request.args.get("b", type=int, default=newest)
    old = request.args.get("a", type=int, default=max(newest - 1, 1))
    if old not in numbers or new not in numbers:
        old, new = max(newest - 1, 1), newest
    rows = diff_revisions(revisions[old - 1], revisions[new - 1]) if numbers else []
    return render_template("documents/diff.html", document=document, revisions=revisions,
                           old=old, new=new, rows=rows)


@login_required
def history(doc_id: int):
    """The whole history of the document, oldest first, paginated."""
    document = queries.get_document(db.session, doc_id, actor())
    page = document_page.history_page(db.session, document, page=page_arg(), per_page=50)
    return render_template("documents/history.html", document=document, page=page)


@login_required
def preview(doc_id: int):
    """The document alone, laid out like paper (for reading on a phone or printing)."""
    document = queries.get_document(db.session, doc_id, actor())
    return render_template("documents/preview.html", document=document,
                           preview=presenters.preview_of(db.session, document))


bp.add_url_rule("/documents", "index", index)
bp.add_url_rule("/documents/new", "create", create, methods=["GET", "POST"])
bp.add_url_rule("/documents/<int:doc_id>", "show", show)
bp.add_url_rule("/documents/<int:doc_id>/edit", "edit", edit, methods=["GET", "POST"])
bp.add_url_rule("/documents/<int:doc_id>/transition", "transition", transition, methods=["POST"])
bp.add_url_rule("/documents/<int:doc_id>/diff", "diff", diff)
bp.add_url_rule("/documents/<int:doc_id>/history", "history", history)
bp.add_url_rule("/documents/<int:doc_id>/preview", "preview", preview)
