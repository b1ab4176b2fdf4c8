"""The raw-SQL floor of the benchmarks: a document's chain written with psycopg.

The same rows the services write (document, recipient line, obligation,
revision, steps, hash-chained history rows with the document's anchor,
notifications, number sequence, distributions, duties, the issued file's
bytes, the follow-through counters of `workflow.progress`), one transaction
per action, holding in Python what the services read
back. bench/chain.py compares a whole chain with it; bench/peer.py reports
what our rows cost per step without the application.

`checked=True` makes the floor also read, at the start of each action, what a
handler must read before it may write: the actor with their unit (what the
login manager loads), then the document with its issuer and steps (a
transition), the copy with its document's state and history anchor and the
unit's name (an acknowledgement), and the group's members (issuing). The
rows it reads are fetched and dropped: the writes stay those of the plain floor.
"""
from __future__ import annotations

import hashlib
import json
import time
from datetime import date

from psycopg.types.json import Json

from bench.common import draft_input

SIGNED = (", signer_id=%s, signer_authority='[\"TM. ỦY BAN NHÂN DÂN\"]', signer_position='PHÓ CHỦ TỊCH',"
          " signer_name='Cán bộ signer'")
UBND_CHAIN = (("department_review", "review", "head"), ("office_check", "review", "office"),
              ("sign", "sign", "signer"), ("issue", "issue", "clerk"))


