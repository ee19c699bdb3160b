"""Every action on a complaint, one function each: permission first, validation, one
transaction with its audit row, messages to the citizen after the commit. Each action of an
office or of the citizen's turn also completes one task of the complaint's
``complaints.flows.ComplaintFlow`` (``_step``), in the same transaction.

The citizen's own actions (filing, answering a question, feedback) are taken by the portal's
service account (``portal_actor``), the scheduler's (escalation, closing unanswered) by the
same account: the audit trail names who acted and why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from complaints import access, clock, evidence, figures, ratelimit, tasks
from complaints.audit_actions import ComplaintAction
from complaints.flows import HANDLE_PERMISSION, ComplaintFlow
from complaints.landing import cell_at
from complaints.models import (
    OPEN_STATUSES,
    Category,
    Complaint,
    ComplaintProcess,
    Event,
    Evidence,
    IdentityDisclosure,
    Level,
    Status,
    portal_actor,
)
from documents import storage
from kernel import audit
from kernel.cache import CountsUnavailable
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from kernel.locks import cap_lock_wait
from kernel.tasks import enqueue_on_commit
from organisation.models import District, Holding, Section, Tehsil, TerritorialRole
from workspace import tracking
from workspace.tracking import display

logger = logging.getLogger("daftar.complaints")

DUPLICATE_HOURS = 72
FEEDBACK_DAYS = 10


# ---- offices of the ladder ------------------------------------------------------------------


def office_at(district: District, level: int) -> Section | None:
    sections = Section.objects.select_related("department")
    if level == Level.DISTRICT:
        return sections.filter(
            territorial_role=TerritorialRole.DEPUTY_COMMISSIONER, district=district
        ).first()
    if level == Level.DIVISION:
        return sections.filter(
            territorial_role=TerritorialRole.COMMISSIONER, division_id=district.division_id
        ).first()
    return sections.filter(territorial_role=TerritorialRole.PERFORMANCE_CELL).first()


def _no_office() -> ActionRefused:
    return ActionRefused(
        _(
            "Complaints cannot be taken online for this district yet. Please take your "
            "complaint to the Deputy Commissioner's office."
        )
    )


# ---- filing ---------------------------------------------------------------------------------


def too_many(retry: int) -> ActionRefused:
    return ActionRefused(
        _(
            "Too many complaints have been sent from this connection or this mobile number. "
            "Please try again in %(minutes)s minutes."
        )
        % {"minutes": max(1, (retry + 59) // 60)}
    )


def unavailable() -> ActionRefused:
    return ActionRefused(
        _(
            "Complaints cannot be received for a moment. Nothing was saved: please try again "
            "shortly."
        )
    )


def file_complaint(
    *,
    actor,
    client: str,
    category: Category,
    district: District,
    tehsil: Tehsil | None = None,
    description: str,
    mobile: str,
    cnic_last4: str,
    email: str = "",
    name: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    uploads=(),
    language: str = "en",
) -> Complaint:
    """File a citizen's complaint: rate limits, validation, evidence cleaned and stored, the
    complaint registered at the district's Deputy Commissioner's office with its time limit,
    linked to an earlier one from the same mobile on the same matter, and the citizen told."""
    if actor is None or not actor.pk:
        raise PermissionDenied
    try:
        retry = ratelimit.check(client=client, mobile=mobile or "")
    except CountsUnavailable:
        raise unavailable() from None
    if retry:
        raise too_many(retry)
    if not category.is_active:
        raise ValidationError({"category": _("This category is not open for complaints.")})
    if tehsil is not None and tehsil.district_id != district.pk:
        raise ValidationError({"tehsil": _("This tehsil is not in the district you chose.")})
    if (latitude is None) != (longitude is None):
        raise ValidationError(
            {"latitude": _("Give both the latitude and the longitude, or neither.")}
        )
    cell = cell_at(district)
    if cell is None:  # no DC office online for the district, or none of its posts
        raise _no_office()
    office = cell.section
    now = timezone.now()
    complaint = Complaint(
        tracking_ref=tracking.new_reference(),
        category=category,
        district=district,
        tehsil=tehsil,
        latitude=latitude,
        longitude=longitude,
        description=(description or "").strip(),
        mobile=(mobile or "").strip(),
        cnic_last4=(cnic_last4 or "").strip(),
        email=(email or "").strip(),
        complainant_name=(name or "").strip(),
        office=office,
        registered_at=now,
        due_at=clock.due_at(now, category.limit_days, district.division.province),
        language="ur" if (language or "").startswith("ur") else "en",
    )
    # The related rows are in hand (read above or by the form): validating them again would
    # be a query each.
    complaint.full_clean(
        exclude=["category", "district", "tehsil", "office"],
        validate_unique=False,
        validate_constraints=False,
    )
    intakes = evidence.process_all(uploads)
    stored: list[str] = []
    committed: list[bool] = []
    try:
        for intake in intakes:
            stored.append(storage.save_object(intake.storage_name, intake.stream, intake.mime))
        with transaction.atomic():
            complaint.duplicate_of = (
                Complaint.objects.filter(
                    mobile=complaint.mobile,
                    category=category,
                    district=district,
                    registered_at__gte=now - dt.timedelta(hours=DUPLICATE_HOURS),
                    duplicate_of__isnull=True,
                )
                .order_by("registered_at")
                .first()
            )
            complaint.save(force_insert=True)
            ComplaintFlow.register.run(complaint=complaint)
            Evidence.objects.bulk_create(
                Evidence(
                    complaint=complaint,
                    storage_name=name,
                    mime_type=intake.mime,
                    size=intake.size,
                    sha256=intake.sha256,
                )
                for name, intake in zip(stored, intakes, strict=True)
            )
            Event.objects.create(
                complaint=complaint, kind=Event.Kind.REGISTERED, at=now, office=office, level=1
            )
            figures.change([], complaint)
            audit.record(
                actor=actor,
                action=ComplaintAction.FILE,
                obj=complaint,
                after={
                    "category": category.code,
                    "district": district.code,
                    "office": office.pk,
                    "due_at": complaint.due_at,
                    "evidence": [
                        {"type": i.mime, "size": i.size, "sha256": i.sha256, "changes": i.changes}
                        for i in intakes
                    ],
                    "duplicate_of": complaint.duplicate_of_id,
                },
            )
            transaction.on_commit(partial(committed.append, True))
            transaction.on_commit(partial(ratelimit.filed, mobile=complaint.mobile))
            _tell_after_commit([complaint.pk], "filed")
            # Its receipt at the cell, once committed, in the background (complaints.landing);
            # a lost task is found again by the scheduler.
            enqueue_on_commit(tasks.land_complaint, complaint.pk)
    except BaseException:
        if not committed:
            for name in stored:
                storage.delete_quietly(name)
        raise
    return complaint


# ---- messages to the citizen ----------------------------------------------------------------


def _tell_after_commit(complaint_ids: list[int], what: str) -> None:
    """Once the change commits, a background task sends the citizens their message
    (``complaints.notify.tell``): an SMS gateway that is slow or down never holds up the
    request, and a failed send never undoes what was done. The job is queued with the change
    (``kernel.tasks.enqueue_on_commit``)."""
    enqueue_on_commit(tasks.tell_citizens, list(complaint_ids), what)


# ---- the office's actions -------------------------------------------------------------------


def _busy() -> ActionRefused:
    return ActionRefused(
        _("Someone else is acting on this complaint at this moment. Reload in a second.")
    )


def _locked(complaint: Complaint, post=None) -> Complaint:
    """The complaint's row, locked and read again; with ``post``, refused if the complaint
    moved to another office since the permission was checked (an escalation in between)."""
    cap_lock_wait()  # a row lock held by another action is waited for, not forever
    try:
        with transaction.atomic():
            locked = (
                Complaint.objects.select_for_update(of=("self",))
                .select_related("office", "category", "district__division")
                .get(pk=complaint.pk)
            )
    except DatabaseError:
        raise _busy()
    if post is not None and locked.office_id != post.section_id:
        raise ActionRefused(
            _("This complaint has just moved to %(office)s; it is theirs to act on now.")
            % {"office": locked.office.name}
        )
    return locked


def _acting(actor, complaint: Complaint):
    complaint.refresh_from_db(fields=["office", "level", "status"])
    post = access.acting_post(actor, complaint)
    if post is None:
        if access.viewing_post(actor, complaint) is None:
            raise NotFound
        raise PermissionDenied(_("Only the office now handling this complaint can act on it."))
    return post


def _refuse_unless_open(complaint: Complaint) -> None:
    if complaint.status not in OPEN_STATUSES:
        raise ActionRefused(
            _("This complaint is %(status)s; it cannot be acted on.")
            % {"status": complaint.get_status_display()}
        )


# ---- driving the flow -----------------------------------------------------------------------

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _step(*, actor, complaint: Complaint, node, action: str, route: str, system: bool = False):
    """Complete the complaint's open ``node`` task as ``actor`` under the flow's lock, with
    ``route`` for the gateway after it (``handle``: another stay; ``resolve``: wait for the
    feedback; ``reopen``/``close`` after the feedback). The caller holds the complaint's row
    lock and has saved the complaint as it now is (the next ``handle`` task is opened at its
    office). ``system``: the scheduler ending a stay (escalation), not a holder of the post.
    Returns the completed task."""
    process = (
        ComplaintProcess.objects.filter(complaint_id=complaint.pk, finished__isnull=True)
        .order_by("-pk")
        .first()
    )
    task = (
        ComplaintFlow.task_class.objects.filter(
            process_id=process.pk, flow_task=node, status__in=OPEN_TASK
        )
        .order_by("-pk")
        .first()
        if process is not None
        else None
    )
    if task is None:
        raise ActionRefused(_("This complaint is not waiting for this action."))
    try:
        with ComplaintFlow.lock(process.pk):
            task.refresh_from_db()
            if task.status not in OPEN_TASK:
                raise ActionRefused(
                    _("This complaint has just been acted on by someone else. Reload the page.")
                )
            flow_task = task.flow_task
            activation = flow_task.activation_class(task)
            if task.owner_id is None:
                if not system and not flow_task.can_assign(actor, task):
                    raise PermissionDenied(_("You may not act on this complaint."))
                task.assigned = timezone.now()
                activation.assign(actor)
            if not system and not flow_task.can_execute(actor, task):
                raise PermissionDenied(_("You may not act on this complaint."))
            process.route = route
            process.save(update_fields=["route"])
            task.process = process  # the gateway reads the route without a reload
            task.data = {"action": action}
            activation = flow_task.activation_class(task)
            if task.status == STATUS.ASSIGNED:
                activation.start(None)
            activation.execute()
            return task
    except FlowLockFailed:
        raise _busy()


def assign(*, actor, complaint: Complaint, post) -> Complaint:
    """Give the complaint to an officer of the handling office."""
    my_post = _acting(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint, my_post)
        _refuse_unless_open(complaint)
        if post.section_id != complaint.office_id or not post.is_active:
            raise ValidationError(
                {"post": _("Choose a post of the office handling the complaint.")}
            )
        before = complaint.assigned_post_id
        counted = figures.keys(complaint)
        complaint.assigned_post = post
        if complaint.status == Status.REGISTERED:
            complaint.status = Status.ASSIGNED
        complaint.save(update_fields=["assigned_post", "status"])
        figures.change(counted, complaint)
        _step(
            actor=actor,
            complaint=complaint,
            node=ComplaintFlow.handle,
            action="assigned",
            route="handle",
        )
        Event.objects.create(complaint=complaint, kind=Event.Kind.ASSIGNED, at=timezone.now())
        audit.record(
            actor=actor,
            action=ComplaintAction.ASSIGN,
            obj=complaint,
            post=my_post,
            before={"post": before},
            after={"post": post.pk},
        )
    return complaint


def mark_to(*, actor, complaint: Complaint, section: Section) -> Complaint:
    """Mark the complaint to a line department's office in the district for action."""
    my_post = _acting(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint, my_post)
        _refuse_unless_open(complaint)
        if (
            section.territorial_role != TerritorialRole.LINE
            or section.district_id != complaint.district_id
        ):
            raise ValidationError(
                {"section": _("Choose a line department's office in the complaint's district.")}
            )
        counted = figures.keys(complaint)
        complaint.marked_to = section
        if complaint.status != Status.INFO_REQUESTED:
            complaint.status = Status.IN_ACTION
        complaint.save(update_fields=["marked_to", "status"])
        figures.change(counted, complaint)
        _step(
            actor=actor,
            complaint=complaint,
            node=ComplaintFlow.handle,
            action="marked",
            route="handle",
        )
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.MARKED, at=timezone.now(), office=section
        )
        audit.record(
            actor=actor,
            action=ComplaintAction.MARK,
            obj=complaint,
            post=my_post,
            after={"section": section.pk},
        )
    return complaint


