"""The filing form's selects (``complaints.forms.Select``) write exactly what Django's own
``Select`` writes — options, optgroups, the selected one, escaping — in both languages."""

import pytest
from django.utils import translation

from complaints.forms import ComplaintForm
from organisation.models import District, Tehsil


@pytest.mark.django_db
def test_the_selects_write_what_djangos_select_writes():
    peshawar = District.objects.get(code="PSH-PSH")
    Tehsil.objects.create(district=peshawar, name_en='Shah <Alam> & "Co"', name_ur="شاہ عالم")
    chosen = Tehsil.objects.create(district=peshawar, name_en="Mathra", name_ur="متھرا")
    Tehsil.objects.create(
        district=District.objects.get(code="MKD-SWT"), name_en="Matta", name_ur="مٹہ"
    )
    for language in ("en", "ur"):
        with translation.override(language):
            for data in ({}, {"district": str(peshawar.pk), "tehsil": str(chosen.pk)}):
                form, djangos = ComplaintForm(data=data or None), ComplaintForm(data=data or None)
                for name in ("category", "district", "tehsil"):
                    # Each form has its own copy of the fields and their widgets.
                    djangos.fields[name].widget.template_name = "django/forms/widgets/select.html"
                    ours = str(form[name])
                    assert "complaints/widgets" not in ours and str(djangos[name]) == ours, name
                if data:
                    assert f'<option value="{chosen.pk}" selected>' in str(form["tehsil"])
            page = str(ComplaintForm()["tehsil"])
            assert "Shah &lt;Alam&gt; &amp; &quot;Co&quot;" in page or language == "ur"
            assert '<optgroup label="' in page
