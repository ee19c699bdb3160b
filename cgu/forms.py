"""Forms of the CGU's screens. They only parse; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cgu.models import EntityUser, PublicSectorEntity, ReportingPeriod


def _ended_periods():
    return ReportingPeriod.objects.filter(ends_on__lt=timezone.localdate()).order_by(
        "-ends_on", "kind"
    )


class EntityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class ReturnStartForm(forms.Form):
    """Step 1 of entering a return: whose, for which period, received when."""

    entity = EntityChoiceField(
        label=_("Entity"),
        queryset=PublicSectorEntity.objects.filter(is_active=True).order_by("code"),
    )
    period = forms.ModelChoiceField(label=_("Period"), queryset=ReportingPeriod.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = _ended_periods()


class ReturnEntryForm(forms.Form):
    """Step 2: the figures, typed in (one field per KPI the entity reports) or uploaded as
    the CSV/XLSX template. An upload, when given, is what is submitted."""

    received_on = forms.DateField(
        label=_("Received on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the entity's return reached the CGU; lateness is judged on it."),
    )
    upload = forms.FileField(
        label=_("Or upload the filled template (CSV or Excel)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, kpis, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        self.fields["received_on"].initial = timezone.localdate()
        for kpi in self.kpis:
            label = f"{kpi.name} ({kpi.get_unit_display()})"
            self.fields[self.field_name(kpi)] = forms.CharField(
                label=label,
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                help_text=kpi.code + ("" if kpi.is_required else " · " + str(_("optional"))),
            )

    @staticmethod
    def field_name(kpi) -> str:
        return f"kpi_{kpi.code}"

    def kpi_fields(self):
        return [self[self.field_name(k)] for k in self.kpis]

    def rows(self) -> list[dict]:
        """Form lines in KPI order: row n of the service's errors is the n-th KPI field."""
        return [
            {"kpi_code": k.code, "value": self.cleaned_data.get(self.field_name(k), "")}
            for k in self.kpis
        ]


class SendBackForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for returning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("What the entity must correct. They are sent with the return."),
    )


class PeriodChoiceForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"), queryset=ReportingPeriod.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = _ended_periods()


class DraftForm(ReturnEntryForm):
    """The entity's own figures form: as the CGU's, without a date of receipt (an entity's
    return is received when it is submitted)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["received_on"]
        self.fields["upload"].label = _("Or upload the filled template (CSV or Excel)")


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = EntityUser.Role.choices


class JoinForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password_again = forms.CharField(
        label=_("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
