"""The same five-step sequential approval run by our services and by SpiffWorkflow 3.2.

Steps: submit, department review, office check, sign, issue (the UBND
workflow of config/workflows). Both sides run on the same PostgreSQL database,
one transaction per step, `--documents` documents each (1,000), in
alternating batches of 50 after a warm-up batch of each.

Ours: each step does what the request handler does, minus HTTP: a new app
context and session, load the actor and the document, `services.transition`,
commit. Issue sends to one recipient unit (the minimum), which renders and
stores the frozen .docx as issuing always does (its render time is reported).

SpiffWorkflow: bench/peer_five_tasks.bpmn (five sequential user tasks), parsed
once; each document's `BpmnWorkflow` is serialized with `BpmnWorkflowSerializer`
into a table of the same database when created, and each step loads the row
(SELECT … FOR UPDATE), deserializes, runs the READY user task with the actor in
its data, `do_engine_steps()`, serializes and writes it back, commits.

Creating the document (our draft, Spiff's new workflow) is setup, not timed.
Goal: ours ≥ 3× faster per document (Spiff's time / ours ≥ 3).
Usage: python bench/peer.py [--documents 1000] [--batch 50]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/docx.py
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.common import (StatementCounter, build_world, conninfo, docx_render_ms, draft_input,  # noqa: E402
                          log, make_app, ratio, recreate_database, report, start, stopwatch, summary_ms)

DB = "bench_peer"
BPMN = Path(__file__).resolve().parent / "peer_five_tasks.bpmn"
STEPS = (("drafter", "submit"), ("head", "approve"), ("office", "approve"), ("signer", "sign"), ("clerk", "issue"))


class Ours:
    """Documents taken through the five steps by the services."""

    def __init__(self, app, world):
        from models import db
        self.app, self.world = app, world
        with app.app_context():
            self.counter = StatementCounter(db.engine)
        self.statements, self.steps = 0, {}

    def create(self, n: int) -> int:
        from models import User, db
        from workflow import services
        with self.app.app_context():
            s = db.session
            doc = services.create_draft(s, s.get(User, self.world["ids"]["drafter"]),
                                        services.parse_draft_input(draft_input(self.world, n)))
            s.commit()
            return doc.id

    def run(self, doc_id: int) -> float:
        from models import User, db
        from workflow import queries, services
        self.counter.reset()
        t = time.perf_counter()
        for i, (who, trigger) in enumerate(STEPS):
            with stopwatch(self.steps.setdefault(f"{i}_{trigger}", [])), self.app.app_context():
                s = db.session
                user = s.get(User, self.world["ids"][who])
                services.transition(s, queries.get_document(s, doc_id, user), user, trigger)
                s.commit()
        elapsed = time.perf_counter() - t
        self.statements = self.counter.reset()
        return elapsed


class Spiff:
    """The same steps as user tasks of a SpiffWorkflow BPMN process, persisted as JSON."""

    def __init__(self, conn, world):
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec, self.serializer = parser.get_spec("ke_hoach_ubnd"), BpmnWorkflowSerializer()
        self.conn, self.world, self.steps = conn, world, {}
        conn.execute("CREATE TABLE IF NOT EXISTS spiff_workflow (id serial PRIMARY KEY, title text NOT NULL,"
                     " state text NOT NULL, serialization text NOT NULL, updated_at timestamp NOT NULL)")
        conn.commit()

    def create(self, n: int) -> int:
        from SpiffWorkflow.bpmn import BpmnWorkflow
        workflow = BpmnWorkflow(self.spec)
        workflow.data["title"] = draft_input(self.world, n)["title"]
        workflow.do_engine_steps()
        with self.conn.transaction():
            return self.conn.execute(
                "INSERT INTO spiff_workflow (title, state, serialization, updated_at) VALUES (%s, 'draft', %s, now())"
                " RETURNING id", (workflow.data["title"], self.serializer.serialize_json(workflow))).fetchone()[0]

    def run(self, wf_id: int) -> float:
        from SpiffWorkflow.util.task import TaskState
        t = time.perf_counter()
        for i, (who, trigger) in enumerate(STEPS):
            with stopwatch(self.steps.setdefault(f"{i}_{trigger}", [])), self.conn.transaction():
                (text,) = self.conn.execute("SELECT serialization FROM spiff_workflow WHERE id = %s FOR UPDATE",
                                            (wf_id,)).fetchone()
                workflow = self.serializer.deserialize_json(text)
                task = workflow.get_tasks(state=TaskState.READY)[0]
                task.data.update(actor=self.world["ids"][who], trigger=trigger, comment="")
                task.run()
                workflow.do_engine_steps()
                state = "distributed" if workflow.is_completed() else task.task_spec.name
                self.conn.execute("UPDATE spiff_workflow SET serialization = %s, state = %s, updated_at = now() "
                                  "WHERE id = %s", (self.serializer.serialize_json(workflow), state, wf_id))
        return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    start()
    recreate_database(DB)
    app = make_app(DB)
    from models import db
    with app.app_context():
        world = build_world(db.session, 1)
    times = {"ours": [], "spiff": []}
    with psycopg.connect(conninfo(DB)) as conn:
        sides = {"ours": Ours(app, world), "spiff": Spiff(conn, world)}
        done, n = 0, 0
        while done < args.documents:
            size = args.batch if n else min(args.batch, 10)  # batch 0 warms up
            for name, side in sides.items():
                ids = [side.create(n * 10_000 + i) for i in range(size)]
                seconds = [side.run(i) for i in ids]
                if n:
                    times[name] += seconds
                else:
                    side.steps.clear()
            done += size if n else 0
            n += 1
            log(f"peer: {done}/{args.documents} documents each")
        count = conn.execute("SELECT count(*) FROM spiff_workflow WHERE state = 'distributed'").fetchone()[0]
        conn.commit()
    from models import Document
    with app.app_context():
        issued = db.session.query(Document).filter(Document.state == "distributed").count()
        last_doc = db.session.query(Document.id).order_by(Document.id.desc()).limit(1).scalar()
    ours, spiff = (statistics.median(times[k]) for k in ("ours", "spiff"))
    result = {
        "measured": f"5 steps (submit, 2 reviews, sign, issue to 1 unit), one transaction each, {len(times['ours'])} "
                    f"documents per side in alternating batches of {args.batch}; per-document median",
        "speedup_ours_vs_spiff": ratio(spiff, ours), "ours_over_spiff": ratio(ours, spiff),
        "ours_per_document": summary_ms(times["ours"]), "spiff_per_document": summary_ms(times["spiff"]),
        "ours_statements_per_document": sides["ours"].statements, "spiff_statements_per_document": 10,
        "completed": {"ours": issued, "spiff": count},
        "per_step_p50_ms": {side: {name: round(statistics.median(v) * 1000, 2) for name, v in steps.items()}
                            for side, steps in ((k, sides[k].steps) for k in sides)},
        "ours_docx_render_ms_per_issue": docx_render_ms(app, last_doc),
    }
    report("peer", result, goal="ours >= 3x faster per document than SpiffWorkflow 3.2",
           meets_goal=result["speedup_ours_vs_spiff"] >= 3.0)


if __name__ == "__main__":
    main()
