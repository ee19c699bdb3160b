"""Forms of the desk screens. They only parse input; services validate and act."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from organisation.models import Holding, Post
from workspace.models import Grading, HoldReason, Priority, Receipt, SubjectHead


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, post):
        return f"{post.designation} — {post.section.name}, {post.section.department.code}"


def _posts():
    """Every post a file may be marked to. Only validation reads it (one lookup by id); the
    file page lists one department's posts at a time (``selectors.desk.marking_choices``)."""
    return (
        Post.objects.filter(is_active=True, section__department__is_live=True)
        .select_related("section__department")
        .order_by("section__department__code", "section__code", "-level")
    )


class MarkForm(forms.Form):
    to_post = PostChoiceField(
        queryset=Post.objects.none(),
        label=_("Mark to"),
        error_messages={
            "invalid_choice": _(
                "That post cannot receive files: choose an active post of a department "
                "where Daftar is live."
            )
        },
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(
        label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_post"].queryset = _posts()


class RemarksForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(
        label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approved", _("Approve")), ("returned", _("Return"))]
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DraftForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    addressees = forms.CharField(
        label=_("To"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One addressee per line."),
    )
    body = forms.CharField(label=_("Text of the letter"), widget=forms.Textarea(attrs={"rows": 8}))


class OpenFileForm(forms.Form):
    post = PostChoiceField(queryset=Post.objects.none(), label=_("Open at"))
    subject_head = forms.ModelChoiceField(
        queryset=SubjectHead.objects.none(), label=_("Subject head")
    )
    subject = forms.CharField(label=_("Subject"), max_length=500)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.ROUTINE
    )
    grading = forms.TypedChoiceField(
        label=_("Security grading"),
        choices=Grading.choices,
        coerce=int,
        initial=Grading.UNCLASSIFIED,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        posts = Post.objects.held_by(user).select_related("section__department")
        self.fields["post"].queryset = posts
        self.fields["subject_head"].queryset = SubjectHead.objects.filter(
            department__in=posts.values("section__department")
        ).select_related("department")
        if posts.count() == 1:
            self.fields["post"].initial = posts.first()


class DiariseForm(forms.Form):
    post = PostChoiceField(queryset=Post.objects.none(), label=_("Diarise at"))
    sender = forms.CharField(label=_("From (sender)"), max_length=300)
    sender_address = forms.CharField(label=_("Sender's address"), max_length=500, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=500)
    letter_number = forms.CharField(label=_("Letter number"), max_length=120, required=False)
    letter_date = forms.DateField(
        label=_("Letter date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Receipt.Mode.choices)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    grading = forms.TypedChoiceField(
        label=_("Security grading"), choices=Grading.choices, coerce=int
    )
    citizen_name = forms.CharField(
        label=_("Citizen's name (for an application or complaint)"), max_length=200, required=False
    )
    citizen_cnic_last4 = forms.CharField(
        label=_("Last four digits of CNIC"), max_length=4, required=False
    )
    citizen_mobile_last4 = forms.CharField(
        label=_("Last four digits of mobile"), max_length=4, required=False
    )
    time_limit_days = forms.IntegerField(
        label=_("Time limit (days)"), min_value=1, max_value=365, required=False
    )
    scans = MultipleFileField(
        label=_("Scanned papers"),
        required=False,
        help_text=_("PDF, PNG, JPEG or TIFF. The diary number is stamped on the first page."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        posts = Post.objects.held_by(user).select_related("section__department")
        self.fields["post"].queryset = posts
        if posts.count() == 1:
            self.fields["post"].initial = posts.first()


class PaperForm(forms.Form):
    upload = forms.FileField(label=_("Paper"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    is_puc = forms.BooleanField(label=_("as the paper under consideration"), required=False)


class ReceiptMarkForm(MarkForm):
    due_on = None


class ReceiptOutcomeForm(forms.Form):
    # The service validates the length too (and says how long the text was); the form only
    # carries it, so a person sees the service's one message.
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500, "dir": "auto"}),
        help_text=_(
            "Shown on the public tracking page, as written, once the matter is decided. "
            "No officer's name, no note, nothing that is not public. Leave empty to take it off."
        ),
    )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class ChargeForm(forms.Form):
    """Give an additional charge: which post, to whom, why, from when until when. The choices
    are the departments' the officer may manage (``organisation.charge_departments``)."""

    post = PostChoiceField(queryset=Post.objects.none(), label=_("Post"))
    user = OfficerChoiceField(queryset=None, label=_("Officer who takes the charge"))
    reason = forms.ChoiceField(label=_("Reason"), choices=Holding.Reason.choices)
    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )
    ends_on = forms.DateField(
        label=_("Until (last day, inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while the return date is not known; end the charge later."),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        dept_ids = [d.pk for d in departments]
        self.fields["post"].queryset = (
            Post.objects.filter(is_active=True, section__department__in=dept_ids)
            .select_related("section__department")
            .order_by("section__department__code", "section__code", "-level", "pk")
        )
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                holdings__post__section__department__in=dept_ids,
                holdings__kind=Holding.Kind.REGULAR,
                holdings__ends_at__isnull=True,
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )


class ChargeEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Last day of the charge"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the charge ends now."),
    )


class ReceiptDisposeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500, "dir": "auto"}),
        help_text=_(
            "What was decided, as the citizen reads it on the tracking page (needed for a "
            "citizen's matter). No officer's name, no note, nothing that is not public."
        ),
    )


class ParkForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hold_reason = forms.ChoiceField(
        label=_("What the citizen is told"),
        choices=HoldReason.choices,
        initial=HoldReason.AWAITING_OFFICE,
        help_text=_("Shown on the public tracking page of any citizen's matter on this file."),
    )
