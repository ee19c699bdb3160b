"""The CGU's registry and returns: public sector entities, KPI definitions, reporting periods,
KPI returns with their values, reminders, generated reports, and the review process.

A return is never edited: a resubmission is a new *version* and the old one stays. Only the
latest accepted version of a PSE's return for a period is *published* (``is_published``); a
check constraint ties publication to acceptance, so no other figures can reach the public.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from viewflow.workflow.models import Process

from organisation.models import BilingualName


class EntityType(models.TextChoices):
    """What kind of body a PSE is; decides which service-delivery KPIs it reports."""

    COMPANY = "company", _("Company")
    AUTHORITY = "authority", _("Authority")
    UNIVERSITY = "university", _("University")
    TEACHING_HOSPITAL = "teaching_hospital", _("Teaching hospital (MTI)")
    MUNICIPAL_SERVICE = "municipal_service", _("Municipal service unit")
    BOARD = "board", _("Board, fund or foundation")


class PublicSectorEntity(BilingualName):
    """A company, authority, university, teaching hospital, municipal service unit or other
    body under an administrative department, watched by the CGU through its KPI returns."""

    code = models.CharField(
        _("code"),
        max_length=24,
        unique=True,
        help_text=_("Short code of the entity, e.g. LRH-MTI."),
    )
    type = models.CharField(_("type"), max_length=24, choices=EntityType.choices)
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        related_name="public_sector_entities",
        verbose_name=_("administrative department"),
    )
    contact_name = models.CharField(_("focal person"), max_length=200, blank=True)
    contact_designation = models.CharField(_("designation"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    monitoring_file = models.ForeignKey(
        "workspace.File",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monitoring file"),
        help_text=_("The CGU's file on this entity; its returns are put on it."),
    )
    is_active = models.BooleanField(
        _("reports to the CGU"),
        default=True,
        help_text=_("Inactive entities (wound up, merged) are not expected to file returns."),
    )

    class Meta:
        ordering = ["department__code", "code"]
        verbose_name = _("public sector entity")
        verbose_name_plural = _("public sector entities")
        indexes = [models.Index(fields=["department", "type"], name="pse_dept_type")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class KpiDefinition(BilingualName):
    """One key performance indicator a PSE reports: financial or service delivery."""

    class Unit(models.TextChoices):
        PKR_MILLION = "pkr_m", _("PKR million")
        PERCENT = "percent", _("per cent")
        COUNT = "count", _("number")
        DAYS = "days", _("days")
        RATIO = "ratio", _("ratio")

    class Category(models.TextChoices):
        FINANCIAL = "financial", _("Financial")
        SERVICE = "service", _("Service delivery")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Total")
        MEAN = "mean", _("Average")

    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Column value in returns, e.g. BUDGET.")
    )
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    entity_types = models.JSONField(
        _("reported by"),
        default=list,
        blank=True,
        help_text=_("Entity types that report this KPI; empty means every type."),
    )
    is_required = models.BooleanField(
        _("required"), default=True, help_text=_("A return without it is refused.")
    )
    min_value = models.DecimalField(
        _("lowest valid value"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest valid value"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    aggregation = models.CharField(
        _("combined as"),
        max_length=8,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
        help_text=_("How figures of several entities combine: amounts add up, rates average."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="kpi_range_ordered",
                violation_error_message=_("The lowest valid value must not exceed the highest."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def whole_numbers_only(self) -> bool:
        return self.unit in {self.Unit.COUNT, self.Unit.DAYS}

    def applies_to(self, entity_type: str) -> bool:
        return not self.entity_types or entity_type in self.entity_types


class ReportingPeriod(models.Model):
    """A quarter or financial year PSEs report on, with its filing deadline."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("2025-Q3 for July–September 2025; FY2024-25 for a financial year."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    deadline = models.DateField(_("returns due by"))

    class Meta:
        ordering = ["ends_on", "kind"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="period_ends_after_start",
                violation_error_message=_("A period must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("ends_on")),
                name="period_deadline_after_end",
                violation_error_message=_("The deadline cannot fall before the period ends."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def is_overdue(self, on: dt.date | None = None) -> bool:
        """Has the deadline passed (on ``on``, today by default)?"""
        return (on or timezone.localdate()) > self.deadline


class KpiReturn(models.Model):
    """One version of a PSE's KPI return for a period. A resubmission is a new version; the
    old one stays as it was. ``is_published`` marks the latest accepted version — the only
    figures the public site may show."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("return status", "Submitted")
        UNDER_REVIEW = "under_review", pgettext_lazy("return status", "Under review")
        ACCEPTED = "accepted", pgettext_lazy("return status", "Accepted")
        RETURNED = "returned", pgettext_lazy("return status", "Returned")

    class Channel(models.TextChoices):
        CGU = "cgu", _("Keyed in by the CGU")
        ENTITY = "entity", _("Filed by the entity")

    class Source(models.TextChoices):
        FORM = "form", _("Entered in the form")
        CSV = "csv", _("CSV upload")
        XLSX = "xlsx", _("Excel upload")
        API = "api", _("API")

    class PaperStatus(models.TextChoices):
        # "": kept (``paper``) in the request that entered the return, or never to be kept.
        KEPT = "", _("kept")
        QUEUED = "queued", _("being kept")
        FAILED = "failed", _("not kept: retried")

    OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)

    entity = models.ForeignKey(
        PublicSectorEntity,
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("entity"),
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="returns", verbose_name=_("period")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    source = models.CharField(_("received as"), max_length=8, choices=Source.choices)
    received_on = models.DateField(
        _("received on"), help_text=_("When the entity's return reached the CGU.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    submitted_at = models.DateTimeField(_("entered"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reasons = models.TextField(
        _("reasons for return"), blank=True, help_text=_("What the entity must correct.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    paper = models.ForeignKey(
        "documents.Paper",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded original"),
        help_text=_("The uploaded file as received, kept by the documents pipeline."),
    )
    channel = models.CharField(
        _("filed by"),
        max_length=8,
        choices=Channel.choices,
        default=Channel.CGU,
        help_text=_("The entity itself (its portal or API), or the CGU on its behalf."),
    )
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certified by"),
    )
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    original_filename = models.CharField(_("uploaded file"), max_length=255, blank=True)
    original_sha256 = models.CharField(_("SHA-256 of the upload"), max_length=64, blank=True)
    paper_status = models.CharField(
        _("paper"),
        max_length=8,
        choices=PaperStatus.choices,
        default=PaperStatus.KEPT,
        blank=True,
        help_text=_(
            "For figures an entity typed: their PDF is made and kept as the paper by a "
            "background task after the return is received (cgu.originals)."
        ),
    )
    paper_attempts = models.PositiveSmallIntegerField(_("attempts to keep the paper"), default=0)
    enclosure = models.ForeignKey(
        "workspace.Enclosure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on the monitoring file as"),
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("KPI return")
        verbose_name_plural = _("KPI returns")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "period", "version"], name="kpireturn_version_unique"
            ),
            models.UniqueConstraint(
                fields=["entity", "period"],
                condition=Q(status__in=["submitted", "under_review"]),
                name="kpireturn_one_open_version",
                violation_error_message=_(
                    "This entity already has a return for this period waiting for review."
                ),
            ),
            models.UniqueConstraint(
                fields=["entity", "period"],
                condition=Q(is_published=True),
                name="kpireturn_one_published_version",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(status="accepted"),
                name="kpireturn_published_only_if_accepted",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(reasons=""),
                name="kpireturn_returned_has_reasons",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="kpireturn_version_positive"),
        ]
        indexes = [
            models.Index(fields=["period", "entity", "-version"], name="kpireturn_period_entity"),
            models.Index(fields=["status", "submitted_at"], name="kpireturn_queue"),
            # The returns list's keyset pages (newest first): cgu.selectors.returns.returns_page.
            models.Index(fields=["-submitted_at", "-id"], name="kpireturn_newest"),
            models.Index(
                fields=["period", "entity"],
                condition=Q(is_published=True),
                name="kpireturn_published",
            ),
            # The scheduler's sweep of papers still to keep (cgu.originals.requeue_due).
            models.Index(
                fields=["submitted_at"],
                condition=~Q(paper_status=""),
                name="kpireturn_paper_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity.code} {self.period.code} v{self.version}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_late(self) -> bool:
        return self.received_on > self.period.deadline


class KpiValue(models.Model):
    """One figure of a return."""

    kpi_return = models.ForeignKey(
        KpiReturn, on_delete=models.CASCADE, related_name="values", verbose_name=_("return")
    )
    kpi = models.ForeignKey(
        KpiDefinition, on_delete=models.PROTECT, related_name="values", verbose_name=_("KPI")
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["kpi_return", "kpi__position"]
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        constraints = [
            models.UniqueConstraint(fields=["kpi_return", "kpi"], name="kpivalue_once_per_return")
        ]
        indexes = [models.Index(fields=["kpi", "kpi_return"], name="kpivalue_kpi")]

    def __str__(self) -> str:
        return f"{self.kpi.code}={self.value}"


class Reminder(models.Model):
    """A reminder to a PSE that owes a return for a period, emailed by a background task."""

    class Delivery(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NO_EMAIL = "no_email", _("No email address: follow up by phone")

    entity = models.ForeignKey(
        PublicSectorEntity, on_delete=models.PROTECT, related_name="reminders"
    )
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reminders")
    email = models.EmailField(_("sent to"), blank=True)
    reason = models.CharField(_("reason"), max_length=16)  # "overdue" or "returned"
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    delivery = models.CharField(
        _("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.QUEUED
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["period", "entity"], name="reminder_period_entity")]

    def __str__(self) -> str:
        return f"{self.entity.code} {self.period.code} {self.created_at:%Y-%m-%d}"


def _report_path(instance, filename):
    return f"cgu/reports/{instance.period.code}/{filename}"


class PerformanceReport(models.Model):
    """A generated Service Delivery Performance Monitoring Report for a period (PDF). Built
    from published figures only, so the PDF itself is public."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    pdf = models.FileField(_("PDF"), upload_to=_report_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    entities_reported = models.PositiveIntegerField(_("entities with published figures"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("generated"), default=timezone.now)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("performance report")
        verbose_name_plural = _("performance reports")
        indexes = [models.Index(fields=["period", "-generated_at"], name="report_period")]

    def __str__(self) -> str:
        return f"{self.period.code} ({self.generated_at:%Y-%m-%d %H:%M})"


class KpiReviewProcess(Process):
    """One review of one version of a return (``cgu.flows.KpiReviewFlow``).

    ``decision`` is the instruction of the review step being taken, written by the review
    service just before it completes the task and read by the flow's gateway in the same
    transaction. What was decided lives on the return itself (status, reviewer, reasons)."""

    kpi_return = models.ForeignKey(
        KpiReturn,
        on_delete=models.PROTECT,
        related_name="review_processes",
        verbose_name=_("return"),
    )
    decision = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("KPI return review")
        verbose_name_plural = _("KPI return reviews")
        # "manage" is what Viewflow adds when the flow class loads; declared here so the
        # migration state does not depend on whether the flow module was imported.
        default_permissions = ("add", "change", "delete", "view", "manage")
        permissions = [("review_kpi_return", _("Can review KPI returns at a CGU post"))]

    def __str__(self) -> str:
        return f"review of return {self.kpi_return_id}"


def _invite_expiry():
    return timezone.now() + dt.timedelta(days=getattr(settings, "DAFTAR_ENTITY_INVITE_DAYS", 7))


class EntityUser(models.Model):
    """A person of a public sector entity who signs in to the entity's portal: its focal
    person, who prepares returns, or its head, who certifies them. Not a post of the
    secretariat: an entity user holds no post and sees only their own entity.

    Invited by the CGU: the invitation is a one-time link (stored as a SHA-256 digest) that
    expires; following it, the person sets a password, then enrols the same second factor
    officers have at their first sign-in."""

    class Role(models.TextChoices):
        PREPARER = "preparer", _("Focal person (prepares returns)")
        HEAD = "head", _("Head of the entity (certifies returns)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="entity_membership",
        verbose_name=_("user"),
    )
    entity = models.ForeignKey(
        PublicSectorEntity,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("entity"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    invite_digest = models.CharField(max_length=64, blank=True, db_index=True)
    invite_expires_at = models.DateTimeField(_("invitation expires"), default=_invite_expiry)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["entity", "role", "pk"]
        verbose_name = _("entity user")
        verbose_name_plural = _("entity users")
        indexes = [models.Index(fields=["entity", "role"], name="entityuser_entity_role")]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.entity.code}, {self.role})"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None and self.joined_at is not None

    @property
    def is_head(self) -> bool:
        return self.role == self.Role.HEAD


class EntityDraft(models.Model):
    """A return an entity is preparing: typed or uploaded figures, checked row by row, kept
    until its head certifies it and it is submitted; submitting makes it a ``KpiReturn``
    version (the first, or the next after a return) and the draft is kept as its record."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("entity return", "Draft")
        CERTIFIED = "certified", pgettext_lazy("entity return", "Certified")
        SUBMITTED = "submitted", pgettext_lazy("entity return", "Submitted")

    entity = models.ForeignKey(PublicSectorEntity, on_delete=models.PROTECT, related_name="drafts")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    rows = models.JSONField(_("figures"), default=list)
    source = models.CharField(_("received as"), max_length=8, choices=KpiReturn.Source.choices)
    upload_name = models.CharField(max_length=255, blank=True)
    upload_type = models.CharField(max_length=100, blank=True)
    upload_content = models.BinaryField(null=True, blank=True, editable=False)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    kpi_return = models.OneToOneField(
        KpiReturn,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entity_draft",
    )

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        verbose_name = _("entity's draft return")
        verbose_name_plural = _("entity's draft returns")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "period"],
                condition=Q(state__in=["draft", "certified"]),
                name="entitydraft_one_open",
            ),
            models.CheckConstraint(
                condition=Q(state="draft")
                | (Q(certified_by__isnull=False) & Q(certified_at__isnull=False)),
                name="entitydraft_certified_has_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity.code} {self.period.code} draft {self.pk}"


class SecretaryNotice(models.Model):
    """The notice to an administrative department's Secretary listing its entities that
    have not filed a period's return a set number of days after the deadline: once per
    department and period."""

    department = models.ForeignKey(
        "organisation.Department", on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    entities = models.JSONField(_("entities listed"), default=list)
    email = models.EmailField(_("sent to"), blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice to a Secretary")
        verbose_name_plural = _("notices to Secretaries")
        constraints = [
            models.UniqueConstraint(fields=["department", "period"], name="secretarynotice_once")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.period.code}"
