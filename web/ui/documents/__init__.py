"""The documents: list and search, the draft editor, the document page and its actions."""
from .routes import bp

__all__ = ["bp"]
