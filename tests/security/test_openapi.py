"""GET /api/v1/openapi.json is a valid OpenAPI 3 document describing every API route."""
import re

from openapi_spec_validator import validate

from web.api import ROUTES

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _spec(call):
    response = call("get", "/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_served_without_login_and_valid(call):
    spec = _spec(call)
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_rule_of_the_api_blueprint_is_described(app, call):
    """A new route without a description fails here."""
    paths = _spec(call)["paths"]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(rules) >= len(ROUTES)
    missing = []
    for rule in rules:
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            if method.lower() not in paths.get(path, {}):
                missing.append(f"{method} {path} ({rule.endpoint})")
    assert missing == [], "undescribed API routes: " + ", ".join(missing)


def test_nothing_is_described_that_does_not_exist(app, call):
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            rules.setdefault(path, set()).update(rule.methods)
    for path, operations in _spec(call)["paths"].items():
        assert path in rules, path
        for method in operations:
            assert method.upper() in rules[path], (method, path)


def test_operations_declare_errors_and_security(call):
    spec = _spec(call)
    ids = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            ids.append(operation["operationId"])
            public = operation.get("security") == []
            codes = set(operation["responses"])
            if not public:
                assert "401" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert "422" in codes, (method, path)
    assert len(ids) == len(set(ids))
    public = {p for p, ops in spec["paths"].items() for op in ops.values() if op.get("security") == []}
    assert public == {"/api/v1/tokens", "/api/v1/openapi.json"}
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "message"]
