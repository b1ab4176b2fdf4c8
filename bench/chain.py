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
write the same number of rows per table (checked). The checked floor is the
same floor reading first, in raw SQL, what a handler must read before it may
write (the actor, the document or copy it acts on, the group it issues to):
against it, what remains is our client-side work. Each side's time is split
into the time spent waiting for PostgreSQL (`bench.common.DatabaseWait`) and
the rest, the client's own work. Our statements are counted at the driver
(`bench.common.DriverStatementCounter`), not by an engine event, which would
slow our side alone. Runs alternate (ours, floor, checked floor) after one
warm-up of each.

What the stack itself costs is measured too, in each run: an empty request
(app context, the actor loaded by `web.auth.load_user`, commit, nothing read or
written) against the same in raw psycopg (BEGIN, the actor's SELECT, COMMIT).
Their difference per action, added to the checked floor, is a lower bound for
any implementation on flask-sqlalchemy and flask-login that makes the checks
(`bound_ms`; `ratio_bound` = bound / floor).

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

from bench.common import (DatabaseWait, DriverStatementCounter, build_world, conninfo,  # noqa: E402
                          docx_render_ms, draft_input, log, make_app, ratio, recreate_database, report, start)
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


def service_chain(app, world: dict, n: int, counter, meter) -> tuple[dict, dict, dict, int]:
    """One chain through the services; (seconds, statements, seconds waiting for the
    database) per phase, and the document id."""
    from models import db
    from web.auth import load_user
    from workflow import services
    times, stmts, waits = dict.fromkeys(PHASES, 0.0), dict.fromkeys(PHASES, 0), dict.fromkeys(PHASES, 0.0)

    def act(phase, fn):
        counter.reset()
        waited, t = meter.seconds, time.perf_counter()
        with app.app_context():
            fn(db.session)
            db.session.commit()
        times[phase] += time.perf_counter() - t
        waits[phase] += meter.seconds - waited
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
    return times, stmts, waits, doc["id"]


def row_counts(conn) -> dict:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def empty_requests(app, conn, world: dict) -> tuple[float, float]:
    """Median seconds of an empty request of each reader: (through our stack, in raw psycopg)."""
    from models import db
    from web.auth import load_user
    ours, raw = [], []
    for user_id in world["readers"].values():
        t = time.perf_counter()
        with app.app_context():
            load_user(user_id)
            db.session.commit()
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        with conn.transaction():
            conn.execute("SELECT u.*, o.* FROM user_account u JOIN organization o ON o.id = u.organization_id"
                         " WHERE u.id = %s", (user_id,)).fetchall()
        raw.append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(raw)


def floor_chain(conn, world: dict, docx: bytes, n: int, meter, checked: bool) -> Floor:
    """One chain written by the floor (`checked`: reading first what a handler reads)."""
    raw = Floor(conn, world, docx, CHAIN, checked=checked, meter=meter)
    raw.times = dict.fromkeys(PHASES, 0.0)
    raw.chain(n, raw.times)
    return raw


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
    counter, meter = DriverStatementCounter(), DatabaseWait()
    sides = {"ours": [], "floor": [], "checked_floor": []}  # per run: {times, waits, statements}
    empty = []  # per run: (our empty request, the raw one), seconds
    docx = None
    with psycopg.connect(conninfo(DB)) as conn:
        for run in range(args.runs + 1):  # run 0 warms all up
            log(f"chain run {run}/{args.runs}")
            before = row_counts(conn); conn.commit()
            times, stmts, waits, doc_id = service_chain(app, world, run, counter, meter)
            rows = {"ours": row_counts(conn)}; conn.commit()
            if docx is None:
                with app.app_context():
                    docx = db.session.scalar(select(IssuedFile.data).where(IssuedFile.document_id == doc_id))
            measured = {"ours": {"times": times, "waits": waits, "statements": stmts}}
            for side, checked, n in (("floor", False, 1000 + run), ("checked_floor", True, 2000 + run)):
                raw = floor_chain(conn, world, docx, n, meter, checked)
                rows[side] = row_counts(conn); conn.commit()
                raw_stmts = dict.fromkeys(PHASES, 0)
                for action, _, count in raw.log:
                    raw_stmts[action] += count
                measured[side] = {"times": raw.times, "waits": {p: raw.waits.get(p, 0.0) for p in PHASES},
                                  "statements": raw_stmts}
            written = {}
            for side, counts in rows.items():
                written[side] = {t: counts[t] - before[t] for t in TABLES}
                before = counts
            if not written["ours"] == written["floor"] == written["checked_floor"]:
                raise SystemExit(f"the floors wrote other rows: {written}")
            if run:
                for side, values in measured.items():
                    sides[side].append(values)
                empty.append(empty_requests(app, conn, world))
    meter.close()
    counter.close()

    def med(side, key="times", phase=None):
        runs = sides[side]
        return statistics.median(sum(r[key].values()) if phase is None else r[key][phase] for r in runs)

    def statements(side, phase=None):
        last = sides[side][-1]["statements"]
        return sum(last.values()) if phase is None else last[phase]

    def split(side):
        total, waited = med(side), med(side, "waits")
        return {"total_ms": round(total * 1000, 1), "database_wait_ms": round(waited * 1000, 1),
                "client_ms": round((total - waited) * 1000, 1), "statements": statements(side)}

    phases = {p: {"ours_ms": round(med("ours", phase=p) * 1000, 1),
                  "floor_ms": round(med("floor", phase=p) * 1000, 1),
                  "checked_floor_ms": round(med("checked_floor", phase=p) * 1000, 1),
                  "ratio": ratio(med("ours", phase=p), med("floor", phase=p)),
                  "ratio_to_checked_floor": ratio(med("ours", phase=p), med("checked_floor", phase=p)),
                  "ours_wait_ms": round(med("ours", "waits", p) * 1000, 1),
                  "floor_wait_ms": round(med("floor", "waits", p) * 1000, 1),
                  "checked_floor_wait_ms": round(med("checked_floor", "waits", p) * 1000, 1),
                  "ours_statements": statements("ours", p), "floor_statements": statements("floor", p),
                  "checked_floor_statements": statements("checked_floor", p)}
              for p in PHASES}
    acks = args.recipients or 1
    actions = 7 + args.recipients  # create, submit, 3 approvals, sign, issue, then the acknowledgements
    stack = statistics.median(ours - raw for ours, raw in empty)
    bound = med("checked_floor") + actions * stack
    per_ack = {f"{side}_{key}": round(value, 3) for side in sides for key, value in (
        ("ms", med(side, phase="acknowledge") * 1000 / acks),
        ("wait_ms", med(side, "waits", "acknowledge") * 1000 / acks),
        ("statements", statements(side, "acknowledge") / acks))}
    result = {
        "measured": f"create + submit + 3 approvals (UBND chain with a third review step) + sign + issue to "
                    f"{args.recipients} recipients (one report each) + {args.recipients} acknowledgements; "
                    f"one transaction per action; median of {args.runs} alternating runs after a warm-up",
        "ratio": ratio(med("ours"), med("floor")),
        "ratio_to_checked_floor": ratio(med("ours"), med("checked_floor")),
        "ours_ms": round(med("ours") * 1000, 1), "floor_ms": round(med("floor") * 1000, 1),
        "checked_floor_ms": round(med("checked_floor") * 1000, 1),
        "statements": {side: statements(side) for side in sides},
        "time_split": {side: split(side) for side in sides},
        "empty_request": {"ours_ms": round(statistics.median(o for o, _ in empty) * 1000, 3),
                          "raw_ms": round(statistics.median(r for _, r in empty) * 1000, 3),
                          "stack_ms_per_action": round(stack * 1000, 3), "actions": actions},
        "bound_ms": round(bound * 1000, 1), "ratio_bound": ratio(bound, med("floor")),
        "ratio_to_bound": ratio(med("ours"), bound),
        "database_wait_ratio": ratio(med("ours", "waits"), med("floor", "waits")),
        "client_ratio": ratio(med("ours") - med("ours", "waits"), med("floor") - med("floor", "waits")),
        "per_acknowledgement": per_ack,
        "rows_per_chain": written["ours"], "phases": phases, "docx_render_ms_in_issue": docx_render_ms(app, doc_id),
    }
    report("chain", result, goal="ours <= 2.0x the raw-SQL floor per chain", meets_goal=result["ratio"] <= 2.0)


if __name__ == "__main__":
    main()
