"""The organisation: department → section → post, and who holds which post when; the
province's divisions, districts and tehsils, and its public holidays.

Files are in the custody of a *post*, never of a person; a person acts for the posts they hold
at that moment (regular charge, or additional charge while a colleague is away).

These models lived in ``workspace`` until the organisation became its own app; they keep the
tables they had there (``db_table``), so moving them (``organisation/migrations/0001``) did
not touch the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """English and Urdu names, with ``name`` answering in the active language."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ur = models.CharField(_("name (Urdu)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "en").startswith("ur") and self.name_ur:
            return self.name_ur
        return self.name_en


class Department(BilingualName):
    """An administrative department. Daftar is rolled out department by department:
    only a live department can receive files electronically."""

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("Short code used in file numbers, e.g. FD for Finance."),
    )
    is_live = models.BooleanField(_("Daftar is live"), default=False)
    live_since = models.DateField(_("live since"), null=True, blank=True)
    # Working days a file may stay at one desk before it is overdue, by priority
    # (workspace.time_limits; blank: its default, 1 / 3 / 7 / 14).
    limit_most_immediate_days = models.PositiveSmallIntegerField(
        _("time limit, most immediate (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Blank: 1 working day."),
    )
    limit_immediate_days = models.PositiveSmallIntegerField(
        _("time limit, immediate (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Blank: 3 working days."),
    )
    limit_urgent_days = models.PositiveSmallIntegerField(
        _("time limit, urgent (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Blank: 7 working days."),
    )
    limit_routine_days = models.PositiveSmallIntegerField(
        _("time limit, routine (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Blank: 14 working days."),
    )

    class Meta:
        db_table = "workspace_department"
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_live=False) | Q(live_since__isnull=False),
                name="department_live_has_date",
                violation_error_message=_("A live department needs the date it went live."),
            )
        ]


class TerritorialRole(models.TextChoices):
    """Which territorial office a section is (blank: none, a secretariat section)."""

    COMMISSIONER = "commissioner", _("Commissioner's office")
    DEPUTY_COMMISSIONER = "dc", _("Deputy Commissioner's office")
    ASSISTANT_COMMISSIONER = "ac", _("Assistant Commissioner's office")
    PERFORMANCE_CELL = "pmc", _("Chief Secretary's Performance Management Cell")
    LINE = "line", _("District office of a line department")


class Section(BilingualName):
    """A section (wing, branch) of a department, e.g. Budget-I of Finance."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="sections", verbose_name=_("department")
    )
    code = models.CharField(
        _("code"), max_length=32, help_text=_("Used in file numbers, e.g. SO(B-I).")
    )
    # Territorial offices (issue 21): which office this section is, and where it sits.
    territorial_role = models.CharField(
        _("territorial office"),
        max_length=16,
        choices=TerritorialRole.choices,
        blank=True,
        default="",
    )
    division = models.ForeignKey(
        "organisation.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("division"),
    )
    district = models.ForeignKey(
        "organisation.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("district"),
    )
    tehsil = models.ForeignKey(
        "organisation.Tehsil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("tehsil"),
    )

    class Meta:
        db_table = "workspace_section"
        ordering = ["department__code", "code"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="section_code_unique")
        ]


class PostQuerySet(models.QuerySet):
    def held_by(self, user, at=None) -> PostQuerySet:
        """Posts the user holds at ``at`` (now by default), regular or additional charge."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        at = at or timezone.now()
        return self.filter(
            holdings__in=Holding.objects.current(at).filter(user=user), is_active=True
        ).distinct()


