"""The catalogue of audit actions: every ``action`` the audit trail may hold, with its label.

Each app owns the words of its own writes: it declares them as a subclass of ``AuditAction``
in its ``audit_actions`` module and registers that class in its ``AppConfig.ready``::

    class DeskAction(AuditAction):
        FILE_MARK = "file.mark", _("File marked")

    audit_actions.register(DeskAction)

The kernel keeps only the register, so it need not know any app's words (it imports none of
them). ``kernel.audit.record`` refuses an action that is not registered, so a misspelt action
fails in the first test that drives it instead of writing a row no filter will find. The values
are the strings stored in ``AuditEvent.action``: change one and old rows no longer match it.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class AuditAction(models.TextChoices):
    """The base of each app's catalogue (no members of its own)."""


class RecordActions(NamedTuple):
    """The actions of a record kept through one generic save/delete service (the
    organisation's, the CGU registry's, the letter settings'): chosen by the record's model,
    never spelt from its name."""

    create: AuditAction
    change: AuditAction
    delete: AuditAction | None = None

    def saved(self, *, creating: bool) -> AuditAction:
        return self.create if creating else self.change


_CATALOGUE: dict[str, AuditAction] = {}


def register(*catalogues: type[AuditAction]) -> None:
    """Add an app's actions to the catalogue. Registering the same class again is harmless; a
    value another class already holds is a configuration error (two apps, one word)."""
    for catalogue in catalogues:
        for action in catalogue:
            held = _CATALOGUE.get(action.value)
            if held is not None and held is not action:
                raise ImproperlyConfigured(
                    f"Audit action {action.value!r} is declared by both "
                    f"{type(held).__qualname__} and {catalogue.__qualname__}."
                )
            _CATALOGUE[action.value] = action


def unregister(*catalogues: type[AuditAction]) -> None:
    """Take a catalogue out again (tests that register actions of their own)."""
    for catalogue in catalogues:
        for action in catalogue:
            if _CATALOGUE.get(action.value) is action:
                del _CATALOGUE[action.value]


def lookup(action: str) -> AuditAction:
    """The registered member for ``action`` (a member, or a string equal to its value).
    ``ValueError`` if it is not in the catalogue."""
    try:
        return _CATALOGUE[action]
    except (KeyError, TypeError):
        raise ValueError(f"{action!r} is not an audit action in the catalogue.") from None


def members() -> list[AuditAction]:
    """Every registered action, in its value's order."""
    return [_CATALOGUE[value] for value in sorted(_CATALOGUE)]


def label(value: str) -> str:
    """The human label of a stored action; the raw value if it is not (or no longer) in the
    catalogue, so an old row still shows what it says."""
    action = _CATALOGUE.get(value)
    return str(action.label) if action is not None else value


def choices() -> list[tuple[str, str]]:
    """``(value, label)`` for every registered action, ordered by label (for filters)."""
    return sorted(((a.value, str(a.label)) for a in _CATALOGUE.values()), key=lambda c: c[1])