def request_info(*, actor, complaint: Complaint, question: str) -> Complaint:
    """Ask the citizen for more information; the clock stops until they answer."""
    my_post = _acting(actor, complaint)
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write what the citizen should tell you.")})
    with transaction.atomic():
        complaint = _locked(complaint, my_post)
        _refuse_unless_open(complaint)
        if complaint.status == Status.INFO_REQUESTED:
            raise ActionRefused(_("The citizen has already been asked and has not answered yet."))
        now = timezone.now()
        counted = figures.keys(complaint)
        complaint.status = Status.INFO_REQUESTED
        complaint.info_question = question[:1000]
        complaint.info_answer = ""
        complaint.suspended_at = now
        complaint.save(update_fields=["status", "info_question", "info_answer", "suspended_at"])
        figures.change(counted, complaint)
        _step(
            actor=actor,
            complaint=complaint,
            node=ComplaintFlow.handle,
            action="info_requested",
            route="handle",
        )
        Event.objects.create(complaint=complaint, kind=Event.Kind.INFO_REQUESTED, at=now)
        audit.record(actor=actor, action=ComplaintAction.REQUEST_INFO, obj=complaint, post=my_post)
        _tell_after_commit([complaint.pk], "info")
    return complaint


def resolve(*, actor, complaint: Complaint, action_taken: str, uploads=()) -> Complaint:
    """Record the action taken (with evidence, cleaned like the citizen's) and resolve."""
    my_post = _acting(actor, complaint)
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ValidationError({"action_taken": _("Describe the action taken.")})
    if complaint.status not in OPEN_STATUSES:
        _refuse_unless_open(complaint)
    intakes = evidence.process_all(uploads)
    stored: list[str] = []
    committed: list[bool] = []
    try:
        for intake in intakes:
            stored.append(storage.save_object(intake.storage_name, intake.stream, intake.mime))
        with transaction.atomic():
            complaint = _locked(complaint, my_post)
            _refuse_unless_open(complaint)
            now = timezone.now()
            counted = figures.keys(complaint)
            complaint.status = Status.RESOLVED
            complaint.action_taken = action_taken[:4000]
            complaint.resolved_at = now
            complaint.suspended_at = None
            complaint.save(update_fields=["status", "action_taken", "resolved_at", "suspended_at"])
            figures.change(counted, complaint)
            _step(
                actor=actor,
                complaint=complaint,
                node=ComplaintFlow.handle,
                action="resolved",
                route="resolve",
            )
            Evidence.objects.bulk_create(
                Evidence(
                    complaint=complaint,
                    storage_name=name,
                    mime_type=i.mime,
                    size=i.size,
                    sha256=i.sha256,
                    by_office=True,
                )
                for name, i in zip(stored, intakes, strict=True)
            )
            Event.objects.create(
                complaint=complaint, kind=Event.Kind.RESOLVED, at=now, office=complaint.office
            )
            audit.record(
                actor=actor,
                action=ComplaintAction.RESOLVE,
                obj=complaint,
                post=my_post,
                after={"evidence": len(intakes)},
            )
            transaction.on_commit(partial(committed.append, True))
            _tell_after_commit([complaint.pk], "resolved")
    except BaseException:
        if not committed:
            for name in stored:
                storage.delete_quietly(name)
        raise
    return complaint


