"""Administration: organizations, groups, users, and the workflow definitions."""
from .routes import bp

__all__ = ["bp"]
