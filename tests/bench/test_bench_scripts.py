"""The benchmark scripts run end to end, small, on PostgreSQL (they need it), so that
`make bench` keeps working and its accounting stays true: each prints one JSON
object, the floors write exactly our rows (the scripts stop otherwise), and the
split of each side's time into waiting for the database and the client's own
work adds up. Their figures are not judged here (performance is measured by
`make bench`, not timed in tests). They recreate their own databases
(bench_chain, bench_peer, bench_fanout) on the test run's server.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, USE_PG

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not USE_PG, reason="the benchmarks run on PostgreSQL")]


def _bench(script: str, *args: str) -> dict:
    url = make_url(PG_URL)
    env = {**os.environ, "BENCH_PG_HOST": url.host or "127.0.0.1", "BENCH_PG_PORT": str(url.port or 5432),
           "BENCH_PG_USER": url.username or "postgres"}
    done = subprocess.run([sys.executable, f"bench/{script}", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _adds_up(split: dict) -> None:
    assert split["database_wait_ms"] > 0 and split["client_ms"] > 0
    assert split["database_wait_ms"] + split["client_ms"] == pytest.approx(split["total_ms"], abs=0.3)


def test_chain_against_both_floors():
    result = _bench("chain.py", "--runs", "1", "--recipients", "3")
    assert result["benchmark"] == "chain" and isinstance(result["meets_goal"], bool)
    assert result["ratio"] > 0 and result["ratio_to_checked_floor"] > 0
    # create, submit, 3 approvals, sign, issue, 3 acknowledgements: one history row each
    assert result["rows_per_chain"]["history_entry"] == 10
    assert result["rows_per_chain"]["distribution"] == result["rows_per_chain"]["report_duty"] == 3
    for side in ("ours", "floor", "checked_floor"):
        _adds_up(result["time_split"][side])
    statements = result["statements"]
    assert statements["checked_floor"] > statements["floor"]  # the floor that checks also reads
    per_ack = result["per_acknowledgement"]
    assert (per_ack["floor_statements"], per_ack["checked_floor_statements"]) == (4, 6)
    assert sum(p["ours_statements"] for p in result["phases"].values()) == statements["ours"]
    assert result["empty_request"]["actions"] == 10
    assert result["bound_ms"] == pytest.approx(
        result["checked_floor_ms"] + 10 * result["empty_request"]["stack_ms_per_action"], abs=0.2)


def test_peer_completes_every_document_on_both_sides():
    result = _bench("peer.py", "--documents", "4", "--batch", "2")
    assert result["completed"] == {"ours": 6, "spiff": 6}  # the warm-up batch of 2 is completed too
    assert result["ours_per_document"]["n"] == result["spiff_per_document"]["n"] == 4
    split = result["time_split_per_document"]
    for side in ("ours", "spiff", "rows"):
        assert split[side]["database_wait_ms"] > 0 and split[side]["client_ms"] > 0
    assert result["speedup_ours_vs_spiff"] > 0


def test_fanout_writes_every_copy():
    result = _bench("fanout.py", "--runs", "1", "--recipients", "50")
    assert result["benchmark"] == "fanout" and result["ratio"] > 0
    assert result["rows_per_issue"]["distribution"] == result["rows_per_issue"]["report_duty"] == 50
