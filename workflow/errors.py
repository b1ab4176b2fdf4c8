"""Errors raised by the engine; each carries a code, an HTTP status and a message."""
from __future__ import annotations


class WorkflowError(Exception):
    """Base class: `code` for machines, `message` (Vietnamese) for people."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class ValidationFailed(WorkflowError):
    """The input is incomplete or malformed (422)."""

    status = 422
    code = "validation_error"


class PermissionDenied(WorkflowError):
    """The actor may not do this to this document (403)."""

    status = 403
    code = "forbidden"


class NotFound(WorkflowError):
    """The object does not exist or is not visible to the actor (404)."""

    status = 404
    code = "not_found"


class InvalidTransition(WorkflowError):
    """The trigger does not apply in the document's current state (409)."""

    status = 409
    code = "invalid_state"


class Conflict(WorkflowError):
    """Someone else changed the object first (409); nothing was changed."""

    status = 409
    code = "conflict"


class DefinitionError(Exception):
    """A workflow definition file is invalid; the message names file and key."""
