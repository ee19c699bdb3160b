"""Citizens' complaints (issue 21): filed on the public site or by the API, handled by the
district's complaint cell, escalated up the ladder when not resolved in time.

The complainant's identity (name, mobile, CNIC digits, email) is kept on the complaint row but
is *sealed*: no staff screen, list or API answer reads it except ``services.reveal_identity``,
which asks for a reason, writes an audit row and an ``IdentityDisclosure`` the officer's
senior sees. The public side reads a complaint only by its reference and second factor.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from organisation.models import BilingualName
from workspace.tracking import display

MOBILE = RegexValidator(
    r"^03\d{9}$",
    _("Enter a Pakistani mobile number of 11 digits starting with 03, e.g. 03001234567."),
)
# The service account the public site and the scheduler act as (``portal_actor``).
PORTAL_USERNAME = "complaints-portal"


def portal_actor():
    """The service account the public site, the scheduler and the background tasks act as
    (made on first use; it cannot sign in)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=PORTAL_USERNAME).first()
    if user is None:
        user = user_model(username=PORTAL_USERNAME, is_active=False)
        user.set_unusable_password()
        user.save()
    return user


LAST4 = RegexValidator(r"^\d{4}$", _("Enter exactly four digits."))


class Category(BilingualName):
    """What a complaint is about, and who handles it: the district office of
    ``department`` when it has one in the complaint's district, else the Deputy
    Commissioner's office. ``limit_days``: working days allowed at each level."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_categories",
        verbose_name=_("line department"),
    )
    limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    is_active = models.BooleanField(_("open for complaints"), default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned to an officer")
    IN_ACTION = "in_action", _("Action in progress")
    INFO_REQUESTED = "info_requested", _("Waiting for the citizen")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [Status.REGISTERED, Status.ASSIGNED, Status.IN_ACTION, Status.INFO_REQUESTED]


class Level(models.IntegerChoices):
    DISTRICT = 1, _("Deputy Commissioner's office")
    DIVISION = 2, _("Commissioner's office")
    PROVINCE = 3, _("Chief Secretary's Performance Management Cell")


class TrackedComplaint:
    """What a complaint's number and status say, for the model and for the rows the queue
    reads without it (``complaints.selectors.QueueRow``)."""

    tracking_ref: str
    status: str

    @property
    def display_ref(self) -> str:
        return display(self.tracking_ref)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Complaint(TrackedComplaint, models.Model):
    tracking_ref = models.CharField(_("tracking number"), max_length=10, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("category")
    )
    district = models.ForeignKey(
        "organisation.District",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("district"),
    )
    tehsil = models.ForeignKey(
        "organisation.Tehsil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("tehsil"),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    description = models.TextField(_("description"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=1)
    # The complaint cell that answers for it at its current level (the DC's office, the
    # Commissioner's office, the Performance Management Cell) ...
    office = models.ForeignKey(
        "organisation.Section",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("handling office"),
    )
    # The receipt it landed as in the desk's receipts of the office's complaint cell (issue 21
    # item 3): its number, category and district, never the complainant.
    receipt = models.OneToOneField(
        "workspace.Receipt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint",
        verbose_name=_("receipt"),
    )
    # ... and the line office it was marked to for action, if any.
    marked_to = models.ForeignKey(
        "organisation.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_marked",
        verbose_name=_("marked to"),
    )
    assigned_post = models.ForeignKey(
        "organisation.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("assigned to"),
    )
    registered_at = models.DateTimeField(_("registered"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("clock suspended since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    action_taken = models.TextField(_("action taken"), blank=True, max_length=4000)
    info_question = models.TextField(_("question to the citizen"), blank=True, max_length=1000)
    info_answer = models.TextField(_("citizen's answer"), blank=True, max_length=2000)

    class Feedback(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        NOT_SATISFIED = "not_satisfied", _("Not satisfied")
        NONE = "none", _("No answer")

    feedback = models.CharField(
        _("citizen's feedback"), max_length=16, choices=Feedback.choices, blank=True
    )
    feedback_comment = models.TextField(_("feedback comment"), blank=True, max_length=1000)
    reopened = models.BooleanField(_("reopened on appeal"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    language = models.CharField(max_length=8, default="en")
    # Sealed: read only by services.reveal_identity (and the notifier, for the citizen).
    complainant_name = models.CharField(_("name"), max_length=120, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[MOBILE])
    cnic_last4 = models.CharField(
        _("last four digits of the CNIC"), max_length=4, validators=[LAST4]
    )
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # The escalation sweep reads only what is due: open and not suspended.
            models.Index(
                fields=["due_at"],
                name="complaint_due_open",
                condition=Q(status__in=["registered", "assigned", "in_action"], level__lt=3),
            ),
            models.Index(fields=["office", "status", "due_at"], name="complaint_office_queue"),
            models.Index(
                fields=["mobile", "category", "district", "registered_at"],
                name="complaint_duplicates",
            ),
            models.Index(fields=["district", "registered_at"], name="complaint_district"),
            # The queue's order (time left), one index per way an office sees complaints
            # (``selectors.queue``): its district's, its division's from the second level up,
            # the province's at the top, those marked to it.
            models.Index(
                fields=["district", "due_at", "registered_at", "id"], name="complaint_q_district"
            ),
            models.Index(
                fields=["district", "due_at", "registered_at", "id"],
                name="complaint_q_escalated",
                condition=Q(level__gte=2),
            ),
            models.Index(
                fields=["due_at", "registered_at", "id"],
                name="complaint_q_province",
                condition=Q(level__gte=3),
            ),
            models.Index(
                fields=["marked_to", "due_at", "registered_at", "id"],
                name="complaint_q_marked",
                condition=Q(marked_to__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_ref


class Evidence(models.Model):
    """One photo, video or audio clip, stored without its metadata."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("complaint")
    )
    storage_name = models.CharField(max_length=255, unique=True)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    by_office = models.BooleanField(_("added by the office"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.mime_type} #{self.pk}"

    @property
    def family(self) -> str:
        return self.mime_type.split("/", 1)[0]


class Event(models.Model):
    """The complaint's public history: registered, escalated to … on …, resolved, …"""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned")
        MARKED = "marked", _("Marked to a line office")
        INFO_REQUESTED = "info_requested", _("More information asked for")
        INFO_GIVEN = "info_given", _("Information given by the citizen")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")
        FEEDBACK = "feedback", _("Feedback given")
        REOPENED = "reopened", _("Reopened on appeal")
        CLOSED = "closed", _("Closed")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    office = models.ForeignKey(
        "organisation.Section", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            # One escalation to each level: a second sweep (or a second machine) cannot
            # escalate twice.
            models.UniqueConstraint(
                fields=["complaint", "level"],
                condition=Q(kind="escalated"),
                name="complaint_escalated_once_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class IdentityDisclosure(models.Model):
    """An officer broke the seal on a complainant's identity, with a reason."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="disclosures")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey("organisation.Post", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.complaint_id} by {self.officer_id}"


def pick(en: str, ur: str) -> str:
    return ur if (get_language() or "en").startswith("ur") and ur else en


class ComplaintProcess(Process):
    """One complaint's run through ``complaints.flows.ComplaintFlow``: from registration to
    closing, each stay at an office one ``handle`` task. What the complaint says (status,
    office, level, answers) lives on the complaint with its constraints; ``route`` is only the
    instruction of the step being taken, written by the service just before it completes the
    task and read by the flow's gateways in the same transaction."""

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        related_name="processes",
        verbose_name=_("complaint"),
    )
    route = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("complaint handling")
        verbose_name_plural = _("complaint handlings")
        # "manage" is what Viewflow adds when the flow class loads; declared here so the
        # migration state does not depend on whether the flow module was imported.
        default_permissions = ("add", "change", "delete", "view", "manage")
        permissions = [("handle_complaint", _("Can handle complaints at an office"))]

    def __str__(self) -> str:
        return f"handling of complaint {self.complaint_id}"


class OfficeFigure(models.Model):
    """The dashboards' kept figures (``complaints.figures``): how many open complaints each
    office holds from a district, by the day they were registered (``open``) and the day they
    fall due (``due``), and how many were escalated to it on each day (``escalated``); and the
    same open complaints on one row per office, district and level whatever their day
    (``open_all``, ``due_all``, under ``figures.ALL_DAYS``), so that a dashboard reads only the
    recent and coming days' rows beside them, not a row per day since the first complaint.
    Written only by the services, in the transaction of each change; ``manage.py
    complaints_figures --rebuild`` counts them again from the complaints."""

    class Kind(models.TextChoices):
        OPEN = "open", "open, by day registered"
        DUE = "due", "open, by day due"
        ESCALATED = "escalated", "escalated to the office, by day"
        OPEN_ALL = "open_all", "open, every day together"
        DUE_ALL = "due_all", "open with a time limit, every day together"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    office = models.ForeignKey("organisation.Section", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "organisation.District", on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    day = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "office", "district", "level", "day"], name="office_figure_key"
            )
        ]
        indexes = [models.Index(fields=["district", "kind"], name="office_figure_district")]

    def __str__(self) -> str:
        return f"{self.kind} {self.office_id}/{self.district_id} {self.day}: {self.n}"


class DistrictFigure(models.Model):
    """The public statistics' kept figures per district (``complaints.figures``): complaints
    registered (duplicates left out), resolved, resolved within the limit, escalated,
    reopened, rated, rated satisfied (``value`` 0), and the resolved ones by the tenths of a
    day they took (``resolved_in``, ``value`` = tenths), for the medians."""

    kind = models.CharField(max_length=16)
    district = models.ForeignKey(
        "organisation.District", on_delete=models.CASCADE, related_name="+"
    )
    value = models.IntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "district", "value"], name="district_figure_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.district_id} {self.value}: {self.n}"