def reveal_identity(*, actor, complaint: Complaint, reason: str) -> dict:
    """Break the seal on the complainant's identity: only the handling office, only with a
    reason, always audited and shown to the officer's senior."""
    my_post = _acting(actor, complaint)
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Say why you need the complainant's identity (at least 10 characters).")}
        )
    with transaction.atomic():
        complaint = _locked(complaint, my_post)
        now = timezone.now()
        IdentityDisclosure.objects.create(
            complaint=complaint, officer=actor, post=my_post, reason=reason[:500], at=now
        )
        audit.record(
            actor=actor,
            action=ComplaintAction.REVEAL_IDENTITY,
            obj=complaint,
            post=my_post,
            after={"reason": reason[:500]},
        )
    return {
        "name": complaint.complainant_name,
        "mobile": complaint.mobile,
        "cnic_last4": complaint.cnic_last4,
        "email": complaint.email,
    }


# ---- the citizen's actions (by reference and second factor) --------------------------------


def find_for_citizen(reference: str, second_factor: str) -> Complaint | None:
    """The complaint behind a reference, when the four digits match the CNIC's or the
    mobile's last four; ``None`` alike for every failure."""
    import hmac

    ref = tracking.normalise(reference or "")
    factor = tracking.normalise_second_factor(second_factor or "")
    complaint = (
        Complaint.objects.select_related("category", "district__division", "office")
        .filter(tracking_ref=ref)
        .first()
        if tracking.is_valid(ref)
        else None
    )
    cnic = complaint.cnic_last4 if complaint else "\x00" * 4
    mobile = complaint.mobile[-4:] if complaint else "\x00" * 4
    ok = hmac.compare_digest(factor.encode(), cnic.encode()) | hmac.compare_digest(
        factor.encode(), mobile.encode()
    )
    return complaint if (complaint is not None and ok and len(factor) == 4) else None


