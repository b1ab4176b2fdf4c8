"""Logging in and out, and choosing the language."""
from .routes import bp

__all__ = ["bp"]
