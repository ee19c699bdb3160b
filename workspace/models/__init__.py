from workspace.models.audit import AuditChainHead, AuditEvent
from workspace.models.organisation import Department, Holding, Post, Section

__all__ = ["AuditChainHead", "AuditEvent", "Department", "Holding", "Post", "Section"]