def answer_info(*, actor, complaint: Complaint, answer: str) -> Complaint:
    """The citizen answers the office's question; the clock starts again, the time it
    waited added to the limit."""
    if actor is None or not actor.pk:
        raise PermissionDenied
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write your answer.")})
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.status != Status.INFO_REQUESTED:
            raise ActionRefused(_("The office has not asked you anything on this complaint."))
        now = timezone.now()
        province = complaint.district.division.province
        waited = clock.working_days_between(
            timezone.localdate(complaint.suspended_at), timezone.localdate(now), province
        )
        counted = figures.keys(complaint)
        complaint.due_at = clock.extend(complaint.due_at, waited, province)
        complaint.status = Status.IN_ACTION if complaint.marked_to_id else Status.ASSIGNED
        complaint.info_answer = answer[:2000]
        complaint.suspended_at = None
        complaint.save(update_fields=["due_at", "status", "info_answer", "suspended_at"])
        figures.change(counted, complaint)
        Event.objects.create(complaint=complaint, kind=Event.Kind.INFO_GIVEN, at=now)
        audit.record(
            actor=actor,
            action=ComplaintAction.ANSWER_INFO,
            obj=complaint,
            after={"suspended_working_days": waited, "due_at": complaint.due_at},
        )
    return complaint


