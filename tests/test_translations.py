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


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}


def test_strings_translated_inside_f_strings_are_in_the_catalogue():
    """``makemessages`` does not always read a ``_("…")`` call written inside an f-string; a
    message only said there drops out of the catalogue at the next ``--no-obsolete`` run and
    Urdu pages show it in English (the file page's "still there", session 12)."""
    import ast

    known = {mid for mid, _mstr, _fuzzy in _catalogue()}
    apps = ["accounts", "cgu", "complaints", "daftar", "documents", "kernel", "letters"]
    apps += ["organisation", "portal_pages", "search", "workflows", "workspace"]
    absent = []
    for app in apps:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Name)
                        and call.func.id in GETTEXT_NAMES
                        and call.args
                        and isinstance(call.args[0], ast.Constant)
                        and call.args[0].value not in known
                    ):
                        absent.append(f"{path.name}:{call.lineno} {call.args[0].value!r}")
    assert absent == [], "Translate into a variable first, then format: " + "; ".join(absent)
