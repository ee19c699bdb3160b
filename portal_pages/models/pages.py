"""The editorial pages of the public site: home, text pages, departments, news, tracking;
and the site identity shown in the header and footer."""

from __future__ import annotations

from http import HTTPMethod

from django.core.paginator import InvalidPage, Paginator
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cgu.selectors import published as cgu
from portal_pages.caching import make_private
from portal_pages.eoffice import eoffice_figures
from portal_pages.models.base import (
    READ_ONLY_METHODS,
    BilingualPage,
    bilingual_tabs,
    is_urdu,
    live_children,
)
from portal_pages.models.performance import PerformanceIndexPage
from portal_pages.track import TrackingForm, lookup


class HomePage(BilingualPage):
    """The front page and root of the public site: what a citizen can do here — track a
    matter, read how departments perform — with the latest news."""

    tracking_heading = models.CharField(
        _("tracking box heading"),
        max_length=120,
        default="Track your application",
        help_text=_("Heading of the tracking box on the front page."),
    )
    tracking_heading_ur = models.CharField(
        _("tracking box heading (Urdu)"),
        max_length=120,
        blank=True,
        default="اپنی درخواست کا پتہ لگائیں",
    )

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "portal_pages.StandardPage",
        "portal_pages.DepartmentIndexPage",
        "portal_pages.NewsIndexPage",
        "portal_pages.PerformanceIndexPage",
        "portal_pages.TrackingPage",
    ]
    edit_handler = bilingual_tabs(
        BilingualPage.english_panels + [FieldPanel("tracking_heading")],
        BilingualPage.urdu_panels + [FieldPanel("tracking_heading_ur")],
    )

    class Meta:
        verbose_name = _("home page")

    def crumb(self) -> dict:
        return {"title": gettext("Home"), "lang": "", "url": self.url}

    @property
    def display_tracking_heading(self) -> str:
        return self._pick("tracking_heading")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tracking_page"] = live_children(self, TrackingPage).first()
        performance = live_children(self, PerformanceIndexPage).first()
        context["performance_page"] = performance
        context["eoffice_url"] = performance.route_url("eoffice") if performance else ""
        context["departments_page"] = live_children(self, DepartmentIndexPage).first()
        context["latest_news"] = (
            NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:3]
        )
        context["figures"] = eoffice_figures()
        return context


class StandardPage(BilingualPage):
    """A page of text: about the site, how to apply, accessibility, privacy."""

    parent_page_types = ["portal_pages.HomePage", "portal_pages.StandardPage"]
    subpage_types = ["portal_pages.StandardPage"]
    edit_handler = bilingual_tabs(BilingualPage.english_panels, BilingualPage.urdu_panels)

    class Meta:
        verbose_name = _("standard page")


