"""Who may use each route: the table the HTTP authorization matrix checks.

One entry per rule of `app.url_map` ("METHOD endpoint"), naming who may use
it (a rule below) and, for a route about one document, the document states it
is checked in. `test_route_matrix.py` sends every route as every kind of user
in every listed state and asserts allow or deny; a route missing here (or an
entry whose route is gone) fails that test.

States: `draft` (never submitted), `in_review` (checked at each review step of
the chain), `reviewed`, `signed`, `distributed`, `reported` (every report
filed) and `returned` (a draft sent back by a reviewer).
"""
from __future__ import annotations

from dataclasses import dataclass

# Who may use a route.
PUBLIC = "public"                  # anyone, logged in or not
LOGGED_IN = "logged_in"            # any logged-in user (lists show only the caller's own things)
ADMIN = "admin"                    # administrators only
DRAFTER = "drafter"                # users with the drafter role (administrators hold every role)
CLERK = "clerk"                    # clerks, for the register of their issuing body
DELEGATOR = "delegator"            # reviewers, format checkers and signers delegating their steps
VIEWER = "viewer"                  # `view` of the workflow definition's permissions for the state
EDITOR = "editor"                  # `edit` of the definition's permissions for the state
TRIGGER = "trigger"                # the definition's transitions and their guards, per trigger
TRACKER = "tracker"                # an issued document's author, chain, drafting-unit head, issuing
                                   # body (unless its unit is addressed) and administrators
SENDER = "sender"                  # a tracker who is the author, a clerk of the issuing body or an admin
ADDRESSEE = "addressee"            # users of the organization a copy was sent to
ACKNOWLEDGER = "acknowledger"      # the addressee, while its copy is neither acknowledged nor refused
REPORTER = "reporter"              # the addressee, while its copy is not refused
REPORT_READER = "report_reader"    # the unit that filed a report and those who track the document
OWNER = "owner"                    # the user a notification belongs to (others: not found or ignored)
DELEGATION_PARTY = "delegation_party"  # the delegator of a delegation or an administrator

ISSUED = ("distributed", "reported")
EVERY_STATE = ("draft", "in_review", "reviewed", "signed", "distributed", "reported", "returned")


@dataclass(frozen=True)
class Access:
    """Who may use one route and, for a document route, the states it is checked in.

    `ignored`: a refused caller gets the usual answer, but nothing changes (the route
    acts only on the caller's own items and skips the others).
    """

    who: str
    states: tuple[str, ...] = ()
    note: str = ""
    ignored: bool = False


