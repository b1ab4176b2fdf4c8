"""The recipient's side: incoming documents (văn bản đến), receipt and reports."""
from .routes import bp

__all__ = ["bp"]
