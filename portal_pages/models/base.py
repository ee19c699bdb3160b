"""The base of every public page: English and Urdu side by side, cacheable.

Languages: every page carries its English and Urdu text side by side (``title``/``title_ur``,
``intro``/``intro_ur``, ``body``/``body_ur``) and renders the one of the active language,
falling back to English — marked ``lang="en"`` — where the Urdu is not written yet. Why not
Wagtail's own localisation (``WAGTAIL_I18N_ENABLED``, one page tree per locale): it needs the
language in every URL, a second tree kept in step page by page, and a translation workflow;
the site's language is a cookie the staff screens already share, and one editor usually
writes both languages of a page together. Two fields on one page give one URL, one publish,
one revision history for both languages, and nothing that can drift apart.
"""

from __future__ import annotations

from http import HTTPMethod

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal_pages.blocks import BodyBlock
from portal_pages.caching import serve_cached

READ_ONLY_METHODS = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]


def is_urdu() -> bool:
    return (get_language() or "en").startswith("ur")


def bilingual_tabs(english: list, urdu: list, extra: list | None = None) -> TabbedInterface:
    tabs = [
        ObjectList(english, heading=_("English")),
        ObjectList(urdu, heading=_("Urdu")),
    ]
    if extra:
        tabs.append(ObjectList(extra, heading=_("Details")))
    tabs += [
        ObjectList(Page.promote_panels, heading=_("Promote")),
        ObjectList(Page.settings_panels, heading=_("Settings")),
    ]
    return TabbedInterface(tabs)


URDU_HELP = HelpPanel(
    content=_(
        "Write the Urdu text of this page here. Where a field is left empty, the English text "
        "is shown to Urdu readers, marked as English so that screen readers pronounce it "
        "correctly."
    )
)


class BilingualPage(Page):
    """A public page in English and Urdu (see the module docstring for why two fields)."""

    title_ur = models.CharField(
        _("title (Urdu)"),
        max_length=255,
        blank=True,
        help_text=_("The page title in Urdu. Leave empty to show the English title."),
    )
    intro = models.TextField(
        _("introduction"),
        max_length=600,
        blank=True,
        help_text=_("One or two sentences under the title, also used in lists and search."),
    )
    intro_ur = models.TextField(
        _("introduction (Urdu)"),
        max_length=600,
        blank=True,
        help_text=_("The introduction in Urdu."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    body_ur = StreamField(BodyBlock(), blank=True, verbose_name=_("body (Urdu)"))

    allowed_http_methods = READ_ONLY_METHODS
    #: seconds browsers and proxies may keep the page (see portal_pages.caching)
    cache_max_age = 300
    #: query parameters that change what the page shows; with any other, it is not kept
    cache_query_params: tuple[str, ...] = ()

    search_fields = Page.search_fields + [
        index.SearchField("title_ur"),
        index.SearchField("intro"),
        index.SearchField("intro_ur"),
    ]

    english_panels = [FieldPanel("title"), FieldPanel("intro"), FieldPanel("body")]
    urdu_panels = [URDU_HELP, FieldPanel("title_ur"), FieldPanel("intro_ur"), FieldPanel("body_ur")]

    class Meta:
        abstract = True

    # ---- what the active language shows
    def _pick(self, name: str):
        if is_urdu():
            value = getattr(self, f"{name}_ur")
            if value:
                return value
        return getattr(self, name)

    @property
    def display_title(self) -> str:
        return self._pick("title")

    @property
    def display_intro(self) -> str:
        return self._pick("intro")

    @property
    def display_body(self):
        return self._pick("body")

    def fallback_lang(self, name: str) -> str:
        """``"en"`` when an Urdu reader is shown the English ``name``; else empty."""
        if is_urdu() and not getattr(self, f"{name}_ur") and getattr(self, name):
            return "en"
        return ""

    @property
    def title_lang(self) -> str:
        return self.fallback_lang("title")

    @property
    def intro_lang(self) -> str:
        return self.fallback_lang("intro")

    @property
    def body_lang(self) -> str:
        return self.fallback_lang("body")

    def serve(self, request, *args, **kwargs):
        return serve_cached(
            self,
            request,
            lambda: super(BilingualPage, self).serve(request, *args, **kwargs),
            self.cache_max_age,
        )

    def crumb(self) -> dict:
        return {"title": self.display_title, "lang": self.title_lang, "url": self.url}

    def breadcrumbs(self) -> list[dict]:
        """From the home page down to this page (for the breadcrumb trail)."""
        ancestors = self.get_ancestors().filter(depth__gte=2).specific()
        return [
            getattr(p, "crumb", lambda p=p: {"title": p.title, "lang": "", "url": p.url})()
            for p in ancestors
        ] + [self.crumb()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["crumbs"] = self.breadcrumbs()
        return context


def live_children(page, model):
    """Live, public children of ``page`` of type ``model``."""
    return model.objects.live().public().child_of(page)
