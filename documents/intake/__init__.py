"""The intake pipeline: an explicit, ordered list of small steps over one ``Intake``.

    size limit → type sniffed from the bytes → safe stored name → sha256
    → type-specific checks (PDF opened with pypdf, images cleaned, ZIP containers unpacked
      under limits, CSV parsed) → a PDF's signatures checked with pyHanko (recorded, never
      refused) → [the service stores it, byte for byte as received for a PDF, and writes rows]
    → after commit: page count, text, thumbnail (``documents.tasks``)

Each step either fills in the ``Intake`` or refuses with ``kernel.errors.ValidationError``
carrying a message a clerk can act on and a ``code`` tests and the API can rely on. Steps are
called by name, in order (no signals), so the order can be read here.
"""

from __future__ import annotations

from collections.abc import Callable

from documents.intake.base import Intake, from_bytes, from_upload, spooled
from documents.intake.signatures import read_signatures
from documents.intake.steps import (
    check_content,
    check_size,
    clean_display_name,
    hash_received,
    name_safely,
    sniff_type,
)

Step = Callable[[Intake], None]

STEPS: list[Step] = [
    check_size,
    sniff_type,
    name_safely,
    hash_received,
    check_content,
    read_signatures,
]


def run(intake: Intake, steps: list[Step] | None = None) -> Intake:
    """Run the steps before storage, in order; the first refusal stops the intake."""
    for step in STEPS if steps is None else steps:
        step(intake)
    return intake


__all__ = [
    "STEPS",
    "Intake",
    "check_content",
    "check_size",
    "clean_display_name",
    "from_bytes",
    "from_upload",
    "hash_received",
    "name_safely",
    "read_signatures",
    "run",
    "sniff_type",
    "spooled",
]
