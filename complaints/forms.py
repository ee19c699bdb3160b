"""Forms of the complaint screens (public and staff). Validation of substance is the
services'; these only read what was typed."""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from complaints.models import Category
from organisation.models import District, Tehsil


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*,audio/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class Select(forms.Select):
    """Django's ``Select``, its options written in one template loop rather than two
    includes each (``complaints/widgets/select.html``): the same HTML, ~3x faster to render
    for the filing form's 150 tehsils and 36 districts (docs/benchmarks.md, "The filing
    form")."""

    template_name = "complaints/widgets/select.html"


class DistrictChoice(forms.ModelChoiceField):
    widget = Select

    def label_from_instance(self, obj):
        return obj.name


class TehsilsByDistrict(forms.models.ModelChoiceIterator):
    """The tehsils under their district's name (``<optgroup>``): 150 in one flat list were
    hard to find on a phone, and many tehsils share a district's name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.select_related("district").order_by("district__name_en", "name_en")
        for district, tehsils in groupby(rows, key=attrgetter("district")):
            yield (district.name, [self.choice(t) for t in tehsils])


class TehsilChoice(DistrictChoice):
    iterator = TehsilsByDistrict


class ComplaintForm(forms.Form):
    category = DistrictChoice(
        label=_("What is the complaint about?"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose a category"),
    )
    district = DistrictChoice(
        label=_("District"),
        queryset=District.objects.select_related("division"),
        empty_label=_("Choose your district"),
    )
    tehsil = TehsilChoice(
        label=_("Tehsil (optional)"),
        queryset=Tehsil.objects.all(),
        required=False,
        empty_label=_("Not sure"),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=4000,
        min_length=20,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Where it is, since when, and what you want done. At least 20 characters."),
    )
    evidence = MultipleFileField(
        label=_("Photos, video or audio (optional)"),
        required=False,
        help_text=_(
            "Up to 5 files. Location and camera details are removed from them before they are kept."
        ),
    )
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=120, required=False)
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("11 digits, e.g. 03001234567. We send your tracking number here."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    cnic_last4 = forms.CharField(
        label=_("Last four digits of your CNIC"),
        max_length=4,
        min_length=4,
        help_text=_("You will need them with the tracking number to follow your complaint."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )

    def clean_mobile(self):
        digits = "".join(ch for ch in self.cleaned_data["mobile"] if ch.isdigit())
        if digits.startswith("92") and len(digits) == 12:
            digits = "0" + digits[2:]
        return digits


# The empty filing form's three lists (categories, the 36 districts, the 150 tehsils under
# their districts) are the same for every visitor in a language, and writing them was half of
# the public page (~20 of ~44 ms of CPU, three queries). templates/complaints/new.html keeps
# them whole in the cache (Django's {% cache %}, one key per language) for a form that is not
# bound; a bound one (a refused filing, with its choices and errors) is written as before. Any
# save or delete of what they list drops them, now and once the write commits (a request in
# between may have kept the old lists); a change that sends no signal (a bulk load) shows
# within FILING_CHOICES_SECONDS.
FILING_CHOICES_FRAGMENT = "complaints_filing_choices"
FILING_CHOICES_SECONDS = 600


@receiver([post_save, post_delete], sender=Category, dispatch_uid="complaints-filing-choices")
@receiver([post_save, post_delete], sender=District, dispatch_uid="complaints-filing-choices")
@receiver([post_save, post_delete], sender=Tehsil, dispatch_uid="complaints-filing-choices")
def forget_filing_choices(**kwargs) -> None:
    def forget():
        cache.delete_many(
            [
                make_template_fragment_key(FILING_CHOICES_FRAGMENT, [code])
                for code, _name in settings.LANGUAGES
            ]
        )

    forget()
    transaction.on_commit(forget)


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Tracking number"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "dir": "ltr", "autocapitalize": "characters"}
        ),
    )
    second_factor = forms.CharField(
        label=_("Last four digits of your CNIC or mobile number"),
        max_length=8,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}
        ),
    )


class FeedbackForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with what was done?"),
        choices=[("yes", _("Yes, satisfied")), ("no", _("No, not satisfied"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required if you are not satisfied: the complaint then goes to a higher office."
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(forms.Form):
    action_taken = forms.CharField(
        label=_("Action taken"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = MultipleFileField(label=_("Evidence of the action (optional)"), required=False)


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question to the citizen"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the complainant's identity?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
