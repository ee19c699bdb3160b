"""Every action of the desk's services (workspace/services) writes exactly one audit row with
its catalogue action (workspace.audit_actions), driven through the service as an officer or
the administrator would. A new member of the catalogue needs a driver here."""

import datetime as dt

import pytest
from django.utils import timezone

from kernel.models import AuditEvent
from organisation import services as org
from organisation.audit_actions import OrganisationAction
from organisation.models import (
    Department,
    District,
    Division,
    Holding,
    Holiday,
    Post,
    Section,
    Tehsil,
)
from tests.factories import PostFactory, UserFactory
from tests.workspace.helpers import diarise, open_file
from workspace.audit_actions import DeskAction, SubjectHeadAction
from workspace.models import SubjectHead
from workspace.services import approvals, correspondence, movement, notes, receipts

pytestmark = pytest.mark.django_db

DESK_CATALOGUE = [*DeskAction, *OrganisationAction, *SubjectHeadAction]

# action -> driver(d, action): sets the scene (through the services) and answers the one call
# whose audit row is asserted.
DRIVERS = {}


def drives(*actions):
    def register(driver):
        for action in actions:
            DRIVERS[action] = driver
        return driver

    return register


def _citizen_matter(d):
    return diarise(d, citizen_name="Gul Bano", citizen_cnic_last4="4321", time_limit_days=30)


def _at_secretary(d, *, draft=False):
    """A file noted by the Assistant (and drafted on by the DS) and put up to the Secretary."""
    file = open_file(d)
    para = notes.note_add(actor=d.asst_user, file=file, text="Proposal")
    for user in (d.asst_user, d.so_user):
        movement.file_put_up(actor=user, file=file)
    letter = None
    if draft:
        letter = approvals.draft_create(
            actor=d.ds_user, file=file, subject="Letter", addressees="AG KP", body="Text"
        )
    movement.file_put_up(actor=d.ds_user, file=file)
    return file, (letter or para)


# --- receipts -------------------------------------------------------------------------------


@drives(DeskAction.RECEIPT_DIARISE)
def _diarise(d, action):
    return lambda: diarise(d)


@drives(DeskAction.RECEIPT_MARK)
def _receipt_mark(d, action):
    receipt = diarise(d)
    return lambda: receipts.receipt_mark(actor=d.asst_user, receipt=receipt, to_post=d.so)


@drives(DeskAction.RECEIPT_OUTCOME)
def _receipt_outcome(d, action):
    receipt = _citizen_matter(d)
    open_file(d, subject=receipt.subject, receipt=receipt)
    receipt.refresh_from_db()
    return lambda: receipts.receipt_record_outcome(
        actor=d.asst_user, receipt=receipt, outcome="The certificate was issued."
    )


@drives(DeskAction.RECEIPT_DISPOSE)
def _receipt_dispose(d, action):
    receipt = _citizen_matter(d)
    return lambda: receipts.receipt_dispose(
        actor=d.asst_user, receipt=receipt, outcome="Sent on to the district office."
    )


# --- files: opening, movement, papers --------------------------------------------------------


@drives(DeskAction.FILE_OPEN)
def _file_open(d, action):
    return lambda: open_file(d)


@drives(DeskAction.FILE_MARK)
def _file_mark(d, action):
    file = open_file(d)
    return lambda: movement.file_mark(actor=d.asst_user, file=file, to_post=d.so)


@drives(DeskAction.FILE_PUT_UP)
def _file_put_up(d, action):
    file = open_file(d)
    return lambda: movement.file_put_up(actor=d.asst_user, file=file)


@drives(DeskAction.FILE_SEND_BACK)
def _file_send_back(d, action):
    file = open_file(d)
    movement.file_put_up(actor=d.asst_user, file=file)
    return lambda: movement.file_send_back(actor=d.so_user, file=file)


@drives(DeskAction.FILE_RECALL)
def _file_recall(d, action):
    file = open_file(d)
    movement.file_put_up(actor=d.asst_user, file=file)
    return lambda: movement.file_recall(actor=d.asst_user, file=file, reason="Wrong flag")


