"""The home page: "Việc cần xử lý" (my worklist) and the due/overdue widgets."""
from .routes import bp

__all__ = ["bp"]
