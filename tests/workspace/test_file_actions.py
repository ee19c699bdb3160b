"""The file page's actions through the screen (``workspace.views.files``, one
``form_action`` each): an invalid form says why and calls nothing, a refusal says why, a
success says what happened, and every one goes back to the file's page."""

import pytest

from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace.models import Draft, File, HoldReason
from workspace.services import correspondence, movement, notes

pytestmark = pytest.mark.django_db


def _post(client, file, path, data=None):
    """What the page the action went back to says (the messages are shown, so read, there)."""
    response = client.post(f"/desk/files/{file.pk}/{path}", data or {}, follow=True)
    assert response.redirect_chain == [(f"/desk/files/{file.pk}/", 302)]
    return [str(m) for m in response.context["messages"]]


def test_notes_are_added_with_flags_changed_and_withdrawn(client, desk):
    file = open_file(desk)
    enclosure = correspondence.enclosure_add(actor=desk.asst_user, file=file, receipt=diarise(desk))
    client.force_login(desk.asst_user)
    said = _post(client, file, "notes/", {"text": "See the flag.", "flags": [enclosure.pk]})
    assert said == ["Paragraph added."]
    paragraph = file.paragraphs.get()
    assert list(paragraph.refers_to_flags.all()) == [enclosure]
    assert _post(client, file, f"notes/{paragraph.number}/edit/", {"text": "Changed."}) == [
        "Paragraph changed."
    ]
    paragraph.refresh_from_db()
    assert paragraph.text == "Changed."
    assert _post(client, file, f"notes/{paragraph.number}/withdraw/") == ["Paragraph withdrawn."]
    assert not file.paragraphs.exists()


def test_an_invalid_form_says_why_and_calls_nothing(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    assert _post(client, file, "notes/", {"text": ""}) == ["Note: This field is required."]
    assert _post(client, file, "recall/", {}) == ["Reason: This field is required."]
    assert not file.paragraphs.exists() and file.movements.count() == 1


def test_mark_names_the_post_and_a_refusal_says_why(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    said = _post(client, file, "mark/", {"to_post": desk.so.pk, "remarks": "Please see"})
    assert said == [f"File marked to {desk.so}."]
    file.refresh_from_db()
    assert file.holding_post == desk.so
    said = _post(client, file, "notes/", {"text": "Too late"})
    assert len(said) == 1 and "not at a post you hold" in said[0]


def test_moves_take_what_their_form_has(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    said = _post(client, file, "park/", {"hold_reason": HoldReason.BEFORE_COURT, "remarks": "x"})
    assert said == ["File parked."]
    file.refresh_from_db()
    assert file.status == File.Status.PARKED and file.hold_reason == HoldReason.BEFORE_COURT
    assert _post(client, file, "resume/", {"remarks": "Back"}) == ["File taken out of park."]
    assert _post(client, file, "put_up/", {"remarks": "For orders"}) == ["File put up."]
    assert client.post(f"/desk/files/{file.pk}/no_such_move/").status_code == 404


def test_a_paper_is_enclosed_and_made_the_puc(client, desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    file = open_file(desk)
    client.force_login(desk.asst_user)
    said = _post(
        client, file, "papers/", {"upload": upload("letter.pdf", text_pdf(1)), "title": "Letter"}
    )
    assert said == ["Paper put on the file."]
    flag = file.enclosures.get().flag
    assert _post(client, file, f"flags/{flag}/puc/") == [
        f"Flag {flag} is now the paper under consideration."
    ]
    assert client.post(f"/desk/files/{file.pk}/flags/ZZ/puc/").status_code == 404


def test_a_draft_is_added_approved_and_issued_from_the_file_page(client, desk):
    file = open_file(desk)
    notes.note_add(actor=desk.asst_user, file=file, text="For orders.")
    for user in [desk.asst_user, desk.so_user]:
        movement.file_put_up(actor=user, file=file)
    client.force_login(desk.ds_user)
    draft = {"subject": "Release", "addressees": "Accountant General KP", "body": "Released."}
    assert _post(client, file, "drafts/", draft) == ["Draft added."]
    number = file.drafts.get().number
    movement.file_put_up(actor=desk.ds_user, file=file)
    client.force_login(desk.secretary_user)
    said = _post(client, file, f"drafts/{number}/decide/", {"decision": "approved"})
    assert said == ["Draft approved."]
    client.force_login(desk.ds_user)
    said = _post(client, file, f"drafts/{number}/issue/")
    issued = Draft.objects.get(file=file, number=number)
    assert said == [f"Issued as {issued.dispatch.outgoing_number}."]
