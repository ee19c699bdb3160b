"""Viewflow flows: how a file moves between posts, approvals, KPI-return review, escalation."""
