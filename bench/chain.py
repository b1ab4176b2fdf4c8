"""A document's whole life through the services against a raw-SQL floor, on PostgreSQL.

The chain: create the draft, submit, three approvals, sign, issue to 150
recipient units (a group, one report owed by each), then 150 acknowledgements.
The UBND workflow has two review steps, so a copy of config/workflows in a
temporary WORKFLOW_DIR adds a third ("Lãnh đạo Văn phòng duyệt") before signing.

Our side does what a request handler does, minus HTTP and templates: each action
in its own app context and session, loading the actor as the login manager does
(`web.auth.load_user`), the document as the form handlers do
(`services.load_for_transition`), calling one service (an acknowledgement:
`services.acknowledge_copy`, given the copy's id), committing once. (The JSON API's transition handler loads the whole
document page with `queries.get_document` instead, since it answers with it.)

The floor (bench/floor.py) writes the same rows with psycopg in one
transaction per action, holding in Python what the services read back. Both
write the same number of rows per table (checked). Runs alternate (ours,
floor) after one warm-up of each.

Goal: ours ≤ 2.0× the floor per chain.
Usage: python bench/chain.py [--runs 5] [--recipients 150]
"""
from __future__ import annotations

import argparse
import atexit
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/docx.py
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.common import (StatementCounter, build_world, conninfo, docx_render_ms, draft_input,  # noqa: E402
                          log, make_app, ratio, recreate_database, report, start)
from bench.floor import UBND_CHAIN, Floor  # noqa: E402

DB = "bench_chain"
PHASES = ("create", "submit", "approve", "sign", "issue", "acknowledge")
THIRD_STEP = """  - key: office_lead_review
    label: Lãnh đạo Văn phòng duyệt
    kind: review
    assignee: {within: issuer, role: reviewer, position: [Phó Chánh Văn phòng]}
"""
CHAIN = UBND_CHAIN[:2] + (("office_lead_review", "review", "deputy"),) + UBND_CHAIN[2:]
TABLES = ("document", "document_recipient", "reporting_obligation", "document_revision", "approval_step",
          "history_entry", "notification", "distribution", "report_duty", "issued_file", "document_progress")


def workflow_dir() -> str:
    """A copy of config/workflows whose UBND chain has three review steps."""
    target = Path(tempfile.mkdtemp(prefix="bench-wf-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    shutil.copytree(ROOT / "config" / "workflows", target, dirs_exist_ok=True)
    path = target / "ke_hoach_ubnd.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - key: sign\n", THIRD_STEP + "  - key: sign\n", 1), encoding="utf-8")
    return str(target)


def service_chain(app, world: dict, n: int, counter) -> tuple[dict, dict, int]:
    """One chain through the services; (seconds, statements) per phase, and the document id."""
    from models import db
    from web.auth import load_user
    from workflow import services
    times, stmts = dict.fromkeys(PHASES, 0.0), dict.fromkeys(PHASES, 0)

    def act(phase, fn):
        counter.reset()
        t = time.perf_counter()
        with app.app_context():
            fn(db.session)
            db.session.commit()
        times[phase] += time.perf_counter() - t
        stmts[phase] += counter.reset()

    ids, doc = world["ids"], {}

    def create(s):
        author = load_user(ids["drafter"])
        doc["id"] = services.create_draft(s, author, services.parse_draft_input(draft_input(world, n))).id

    def step(user_key, trigger):
        def run(s):
            user = load_user(ids[user_key])
            services.transition(s, services.load_for_transition(s, doc["id"], user), user, trigger)
        return run

    act("create", create)
    act("submit", step("drafter", "submit"))
    for who in ("head", "office", "deputy"):
        act("approve", step(who, "approve"))
    act("sign", step("signer", "sign"))
    act("issue", step("clerk", "issue"))
    with app.app_context():
        from models import Distribution
        dists = db.session.execute(select(Distribution.id, Distribution.organization_id)
                                   .where(Distribution.document_id == doc["id"])).all()
    for dist_id, org_id in dists:
        def ack(s, dist_id=dist_id, org_id=org_id):
            user = load_user(world["readers"][org_id])
            services.acknowledge_copy(s, dist_id, user)
        act("acknowledge", ack)
    return times, stmts, doc["id"]


def row_counts(conn) -> dict:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--recipients", type=int, default=150)
    args = parser.parse_args()
    start()
    recreate_database(DB)
    app = make_app(DB, WORKFLOW_DIR=workflow_dir())
    from models import IssuedFile, db
    with app.app_context():
        world = build_world(db.session, args.recipients)
        counter = StatementCounter(db.engine)
    ours, floor, statements, docx = [], [], [], None
    with psycopg.connect(conninfo(DB)) as conn:
        for run in range(args.runs + 1):  # run 0 warms both up
            log(f"chain run {run}/{args.runs}")
            before = row_counts(conn); conn.commit()
            times, stmts, doc_id = service_chain(app, world, run, counter)
            middle = row_counts(conn); conn.commit()
            if docx is None:
                with app.app_context():
                    docx = db.session.scalar(select(IssuedFile.data).where(IssuedFile.document_id == doc_id))
            raw, raw_times = Floor(conn, world, docx, CHAIN), dict.fromkeys(PHASES, 0.0)
            raw.chain(1000 + run, raw_times)
            after = row_counts(conn); conn.commit()
            rows_ours = {t: middle[t] - before[t] for t in TABLES}
            rows_floor = {t: after[t] - middle[t] for t in TABLES}
            if rows_ours != rows_floor:
                raise SystemExit(f"the floor wrote other rows: ours {rows_ours}, floor {rows_floor}")
            if run:
                raw_stmts = dict.fromkeys(PHASES, 0)
                for action, _, n in raw.log:
                    raw_stmts[action] += n
                ours.append(times); floor.append(raw_times); statements.append((stmts, raw_stmts))
    def med(runs, phase=None):
        return statistics.median(sum(r.values()) if phase is None else r[phase] for r in runs)

    total_ours, total_floor = med(ours), med(floor)
    phases = {p: {"ours_ms": round(med(ours, p) * 1000, 1), "floor_ms": round(med(floor, p) * 1000, 1),
                  "ratio": ratio(med(ours, p), med(floor, p)), "ours_statements": statements[-1][0][p],
                  "floor_statements": statements[-1][1][p]}
              for p in PHASES}
    acks = args.recipients or 1
    per_ack = {"ours_ms": round(med(ours, "acknowledge") * 1000 / acks, 3),
               "floor_ms": round(med(floor, "acknowledge") * 1000 / acks, 3),
               "ours_statements": round(statements[-1][0]["acknowledge"] / acks, 2),
               "floor_statements": round(statements[-1][1]["acknowledge"] / acks, 2)}
    result = {
        "measured": f"create + submit + 3 approvals (UBND chain with a third review step) + sign + issue to "
                    f"{args.recipients} recipients (one report each) + {args.recipients} acknowledgements; "
                    f"one transaction per action; median of {args.runs} alternating runs after a warm-up",
        "ratio": ratio(total_ours, total_floor),
        "ours_ms": round(total_ours * 1000, 1), "floor_ms": round(total_floor * 1000, 1),
        "statements": {"ours": sum(statements[-1][0].values()), "floor": sum(statements[-1][1].values())},
        "per_acknowledgement": per_ack,
        "rows_per_chain": rows_ours, "phases": phases, "docx_render_ms_in_issue": docx_render_ms(app, doc_id),
    }
    report("chain", result, goal="ours <= 2.0x the raw-SQL floor per chain", meets_goal=result["ratio"] <= 2.0)


if __name__ == "__main__":
    main()
