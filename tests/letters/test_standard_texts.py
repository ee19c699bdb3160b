"""Standard texts an officer drafting a letter inserts (issue 23.1): the department's texts in
English or Urdu, appended to the draft's body through one service (the holder of the file's
desk only, audited), another department's text refused as if it did not exist; the screen
works as a plain form post."""

import pytest
from django.urls import reverse

from kernel.errors import ActionRefused, PermissionDenied
from kernel.models import AuditEvent
from letters import services
from letters.models import StandardText
from tests.workspace.helpers import open_file
from workspace.models import Draft
from workspace.services import approvals

pytestmark = pytest.mark.django_db

REFER = "I am directed to refer to your letter cited above."
REFER_UR = "مجھے ہدایت ہوئی ہے کہ آپ کے مذکورہ بالا خط کا حوالہ دوں۔"


@pytest.fixture
def texts(desk):
    mine = StandardText.objects.create(
        department=desk.dept,
        title="Reference",
        title_ur="حوالہ",
        text=REFER,
        text_ur=REFER_UR,
    )
    theirs = StandardText.objects.create(
        department=desk.other_dept, title="Universities", text="Per the HEC's policy."
    )
    return mine, theirs


@pytest.fixture
def draft(desk):
    """A draft written at the Deputy Secretary's desk, which holds the file."""
    file = open_file(desk, at=desk.ds, user=desk.ds_user)
    return approvals.draft_create(
        actor=desk.ds_user, file=file, subject="Funds", addressees="AG KP", body="Sir,"
    )


def test_an_officer_inserts_a_text_in_english_and_in_urdu(desk, texts, draft):
    mine, _ = texts
    services.standard_text_insert(actor=desk.ds_user, draft=draft, text_id=mine.pk, language="en")
    services.standard_text_insert(actor=desk.ds_user, draft=draft, text_id=mine.pk, language="ur")
    draft.refresh_from_db()
    assert draft.body == f"Sir,\n\n{REFER}\n\n{REFER_UR}"
    events = AuditEvent.objects.filter(action="standardtext.insert").order_by("pk")
    assert [e.after["language"] for e in events] == ["en", "ur"]
    assert events[0].object_id == str(mine.pk) and events[0].after["draft"] == draft.number
    assert AuditEvent.objects.filter(action="draft.edit").count() == 2


def test_another_departments_text_is_refused_and_nothing_changes(desk, texts, draft):
    _, theirs = texts
    with pytest.raises(PermissionDenied):
        services.standard_text_insert(
            actor=desk.ds_user, draft=draft, text_id=theirs.pk, language="en"
        )
    draft.refresh_from_db()
    assert draft.body == "Sir,"
    assert not AuditEvent.objects.filter(action__in=["standardtext.insert", "draft.edit"]).exists()


def test_only_the_holder_of_the_files_desk_inserts(desk, texts, draft):
    mine, _ = texts
    with pytest.raises(ActionRefused):
        services.standard_text_insert(
            actor=desk.asst_user, draft=draft, text_id=mine.pk, language="en"
        )
    draft.refresh_from_db()
    assert draft.body == "Sir,"
    assert not AuditEvent.objects.filter(action="standardtext.insert").exists()


def test_an_approved_draft_takes_no_text(desk, texts, draft):
    mine, _ = texts
    Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.APPROVED)
    with pytest.raises(ActionRefused):
        services.standard_text_insert(
            actor=desk.ds_user, draft=draft, text_id=mine.pk, language="en"
        )
    assert not AuditEvent.objects.filter(action="standardtext.insert").exists()


def test_the_screen_lists_only_my_departments_texts_and_appends_by_a_plain_post(
    client, desk, texts, draft
):
    mine, theirs = texts
    url = reverse("letters:draft_texts", args=[draft.pk])
    client.force_login(desk.ds_user)
    file_page = client.get(reverse("workspace:file", args=[draft.file_id])).content.decode()
    assert url in file_page  # the file page offers it for a draft being written
    page = client.get(url).content.decode()
    assert f'value="{mine.pk}:en"' in page and f'value="{mine.pk}:ur"' in page
    assert f'value="{theirs.pk}:en"' not in page and "HEC" not in page
    response = client.post(url, {"text": f"{mine.pk}:ur"})
    assert response.status_code == 302 and response["Location"] == url
    draft.refresh_from_db()
    assert draft.body.endswith(REFER_UR)
    # A forged choice of another department's text is not among the form's choices.
    response = client.post(url, {"text": f"{theirs.pk}:en"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert "HEC" not in draft.body


def test_a_draft_out_of_sight_is_404(client, desk, texts, draft):
    client.force_login(desk.other_user)
    assert client.get(reverse("letters:draft_texts", args=[draft.pk])).status_code == 404