ACCESS: dict[str, Access] = {
    # --- session and home -----------------------------------------------------------------
    "GET auth.login": Access(PUBLIC, note="a logged-in user is sent home"),
    "POST auth.login": Access(PUBLIC, note="valid credentials start a session"),
    "POST auth.logout": Access(LOGGED_IN),
    "POST auth.set_locale": Access(PUBLIC),
    "GET home.index": Access(LOGGED_IN),
    # --- documents ------------------------------------------------------------------------
    "GET documents.index": Access(LOGGED_IN),
    "GET documents.create": Access(DRAFTER),
    "POST documents.create": Access(DRAFTER),
    "GET documents.show": Access(VIEWER, EVERY_STATE),
    "GET documents.edit": Access(EDITOR, EVERY_STATE),
    "POST documents.edit": Access(EDITOR, EVERY_STATE),
    "POST documents.transition": Access(TRIGGER, EVERY_STATE),
    "GET documents.diff": Access(VIEWER, EVERY_STATE),
    "GET documents.history": Access(VIEWER, EVERY_STATE),
    "GET documents.preview": Access(VIEWER, EVERY_STATE),
    "GET docio.download": Access(VIEWER, EVERY_STATE),
    "GET docio.verify": Access(VIEWER, EVERY_STATE),
    "POST docio.verify": Access(VIEWER, ISSUED, note="compares an upload with the issued file"),
    "GET docio.import_form": Access(DRAFTER),
    "POST docio.import_form": Access(DRAFTER, note="reads the upload; stores nothing"),
    "POST docio.import_confirm": Access(DRAFTER),
    # --- registers, inbox -----------------------------------------------------------------
    "GET registers.outgoing": Access(CLERK),
    "GET registers.outgoing_xlsx": Access(CLERK),
    "GET registers.outgoing_csv": Access(CLERK),
    "GET inbox.index": Access(LOGGED_IN),
    "GET inbox.show": Access(ADDRESSEE, ISSUED),
    "POST inbox.acknowledge": Access(ACKNOWLEDGER, ISSUED),
    "POST inbox.refuse": Access(ACKNOWLEDGER, ISSUED),
    "POST inbox.file_report": Access(REPORTER, ISSUED),
    "GET inbox.attachment": Access(REPORT_READER, ISSUED),
    # --- follow-up ------------------------------------------------------------------------
    "GET tracking.dashboard": Access(LOGGED_IN, note="lists only the documents the caller follows"),
    "GET tracking.dashboard_xlsx": Access(LOGGED_IN),
    "GET tracking.units": Access(LOGGED_IN),
    "GET tracking.units_xlsx": Access(LOGGED_IN),
    "GET tracking.unit": Access(LOGGED_IN),
    "GET tracking.unit_xlsx": Access(LOGGED_IN),
    "GET tracking.document_xlsx": Access(TRACKER, EVERY_STATE),
    "GET tracking.send_again_form": Access(SENDER, EVERY_STATE),
    "POST tracking.send_again": Access(SENDER, EVERY_STATE),
    "GET notifications.index": Access(LOGGED_IN),
    "GET notifications.open": Access(OWNER),
    "POST notifications.mark_read": Access(OWNER, ignored=True),
    "POST notifications.mark_all_read": Access(LOGGED_IN, note="marks only the caller's own"),
    "GET delegations.index": Access(LOGGED_IN),
    "POST delegations.create": Access(DELEGATOR),
    "POST delegations.revoke": Access(DELEGATION_PARTY),
    # --- administration -------------------------------------------------------------------
    "GET admin.index": Access(ADMIN),
    "GET admin.organizations": Access(ADMIN),
    "GET admin.organization_new": Access(ADMIN),
    "POST admin.organization_new": Access(ADMIN),
    "GET admin.organization_edit": Access(ADMIN),
    "POST admin.organization_edit": Access(ADMIN),
    "GET admin.groups": Access(ADMIN),
    "GET admin.group_new": Access(ADMIN),
    "POST admin.group_new": Access(ADMIN),
    "GET admin.group_edit": Access(ADMIN),
    "POST admin.group_edit": Access(ADMIN),
    "GET admin.users": Access(ADMIN),
    "GET admin.user_new": Access(ADMIN),
    "POST admin.user_new": Access(ADMIN),
    "GET admin.user_edit": Access(ADMIN),
    "POST admin.user_edit": Access(ADMIN),
    "GET admin.workflows": Access(ADMIN),
    "GET admin.workflow": Access(ADMIN),
    # --- JSON API -------------------------------------------------------------------------
    "GET api.openapi": Access(PUBLIC),
    "POST api.create_token": Access(PUBLIC, note="valid credentials get a token"),
    "GET api.me": Access(LOGGED_IN),
    "GET api.organizations": Access(LOGGED_IN),
    "GET api.groups": Access(LOGGED_IN),
    "GET api.list_documents": Access(LOGGED_IN, note="lists only the documents the caller may view"),
    "POST api.create_document": Access(DRAFTER),
    "GET api.get_document": Access(VIEWER, EVERY_STATE),
    "PUT api.update_document": Access(EDITOR, EVERY_STATE),
    "PATCH api.update_document": Access(EDITOR, EVERY_STATE),
    "POST api.transition": Access(TRIGGER, EVERY_STATE),
    "GET api.distributions": Access(VIEWER, EVERY_STATE),
    "POST api.acknowledge": Access(ACKNOWLEDGER, ISSUED),
    "POST api.refuse": Access(ACKNOWLEDGER, ISSUED),
    "POST api.file_report": Access(REPORTER, ISSUED),
    "GET api.incoming": Access(LOGGED_IN),
    "GET api.document_docx": Access(VIEWER, EVERY_STATE),
    "POST api.import_file": Access(DRAFTER, note="reads the upload; stores nothing"),
    "POST api.import_draft": Access(DRAFTER),
    "GET api.tracking": Access(LOGGED_IN),
    "GET api.tracking_xlsx": Access(LOGGED_IN),
    "GET api.tracking_units": Access(LOGGED_IN),
    "GET api.tracking_units_xlsx": Access(LOGGED_IN),
    "GET api.tracking_unit": Access(LOGGED_IN),
    "GET api.tracking_unit_xlsx": Access(LOGGED_IN),
    "GET api.document_tracking": Access(TRACKER, EVERY_STATE),
    "GET api.document_tracking_xlsx": Access(TRACKER, EVERY_STATE),
    "POST api.send_again": Access(SENDER, EVERY_STATE),
    "PUT api.set_recurrence": Access(SENDER, EVERY_STATE),
    "GET api.notifications": Access(LOGGED_IN),
    "POST api.notifications_read": Access(OWNER, ignored=True),
    "GET api.list_delegations": Access(LOGGED_IN),
    "POST api.create_delegation": Access(DELEGATOR),
    "POST api.revoke_delegation": Access(DELEGATION_PARTY),
}