class Floor:
    """The same rows written with psycopg, one transaction per action, nothing read back
    that the caller already knows. `chain` is the approval chain as (key, kind, person)."""

    def __init__(self, conn, world: dict, docx: bytes, chain=UBND_CHAIN, *, checked: bool = False, meter=None):
        self.conn, self.w, self.docx, self.chain_steps, self.checked = conn, world, docx, tuple(chain), checked
        self.statements, self.log = 0, []  # log: (action, seconds, statements) in order
        self.meter, self.waits = meter, {}  # a bench.common.DatabaseWait; seconds waited per action

    def x(self, sql, params=(), many=False):
        """Run one statement (or one executemany); answers the rows of a RETURNING or a SELECT."""
        self.statements, cur = self.statements + 1, self.conn.cursor()
        returning = "RETURNING" in sql or sql.startswith("SELECT")
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

    def check(self, actor: int, *, document: int | None = None, copy: int | None = None,
              group: int | None = None) -> None:
        """In `checked` mode, the reads of a handler before it writes (one statement each)."""
        if not self.checked:
            return
        self.x("SELECT u.*, o.* FROM user_account u JOIN organization o ON o.id = u.organization_id"
               " WHERE u.id = %s", (actor,))
        if document is not None:
            self.x("SELECT d.*, o.*, s.* FROM document d JOIN organization o ON o.id = d.issuer_id"
                   " LEFT JOIN approval_step s ON s.document_id = d.id WHERE d.id = %s", (document,))
        if copy is not None:
            self.x("SELECT c.document_id, c.organization_id, c.status, c.version, d.state, d.title,"
                   " d.history_head_seq, d.history_head_hash, o.name FROM distribution c"
                   " JOIN document d ON d.id = c.document_id JOIN organization o ON o.id = c.organization_id"
                   " WHERE c.id = %s", (copy,))
        if group is not None:
            self.x("SELECT o.* FROM group_member m JOIN organization o ON o.id = m.organization_id"
                   " WHERE m.group_id = %s", (group,))

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

    def _mark(self) -> tuple[float, int, float]:
        """When an action starts: the clock, the statements so far, the database wait so far."""
        return time.perf_counter(), self.statements, self.meter.seconds if self.meter else 0.0

    def _timed(self, action: str, times: dict, mark: tuple[float, int, float]) -> None:
        started, statements, waited = mark
        seconds = time.perf_counter() - started
        times[action] = times.get(action, 0.0) + seconds
        if self.meter:
            self.waits[action] = self.waits.get(action, 0.0) + self.meter.seconds - waited
        self.log.append((action, seconds, self.statements - statements))

    def chain(self, n: int, times: dict) -> None:
        """Create, submit, decide each step of the chain, issue to every reader's unit and
        acknowledge each copy; adds each action's seconds to `times[action]`."""
        doc = self.create(n, times)
        self.acknowledge_all(doc, self.steps(doc, times), times)

    def create(self, n: int, times: dict) -> dict:
        """Write the draft; answers what the later actions need to know of it."""
        from workflow.clock import now
        ids, w, conn = self.w["ids"], self.w, self.conn
        data, doc = draft_input(w, n), {"seq": 0, "hash": "", "version": 1}
        mark = self._mark()
        with conn.transaction():
            at = now()
            self.check(ids["drafter"])
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
        self._timed("create", times, mark)
        return doc

    def steps(self, doc: dict, times: dict) -> list:
        """Submit, decide each step, issue; answers the (distribution id, unit id) written."""
        from workflow.clock import now
        ids, w, conn, chain = self.w["ids"], self.w, self.conn, self.chain_steps
        mark = self._mark()
        with conn.transaction():
            at = now()
            self.check(ids["drafter"], document=doc["id"])
            steps = [r[0] for r in self.x(
                "INSERT INTO approval_step (document_id, round, position, key, label, kind, assignee_id, decision,"
                " comment) VALUES (%s,1,%s,%s,%s,%s,%s,'pending','') RETURNING id",
                [(doc["id"], i, k, k, kind, ids[who]) for i, (k, kind, who) in enumerate(chain)], many=True)]
            self.move(doc, "in_review", steps[0], at, ", chain_round=1")
            self.history(doc, ids["drafter"], "submit", "draft", "in_review", at, step=steps[0])
            self.notify([ids[chain[0][2]]], doc, "submitted", "Đến lượt anh/chị.", f"/documents/{doc['id']}", at)
        self._timed("submit", times, mark)
        last_review = max(i for i, (_, kind, _) in enumerate(chain) if kind == "review")
        for i, (_, kind, who) in enumerate(chain[:-1]):
            source = "in_review" if kind == "review" else "reviewed"
            dest = "signed" if kind == "sign" else "reviewed" if i == last_review else "in_review"
            action = "sign" if kind == "sign" else "approve"
            mark = self._mark()
            with conn.transaction():
                at = now()
                self.check(ids[who], document=doc["id"])
                self.x("UPDATE approval_step SET decision=%s, decided_by_id=%s, decided_at=%s WHERE id=%s",
                       ("signed" if kind == "sign" else "approved", ids[who], at, steps[i]))
                self.move(doc, dest, steps[i + 1], at, SIGNED % ids["signer"] if kind == "sign" else "")
                self.history(doc, ids[who], action, source, dest, at, step=steps[i])
                self.notify([ids[chain[i + 1][2]]], doc, action + "d", "Đến lượt anh/chị.",
                            f"/documents/{doc['id']}", at)
            self._timed(action, times, mark)
        mark = self._mark()
        with conn.transaction():
            at, series = now(), f"org-{w['ubnd']}"
            self.check(ids[chain[-1][2]], document=doc["id"], group=w["group"])
            number = self.x("INSERT INTO number_sequence (series, year, last_number) VALUES (%s,%s,1)"
                            " ON CONFLICT (series, year) DO UPDATE SET last_number=number_sequence.last_number+1"
                            " RETURNING last_number", (series, at.year))[0][0]
            self.move(doc, "distributed", None, at, ", number=%s, year=%s, issue_date=%s, issued_at=%s, file_sha256=%s"
                      % (number, at.year, f"'{at.date()}'", f"'{at}'", f"'{hashlib.sha256(self.docx).hexdigest()}'"))
            self.x("UPDATE approval_step SET decision='issued', decided_by_id=%s, decided_at=%s WHERE id=%s",
                   (ids[chain[-1][2]], at, steps[-1]))
            dists = self.x("INSERT INTO distribution (document_id, organization_id, purpose, via_group_id, status,"
                           " sent_at, refused_reason, version, added_after_issue)"
                           " VALUES (%s,%s,'t/h',%s,'sent',%s,'',1,false) RETURNING id, organization_id",
                           [(doc["id"], org, w["group"], at) for org in w["readers"]], many=True)
            self.x("INSERT INTO report_duty (obligation_id, distribution_id, document_id, organization_id, due_date,"
                   " reminder_count, escalation_count) SELECT o.id, d.id, o.document_id, d.org, o.due_date, 0, 0"
                   " FROM reporting_obligation o, unnest(%s::int[], %s::int[]) AS d(id, org) WHERE o.document_id=%s",
                   ([d for d, _ in dists], [o for _, o in dists], doc["id"]))
            self.x("UPDATE reporting_obligation SET unfiled_count=%s WHERE document_id=%s", (len(dists), doc["id"]))
            self.x("INSERT INTO document_progress (document_id, issuer_id, author_id, issued_at, recipients,"
                   " acknowledged, refused, reports_owed, filed, late, unfiled, next_due, last_due,"
                   " drafting_unit_id, followers) VALUES (%s,%s,%s,%s,%s,0,0,%s,0,0,%s,%s,%s,%s,%s)",
                   (doc["id"], w["ubnd"], ids["drafter"], at, len(dists), len(dists), len(dists),
                    date(2099, 6, 15), date(2099, 6, 15), w["dept"],
                    sorted({ids["drafter"], *(ids[who] for _, _, who in chain)})))
            self.x("INSERT INTO issued_file (document_id, file_name, sha256, size, data, created_at) "
                   "VALUES (%s,%s,%s,%s,%s,%s)", (doc["id"], f"{number:02d}-KH-UBND.docx",
                                                  hashlib.sha256(self.docx).hexdigest(), len(self.docx), self.docx, at))
            self.history(doc, ids[chain[-1][2]], "issue", "signed", "distributed", at, step=steps[-1])
            self.notify([ids["drafter"]] + [w["readers"][o] for _, o in dists], doc, "arrived", "Văn bản đến.",
                        f"/documents/{doc['id']}", at)
        self._timed("issue", times, mark)
        return dists

    def acknowledge_all(self, doc: dict, dists, times: dict) -> None:
        from workflow.clock import now
        w = self.w
        for dist_id, org in dists:
            mark = self._mark()
            with self.conn.transaction():
                at = now()
                self.check(w["readers"][org], copy=dist_id)
                self.x("UPDATE distribution SET status='acknowledged', acknowledged_at=%s, acknowledged_by_id=%s,"
                       " version=version+1 WHERE id=%s AND version=1", (at, w["readers"][org], dist_id))
                self.x("UPDATE document_progress SET acknowledged=acknowledged+1 WHERE document_id=%s", (doc["id"],))
                self.history(doc, w["readers"][org], "acknowledge", "distributed", "distributed", at,
                             comment=f"Thôn {org}", dist=dist_id)
            self._timed("acknowledge", times, mark)
