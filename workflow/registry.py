"""The loaded workflow definitions and how a document finds its definition."""
from __future__ import annotations

from pathlib import Path

from .definitions import Definition, load_definitions
from .errors import ValidationFailed
from .guards import GUARDS

_definitions: dict[str, Definition] = {}


def load(directory: str | Path) -> dict[str, Definition]:
    """Load (or reload) every definition in `directory`; raises `DefinitionError`."""
    global _definitions
    _definitions = load_definitions(directory, set(GUARDS))
    return _definitions


def all_definitions() -> dict[str, Definition]:
    """Every loaded definition by name."""
    if not _definitions:
        load(Path(__file__).resolve().parent.parent / "config" / "workflows")
    return _definitions


def get(name: str) -> Definition:
    """The definition called `name`."""
    return all_definitions()[name]


def for_document(issuer_kind: str, doc_type: str) -> Definition:
    """The first definition whose `match` accepts this issuer kind and type."""
    for definition in all_definitions().values():
        if issuer_kind in definition.issuer_kinds and doc_type in definition.doc_types:
            return definition
    raise ValidationFailed(
        f"Chưa có quy trình cho loại văn bản {doc_type} của cơ quan loại “{issuer_kind}”.",
        code="no_workflow")
