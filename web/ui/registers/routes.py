"""Registers area: the outgoing register of the clerk's issuing body, with exports."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from unidecode import unidecode

from models import Organization, db
from workflow import clock, registers
from workflow.errors import PermissionDenied

from ...auth import actor
from ..context import page_arg
from ..predicates import can_view_register
from .export import COLUMNS, to_csv, to_xlsx

bp = Blueprint("registers", __name__, url_prefix="/registers")
EXPORT_BATCH = 500


def _scope() -> tuple[Organization, list[Organization], int]:
    """The register asked for: the issuing body (one the user may read) and the year."""
    user = actor()
    if not can_view_register(user):
        raise PermissionDenied(_("Only clerks can read the outgoing register."))
    bodies = registers.register_bodies(db.session, user)
    if not bodies:
        raise PermissionDenied(_("Your unit belongs to no issuing body."))
    chosen = request.args.get("issuer", type=int)
    body = next((b for b in bodies if b.id == chosen), bodies[0])
    year = request.args.get("year", type=int) or clock.local_date().year
    return body, bodies, year


def _all_rows(body: Organization, year: int):
    page = 1
    while True:
        batch = registers.outgoing_register(db.session, body.id, year, page=page, per_page=EXPORT_BATCH)
        yield from batch.items
        if not batch.has_next:
            return
        page += 1


@login_required
def outgoing():
    """The outgoing register (sổ văn bản đi) with the columns of Phụ lục IV."""
    body, bodies, year = _scope()
    years = sorted(set(registers.register_years(db.session, body.id)) | {clock.local_date().year},
                   reverse=True)
    page = registers.outgoing_register(db.session, body.id, year, page=page_arg())
    return render_template("registers/outgoing.html", body=body, bodies=bodies, year=year,
                           years=years, page=page, columns=COLUMNS)


def _file_name(body: Organization, year: int, ext: str) -> str:
    return f"so-van-ban-di-{unidecode(body.abbreviation) or body.id}-{year}.{ext}"


@login_required
def outgoing_xlsx():
    """The whole year of the register as an XLSX workbook."""
    body, _bodies, year = _scope()
    data = to_xlsx(_all_rows(body, year), f"SỔ ĐĂNG KÝ VĂN BẢN ĐI — {body.name} — năm {year}")
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_file_name(body, year, "xlsx")}"'})


@login_required
def outgoing_csv():
    """The whole year of the register as CSV (UTF-8 with a BOM)."""
    body, _bodies, year = _scope()
    return Response("".join(to_csv(_all_rows(body, year))), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_file_name(body, year, "csv")}"'})


bp.add_url_rule("/outgoing", "outgoing", outgoing)
bp.add_url_rule("/outgoing.xlsx", "outgoing_xlsx", outgoing_xlsx)
bp.add_url_rule("/outgoing.csv", "outgoing_csv", outgoing_csv)