@drives(DeskAction.FILE_PARK)
def _file_park(d, action):
    file = open_file(d)
    return lambda: movement.file_park(actor=d.asst_user, file=file)


@drives(DeskAction.FILE_RESUME)
def _file_resume(d, action):
    file = open_file(d)
    movement.file_park(actor=d.asst_user, file=file)
    return lambda: movement.file_resume(actor=d.asst_user, file=file)


@drives(DeskAction.FILE_CLOSE)
def _file_close(d, action):
    file = open_file(d)
    return lambda: movement.file_close(actor=d.asst_user, file=file)


@drives(DeskAction.FILE_REOPEN)
def _file_reopen(d, action):
    file = open_file(d)
    movement.file_close(actor=d.asst_user, file=file)
    return lambda: movement.file_reopen(actor=d.asst_user, file=file)


@drives(DeskAction.FILE_RECORD_ROOM)
def _file_record_room(d, action):
    file = open_file(d)
    movement.file_close(actor=d.asst_user, file=file)
    return lambda: movement.file_to_record_room(actor=d.asst_user, file=file)


@drives(DeskAction.FILE_ENCLOSE)
def _file_enclose(d, action):
    receipt, file = diarise(d), open_file(d)
    return lambda: correspondence.enclosure_add(actor=d.asst_user, file=file, receipt=receipt)


@drives(DeskAction.FILE_PUC)
def _file_puc(d, action):
    receipt, file = diarise(d), open_file(d)
    enclosure = correspondence.enclosure_add(actor=d.asst_user, file=file, receipt=receipt)
    return lambda: correspondence.puc_mark(actor=d.asst_user, enclosure=enclosure)


# --- notes and drafts -----------------------------------------------------------------------


@drives(DeskAction.NOTE_ADD)
def _note_add(d, action):
    file = open_file(d)
    return lambda: notes.note_add(actor=d.asst_user, file=file, text="Proposal")


@drives(DeskAction.NOTE_EDIT)
def _note_edit(d, action):
    para = notes.note_add(actor=d.asst_user, file=open_file(d), text="Proposal")
    return lambda: notes.note_edit(actor=d.asst_user, paragraph=para, text="Proposal, revised")


@drives(DeskAction.NOTE_WITHDRAW)
def _note_withdraw(d, action):
    para = notes.note_add(actor=d.asst_user, file=open_file(d), text="Proposal")
    return lambda: notes.note_delete(actor=d.asst_user, paragraph=para)


@drives(DeskAction.NOTE_APPROVED, DeskAction.NOTE_RETURNED)
def _note_decide(d, action):
    file, para = _at_secretary(d)
    approved = action == DeskAction.NOTE_APPROVED
    return lambda: approvals.note_decide(
        actor=d.secretary_user,
        file=file,
        paragraph=para,
        decision="approved" if approved else "returned",
        remarks="" if approved else "Give the figures first.",
    )


@drives(DeskAction.DRAFT_CREATE)
def _draft_create(d, action):
    file = open_file(d)
    return lambda: approvals.draft_create(
        actor=d.asst_user, file=file, subject="Letter", addressees="AG KP", body="Text"
    )


@drives(DeskAction.DRAFT_EDIT)
def _draft_edit(d, action):
    file = open_file(d)
    draft = approvals.draft_create(
        actor=d.asst_user, file=file, subject="Letter", addressees="AG KP", body="Text"
    )
    return lambda: approvals.draft_edit(
        actor=d.asst_user, draft=draft, subject="Letter", addressees="AG KP", body="Other text"
    )


@drives(DeskAction.DRAFT_APPROVED, DeskAction.DRAFT_RETURNED)
def _draft_decide(d, action):
    file, draft = _at_secretary(d, draft=True)
    approved = action == DeskAction.DRAFT_APPROVED
    return lambda: approvals.draft_decide(
        actor=d.secretary_user,
        file=file,
        draft=draft,
        decision="approved" if approved else "returned",
        remarks="" if approved else "Say when the funds lapse.",
    )


