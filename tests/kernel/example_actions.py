"""Audit actions of the kernel's own tests (registered by tests/kernel/conftest.py); their
labels are not translated, as no one reads them."""

from kernel.audit_actions import AuditAction


class ExampleAction(AuditAction):
    WRITE = "test.write", "Test write"
    THING = "test.thing", "Test thing"
    FIRST = "test.first", "Test first"
    SECOND = "test.second", "Test second"
    DOOMED = "test.doomed", "Test doomed"
