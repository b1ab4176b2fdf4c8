"""Delegation (ủy quyền): a signer or reviewer lets a named colleague act for a while."""
from .routes import bp

__all__ = ["bp"]