class DepartmentIndexPage(BilingualPage):
    """The list of departments, with how far each is on the e-office."""

    max_count = 1
    parent_page_types = ["portal_pages.HomePage"]
    subpage_types = ["portal_pages.DepartmentPage"]
    edit_handler = bilingual_tabs(BilingualPage.english_panels, BilingualPage.urdu_panels)

    class Meta:
        verbose_name = _("department index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        figures = eoffice_figures()
        pages = list(
            live_children(self, DepartmentPage)
            .select_related("department")
            .order_by("department__code")
        )
        context["departments"] = [(p, figures.for_department(p.department.code)) for p in pages]
        return context


class DepartmentPage(BilingualPage):
    """One administrative department: what it does, how to reach it, its e-office figures
    and the published performance of the public sector entities under it."""

    department = models.OneToOneField(
        "organisation.Department",
        on_delete=models.PROTECT,
        related_name="public_page",
        verbose_name=_("department"),
        help_text=_("The department this page is about; its figures come from Daftar."),
    )

    parent_page_types = ["portal_pages.DepartmentIndexPage"]
    subpage_types: list[str] = []
    edit_handler = bilingual_tabs(
        [FieldPanel("department")] + BilingualPage.english_panels, BilingualPage.urdu_panels
    )

    class Meta:
        verbose_name = _("department page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        figures = eoffice_figures()
        context["figures_ready"] = figures.ready
        context["figures"] = figures.for_department(self.department.code)
        context["entities"] = list(cgu.public_entities(department=self.department))
        performance = PerformanceIndexPage.objects.live().public().first()
        context["performance_url"] = (
            performance.route_url("department", self.department.code.lower()) if performance else ""
        )
        return context


class NewsIndexPage(BilingualPage):
    """News and notices, newest first, ten to a page."""

    per_page = 10
    cache_query_params = ("page",)
    max_count = 1
    parent_page_types = ["portal_pages.HomePage"]
    subpage_types = ["portal_pages.NewsPage"]
    edit_handler = bilingual_tabs(BilingualPage.english_panels, BilingualPage.urdu_panels)

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = live_children(self, NewsPage).order_by("-date", "-pk")
        paginator = Paginator(items, self.per_page)
        number = request.GET.get("page") or 1
        try:
            page = paginator.page(number)
        except InvalidPage:
            raise Http404
        context["news"] = page
        return context


class NewsPage(BilingualPage):
    """A news item or public notice."""

    date = models.DateField(
        _("date"), default=timezone.localdate, help_text=_("Shown with the item; newest first.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image"),
        help_text=_("Optional. Give the image a description in the image library (its alt text)."),
    )

    parent_page_types = ["portal_pages.NewsIndexPage"]
    subpage_types: list[str] = []
    edit_handler = bilingual_tabs(
        BilingualPage.english_panels,
        BilingualPage.urdu_panels,
        [FieldPanel("date"), FieldPanel("image")],
    )

    class Meta:
        verbose_name = _("news page")
        ordering = ["-date"]


class TrackingPage(BilingualPage):
    """Where a citizen looks up a matter by its tracking number and the last four digits of
    their CNIC or mobile number. Never cached; lookups are rate-limited
    (``portal_pages.ratelimit``) and answered by ``workspace.tracking.public_status``."""

    max_count = 1
    parent_page_types = ["portal_pages.HomePage"]
    subpage_types: list[str] = []
    allowed_http_methods = READ_ONLY_METHODS + [HTTPMethod.POST]
    edit_handler = bilingual_tabs(BilingualPage.english_panels, BilingualPage.urdu_panels)

    class Meta:
        verbose_name = _("tracking page")

    def serve(self, request, *args, **kwargs):
        result = None
        status_code = 200
        if request.method == "POST":
            form = TrackingForm(request.POST)
            if form.is_valid():
                result = lookup(
                    request,
                    reference=form.cleaned_data["reference"],
                    second_factor=form.cleaned_data["second_factor"],
                    others=True,
                )
                if result.elsewhere:  # a citizen's complaint: its own page
                    return make_private(HttpResponseRedirect(result.elsewhere))
                if result.limited:
                    status_code = result.http_status
        else:
            form = TrackingForm(initial={"reference": request.GET.get("ref", "")[:24]})
        context = self.get_context(request, *args, **kwargs)
        context.update({"form": form, "result": result})
        response = TemplateResponse(request, self.get_template(request), context)
        response.status_code = status_code
        if result is not None and result.limited:
            response["Retry-After"] = str(result.retry_after)
        return make_private(response)


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """Who runs the site, shown in the header and footer of every public page."""

    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        default="Government of Khyber Pakhtunkhwa",
        help_text=_("Shown above the site name, e.g. the provincial government."),
    )
    organisation_ur = models.CharField(
        _("organisation (Urdu)"), max_length=200, blank=True, default="حکومت خیبر پختونخوا"
    )
    helpline = models.CharField(_("helpline"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_ur = models.CharField(_("address (Urdu)"), max_length=300, blank=True)

    panels = [
        FieldPanel("organisation"),
        FieldPanel("organisation_ur"),
        FieldPanel("helpline"),
        FieldPanel("email"),
        FieldPanel("address"),
        FieldPanel("address_ur"),
    ]

    class Meta:
        verbose_name = _("site identity")

    @property
    def display_organisation(self) -> str:
        return self.organisation_ur if is_urdu() and self.organisation_ur else self.organisation

    @property
    def display_address(self) -> str:
        return self.address_ur if is_urdu() and self.address_ur else self.address
