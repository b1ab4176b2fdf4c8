"""The state machine built with `transitions` from a definition.

`check` tells whether a trigger may fire and why not (the same predicate the
UI uses to show a button); `fire` changes `document.state` through the
machine. Neither writes history: the services do, in the same transaction.
"""
from __future__ import annotations

import threading

from transitions import Machine

from .definitions import Definition
from .errors import InvalidTransition, PermissionDenied, ValidationFailed
from .guards import GUARDS, GuardContext

_local = threading.local()


class _Flow:
    """The model object the machine drives; its `state` is the document's."""

    def __init__(self, ctx: GuardContext):
        self.ctx = ctx

    @property
    def state(self) -> str:
        return self.ctx.document.state

    @state.setter
    def state(self, value: str) -> None:
        self.ctx.document.state = value


def _condition(name: str):
    guard = GUARDS[name]
    return lambda event: guard.check(event.model.ctx)


def build_machine(definition: Definition) -> Machine:
    """A `transitions.Machine` for `definition` (no auto transitions, guards as conditions)."""
    transitions = [
        {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest,
         "conditions": [_condition(g) for g in t.guards]}
        for t in definition.transitions
    ]
    return Machine(model=None, states=list(definition.states), transitions=transitions,
                   initial=definition.initial, auto_transitions=False, send_event=True,
                   ignore_invalid_triggers=False)


def machine_for(definition: Definition) -> Machine:
    """The machine of `definition`, built once per thread."""
    cache = getattr(_local, "machines", None)
    if cache is None:
        cache = _local.machines = {}
    key = (definition.name, id(definition))
    if key not in cache:
        cache[key] = build_machine(definition)
    return cache[key]


def check(ctx: GuardContext, trigger: str) -> None:
    """Raise unless `trigger` may fire now; the error says why in Vietnamese."""
    candidates = [t for t in ctx.definition.transitions
                  if t.trigger == trigger and ctx.document.state in t.sources]
    if not candidates:
        if trigger not in ctx.definition.triggers():
            raise ValidationFailed(f"Thao tác không hợp lệ: '{trigger}'.", code="unknown_trigger")
        label = ctx.definition.state_label(ctx.document.state)
        raise InvalidTransition(f"Không thể thực hiện thao tác này khi văn bản ở trạng thái “{label}”.")
    first_failure = None
    for transition in candidates:
        failed = next((GUARDS[g] for g in transition.guards if not GUARDS[g].check(ctx)), None)
        if failed is None:
            return
        if first_failure is None or (first_failure.status == "invalid_state"
                                     and failed.status != "invalid_state"):
            first_failure = failed
    error = {"validation_error": ValidationFailed, "invalid_state": InvalidTransition}.get(
        first_failure.status, PermissionDenied)
    raise error(first_failure.message, code=None if error is not PermissionDenied else "forbidden")


def allowed(ctx: GuardContext, trigger: str) -> bool:
    """True when `check` would pass (for showing buttons)."""
    try:
        check(ctx, trigger)
    except (InvalidTransition, PermissionDenied, ValidationFailed):
        return False
    return True


def fire(ctx: GuardContext, trigger: str) -> tuple[str, str]:
    """Fire `trigger` through the machine; returns (from_state, to_state)."""
    check(ctx, trigger)
    machine = machine_for(ctx.definition)
    flow = _Flow(ctx)
    source = ctx.document.state
    machine.add_model(flow, initial=source)
    try:
        if not flow.trigger(trigger):
            raise InvalidTransition("Điều kiện chuyển trạng thái không còn thỏa mãn.")
    finally:
        machine.remove_model(flow)
    return source, ctx.document.state
