"""The empty filing form's lists (categories, districts, tehsils) are kept whole per language
(``complaints.forms.FILING_CHOICES_FRAGMENT``): what a visitor gets from the cache is what the
form writes, a change to what they list shows on the next page, and a refused filing shows
the citizen's own choices, never the kept lists."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Category
from organisation.models import Tehsil
from tests.complaints.test_pages import form_data

NOT_KEPT = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # {% cache %} uses this one when it exists: nothing is kept, each page writes its lists.
    "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


def _page(client, language):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("complaints:new"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _problem(page: str) -> str:
    """The form's first fieldset (the lists and the description), without the page's CSRF
    token and nonces, which differ on every page."""
    return page[page.index("<fieldset>") : page.index("</fieldset>")]


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_kept_lists_are_what_the_form_writes(ladder, client, language):
    Tehsil.objects.create(district=ladder.peshawar, name_en='Shah <Alam> & "Co"', name_ur="شاہ")
    first, _ = _page(client, language)
    kept, kept_queries = _page(client, language)
    with override_settings(CACHES=NOT_KEPT):
        written, written_queries = _page(client, language)
    assert _problem(kept) == _problem(written) == _problem(first)
    # Served from the cache: no query reads the three lists.
    assert kept_queries == 0 and written_queries >= 3
    category = ladder.category.name_ur if language == "ur" else ladder.category.name_en
    assert '<optgroup label="' in kept and category in _problem(kept)
    assert 'lang="ur"' in kept if language == "ur" else "Shah &lt;Alam&gt; &amp;" in kept


def test_a_change_to_what_they_list_shows_on_the_next_page(ladder, client):
    tehsil = Tehsil.objects.create(district=ladder.peshawar, name_en="Mathra", name_ur="متھرا")
    for language in ("en", "ur"):
        _page(client, language)
    tehsil.name_en, tehsil.name_ur = "Mathra Town", "متھرا ٹاؤن"
    tehsil.save()
    Category.objects.create(
        code="water", name_en="Drinking water", name_ur="پینے کا پانی",
        department=ladder.category.department, limit_days=5,
    )  # fmt: skip
    english, queries = _page(client, "en")
    assert "Mathra Town" in english and ">Mathra<" not in english and queries == 3
    assert "Drinking water" in english
    urdu, _ = _page(client, "ur")
    assert "متھرا ٹاؤن" in urdu and "پینے کا پانی" in urdu
    tehsil.delete()
    assert "Mathra Town" not in _page(client, "en")[0]


def test_a_refused_filing_shows_the_citizens_own_choices(ladder, client):
    mathra = Tehsil.objects.create(district=ladder.peshawar, name_en="Mathra", name_ur="متھرا")
    empty, _ = _page(client, "en")  # the lists are now kept
    assert f'<option value="{mathra.pk}">Mathra</option>' in empty
    response = client.post(
        reverse("complaints:new"), form_data(ladder, mobile="12", tehsil=mathra.pk)
    )
    body = response.content.decode()
    assert response.status_code == 400 and "11 digits starting with 03" in body
    assert f'<option value="{mathra.pk}" selected>Mathra</option>' in body
    assert f'<option value="{ladder.peshawar.pk}" selected>' in body
    assert f'<option value="{ladder.category.pk}" selected>' in body