@drives(DeskAction.DRAFT_ISSUE)
def _draft_issue(d, action):
    file, draft = _at_secretary(d, draft=True)
    approvals.draft_decide(actor=d.secretary_user, file=file, draft=draft, decision="approved")
    return lambda: approvals.draft_issue(actor=d.ds_user, file=file, draft=draft)


# --- the organisation -----------------------------------------------------------------------


def _division(code="AUD"):
    return Division.objects.create(code=code, name_en="Audit Division")


def _district():
    return District.objects.create(division=_division(), code="AUD-D", name_en="Audit District")


# A new, valid record of each model kept through org_save/org_delete.
NEW_RECORD = {
    "organisation.department": lambda d: Department(code="AUD", name_en="Audit Department"),
    "organisation.section": lambda d: Section(department=d.dept, code="SO(Aud)", name_en="Audit"),
    "organisation.division": lambda d: Division(code="AUD", name_en="Audit Division"),
    "organisation.district": lambda d: District(
        division=_division(), code="AUD-D", name_en="Audit District"
    ),
    "organisation.tehsil": lambda d: Tehsil(district=_district(), name_en="Audit Tehsil"),
    "organisation.holiday": lambda d: Holiday(date=dt.date(2030, 1, 1), name_en="Audit Day"),
    "organisation.post": lambda d: Post(
        section=d.section,
        designation_en="Auditor",
        level=Post.Level.SECTION_OFFICER,
        reports_to=d.ds,
    ),
    "organisation.holding": lambda d: Holding(
        post=PostFactory(section=d.section),
        user=UserFactory(username="auditor"),
        kind=Holding.Kind.REGULAR,
        starts_at=timezone.now(),
    ),
    "workspace.subjecthead": lambda d: SubjectHead(department=d.dept, code="40", name_en="Loans"),
}

# Which model and which of create/change/delete each organisation record action is.
RECORD_ACTIONS = {
    action: (label, verb)
    for label, actions in org.ORG_ACTIONS.items()
    if label.startswith(("organisation.", "workspace."))
    for verb, action in actions._asdict().items()
}


@drives(*RECORD_ACTIONS)
def _org_record(d, action):
    label, verb = RECORD_ACTIONS[action]
    instance = NEW_RECORD[label](d)
    if verb == "create":
        return lambda: org.org_save(actor=d.admin, instance=instance)
    org.org_save(actor=d.admin, instance=instance)
    if verb == "change":
        original = type(instance).objects.get(pk=instance.pk)
        return lambda: org.org_save(actor=d.admin, instance=instance, original=original)
    return lambda: org.org_delete(actor=d.admin, instance=instance)


@drives(OrganisationAction.DEPARTMENT_GO_LIVE)
def _go_live(d, action):
    return lambda: org.department_go_live(actor=d.admin, department=d.dead_dept)


@drives(OrganisationAction.HOLDING_ASSIGN)
def _holding_assign(d, action):
    return lambda: org.holding_assign(
        actor=d.admin, post=d.asst, user=UserFactory(username="new-asst")
    )


@drives(OrganisationAction.HOLDING_CHARGE)
def _holding_charge(d, action):
    start = timezone.now() + dt.timedelta(days=1)
    return lambda: org.additional_charge_give(
        actor=d.secretary_user,
        post=d.ds,
        user=d.so_user,
        reason=Holding.Reason.LEAVE,
        starts_at=start,
        ends_at=start + dt.timedelta(days=10),
    )


@drives(OrganisationAction.HOLDING_END)
def _holding_end(d, action):
    holding = Holding.objects.get(post=d.asst, user=d.asst_user)
    return lambda: org.holding_end(actor=d.admin, holding=holding)


# --- the assertions -------------------------------------------------------------------------


def test_every_desk_action_has_a_driver():
    assert set(DRIVERS) == set(DESK_CATALOGUE)


@pytest.mark.parametrize("action", DESK_CATALOGUE, ids=str)
def test_every_desk_action_writes_its_audit_row(desk, admin_user, action):
    desk.admin = admin_user
    act = DRIVERS[action](desk, action)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    act()
    written = AuditEvent.objects.filter(pk__gt=last)
    assert list(written.filter(action=action).values_list("action", flat=True)) == [action]