class Post(models.Model):
    """A seat in a section, e.g. "Section Officer (Budget-I)". Files stay with the post when
    its holder changes."""

    class Level(models.IntegerChoices):
        ASSISTANT = 10, _("Assistant")
        SECTION_OFFICER = 20, _("Section Officer")
        DEPUTY_SECRETARY = 30, _("Deputy Secretary")
        ADDITIONAL_SECRETARY = 40, _("Additional Secretary")
        SECRETARY = 50, _("Secretary")

    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="posts", verbose_name=_("section")
    )
    designation_en = models.CharField(_("designation (English)"), max_length=200)
    designation_ur = models.CharField(_("designation (Urdu)"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subordinates",
        verbose_name=_("reports to"),
        help_text=_("The post a file is put up to from this one."),
    )
    may_approve = models.BooleanField(
        _("may approve"),
        default=False,
        help_text=_("Holds the power (own or delegated) to approve notes and drafts."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        db_table = "workspace_post"
        ordering = ["section__department__code", "-level", "designation_en"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=models.F("pk")), name="post_not_reporting_to_itself"
            )
        ]

    def __str__(self) -> str:
        return f"{self.designation}, {self.section.department.code}"

    @property
    def designation(self) -> str:
        if (get_language() or "en").startswith("ur") and self.designation_ur:
            return self.designation_ur
        return self.designation_en

    @property
    def department(self) -> Department:
        return self.section.department


class HoldingQuerySet(models.QuerySet):
    def current(self, at=None) -> HoldingQuerySet:
        at = at or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at), starts_at__lte=at)


class Holding(models.Model):
    """A person holding a post from ``starts_at`` until ``ends_at`` (open while null).

    A post has at most one open regular holding and at most one open additional charge.
    An ended holding grants nothing.
    """

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        ADDITIONAL = "additional", _("Additional charge")

    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("post")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name=_("officer"),
    )

    class Reason(models.TextChoices):
        LEAVE = "leave", _("Leave")
        TOUR = "tour", _("Tour")
        VACANCY = "vacancy", _("Post vacant")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    # Why an additional charge was given (the regular holder's leave, a tour, …).
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = HoldingQuerySet.as_manager()

    class Meta:
        db_table = "workspace_holding"
        ordering = ["post", "-starts_at"]
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        indexes = [models.Index(fields=["user", "ends_at"], name="holding_user_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "kind"],
                condition=Q(ends_at__isnull=True),
                name="one_open_holding_per_post_and_kind",
                violation_error_message=_(
                    "This post already has an open holding of this kind; end it first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="holding_ends_after_start",
                violation_error_message=_("A holding must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.post} ({self.get_kind_display()})"


# ---- territorial offices (issue 21) ---------------------------------------------------------
# A province is divided into divisions (a Commissioner's office each), divisions into
# districts (a Deputy Commissioner's office each) and districts into tehsils (an Assistant
# Commissioner each). Those offices are sections like any other, so their seats are posts and
# their officers hold them as everywhere else; ``Section.territorial_role`` says which office
# a section is and ``Section.district`` / ``division`` / ``tehsil`` where it sits. A line
# department's district office (education, health, …) is a section of its own department with
# ``district`` set and the role ``line``.


class Division(BilingualName):
    """A division of a province (the Commissioner's jurisdiction)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    province = models.CharField(_("province"), max_length=8, default="KP")

    class Meta:
        db_table = "workspace_division"
        ordering = ["name_en"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")


class District(BilingualName):
    """A district (the Deputy Commissioner's jurisdiction)."""

    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="districts", verbose_name=_("division")
    )
    code = models.CharField(_("code"), max_length=16, unique=True)

    class Meta:
        db_table = "workspace_district"
        ordering = ["name_en"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Tehsil(BilingualName):
    """A tehsil of a district (an Assistant Commissioner's jurisdiction)."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="tehsils", verbose_name=_("district")
    )

    class Meta:
        db_table = "workspace_tehsil"
        ordering = ["district__name_en", "name_en"]
        verbose_name = _("tehsil")
        verbose_name_plural = _("tehsils")
        constraints = [
            models.UniqueConstraint(fields=["district", "name_en"], name="tehsil_name_unique")
        ]


class Holiday(BilingualName):
    """A public holiday an administrator keeps (the admin; seeded with the year's by the demo):
    not a working day on the working-day clock (``workspace.time_limits``) of the province
    named, or of every province when ``province`` is blank."""

    date = models.DateField(_("date"))
    province = models.CharField(
        _("province"), max_length=8, blank=True, help_text=_("Blank: every province.")
    )

    class Meta:
        db_table = "workspace_holiday"
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [
            models.UniqueConstraint(fields=["date", "province"], name="holiday_once_a_day")
        ]
