from workspace.models.audit import AuditChainHead, AuditEvent
from workspace.models.files import (
    Approval,
    Counter,
    DispatchEntry,
    Draft,
    Enclosure,
    File,
    Grading,
    HoldReason,
    Movement,
    NoteParagraph,
    Priority,
    Receipt,
    SubjectHead,
)
from workspace.models.organisation import Department, Holding, Post, Section

__all__ = [
    "Approval",
    "AuditChainHead",
    "AuditEvent",
    "Counter",
    "Department",
    "DispatchEntry",
    "Draft",
    "Enclosure",
    "File",
    "Grading",
    "HoldReason",
    "Holding",
    "Movement",
    "NoteParagraph",
    "Post",
    "Priority",
    "Receipt",
    "Section",
    "SubjectHead",
]
