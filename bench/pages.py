"""Page latency and statement counts on a large PostgreSQL database.

Data (generated with INSERT … SELECT generate_series, then ANALYZE; cached in
`bench_pages` and reused while the row counts and the schema match,
`--regenerate` forces it): a province UBND with 10 departments, an office and
100 communes of 49 villages each (5,012 organizations), 5,035 users, 100,000
documents of the province in mixed states (10% draft, 15% in review, 5%
reviewed, 5% signed, 55% distributed, 10% reported) with their approval
steps, revisions and history; about 1,000,000 distributions (50 documents sent
to all 5,000 communes and villages, the others to 10–11 units, and every
issued document to the first commune); one report owed by the `t/h`
recipients of a third of the issued documents, half of those past due filed;
then the counters the services keep (`document_progress`, the obligations'
unfiled counts), filled from those rows as the migration fills them.

Measured through the Flask test client, logged in as a realistic user, after
12 warm-up requests (a served app's pooled connections have prepared their
statements; the first requests' times are reported as `cold_ms`), `--repeat`
times each (50): the worklist `/` of a
department head (the busiest reviewer), the incoming list `/inbox` of the
commune that receives everything, the document page `/documents/<id>` and the
tracking API `/api/v1/documents/<id>/tracking` of a document sent to 5,000
units viewed by its author, the overdue dashboard
`/api/v1/tracking?overdue=1` (there is no UI route for it) of the office's head,
and the documents list `/documents` of that author (70,000 documents of the
province's issuing body are visible to them). Also measured, outside the goal
(analytic pages over every document followed, which the issue does not name):
that author's recipient units `/tracking/units` (5,000 units aggregated over
about 1,000,000 copies) and what the first commune owes `/tracking/units/13`.
Statements are counted with `before_cursor_execute` (a request's own; the
login's user load included). The app runs with CSRF protection on, as deployed.

Goal: p95 ≤ 30 ms and ≤ 6 statements on every page of the goal.
Usage: python bench/pages.py [--repeat 50] [--regenerate]
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/docx.py
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.common import (StatementCounter, conninfo, database_exists, log, make_app,  # noqa: E402
                          recreate_database, report, start, summary_ms)

DB = "bench_pages"
GOAL_MS, GOAL_STATEMENTS = 30.0, 6
EXPECTED = {"document": 100_000, "organization": 5_012, "user_account": 5_035}
ISSUED = "(d % 20) >= 7"  # distributed or reported
STATE = ("CASE WHEN d % 20 < 2 THEN 'draft' WHEN d % 20 < 5 THEN 'in_review' WHEN d % 20 = 5 THEN 'reviewed' "
         "WHEN d % 20 = 6 THEN 'signed' WHEN d % 20 < 18 THEN 'distributed' ELSE 'reported' END")
# The position of the current step: 0/1 in review, 2 reviewed, 3 signed, 4 issued (none).
CURRENT = ("CASE WHEN d % 20 < 2 THEN -1 WHEN d % 20 < 5 THEN (d / 20) % 2 WHEN d % 20 = 5 THEN 2 "
           "WHEN d % 20 = 6 THEN 3 ELSE 4 END")
CREATED = "(now() - interval '1 day' - (100000 - d) * interval '5 minutes')::timestamp"

GENERATE = [
    # organizations: 1 province, 2..11 departments, 12 office, 13..112 communes, 113..5012 villages
    """INSERT INTO organization (id, name, short_name, abbreviation, kind, parent_id, issues_documents,
       header_lines, place, aliases)
       SELECT i,
         CASE WHEN i = 1 THEN 'Ủy ban nhân dân tỉnh Lai Châu' WHEN i <= 11 THEN 'Sở số ' || i
              WHEN i = 12 THEN 'Văn phòng UBND tỉnh' WHEN i <= 112 THEN 'Ủy ban nhân dân xã số ' || i
              ELSE 'Thôn số ' || i END,
         'ĐV ' || i, CASE WHEN i = 1 THEN 'UBND' ELSE 'DV' || i END,
         CASE WHEN i = 1 THEN 'province' WHEN i <= 11 THEN 'department' WHEN i = 12 THEN 'office'
              WHEN i <= 112 THEN 'commune' ELSE 'village' END,
         CASE WHEN i = 1 THEN NULL WHEN i <= 112 THEN 1 ELSE 13 + (i - 113) / 49 END,
         i = 1 OR i BETWEEN 13 AND 112,
         CASE WHEN i = 1 THEN '["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"]'::json ELSE '[]'::json END,
         'Lai Châu', '[]'::json
       FROM generate_series(1, 5012) i""",
    # users: 1..20 drafters, 21..30 heads, 31 office head, 32..34 signers, 35 clerk, 36..5035 recipients
    """INSERT INTO user_account (id, username, full_name, password_hash, organization_id, position, roles, email,
       active, created_at)
       SELECT i, 'u' || i, 'Người dùng ' || i, '',
         CASE WHEN i <= 20 THEN 2 + (i - 1) / 2 WHEN i <= 30 THEN i - 19 WHEN i IN (31, 35) THEN 12
              WHEN i <= 34 THEN 1 ELSE i - 23 END,
         CASE WHEN i <= 20 THEN 'Chuyên viên' WHEN i <= 30 THEN 'Trưởng phòng' WHEN i = 31 THEN 'Chánh Văn phòng'
              WHEN i <= 34 THEN 'Phó Chủ tịch' WHEN i = 35 THEN 'Văn thư' ELSE 'Cán bộ' END,
         (CASE WHEN i <= 20 THEN '["drafter"]' WHEN i <= 30 THEN '["reviewer"]' WHEN i = 31 THEN '["format_checker"]'
              WHEN i <= 34 THEN '["signer"]' WHEN i = 35 THEN '["clerk"]' ELSE '["recipient"]' END)::json,
         '', true, now()
       FROM generate_series(1, 5035) i""",
    "INSERT INTO recipient_group (id, name, owner_id, aliases) VALUES (1, 'Các xã, thôn', 1, '[]')",
    "INSERT INTO group_member (group_id, organization_id) SELECT 1, i FROM generate_series(13, 5012) i",
    f"""INSERT INTO document (id, workflow, doc_type, issuer_id, drafting_unit_id, author_id, title, sections, place,
       signer_id, signer_authority, signer_position, signer_name, archive, number, symbol, year, issue_date,
       issued_at, state, chain_round, search_text, created_at, updated_at, version)
       SELECT d, 'ke_hoach_ubnd', 'KH', 1, 2 + d % 10, 1 + (d % 10) * 2 + (d / 10) % 2,
         'Kế hoạch triển khai nhiệm vụ số ' || d, '[{{"heading": "I. MỤC ĐÍCH", "paragraphs": ["Nội dung."]}}]',
         'Lai Châu', CASE WHEN d % 20 >= 6 THEN 32 + d % 3 END,
         CASE WHEN d % 20 >= 6 THEN '["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]' ELSE '[]' END::json,
         CASE WHEN d % 20 >= 6 THEN 'PHÓ CHỦ TỊCH' ELSE '' END,
         CASE WHEN d % 20 >= 6 THEN 'Người dùng ' || (32 + d % 3) ELSE '' END, '["VT"]',
         CASE WHEN {ISSUED} THEN d END, 'KH-UBND',
         CASE WHEN {ISSUED} THEN extract(year FROM {CREATED})::int END,
         CASE WHEN {ISSUED} THEN ({CREATED} + interval '1 day')::date END,
         CASE WHEN {ISSUED} THEN {CREATED} + interval '1 day' END,
         {STATE}, CASE WHEN d % 20 < 2 THEN 0 ELSE 1 END, 'ke hoach trien khai nhiem vu so ' || d,
         {CREATED}, {CREATED} + interval '1 day', 1
       FROM generate_series(1, 100000) d""",
    """INSERT INTO document_recipient (document_id, position, organization_id, group_id, purpose)
       SELECT id, 0, CASE WHEN id % 2000 = 7 THEN NULL ELSE 13 END, CASE WHEN id % 2000 = 7 THEN 1 END, 't/h'
       FROM document""",
    """INSERT INTO document_revision (document_id, number, title, sections, recipients, author_id, created_at)
       SELECT id, 1, title, sections, '[]', author_id, created_at FROM document""",
    f"""INSERT INTO approval_step (id, document_id, round, position, key, label, kind, assignee_id, decision,
       decided_by_id, comment, decided_at)
       SELECT (d - 1) * 4 + p + 1, d, 1, p, (ARRAY['department_review', 'office_check', 'sign', 'issue'])[p + 1],
         'Bước ' || p, (ARRAY['review', 'review', 'sign', 'issue'])[p + 1],
         (ARRAY[21 + d % 10, 31, 32 + d % 3, 35])[p + 1],
         CASE WHEN p < {CURRENT} THEN (ARRAY['approved', 'approved', 'signed', 'issued'])[p + 1] ELSE 'pending' END,
         CASE WHEN p < {CURRENT} THEN (ARRAY[21 + d % 10, 31, 32 + d % 3, 35])[p + 1] END, '',
         CASE WHEN p < {CURRENT} THEN {CREATED} + p * interval '1 hour' END
       FROM generate_series(1, 100000) d, generate_series(0, 3) p WHERE d % 20 >= 2""",
    f"""UPDATE document SET current_step_id = (id - 1) * 4 + ({CURRENT.replace('d ', 'id ')}) + 1
       WHERE id % 20 BETWEEN 2 AND 6""",
    """INSERT INTO history_entry (document_id, seq, actor_id, trigger, from_state, to_state, comment, step_id,
       created_at, prev_hash, hash)
       SELECT id, 1, author_id, 'create', '', 'draft', '', NULL::int, created_at, '', md5(id::text) FROM document
       UNION ALL
       SELECT id, 2, author_id, 'submit', 'draft', 'in_review', '', NULL::int, created_at, '', md5(id::text)
       FROM document WHERE chain_round = 1
       UNION ALL
       SELECT document_id, position + 3, decided_by_id,
         CASE kind WHEN 'review' THEN 'approve' ELSE kind END, 'in_review', 'in_review', '', id, decided_at, '',
         md5(id::text) FROM approval_step WHERE decided_at IS NOT NULL""",
    # distributions: documents d % 2000 = 7 go to all 5,000 communes and villages; the others to
    # 10-11 villages and the first commune (13), which therefore receives every issued document.
    f"""INSERT INTO distribution (document_id, organization_id, purpose, via_group_id, status, sent_at,
       acknowledged_at, acknowledged_by_id, refused_at, refused_reason, version, added_after_issue)
       SELECT d, org, CASE WHEN org % 4 = 0 THEN 'để biết' ELSE 't/h' END, NULL,
         CASE WHEN (d * 31 + org) % 100 = 0 THEN 'refused'
              WHEN (d * 31 + org) % 100 < 25 OR d > 97000 THEN 'sent' ELSE 'acknowledged' END,
         {CREATED} + interval '1 day',
         CASE WHEN (d * 31 + org) % 100 >= 25 AND d <= 97000 THEN {CREATED} + interval '2 days' END,
         CASE WHEN (d * 31 + org) % 100 >= 25 AND d <= 97000 THEN org + 23 END,
         CASE WHEN (d * 31 + org) % 100 = 0 THEN {CREATED} + interval '2 days' END,
         '', 1, false
       FROM (SELECT d, org FROM generate_series(7, 100000, 2000) d, generate_series(13, 5012) org
             UNION ALL SELECT d, 13 FROM generate_series(1, 100000) d WHERE {ISSUED} AND d % 2000 <> 7
             UNION ALL SELECT d, 14 + (d * 37 + j) % 4999 FROM generate_series(1, 100000) d,
               LATERAL generate_series(0, CASE WHEN d % 3 = 0 THEN 9 ELSE 10 END) j
             WHERE {ISSUED} AND d % 2000 <> 7) x""",
    f"""INSERT INTO reporting_obligation (document_id, period, due_date)
       SELECT id, '6 tháng', issue_date + 30 FROM document WHERE id % 3 = 0 AND {ISSUED.replace('d %', 'id %')}""",
    """INSERT INTO report_duty (obligation_id, distribution_id, document_id, organization_id, due_date, filed_at)
       SELECT o.id, x.id, o.document_id, x.organization_id, o.due_date,
         CASE WHEN o.due_date < current_date AND x.id % 2 = 0 THEN (o.due_date - 2)::timestamp END
       FROM reporting_obligation o JOIN distribution x ON x.document_id = o.document_id
       WHERE x.purpose = 't/h' AND x.status <> 'refused'""",
    """INSERT INTO report (duty_id, text, file_name, filed_at, filed_by_id, late)
       SELECT r.id, 'Báo cáo kết quả thực hiện.', '', r.filed_at, x.organization_id + 23, false
       FROM report_duty r JOIN distribution x ON x.id = r.distribution_id WHERE r.filed_at IS NOT NULL""",
    # the counters the services keep (workflow.progress), as the migration fills them
    """UPDATE reporting_obligation o SET unfiled_count = r.n
       FROM (SELECT obligation_id, count(*) AS n FROM report_duty WHERE filed_at IS NULL GROUP BY 1) r
       WHERE r.obligation_id = o.id""",
    """INSERT INTO document_progress (document_id, issuer_id, author_id, issued_at, recipients, acknowledged,
       refused, reports_owed, filed, late, unfiled, next_due, last_due, drafting_unit_id, followers)
       SELECT d.id, d.issuer_id, d.author_id, d.issued_at, coalesce(x.n, 0), coalesce(x.ack, 0), coalesce(x.ref, 0),
         coalesce(r.n, 0), coalesce(r.filed, 0), 0, coalesce(r.n - r.filed, 0), r.next_due, r.last_due,
         d.drafting_unit_id,
         ARRAY(SELECT u FROM (SELECT d.author_id AS u UNION SELECT s.assignee_id FROM approval_step s
                              WHERE s.document_id = d.id UNION SELECT s.decided_by_id FROM approval_step s
                              WHERE s.document_id = d.id) m WHERE u IS NOT NULL ORDER BY u)
       FROM document d
       LEFT JOIN (SELECT document_id, count(*) AS n, count(*) FILTER (WHERE status = 'acknowledged') AS ack,
                    count(*) FILTER (WHERE status = 'refused') AS ref FROM distribution GROUP BY 1) x
         ON x.document_id = d.id
       LEFT JOIN (SELECT document_id, count(*) AS n, count(filed_at) AS filed,
                    min(due_date) FILTER (WHERE filed_at IS NULL) AS next_due,
                    max(due_date) FILTER (WHERE filed_at IS NULL) AS last_due FROM report_duty GROUP BY 1) r
         ON r.document_id = d.id
       WHERE d.state IN ('distributed', 'reported')""",
]


def schema_fingerprint() -> str:
    from models import Base
    text = repr(sorted((t.name, sorted(c.name for c in t.columns), sorted(i.name for i in t.indexes))
                       for t in Base.metadata.tables.values()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached() -> bool:
    if not database_exists(DB):
        return False
    with psycopg.connect(conninfo(DB)) as conn:
        try:
            meta = dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())
        except psycopg.Error:
            return False
    return meta.get("schema") == schema_fingerprint() and all(
        meta.get(t) == str(n) for t, n in EXPECTED.items())


def generate() -> dict:
    """Recreate the database and fill it; answers the seconds each step took."""
    recreate_database(DB)
    make_app(DB)  # create_all
    took = {}
    with psycopg.connect(conninfo(DB), autocommit=True) as conn:
        for sql in GENERATE:
            table = " ".join(sql.split()[:3]).lower()
            log(f"pages: {table}")
            t = time.perf_counter()
            conn.execute(sql)
            took[table] = round(time.perf_counter() - t, 1)
        for table in ("organization", "user_account", "recipient_group", "document", "approval_step"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        t = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        took["vacuum_analyze"] = round(time.perf_counter() - t, 1)
        conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)")
        meta = {"schema": schema_fingerprint(), **{t: str(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                                                   for t in EXPECTED}}
        for key, value in meta.items():
            conn.execute("INSERT INTO bench_meta VALUES (%s, %s)", (key, value))
    return took


def pick(conn) -> dict:
    """The users and the document each page is measured with."""
    big = conn.execute("SELECT id, author_id FROM document WHERE id % 2000 = 7 AND id % 3 = 0 "
                       "ORDER BY id LIMIT 1").fetchone()
    head = conn.execute("SELECT s.assignee_id FROM document d JOIN approval_step s ON s.id = d.current_step_id "
                        "JOIN user_account u ON u.id = s.assignee_id WHERE u.position = 'Trưởng phòng' "
                        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    inbox = conn.execute("SELECT u.id FROM user_account u WHERE u.organization_id = 13").fetchone()[0]
    return {"reviewer": head, "recipient": inbox, "sender": big[1], "document": big[0], "office": 31}


def get(client, url: str) -> tuple[object, str | None]:
    """The response, or None and the error's first line when the view raised."""
    try:
        response = client.get(url)
    except Exception as exc:  # noqa: BLE001 - TESTING propagates a view's exception
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return (response, None) if response.status_code == 200 else (None, f"HTTP {response.status_code}")


