"""After a decision, "Send back" goes down to the post the file came from, never up to the
officer who decided (issue 17, point 5)."""

import pytest

from kernel.errors import ActionRefused
from tests.workspace.helpers import api_client, open_file
from workspace.models import Movement
from workspace.services import approvals, movement, notes

pytestmark = pytest.mark.django_db


def _approved(desk):
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Release the funds.")
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    approvals.note_decide(actor=desk.secretary_user, file=file, paragraph=para, decision="approved")
    file.refresh_from_db()
    assert file.holding_post == desk.ds  # the decision came down to the Deputy Secretary
    return file


def test_send_back_after_approval_goes_down_not_up(desk):
    file = _approved(desk)
    assert movement.came_from(file) == desk.secretary  # where the decision came from ...
    assert movement.sent_up_from(file) == desk.so  # ... is not where "send back" goes
    moved = movement.file_send_back(actor=desk.ds_user, file=file)
    assert (moved.from_post, moved.to_post) == (desk.ds, desk.so)
    file.refresh_from_db()
    assert file.holding_post == desk.so
    # and on down again, to the Assistant who first put it up
    movement.file_send_back(actor=desk.so_user, file=file)
    file.refresh_from_db()
    assert file.holding_post == desk.asst


def test_send_back_after_a_return_and_after_being_sent_back_still_goes_down(desk):
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Release the funds.")
    for user in (desk.asst_user, desk.so_user):
        movement.file_put_up(actor=user, file=file)
    movement.file_put_up(actor=desk.ds_user, file=file)
    movement.file_send_back(actor=desk.secretary_user, file=file)  # Secretary → DS
    file.refresh_from_db()
    assert movement.sent_up_from(file) == desk.so
    movement.file_put_up(actor=desk.ds_user, file=file)
    approvals.note_decide(
        actor=desk.secretary_user, file=file, paragraph=para, decision="returned", remarks="See"
    )
    file.refresh_from_db()
    assert movement.file_send_back(actor=desk.ds_user, file=file).to_post == desk.so


def test_the_file_page_offers_send_back_to_the_post_below_and_the_api_agrees(client, desk):
    file = _approved(desk)
    client.force_login(desk.ds_user)
    page = client.get(f"/desk/files/{file.pk}/").content.decode()
    assert f"Send back to {desk.so.designation_en}" in page
    assert f"Send back to {desk.secretary.designation_en}" not in page
    response = api_client(desk.ds_user).post(f"/api/v1/files/{file.pk}/send-back/", {})
    assert response.status_code == 200, response.content
    assert Movement.objects.filter(file=file).last().to_post == desk.so


def test_a_file_that_never_came_up_has_nowhere_to_be_sent_back(desk):
    file = open_file(desk)
    with pytest.raises(ActionRefused, match="did not come from another post"):
        movement.file_send_back(actor=desk.asst_user, file=file)
    assert not Movement.objects.filter(file=file, kind=Movement.Kind.SEND_BACK).exists()
