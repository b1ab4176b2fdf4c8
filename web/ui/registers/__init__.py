"""The clerk's registers: the outgoing register (sổ văn bản đi) and its exports."""
from .routes import bp

__all__ = ["bp"]
