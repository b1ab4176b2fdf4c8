"""Property-based run of schemathesis against the OpenAPI description: whatever a
client sends to /api/v1, the server never answers 5xx.

In-process (WSGI), one test per operation, each against a fresh database
holding the demo organizations, users and sample plans, with the bearer
token of a demo user. Every operation gets a bounded number of generated
requests, valid and invalid ones (schemathesis' default generation modes).
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from models import db
from web.api.openapi import build

from .conftest import fresh_g

MAX_EXAMPLES = 20
USER = "admin"  # holds every role, so creating and importing drafts get through too

schema = schemathesis.openapi.from_dict(build())


@pytest.fixture
def wsgi(app, demo):
    """The app as a WSGI callable that logs requests in as `USER` (unless a case sends
    its own Authorization header), with the sample plans in the database."""
    from web.demo_documents import create_demo_documents
    create_demo_documents(db.session, demo)
    db.session.commit()
    client = app.test_client()
    assert client.get("/api/v1/openapi.json").get_json() == build()  # the served description
    token = client.post("/api/v1/tokens", json={"username": USER, "password": "demo"}).get_json()["token"]
    app.config.update(LOGIN_RATE_LIMIT="100000 per minute", LOGIN_RATE_LIMIT_PER_ACCOUNT="100000 per minute",
                      LOGIN_MAX_FAILURES=10**9)

    statuses = []

    def call(environ, start_response):
        fresh_g()  # as in a server: nothing carries over from the previous request
        environ.setdefault("HTTP_AUTHORIZATION", f"Bearer {token}")

        def record(status, headers, *args):
            statuses.append(int(status.split()[0]))
            return start_response(status, headers, *args)
        return app(environ, record)

    yield call
    # Not a vacuous run: requests were sent, and the token let some of them in.
    assert statuses and set(statuses) - {401}, statuses


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_api_never_answers_5xx(case, wsgi):
    case.call_and_validate(app=wsgi, checks=[not_a_server_error])
