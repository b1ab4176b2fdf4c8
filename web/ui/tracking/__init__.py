"""Follow-through of issued documents: the tracking dashboard, recipient units, XLSX
exports, and sending an issued document to more recipients."""
from . import send_again  # noqa: F401  (adds its routes and template globals to bp)
from .routes import bp

__all__ = ["bp"]
