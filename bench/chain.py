"""A document's whole life through the services against a raw-SQL floor, on PostgreSQL.

The chain: create the draft, submit, three approvals, sign, issue to 150
recipient units (a group, one report owed by each), then 150 acknowledgements.
The UBND workflow has two review steps, so a copy of config/workflows in a
temporary WORKFLOW_DIR adds a third ("Lãnh đạo Văn phòng duyệt") before signing.

Our side does what a request handler does, minus HTTP and templates: each action
in its own app context and session, loading the actor and the document (or the
distribution) as the handlers do, calling one service, committing once.

The floor writes the same rows with psycopg (document, recipient line,
obligation, revision, steps, hash-chained history rows with the document's
anchor, notifications, number sequence, distributions, duties, the issued
file's bytes) in one transaction per action, holding in Python what the
services read back. Both write the same number of rows per table (checked).
Runs alternate (ours, floor) after one warm-up of each.

Goal: ours ≤ 2.0× the floor per chain.
Usage: python bench/chain.py [--runs 5] [--recipients 150]
"""
from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/docx.py
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg.types.json import Json  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.common import (StatementCounter, build_world, conninfo, docx_render_ms, draft_input,  # noqa: E402
                          log, make_app, ratio, recreate_database, report, start)

DB = "bench_chain"
PHASES = ("create", "submit", "approve", "sign", "issue", "acknowledge")
THIRD_STEP = """  - key: office_lead_review
    label: Lãnh đạo Văn phòng duyệt
    kind: review
    assignee: {within: issuer, role: reviewer, position: [Phó Chánh Văn phòng]}
"""
SIGNED = (", signer_id=%s, signer_authority='[\"TM. ỦY BAN NHÂN DÂN\"]', signer_position='PHÓ CHỦ TỊCH',"
          " signer_name='Cán bộ signer'")
TABLES = ("document", "document_recipient", "reporting_obligation", "document_revision", "approval_step",
          "history_entry", "notification", "distribution", "report_duty", "issued_file")


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
    from models import User, db
    from workflow import queries, services
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
        author = s.get(User, ids["drafter"])
        doc["id"] = services.create_draft(s, author, services.parse_draft_input(draft_input(world, n))).id

    def step(user_key, trigger):
        def run(s):
            user = s.get(User, ids[user_key])
            services.transition(s, queries.get_document(s, doc["id"], user), user, trigger)
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
            user = s.get(User, world["readers"][org_id])
            services.acknowledge(s, queries.get_distribution(s, dist_id), user)
        act("acknowledge", ack)
    return times, stmts, doc["id"]


