"""Issuing one signed document to 10,000 recipient units: the service against raw writes.

Setup (not timed): a commune UBND and 10,000 recipient units elsewhere in the
province, each with one user, all in one recipient group; documents taken
through the services to `signed`, each owing one report per recipient.

Timed, each in one transaction: `issue_document` as the clerk's request would
run it (load the user and the document, issue, commit), and two floors writing
the same rows with psycopg — number sequence, document, step, 10,000
distributions, 10,000 report duties, the issued file's bytes, the history row
and anchor, 10,001 notifications (the author and each unit's user) — one with
`executemany` and one with COPY (ids taken beforehand from the sequence).
Runs alternate after one warm-up of each; the row counts written are checked equal.

Goal: ours ≤ 1.5× the faster floor.
Usage: python bench/fanout.py [--runs 3] [--recipients 10000]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/docx.py
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.common import (StatementCounter, build_world, conninfo, draft_input, log, make_app,  # noqa: E402
                          ratio, recreate_database, report, start)

DB = "bench_fanout"
TABLES = ("distribution", "report_duty", "notification", "history_entry", "issued_file")


def signed_document(app, world: dict, n: int) -> int:
    """A document taken through the services to `signed` (not timed)."""
    from models import User, db
    from workflow import services
    with app.app_context():
        s = db.session
        doc = services.create_draft(s, s.get(User, world["ids"]["drafter"]),
                                    services.parse_draft_input(draft_input(world, n)))
        s.commit()
        while doc.state != "signed":
            if doc.state == "draft":
                services.submit(s, doc, doc.author)
            else:
                step = doc.current_step
                services.transition(s, doc, step.assignee, {"review": "approve", "sign": "sign"}[step.kind])
            s.commit()
        return doc.id


def issue_through_service(app, world: dict, doc_id: int, counter) -> tuple[float, int]:
    from models import User, db
    from workflow import queries, services
    counter.reset()
    t = time.perf_counter()
    with app.app_context():
        s = db.session
        clerk = s.get(User, world["ids"]["clerk"])
        services.issue_document(s, queries.get_document(s, doc_id, clerk), clerk)
        s.commit()
    return time.perf_counter() - t, counter.reset()


def issue_raw(conn, world: dict, doc_id: int, docx: bytes, *, copy: bool) -> float:
    """The same rows as `issue_document`, with executemany or COPY, in one transaction."""
    from workflow.clock import now
    version, seq, head, step_id, title, obligation, due = conn.execute(
        "SELECT d.version, d.history_head_seq, d.history_head_hash, d.current_step_id, d.title, o.id, o.due_date "
        "FROM document d JOIN reporting_obligation o ON o.document_id = d.id WHERE d.id = %s", (doc_id,)).fetchone()
    conn.commit()
    readers, clerk, author, group = world["readers"], world["ids"]["clerk"], world["ids"]["drafter"], world["group"]
    sha = hashlib.sha256(docx).hexdigest()
    t = time.perf_counter()
    with conn.transaction():
        cur, at = conn.cursor(), now()
        series = f"org-{world['ubnd']}"
        cur.execute("INSERT INTO number_sequence (series, year, last_number) VALUES (%s,%s,0) ON CONFLICT DO NOTHING",
                    (series, at.year))
        number = cur.execute("UPDATE number_sequence SET last_number=last_number+1 WHERE series=%s AND year=%s "
                             "RETURNING last_number", (series, at.year)).fetchone()[0]
        cur.execute("UPDATE document SET state='distributed', current_step_id=NULL, number=%s, year=%s, issue_date=%s,"
                    " issued_at=%s, updated_at=%s, file_sha256=%s, version=version+1 WHERE id=%s AND version=%s",
                    (number, at.year, at.date(), at, at, sha, doc_id, version))
        cur.execute("UPDATE approval_step SET decision='issued', decided_by_id=%s, decided_at=%s WHERE id=%s",
                    (clerk, at, step_id))
        orgs = list(readers)
        if copy:
            ids = [r[0] for r in cur.execute("SELECT nextval('distribution_id_seq') FROM generate_series(1, %s)",
                                             (len(orgs),))]
            with cur.copy("COPY distribution (id, document_id, organization_id, purpose, via_group_id, status,"
                          " sent_at, refused_reason, version, added_after_issue) FROM STDIN") as cp:
                for i, org in zip(ids, orgs):
                    cp.write_row((i, doc_id, org, "t/h", group, "sent", at, "", 1, False))
            with cur.copy("COPY report_duty (obligation_id, distribution_id, document_id, organization_id, due_date,"
                          " reminder_count, escalation_count) FROM STDIN") as cp:
                for i, org in zip(ids, orgs):
                    cp.write_row((obligation, i, doc_id, org, due, 0, 0))
        else:
            cur.executemany("INSERT INTO distribution (document_id, organization_id, purpose, via_group_id, status,"
                            " sent_at, refused_reason, version, added_after_issue) VALUES (%s,%s,'t/h',%s,'sent',%s,"
                            "'',1,false) RETURNING id", [(doc_id, org, group, at) for org in orgs], returning=True)
            ids = []
            while True:
                ids.append(cur.fetchone()[0])
                if not cur.nextset():
                    break
            cur.executemany("INSERT INTO report_duty (obligation_id, distribution_id, document_id, organization_id,"
                            " due_date, reminder_count, escalation_count) VALUES (%s,%s,%s,%s,%s,0,0)",
                            [(obligation, i, doc_id, org, due) for i, org in zip(ids, orgs)])
        cur.execute("INSERT INTO issued_file (document_id, file_name, sha256, size, data, created_at) "
                    "VALUES (%s,%s,%s,%s,%s,%s)", (doc_id, f"{number:02d}-KH-UBND.docx", sha, len(docx), docx, at))
        payload = json.dumps([doc_id, seq + 1, clerk, None, "issue", "signed", "distributed", "", None,
                              at.isoformat(timespec="microseconds"), head], ensure_ascii=False)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        cur.execute("INSERT INTO history_entry (document_id, seq, actor_id, trigger, from_state, to_state, comment,"
                    " step_id, created_at, prev_hash, hash) VALUES (%s,%s,%s,'issue','signed','distributed','',%s,%s,"
                    "%s,%s)", (doc_id, seq + 1, clerk, step_id, at, head, digest))
        cur.execute("UPDATE document SET history_head_seq=%s, history_head_hash=%s WHERE id=%s AND history_head_seq=%s",
                    (seq + 1, digest, doc_id, seq))
        text = f"Văn bản đến: {number:02d}/KH-UBND “{title}” của Ủy ban nhân dân xã Bình Lư."
        rows = [(author, doc_id, "issued", text, f"/documents/{doc_id}", at)] + \
            [(readers[org], doc_id, "arrived", text, f"/inbox/{i}", at) for i, org in zip(ids, orgs)]
        if copy:
            with cur.copy("COPY notification (user_id, document_id, kind, message, url, created_at) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        else:
            cur.executemany("INSERT INTO notification (user_id, document_id, kind, message, url, created_at) "
                            "VALUES (%s,%s,%s,%s,%s,%s)", rows)
    return time.perf_counter() - t


def counts(conn, doc_id: int) -> dict:
    out = {t: conn.execute(f"SELECT count(*) FROM {t} WHERE document_id = %s", (doc_id,)).fetchone()[0]
           for t in TABLES}
    conn.commit()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    start()
    recreate_database(DB)
    app = make_app(DB)
    from models import IssuedFile, db
    with app.app_context():
        log(f"fanout: building {args.recipients} recipient units")
        world = build_world(db.session, args.recipients, under_issuer=False)
        counter = StatementCounter(db.engine)
    ours, floor_many, floor_copy, statements, docx, rows = [], [], [], 0, None, {}
    with psycopg.connect(conninfo(DB)) as conn:
        for run in range(args.runs + 1):  # run 0 warms up
            log(f"fanout run {run}/{args.runs}")
            docs = [signed_document(app, world, 3 * run + k) for k in range(3)]
            seconds, statements = issue_through_service(app, world, docs[0], counter)
            if docx is None:
                with app.app_context():
                    docx = db.session.scalar(select(IssuedFile.data).where(IssuedFile.document_id == docs[0]))
            many = issue_raw(conn, world, docs[1], docx, copy=False)
            copied = issue_raw(conn, world, docs[2], docx, copy=True)
            rows = {name: counts(conn, d) for name, d in zip(("ours", "executemany", "copy"), docs)}
            if not rows["ours"] == rows["executemany"] == rows["copy"]:
                raise SystemExit(f"the floors wrote other rows: {rows}")
            if run:
                ours.append(seconds); floor_many.append(many); floor_copy.append(copied)
    o, m, c = (statistics.median(x) for x in (ours, floor_many, floor_copy))
    result = {
        "measured": f"issue_document of one signed document to {args.recipients} recipients (one report each) in "
                    f"one transaction; median of {args.runs} alternating runs after a warm-up",
        "ratio": ratio(o, min(m, c)), "ratio_vs_executemany": ratio(o, m), "ratio_vs_copy": ratio(o, c),
        "ours_ms": round(o * 1000, 1), "executemany_ms": round(m * 1000, 1), "copy_ms": round(c * 1000, 1),
        "ours_statements": statements, "rows_per_issue": rows["ours"],
    }
    report("fanout", result, goal="ours <= 1.5x the faster raw floor (executemany or COPY)",
           meets_goal=result["ratio"] <= 1.5)


if __name__ == "__main__":
    main()
