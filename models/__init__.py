"""SQLAlchemy models, one module per aggregate, and the Flask-SQLAlchemy binding."""
from flask_sqlalchemy import SQLAlchemy

from .base import Base, utcnow, vn_day
from .organization import Organization, RecipientGroup, group_members, ORG_KINDS
from .user import ApiToken, User, POSITIONS, ROLES
from .document import (ApprovalStep, Document, DocumentRecipient, DocumentRevision,
                       DOC_TYPES, PURPOSES, fold)
from .distribution import Distribution
from .history import HistoryEntry
from .report import Report, ReportDuty, ReportingObligation, obligation_units
from .progress import DocumentProgress
from .numbering import NumberSequence
from .delegation import Delegation
from .issued_file import IssuedFile
from .notification import Notification
from .reminder import Reminder, REMINDER_KINDS

db = SQLAlchemy(metadata=Base.metadata)

__all__ = [
    "db", "Base", "utcnow", "vn_day", "Organization", "RecipientGroup", "group_members", "ORG_KINDS",
    "User", "ApiToken", "POSITIONS", "ROLES", "Document", "DocumentRecipient",
    "DocumentRevision", "ApprovalStep", "DOC_TYPES", "PURPOSES", "fold", "Distribution",
    "HistoryEntry", "Report", "ReportDuty", "ReportingObligation", "obligation_units",
    "NumberSequence", "Delegation", "IssuedFile",
]
__all__ += ["Notification", "Reminder", "REMINDER_KINDS", "DocumentProgress"]
from .access_log import AccessLog, ACCESS_ACTIONS  # noqa: E402
