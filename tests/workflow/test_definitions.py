"""Workflow definitions load from YAML and broken ones are refused with file and key."""
from pathlib import Path

import pytest
import yaml

from workflow import registry
from workflow.definitions import load_definitions
from workflow.errors import DefinitionError
from workflow.guards import GUARDS

WORKFLOWS = Path(__file__).resolve().parents[2] / "config" / "workflows"


def test_shipped_definitions_load():
    defs = load_definitions(WORKFLOWS, set(GUARDS))
    assert set(defs) == {"ke_hoach_ubnd", "ke_hoach_van_phong", "ke_hoach_ban_chi_dao"}
    for d in defs.values():
        assert {"draft", "reviewed", "signed", "distributed", "reported"} <= set(d.states)
        assert [s.kind for s in d.chain][-2:] == ["sign", "issue"]
    assert [s.key for s in defs["ke_hoach_ubnd"].chain] == [
        "department_review", "office_check", "sign", "issue"]
    assert defs["ke_hoach_van_phong"].collective is None
    assert defs["ke_hoach_ban_chi_dao"].collective == "TM. BAN CHỈ ĐẠO"


def _broken(tmp_path, mutate):
    data = yaml.safe_load((WORKFLOWS / "ke_hoach_ubnd.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["states"].pop("signed"), "broken.yaml: states: missing state 'signed'"),
    (lambda d: d["transitions"][0].update(guards=["is_wizard"]),
     "broken.yaml: transitions[0].guards: unknown guard 'is_wizard'"),
    (lambda d: d["transitions"][1].update(dest="limbo"), "broken.yaml: transitions[1]: unknown state 'limbo'"),
    (lambda d: d["chain"][0].update(kind="dance"), "broken.yaml: chain[0].kind: 'dance' is not one of"),
    (lambda d: d["chain"][1]["assignee"].update(within="mars"), "broken.yaml: chain[1].assignee.within"),
    (lambda d: d["chain"].pop(), "broken.yaml: chain: must end with exactly one 'sign' then one 'issue'"),
    (lambda d: d["permissions"]["draft"].update(view=["everyone"]),
     "broken.yaml: permissions.draft.view: unknown principal 'everyone'"),
    (lambda d: d.pop("name"), "broken.yaml: missing key 'name'"),
    (lambda d: d["permissions"].pop("reported"), "broken.yaml: permissions: missing state 'reported'"),
])
def test_broken_definition_names_file_and_key(tmp_path, mutate, expected):
    directory = _broken(tmp_path, mutate)
    with pytest.raises(DefinitionError) as err:
        load_definitions(directory, set(GUARDS))
    assert expected in str(err.value)


def test_invalid_yaml_is_reported(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(DefinitionError, match="bad.yaml: invalid YAML"):
        load_definitions(tmp_path, set(GUARDS))


def test_app_refuses_to_start_with_broken_definition(tmp_path):
    from config.settings import TestConfig
    from web import create_app
    directory = _broken(tmp_path, lambda d: d["states"].pop("draft"))
    with pytest.raises(DefinitionError, match="broken.yaml"):
        create_app(type("T", (TestConfig,), {"WORKFLOW_DIR": str(directory)}))
    registry.load(WORKFLOWS)


def test_machine_has_no_auto_transitions():
    from workflow.machine import build_machine
    machine = build_machine(registry.get("ke_hoach_ubnd"))
    assert "to_signed" not in machine.events
    assert set(machine.events) == {"submit", "approve", "return", "sign", "issue", "complete_reporting"}
