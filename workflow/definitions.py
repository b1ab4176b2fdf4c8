"""Load and validate workflow definitions kept as YAML under config/workflows/.

A definition lists states, transitions with named guards, per-state
permissions, the approval chain and the signature rules. Any mistake stops the
application at start-up with a `DefinitionError` naming the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import DefinitionError

STEP_KINDS = ("review", "sign", "issue")
SCOPES = ("drafting_unit", "issuer")
ACTIONS = ("view", "edit", "comment")
PRINCIPALS = ("author", "drafting_unit_head", "chain_member", "issuer_member", "recipient", "admin")
REQUIRED_STATES = ("draft", "reviewed", "signed", "distributed", "reported")


@dataclass(frozen=True)
class StepDef:
    """One step of the approval chain and the rule that finds its assignee."""

    key: str
    label: str
    kind: str
    within: str
    role: str | None = None
    positions: tuple[str, ...] = ()


@dataclass(frozen=True)
class TransitionDef:
    """A trigger from one or more source states to a destination, with guards."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    guards: tuple[str, ...]


@dataclass
class Definition:
    """A validated workflow definition."""

    name: str
    title: str
    path: str
    issuer_kinds: tuple[str, ...]
    doc_types: tuple[str, ...]
    states: dict[str, dict]
    initial: str
    chain: list[StepDef]
    transitions: list[TransitionDef]
    permissions: dict[str, dict[str, tuple[str, ...]]]
    collective: str | None
    by_position: dict[str, dict] = field(default_factory=dict)

    def state_label(self, state: str, locale: str = "vi") -> str:
        """The label of `state` in `locale` (Vietnamese by default)."""
        info = self.states.get(state, {})
        if locale == "en":
            return info.get("label_en") or info.get("label") or state
        return info.get("label") or state

    def triggers(self) -> list[str]:
        """Every trigger name, in definition order, without repeats."""
        return list(dict.fromkeys(t.trigger for t in self.transitions))

    def last_review_index(self) -> int:
        """Index in the chain of the last `review` step (-1 when there is none)."""
        idx = [i for i, s in enumerate(self.chain) if s.kind == "review"]
        return idx[-1] if idx else -1


def _need(data: dict, key: str, where: str, kind=None):
    if not isinstance(data, dict) or key not in data:
        raise DefinitionError(f"{where}: missing key '{key}'")
    value = data[key]
    if kind is not None and not isinstance(value, kind):
        raise DefinitionError(f"{where}.{key}: expected {getattr(kind, '__name__', kind)}")
    return value


def parse_definition(data: dict, path: str, known_guards: set[str]) -> Definition:
    """Validate the parsed YAML `data` of the file `path` into a `Definition`."""
    where = Path(path).name
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: the file must hold a mapping")
    name = _need(data, "name", where, str)
    states = _need(data, "states", where, dict)
    for required in REQUIRED_STATES:
        if required not in states:
            raise DefinitionError(f"{where}: states: missing state '{required}'")
    initial = data.get("initial", "draft")
    if initial not in states:
        raise DefinitionError(f"{where}: initial: unknown state '{initial}'")
    match = data.get("match") or {}
    chain = []
    for i, raw in enumerate(_need(data, "chain", where, list)):
        at = f"{where}: chain[{i}]"
        kind = _need(raw, "kind", at, str)
        if kind not in STEP_KINDS:
            raise DefinitionError(f"{at}.kind: '{kind}' is not one of {', '.join(STEP_KINDS)}")
        rule = _need(raw, "assignee", at, dict)
        within = rule.get("within", "issuer")
        if within not in SCOPES:
            raise DefinitionError(f"{at}.assignee.within: '{within}' is not one of {', '.join(SCOPES)}")
        positions = rule.get("position") or []
        if isinstance(positions, str):
            positions = [positions]
        if not rule.get("role") and not positions:
            raise DefinitionError(f"{at}.assignee: give a role or a position")
        chain.append(StepDef(key=_need(raw, "key", at, str), label=raw.get("label", raw["key"]),
                             kind=kind, within=within, role=rule.get("role"),
                             positions=tuple(positions)))
    kinds = [s.kind for s in chain]
    if kinds.count("sign") != 1 or kinds.count("issue") != 1 or kinds[-2:] != ["sign", "issue"]:
        raise DefinitionError(f"{where}: chain: must end with exactly one 'sign' then one 'issue' step")
    transitions = []
    for i, raw in enumerate(_need(data, "transitions", where, list)):
        at = f"{where}: transitions[{i}]"
        sources = _need(raw, "source", at)
        sources = (sources,) if isinstance(sources, str) else tuple(sources)
        dest = _need(raw, "dest", at, str)
        for state in (*sources, dest):
            if state not in states:
                raise DefinitionError(f"{at}: unknown state '{state}'")
        guards = tuple(raw.get("guards") or ())
        for guard in guards:
            if guard not in known_guards:
                raise DefinitionError(f"{at}.guards: unknown guard '{guard}'")
        transitions.append(TransitionDef(_need(raw, "trigger", at, str), sources, dest, guards))
    permissions = {}
    raw_perm = _need(data, "permissions", where, dict)
    for state in states:
        entry = raw_perm.get(state)
        if entry is None:
            raise DefinitionError(f"{where}: permissions: missing state '{state}'")
        permissions[state] = {}
        for action in ACTIONS:
            who = tuple(entry.get(action) or ())
            for principal in who:
                if principal not in PRINCIPALS:
                    raise DefinitionError(
                        f"{where}: permissions.{state}.{action}: unknown principal '{principal}'")
            permissions[state][action] = who
    signature = _need(data, "signature", where, dict)
    return Definition(
        name=name, title=data.get("title", name), path=str(path),
        issuer_kinds=tuple(match.get("issuer_kinds") or ()),
        doc_types=tuple(match.get("doc_types") or ()), states=states, initial=initial,
        chain=chain, transitions=transitions, permissions=permissions,
        collective=signature.get("collective"), by_position=signature.get("by_position") or {})


def load_definitions(directory: str | Path, known_guards: set[str]) -> dict[str, Definition]:
    """Read every `*.yaml` in `directory`; raise `DefinitionError` on the first mistake."""
    found: dict[str, Definition] = {}
    files = sorted(Path(directory).glob("*.y*ml"))
    if not files:
        raise DefinitionError(f"{directory}: no workflow definitions found")
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise DefinitionError(f"{path.name}: invalid YAML: {exc}") from exc
        definition = parse_definition(data, str(path), known_guards)
        if definition.name in found:
            raise DefinitionError(f"{path.name}: name: '{definition.name}' is defined twice")
        found[definition.name] = definition
    return found
