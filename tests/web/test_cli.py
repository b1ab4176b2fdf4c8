"""The command-line tools: seed-demo (idempotent) and create-user."""
from sqlalchemy import func, select

from models import Document, User


def test_seed_demo_twice_changes_nothing(runner, session):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    users = session.scalar(select(func.count(User.id)))
    docs = session.scalar(select(func.count(Document.id)))
    assert users >= 40 and docs == 4
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert session.scalar(select(func.count(User.id))) == users
    assert session.scalar(select(func.count(Document.id))) == docs
    names = set(session.scalars(select(User.username)))
    assert {"chuyenvien", "truongphong", "vanphong", "phochutich", "vanthu"} <= names


def test_create_user(runner, session, demo):
    org = demo["organizations"]["binhlu_kt"]
    result = runner.invoke(args=["create-user", "moi", "--full-name", "Người Mới", "--organization-id",
                                 str(org.id), "--role", "drafter", "--password", "s3cret"])
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "moi"))
    assert user.check_password("s3cret") and user.roles == ["drafter"]
    again = runner.invoke(args=["create-user", "moi", "--full-name", "X", "--organization-id",
                                str(org.id), "--password", "x"])
    assert again.exit_code != 0 and "already exists" in again.output
