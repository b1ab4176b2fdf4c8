"""The bell: in-app notifications of the logged-in user."""
from .routes import bp

__all__ = ["bp"]
