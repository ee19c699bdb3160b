"""Every user-visible string has Urdu, and the compiled catalogue matches the source."""

import importlib.util
from pathlib import Path

from django.conf import settings
from django.utils import translation

spec = importlib.util.spec_from_file_location(
    "po_fill", Path(settings.BASE_DIR) / "scripts/po_fill.py"
)
po_fill = importlib.util.module_from_spec(spec)
spec.loader.exec_module(po_fill)


def _catalogue():
    return [
        (mid, mstr, fuzzy)
        for _, _, block, mid, mstr, fuzzy in po_fill.entries(po_fill.PO.read_text())
        if mid and "msgctxt" not in block
    ]


def test_every_string_has_urdu():
    missing = [mid for mid, mstr, fuzzy in _catalogue() if not mstr or fuzzy]
    assert missing == [], "Run ./dev.sh messages and translate: " + "; ".join(missing[:20])


def test_compiled_catalogue_matches_the_po_file():
    entries = _catalogue()
    assert len(entries) > 50
    with translation.override("ur"):
        stale = [mid for mid, mstr, _ in entries if mstr and translation.gettext(mid) != mstr]
    assert stale == [], "django.mo is out of date: run ./dev.sh messages. First: " + "; ".join(
        stale[:5]
    )