# Requests before measuring: psycopg prepares a statement on its 5th execution and
# PostgreSQL chooses between custom and generic plans over the next five; a served
# app's pooled connections are past that (the cold figures are reported too).
WARM_UP = 12


def measure(app, counter, user_id: int, url: str, repeat: int) -> dict:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = str(user_id), True
    out = {}
    response, error = get(client, url)
    if error:
        raise SystemExit(f"{url}: {error}")
    times, counts, cold = [], [], []
    for i in range(repeat + WARM_UP - 1):
        counter.reset()
        t = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t
        if i < WARM_UP - 1:
            cold.append(round(elapsed * 1000, 1))
        else:
            times.append(elapsed)
            counts.append(counter.count)
    counter.keep = True
    counter.reset()
    client.get(url)
    statements = list(counter.statements)
    counter.keep = False
    out.update(summary_ms(times), cold_ms=cold, statements=max(counts), bytes=len(response.data),
               statement_heads=[s[:100] for s in statements])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    start()
    generation = None
    if args.regenerate or not cached():
        t = time.perf_counter()
        generation = generate()
        generation["total_s"] = round(time.perf_counter() - t, 1)
    with psycopg.connect(conninfo(DB)) as conn:
        who = pick(conn)
        rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("document", "distribution", "report_duty", "history_entry", "approval_step")}
    app = make_app(DB, WTF_CSRF_ENABLED=True)  # as the app runs (the pages are GETs)
    from models import db
    with app.app_context():
        counter = StatementCounter(db.engine)
    doc = who["document"]
    plan = {"worklist": (who["reviewer"], "/"), "incoming": (who["recipient"], "/inbox"),
            "document_page": (who["sender"], f"/documents/{doc}"),
            "tracking_api": (who["sender"], f"/api/v1/documents/{doc}/tracking"),
            "overdue_dashboard": (who["office"], "/api/v1/tracking?overdue=1"),
            "documents_list": (who["sender"], "/documents")}
    beyond = {"recipient_units": (who["sender"], "/tracking/units"),
              "unit_items": (who["sender"], "/tracking/units/13")}
    plan.update(beyond)
    pages = {}
    for name, (user, url) in plan.items():
        log(f"pages: {name} {url}")
        pages[name] = {"url": url, "user_id": user, **measure(app, counter, user, url, args.repeat)}
    misses = {n: {"p95_ms": p["p95_ms"], "statements": p["statements"]} for n, p in pages.items()
              if n not in beyond and (p["p95_ms"] > GOAL_MS or p["statements"] > GOAL_STATEMENTS)}
    for page in pages.values():
        page["p95_over_goal"] = round(page["p95_ms"] / GOAL_MS, 2)
        page["statements_over_goal"] = round(page["statements"] / GOAL_STATEMENTS, 2)
        if page["p95_ms"] <= GOAL_MS and page["statements"] <= GOAL_STATEMENTS:
            page.pop("statement_heads")
    result = {"measured": f"{args.repeat} requests per page through the test client after {WARM_UP} warm-ups",
              "rows": rows, "generated": generation or "cached", "pages": pages, "missed": misses,
              "outside_goal": sorted(beyond)}
    report("pages", result, goal=f"p95 <= {GOAL_MS:.0f} ms and <= {GOAL_STATEMENTS} statements per page",
           meets_goal=not misses)


if __name__ == "__main__":
    main()