def give_feedback(*, actor, complaint: Complaint, satisfied: bool, comment: str = "") -> Complaint:
    """The citizen rates the resolution. Satisfied: closed. Not satisfied: reopened one level
    up, once; after that (or at the top of the ladder), closed with the rating kept."""
    if actor is None or not actor.pk:
        raise PermissionDenied
    comment = (comment or "").strip()
    if not satisfied and not comment:
        raise ValidationError({"comment": _("Tell us why you are not satisfied.")})
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.status != Status.RESOLVED:
            raise ActionRefused(_("Feedback can be given only once a complaint is resolved."))
        now = timezone.now()
        counted = figures.keys(complaint)
        complaint.feedback = (
            Complaint.Feedback.SATISFIED if satisfied else Complaint.Feedback.NOT_SATISFIED
        )
        complaint.feedback_comment = comment[:1000]
        Event.objects.create(complaint=complaint, kind=Event.Kind.FEEDBACK, at=now)
        reopen_to = None
        if not satisfied and not complaint.reopened and complaint.level < Level.PROVINCE:
            reopen_to = office_at(complaint.district, complaint.level + 1)
        if reopen_to is not None:
            complaint.level += 1
            complaint.office = reopen_to
            complaint.status = Status.REGISTERED
            complaint.reopened = True
            complaint.assigned_post = None
            complaint.resolved_at = None
            complaint.due_at = clock.due_at(
                now, complaint.category.limit_days, complaint.district.division.province
            )
            Event.objects.create(
                complaint=complaint,
                kind=Event.Kind.REOPENED,
                at=now,
                office=reopen_to,
                level=complaint.level,
            )
        else:
            complaint.status = Status.CLOSED
            complaint.closed_at = now
            Event.objects.create(complaint=complaint, kind=Event.Kind.CLOSED, at=now)
        complaint.save()
        figures.change(counted, complaint)
        _step(
            actor=actor,
            complaint=complaint,
            node=ComplaintFlow.await_feedback,
            action="feedback",
            route="reopen" if reopen_to is not None else "close",
        )
        audit.record(
            actor=actor,
            action=ComplaintAction.FEEDBACK,
            obj=complaint,
            after={
                "feedback": complaint.feedback,
                "reopened_at_level": complaint.level if reopen_to else None,
            },
        )
        if reopen_to is not None:
            _tell_after_commit([complaint.pk], "reopened")
    return complaint


# ---- the scheduler's jobs -------------------------------------------------------------------


def due_complaints(now):
    """What the sweep reads: open, not waiting for the citizen, below the top, due."""
    return Complaint.objects.filter(
        status__in=[Status.REGISTERED, Status.ASSIGNED, Status.IN_ACTION],
        level__lt=Level.PROVINCE,
        due_at__lte=now,
    )