class Floor:
    """The same rows written with psycopg, one transaction per action, nothing read back
    that the caller already knows."""

    def __init__(self, conn, world: dict, docx: bytes):
        self.conn, self.w, self.docx, self.statements = conn, world, docx, 0

    def x(self, sql, params=(), many=False):
        """Run one statement (or one executemany); answers the rows of a RETURNING."""
        self.statements, cur, returning = self.statements + 1, self.conn.cursor(), "RETURNING" in sql
        if not many:
            cur.execute(sql, params)
            return cur.fetchall() if returning else []
        cur.executemany(sql, params, returning=returning)
        rows = []
        while returning:
            rows += cur.fetchall()
            if not cur.nextset():
                break
        return rows

    def history(self, doc, actor, trigger, src, dest, now, comment="", step=None, dist=None, behalf=None):
        seq, prev = doc["seq"] + 1, doc["hash"]
        payload = json.dumps([doc["id"], seq, actor, behalf, trigger, src, dest, comment, dist,
                              now.isoformat(timespec="microseconds"), prev], ensure_ascii=False)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        self.x("INSERT INTO history_entry (document_id, seq, actor_id, on_behalf_of_id, trigger, from_state, "
               "to_state, comment, step_id, distribution_id, created_at, prev_hash, hash) "
               "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
               (doc["id"], seq, actor, behalf, trigger, src, dest, comment, step, dist, now, prev, digest))
        self.x("UPDATE document SET history_head_seq=%s, history_head_hash=%s WHERE id=%s AND history_head_seq=%s",
               (seq, digest, doc["id"], doc["seq"]))
        doc["seq"], doc["hash"] = seq, digest

    def notify(self, users, doc, kind, message, url, now):
        self.x("INSERT INTO notification (user_id, document_id, kind, message, url, created_at) "
               "VALUES (%s,%s,%s,%s,%s,%s)", [(u, doc["id"], kind, message, url, now) for u in users], many=True)

    def move(self, doc, state, step_id, now, extra=""):
        self.x(f"UPDATE document SET state=%s, current_step_id=%s, updated_at=%s, version=version+1{extra} "
               "WHERE id=%s AND version=%s", (state, step_id, now, doc["id"], doc["version"]))
        doc["version"] += 1

    def chain(self, n: int, times: dict) -> None:
        from workflow.clock import now
        ids, w, conn = self.w["ids"], self.w, self.conn
        data, doc = draft_input(w, n), {"seq": 0, "hash": "", "version": 1}
        t = time.perf_counter()
        with conn.transaction():
            at = now()
            doc["id"] = self.x(
                "INSERT INTO document (workflow, doc_type, issuer_id, drafting_unit_id, author_id, title, sections,"
                " place, signer_authority, signer_position, signer_name, archive, symbol, state, chain_round,"
                " search_text, created_at, updated_at, version, history_head_seq, history_head_hash) VALUES"
                " ('ke_hoach_ubnd','KH',%s,%s,%s,%s,%s,'Bình Lư','[]','','',%s,'KH-UBND','draft',0,%s,%s,%s,1,0,'')"
                " RETURNING id", (w["ubnd"], w["dept"], ids["drafter"], data["title"], Json(data["sections"]),
                                  Json(["VT", "VHXH"]), data["title"].lower(), at, at))[0][0]
            self.x("INSERT INTO document_recipient (document_id, position, group_id, purpose) VALUES (%s,0,%s,'t/h')",
                   (doc["id"], w["group"]))
            self.x("INSERT INTO reporting_obligation (document_id, period, due_date) VALUES (%s,'6 tháng',%s)",
                   (doc["id"], date(2099, 6, 15)))
            self.x("INSERT INTO document_revision (document_id, number, title, sections, recipients, author_id,"
                   " created_at) VALUES (%s,1,%s,%s,%s,%s,%s)",
                   (doc["id"], data["title"], Json(data["sections"]), Json([{"name": "Các thôn", "group_id": w["group"],
                    "organization_id": None, "purpose": "t/h"}]), ids["drafter"], at))
            self.history(doc, ids["drafter"], "create", "", "draft", at)
        times["create"] += time.perf_counter() - t
        chain = [("department_review", "review", "head"), ("office_check", "review", "office"),
                 ("office_lead_review", "review", "deputy"), ("sign", "sign", "signer"), ("issue", "issue", "clerk")]
        t = time.perf_counter()
        with conn.transaction():
            at = now()
            steps = [r[0] for r in self.x(
                "INSERT INTO approval_step (document_id, round, position, key, label, kind, assignee_id, decision,"
                " comment) VALUES (%s,1,%s,%s,%s,%s,%s,'pending','') RETURNING id",
                [(doc["id"], i, k, k, kind, ids[who]) for i, (k, kind, who) in enumerate(chain)], many=True)]
            self.move(doc, "in_review", steps[0], at, ", chain_round=1")
            self.history(doc, ids["drafter"], "submit", "draft", "in_review", at, step=steps[0])
            self.notify([ids["head"]], doc, "submitted", "Đến lượt anh/chị.", f"/documents/{doc['id']}", at)
        times["submit"] += time.perf_counter() - t
        for i, (who, dest) in enumerate((("head", "in_review"), ("office", "in_review"), ("deputy", "reviewed"),
                                         ("signer", "signed"))):
            t = time.perf_counter()
            with conn.transaction():
                at, kind = now(), "sign" if who == "signer" else "approve"
                self.x("UPDATE approval_step SET decision=%s, decided_by_id=%s, decided_at=%s WHERE id=%s",
                       ("signed" if kind == "sign" else "approved", ids[who], at, steps[i]))
                self.move(doc, dest, steps[i + 1], at, SIGNED % ids["signer"] if kind == "sign" else "")
                self.history(doc, ids[who], kind, "in_review" if i < 3 else "reviewed", dest, at, step=steps[i])
                self.notify([ids[chain[i + 1][2]]], doc, kind + "d", "Đến lượt anh/chị.", f"/documents/{doc['id']}", at)
            times["sign" if kind == "sign" else "approve"] += time.perf_counter() - t
        t = time.perf_counter()
        with conn.transaction():
            at, series = now(), f"org-{w['ubnd']}"
            self.x("INSERT INTO number_sequence (series, year, last_number) VALUES (%s,%s,0) ON CONFLICT DO NOTHING",
                   (series, at.year))
            number = self.x("UPDATE number_sequence SET last_number=last_number+1 WHERE series=%s AND year=%s "
                            "RETURNING last_number", (series, at.year))[0][0]
            self.move(doc, "distributed", None, at, ", number=%s, year=%s, issue_date=%s, issued_at=%s, file_sha256=%s"
                      % (number, at.year, f"'{at.date()}'", f"'{at}'", f"'{hashlib.sha256(self.docx).hexdigest()}'"))
            self.x("UPDATE approval_step SET decision='issued', decided_by_id=%s, decided_at=%s WHERE id=%s",
                   (ids["clerk"], at, steps[4]))
            dists = self.x("INSERT INTO distribution (document_id, organization_id, purpose, via_group_id, status,"
                           " sent_at, refused_reason, version, added_after_issue)"
                           " VALUES (%s,%s,'t/h',%s,'sent',%s,'',1,false) RETURNING id, organization_id",
                           [(doc["id"], org, w["group"], at) for org in w["readers"]], many=True)
            self.x("INSERT INTO report_duty (obligation_id, distribution_id, document_id, due_date, reminder_count,"
                   " escalation_count) SELECT o.id, d.id, o.document_id, o.due_date, 0, 0 FROM reporting_obligation o,"
                   " unnest(%s::int[]) AS d(id) WHERE o.document_id=%s", ([d for d, _ in dists], doc["id"]))
            self.x("INSERT INTO issued_file (document_id, file_name, sha256, size, data, created_at) "
                   "VALUES (%s,%s,%s,%s,%s,%s)", (doc["id"], f"{number:02d}-KH-UBND.docx",
                                                  hashlib.sha256(self.docx).hexdigest(), len(self.docx), self.docx, at))
            self.history(doc, ids["clerk"], "issue", "signed", "distributed", at, step=steps[4])
            self.notify([ids["drafter"]] + [w["readers"][o] for _, o in dists], doc, "arrived", "Văn bản đến.",
                        f"/documents/{doc['id']}", at)
        times["issue"] += time.perf_counter() - t
        for dist_id, org in dists:
            t = time.perf_counter()
            with conn.transaction():
                at = now()
                self.x("UPDATE distribution SET status='acknowledged', acknowledged_at=%s, acknowledged_by_id=%s,"
                       " version=version+1 WHERE id=%s AND version=1", (at, w["readers"][org], dist_id))
                self.history(doc, w["readers"][org], "acknowledge", "distributed", "distributed", at,
                             comment=f"Thôn {org}", dist=dist_id)
            times["acknowledge"] += time.perf_counter() - t


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
            raw, raw_times = Floor(conn, world, docx), dict.fromkeys(PHASES, 0.0)
            raw.chain(1000 + run, raw_times)
            after = row_counts(conn); conn.commit()
            rows_ours = {t: middle[t] - before[t] for t in TABLES}
            rows_floor = {t: after[t] - middle[t] for t in TABLES}
            if rows_ours != rows_floor:
                raise SystemExit(f"the floor wrote other rows: ours {rows_ours}, floor {rows_floor}")
            if run:
                ours.append(times); floor.append(raw_times); statements.append((stmts, raw.statements))
    def med(runs, phase=None):
        return statistics.median(sum(r.values()) if phase is None else r[phase] for r in runs)

    total_ours, total_floor = med(ours), med(floor)
    phases = {p: {"ours_ms": round(med(ours, p) * 1000, 1), "floor_ms": round(med(floor, p) * 1000, 1),
                  "ratio": ratio(med(ours, p), med(floor, p)), "ours_statements": statements[-1][0][p]}
              for p in PHASES}
    result = {
        "measured": f"create + submit + 3 approvals (UBND chain with a third review step) + sign + issue to "
                    f"{args.recipients} recipients (one report each) + {args.recipients} acknowledgements; "
                    f"one transaction per action; median of {args.runs} alternating runs after a warm-up",
        "ratio": ratio(total_ours, total_floor),
        "ours_ms": round(total_ours * 1000, 1), "floor_ms": round(total_floor * 1000, 1),
        "statements": {"ours": sum(statements[-1][0].values()), "floor": statements[-1][1]},
        "rows_per_chain": rows_ours, "phases": phases, "docx_render_ms_in_issue": docx_render_ms(app, doc_id),
    }
    report("chain", result, goal="ours <= 2.0x the raw-SQL floor per chain", meets_goal=result["ratio"] <= 2.0)


if __name__ == "__main__":
    main()
