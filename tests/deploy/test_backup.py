"""`make backup` and `make restore` bring a database back as it was, for SQLite
(the online backup API) and for PostgreSQL (pg_dump / pg_restore)."""
from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from models import Base, Organization
from tests.conftest import PG_URL, USE_PG

REPO = Path(__file__).resolve().parents[2]


def _make(target: str, url: str, backup_dir: Path, **variables) -> str:
    env = dict(os.environ, DATABASE_URL=url)
    args = ["make", "-s", "--no-print-directory", target, f"BACKUP_DIR={backup_dir}"]
    args += [f"{k}={v}" for k, v in variables.items()]
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(select(Organization.name).order_by(Organization.name)))
    finally:
        engine.dispose()


def _roundtrip(url: str, backup_dir: Path) -> None:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for name in ("UBND xã Bình Lư", "Phòng Văn hóa - Xã hội"):
            conn.execute(Organization.__table__.insert().values(name=name, short_name=name, kind="unit"))
    engine.dispose()
    before = _names(url)

    out = _make("backup", url, backup_dir)
    written = Path(out.strip().rsplit(" ", 1)[-1])
    assert written.exists() and written.stat().st_size > 0

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM organization WHERE name LIKE 'Phòng%'"))
        conn.execute(Organization.__table__.insert().values(name="Sau sao lưu", short_name="x", kind="unit"))
    engine.dispose()
    assert _names(url) != before

    assert "restored" in _make("restore", url, backup_dir, FILE=written)
    assert _names(url) == before


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_sqlite_backup_and_restore(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path / "backups")


@pytest.mark.skipif(not USE_PG or shutil.which("pg_dump") is None, reason="needs PostgreSQL and pg_dump")
def test_postgresql_backup_and_restore(tmp_path):
    name = f"bk_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _roundtrip(PG_URL.rsplit("/", 1)[0] + "/" + name, tmp_path / "backups")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_restore_without_a_file_explains_itself(tmp_path):
    done = subprocess.run(["make", "-s", "restore"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "usage: make restore FILE=" in done.stderr