# What the sweep reads of each due complaint (figures.FIELDS and what it writes by).
_SWEEP_FIELDS = ("pk", "tracking_ref", "category_id", *figures.FIELDS)


def escalate_due(*, actor=None, now=None, batch: int = 2000) -> int:
    """Move every complaint past its limit one level up the ladder, ``batch`` at a time, each
    batch in one transaction of set-based statements: the due rows locked with SKIP LOCKED
    (two sweeps, on one machine or two, never take the same row; a row an officer is acting
    on is left for the next sweep), the complaints updated one statement per office reached,
    the flow moved for the whole batch (``_escalate_flows``), the events, kept figures and
    audit rows written at once. Each level is reached at most once (a unique constraint), and
    a moved complaint is no longer due, so running it twice moves nothing the second time."""
    actor = actor or portal_actor()
    now = now or timezone.now()
    moved = 0
    offices: dict[tuple[int, int], Section | None] = {}
    districts: dict[int, District] = {}
    limits: dict[int, int] = {}
    dues: dict[tuple[int, str], dt.datetime] = {}
    while True:
        with transaction.atomic():
            rows = [
                SimpleNamespace(**dict(zip(_SWEEP_FIELDS, values, strict=True)))
                for values in due_complaints(now)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("due_at")
                .values_list(*_SWEEP_FIELDS)[:batch]
            ]
            if not rows:
                break
            missing = {c.district_id for c in rows} - districts.keys()
            if missing:
                districts.update(District.objects.select_related("division").in_bulk(list(missing)))
            missing = {c.category_id for c in rows} - limits.keys()
            if missing:
                limits.update(
                    Category.objects.filter(pk__in=missing).values_list("pk", "limit_days")
                )
            delta = Counter()
            stalled, groups, audits = [], {}, []
            for c in rows:
                district = districts[c.district_id]
                level = c.level + 1
                key = (district.pk, level)
                if key not in offices:
                    offices[key] = office_at(district, level)
                office = offices[key]
                counted = figures.keys(c)
                if office is None:  # no office up there: wait at this level
                    c.due_at = None
                    stalled.append(c.pk)
                    delta.update(figures.difference(counted, figures.keys(c)))
                    continue
                province = district.division.province
                due_key = (c.category_id, province)
                if due_key not in dues:
                    dues[due_key] = clock.due_at(now, limits[c.category_id], province)
                before = {"level": c.level, "office": c.office_id}
                c.level, c.office_id, c.status = level, office.pk, Status.REGISTERED
                c.escalated_at, c.due_at = now, dues[due_key]
                groups.setdefault((office.pk, level, c.due_at), []).append(c.pk)
                delta.update(figures.difference(counted, figures.keys(c)))
                delta[
                    figures.escalation_key(
                        office_id=office.pk, district_id=district.pk, level=level, at=now
                    )
                ] += 1
                audits.append(
                    (
                        audit.Subject(Complaint, c.pk, display(c.tracking_ref)),
                        before,
                        {"level": level, "office": office.pk},
                    )
                )
            if stalled:
                Complaint.objects.filter(pk__in=stalled).update(due_at=None)
            for (office_id, level, due), ids in groups.items():
                Complaint.objects.filter(pk__in=ids).update(
                    level=level,
                    office_id=office_id,
                    assigned_post=None,
                    status=Status.REGISTERED,
                    escalated_at=now,
                    due_at=due,
                )
            ids = [subject.pk for subject, _, _ in audits]
            if ids:
                # The stay at the lower office ends; the next opens above.
                _escalate_flows(actor, ids)
                _escalation_events(ids, now)
            # The figures before the audit chain's head, as every service writes them, so that
            # a filing and a sweep never wait for each other's rows in opposite orders.
            figures.apply(delta)
            audit.record_many(actor=actor, action=ComplaintAction.ESCALATE, rows=audits)
            moved += len(ids)
            if ids:
                _tell_after_commit(ids, "escalated")
    if moved:
        figures.prune()
    return moved


