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


def test_translate_literals_are_looked_up_once_per_language_and_render_as_django_does():
    """``{% load i18n %}`` is Django's library with a memo for ``{% translate "literal" %}``
    (workspace/templatetags/i18n_memo.py): the same output as Django's own tag, in either
    language and with autoescape on or off, from one node rendered again and again."""
    from django.template import Context, Engine, engines
    from django.utils import translation

    from workspace.templatetags.i18n_memo import MemoTranslateNode

    source = (
        '{% load i18n %}{% translate "Inbox" %}|{% translate "Sign out" as out %}{{ out }}|'
        '{% translate word %}|{% translate "Inbox" noop %}|{% translate "May" context "month" %}|'
        '{% translate "50%% done" %}|{% translate "Inbox"|upper %}|{% translate "Q&A <b>" %}'
    )
    ours = engines["django"].engine.from_string(source)
    django_own = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(source)
    assert sum(isinstance(n, MemoTranslateNode) and n.plain for n in ours.nodelist) == 4
    for language in ("en", "ur", "en", "ur"):
        for autoescape in (True, False):
            with translation.override(language):
                context = {"word": "Parked"}
                expected = django_own.render(Context(context, autoescape=autoescape))
                assert ours.render(Context(context, autoescape=autoescape)) == expected
            if language == "ur":
                assert not expected.startswith("Inbox|")  # translated, so the check can fail