def _any(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` among ``ids``: one array parameter on PostgreSQL, a list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _escalation_events(ids: list[int], now) -> None:
    """One ``escalated`` event per complaint, at the office and level it reached (read from
    the complaints just updated), in one INSERT … SELECT."""
    qn = connection.ops.quote_name
    where, params = _any(qn("id"), ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(Event._meta.db_table)} "  # noqa: S608 — model names only
            f"({qn('complaint_id')}, {qn('kind')}, {qn('at')}, {qn('office_id')}, {qn('level')}) "
            f"SELECT {qn('id')}, %s, %s, {qn('office_id')}, {qn('level')} "
            f"FROM {qn(Complaint._meta.db_table)} WHERE {where}",
            [Event.Kind.ESCALATED.value, now, *params],
        )


def _escalate_flows(actor, complaint_ids: list[int]) -> None:
    """For each escalated complaint, what ``_step(…, route="handle", system=True)`` writes,
    written for the whole batch in set-based statements on Viewflow's tables (named by its
    models, the node values by its fields): the complaint's open ``handle`` task done (by the
    scheduler, unless an officer had taken it), the ``route`` switch after it done, the next
    ``handle`` task opened at the complaint's new office, each linked to the one before, and
    the process's route. The processes are locked first, as Viewflow's own lock does (the
    caller holds the complaints' rows and has updated them). Written against the Viewflow
    release ``workspace.flows.WRITTEN_FOR_VIEWFLOW`` names (a measured fast path: 14 → ~2,000
    escalations a second at 100k, docs/benchmarks.md); tests/workspace/test_flow_overrides.py
    fails on any other release, and tests/complaints/test_sweep.py compares these rows with
    what the single step writes."""
    Task = ComplaintFlow.task_class
    qn = connection.ops.quote_name
    node = Task._meta.get_field("flow_task").get_prep_value
    task_table, link_table = qn(Task._meta.db_table), qn(Task.previous.through._meta.db_table)
    tasks = list(
        Task.objects.filter(
            process__in=ComplaintProcess.objects.select_for_update(of=("self",)).filter(
                complaint_id__in=complaint_ids, finished__isnull=True
            ),
            flow_task=ComplaintFlow.handle,
            status__in=OPEN_TASK,
        ).values_list("pk", "process_id")
    )
    if len({process for _, process in tasks}) != len(complaint_ids) or len(tasks) != len(
        complaint_ids
    ):
        raise ActionRefused(_("This complaint is not waiting for this action."))
    done = [pk for pk, _ in tasks]
    processes = [process for _, process in tasks]
    moment = timezone.now()
    in_done, done_params = _any(qn("id"), done)
    in_done_t, _same = _any(f"d.{qn('id')}", done)
    handle_type, route_type = ComplaintFlow.handle.task_type, ComplaintFlow.route.task_type
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {task_table} SET {qn('status')} = %s, "  # noqa: S608 — model names only
            f"{qn('owner_id')} = COALESCE({qn('owner_id')}, %s), "
            f"{qn('assigned')} = COALESCE({qn('assigned')}, %s), "
            f"{qn('started')} = COALESCE({qn('started')}, %s), {qn('finished')} = %s, "
            f"{qn('data')} = %s WHERE {in_done}",
            [STATUS.DONE, actor.pk, moment, moment, moment, '{"action": "escalated"}',
             *done_params],
        )  # fmt: skip
        # The route switches, each after its complaint's done stay.
        cursor.execute(
            f"INSERT INTO {task_table} ({qn('flow_task')}, {qn('flow_task_type')}, "  # noqa: S608
            f"{qn('status')}, {qn('created')}, {qn('finished')}, {qn('token')}, "
            f"{qn('process_id')}, {qn('data')}) "
            f"SELECT %s, %s, %s, %s, %s, {qn('token')}, {qn('process_id')}, %s "
            f"FROM {task_table} WHERE {in_done} RETURNING {qn('id')}, {qn('process_id')}",
            [node(ComplaintFlow.route), route_type, STATUS.DONE, moment, moment, "{}",
             *done_params],
        )  # fmt: skip
        switch_of = {process: pk for pk, process in cursor.fetchall()}
        # The next stays, at each complaint's new office.
        cursor.execute(
            f"INSERT INTO {task_table} ({qn('flow_task')}, {qn('flow_task_type')}, "  # noqa: S608
            f"{qn('status')}, {qn('created')}, {qn('token')}, {qn('process_id')}, {qn('data')}, "
            f"{qn('owner_permission')}, {qn('owner_permission_content_type_id')}, "
            f"{qn('owner_permission_obj_pk')}) "
            f"SELECT %s, %s, %s, %s, d.{qn('token')}, d.{qn('process_id')}, %s, %s, %s, "
            f"CAST(c.{qn('office_id')} AS VARCHAR(255)) "
            f"FROM {task_table} d "
            f"JOIN {qn(ComplaintProcess._meta.db_table)} p "
            f"ON p.{qn('process_ptr_id')} = d.{qn('process_id')} "
            f"JOIN {qn(Complaint._meta.db_table)} c ON c.{qn('id')} = p.{qn('complaint_id')} "
            f"WHERE {in_done_t} RETURNING {qn('id')}, {qn('process_id')}",
            [node(ComplaintFlow.handle), handle_type, STATUS.NEW, moment, "{}",
             HANDLE_PERMISSION, ContentType.objects.get_for_model(Section).pk, *done_params],
        )  # fmt: skip
        next_of = {process: pk for pk, process in cursor.fetchall()}
        # Each new task linked to the one before it in its process: switch → done stay,
        # next stay → switch.
        links = [(switch_of[process], pk) for pk, process in tasks]
        links += [(next_of[process], switch_of[process]) for _, process in tasks]
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {link_table} ({qn('from_task_id')}, {qn('to_task_id')}) "  # noqa: S608
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                [[a for a, _ in links], [b for _, b in links]],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {link_table} ({qn('from_task_id')}, {qn('to_task_id')}) "  # noqa: S608
                "VALUES (%s, %s)",
                links,
            )
    ComplaintProcess.objects.filter(pk__in=processes).update(route="handle")


def close_unanswered(*, actor=None, now=None) -> int:
    """Close what was resolved ``FEEDBACK_DAYS`` ago and never rated."""
    actor = actor or portal_actor()
    now = now or timezone.now()
    closed = 0
    with transaction.atomic():
        rows = list(
            Complaint.objects.select_for_update(skip_locked=True).filter(
                status=Status.RESOLVED, resolved_at__lte=now - dt.timedelta(days=FEEDBACK_DAYS)
            )[:5000]
        )
        delta = Counter()
        for complaint in rows:
            counted = figures.keys(complaint)
            complaint.status = Status.CLOSED
            complaint.feedback = Complaint.Feedback.NONE
            complaint.closed_at = now
            delta.update(figures.difference(counted, figures.keys(complaint)))
        figures.apply(delta)  # before the audit chain's head, as everywhere
        for complaint in rows:
            audit.record(actor=actor, action=ComplaintAction.CLOSE_UNANSWERED, obj=complaint)
            closed += 1
        Complaint.objects.bulk_update(rows, ["status", "feedback", "closed_at"])
        for complaint in rows:
            _step(
                actor=actor,
                complaint=complaint,
                node=ComplaintFlow.await_feedback,
                action="closed_unanswered",
                route="close",
                system=True,
            )
        Event.objects.bulk_create(Event(complaint=c, kind=Event.Kind.CLOSED, at=now) for c in rows)
    return closed


def send_digests(*, now=None) -> int:
    """One email a day to each officer holding a post in an office with open complaints: how
    many are overdue and how many fall due in the next two days, office by office (never one
    mail per complaint). Run once a day by the scheduler (``complaints_digest``); returns the
    number of emails sent."""
    from django.core.mail import send_mail
    from django.db.models import Count, Q

    now = now or timezone.now()
    soon = now + dt.timedelta(days=2)
    counts = {
        row["office"]: row
        for row in Complaint.objects.filter(status__in=OPEN_STATUSES)
        .values("office")
        .annotate(
            overdue=Count("pk", filter=Q(due_at__lte=now)),
            due_soon=Count("pk", filter=Q(due_at__gt=now, due_at__lte=soon)),
            open=Count("pk"),
        )
        .filter(Q(overdue__gt=0) | Q(due_soon__gt=0))
    }
    if not counts:
        return 0
    offices = {s.pk: s for s in Section.objects.filter(pk__in=list(counts))}
    by_user: dict[int, tuple] = {}
    for holding in (
        Holding.objects.current(now)
        .filter(post__section__in=list(counts), post__is_active=True)
        .select_related("user", "post")
    ):
        user = holding.user
        if not user.is_active or not user.email:
            continue
        by_user.setdefault(user.pk, (user, set()))[1].add(holding.post.section_id)
    sent = 0
    for user, sections in by_user.values():
        lines = [
            _("%(office)s: %(overdue)d overdue, %(soon)d due within two days, %(open)d open.")
            % {
                "office": offices[s].name_en,
                "overdue": counts[s]["overdue"],
                "soon": counts[s]["due_soon"],
                "open": counts[s]["open"],
            }
            for s in sorted(sections)
        ]
        send_mail(
            _("Complaints due and overdue"),
            "\n".join(lines) + "\n\n/desk/complaints/",
            None,
            [user.email],
        )
        sent += 1
    return sent
