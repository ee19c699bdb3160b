"""Filing: the due time on the working-day clock, evidence cleaned, refusals that leave
nothing behind, duplicates, rate limits, the message to the citizen."""

import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from PIL import Image

from complaints import notify, services, tasks
from complaints.models import Complaint, Event, Evidence, Status
from documents import storage
from kernel.errors import ActionRefused, ValidationError
from kernel.models import AuditEvent
from organisation.models import Tehsil
from tests.complaints.conftest import at, clock, jpeg_with_gps
from workspace import tracking


def file(ladder, *, district=None, uploads=(), mobile="03001234567", client="1.2.3.4", **kw):
    return services.file_complaint(
        actor=services.portal_actor(),
        client=client,
        category=kw.pop("category", ladder.category),
        district=district or ladder.peshawar,
        description=kw.pop("description", "The hospital has had no doctor at night for a week."),
        mobile=mobile,
        cnic_last4=kw.pop("cnic_last4", "4321"),
        uploads=uploads,
        **kw,
    )


def stored_objects(media_root):
    return sorted(p.name for p in media_root.rglob("*") if p.is_file())


def test_filed_at_the_dc_office_due_after_working_days_across_the_weekend(
    ladder, media_root, django_capture_on_commit_callbacks
):
    with clock(at(2026, 3, 5)), django_capture_on_commit_callbacks(execute=True):  # a Thursday
        complaint = file(ladder)
    assert tracking.is_valid(complaint.tracking_ref)
    assert complaint.office == ladder.dc and complaint.level == 1
    assert complaint.status == Status.REGISTERED
    # 3 working days from Thursday: Friday, Monday, Tuesday; overdue from Wednesday.
    assert complaint.due_at == at(2026, 3, 11, 0)
    assert Event.objects.get(complaint=complaint).kind == Event.Kind.REGISTERED
    row = AuditEvent.objects.get(action="complaint.file")
    assert row.object_id == str(complaint.pk)
    assert "03001234567" not in json.dumps(row.after)
    sms = [json.loads(line) for line in (media_root.parent / "sms.jsonl").read_text().splitlines()]
    assert sms == [{"to": "03001234567", "text": sms[0]["text"]}]
    assert complaint.display_ref in sms[0]["text"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mobile": "12345"}, "11 digits starting with 03"),
        ({"cnic_last4": "12a4"}, "exactly four digits"),
        ({"description": "   "}, "This field cannot be blank"),
        ({"latitude": 34}, "both the latitude and the longitude"),
    ],
)
def test_bad_input_refused_with_its_message_and_nothing_stored(ladder, media_root, change, message):
    with pytest.raises(ValidationError) as refused:
        file(ladder, uploads=[SimpleUploadedFile("a.jpg", jpeg_with_gps())], **change)
    assert message in " ".join(refused.value.messages)
    assert not Complaint.objects.exists() and not Evidence.objects.exists()
    assert not AuditEvent.objects.exists()
    assert stored_objects(media_root) == []


def test_tehsil_of_another_district_and_a_closed_category_are_refused(ladder):
    other = Tehsil.objects.create(district=ladder.mardan, name_en="Takht Bhai")
    with pytest.raises(ValidationError, match="not in the district"):
        file(ladder, tehsil=other)
    ladder.category.is_active = False
    ladder.category.save()
    with pytest.raises(ValidationError, match="not open for complaints"):
        file(ladder)


def test_a_district_without_an_office_online_is_told_where_to_go(ladder):
    with pytest.raises(ActionRefused, match="Deputy Commissioner's office"):
        file(ladder, district=ladder.charsadda)
    assert not Complaint.objects.exists()


def test_photo_stored_without_exif_or_gps(ladder, media_root):
    original = jpeg_with_gps()
    assert b"SpyCam" in original
    complaint = file(ladder, uploads=[SimpleUploadedFile("IMG_0001.jpg", original)])
    item = complaint.evidence.get()
    assert item.mime_type == "image/jpeg" and item.storage_name.startswith("evidence/")
    with storage.open_object(item.storage_name) as f:
        kept = f.read()
    assert b"SpyCam" not in kept
    with Image.open(storage.open_object(item.storage_name)) as image:
        assert image.getexif().get_ifd(0x8825) == {}
        assert image.size == (64, 48)
    changes = AuditEvent.objects.get(action="complaint.file").after["evidence"][0]["changes"]
    assert changes == ["metadata removed"]


def test_evidence_refusals_each_with_its_message_and_nothing_left(ladder, media_root, settings):
    cases = [
        ([SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>")], "not a photo"),
        ([SimpleUploadedFile("e.jpg", b"")], "is empty"),
        ([SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps()) for i in range(6)], "At most 5 files"),
        ([SimpleUploadedFile("broken.jpg", jpeg_with_gps()[:200])], "could not be read"),
    ]
    for uploads, message in cases:
        with pytest.raises(ValidationError) as refused:
            file(ladder, uploads=uploads)
        assert message in " ".join(refused.value.messages)
    settings.DAFTAR_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="one piece of evidence can be at most"):
        file(ladder, uploads=[SimpleUploadedFile("big.jpg", jpeg_with_gps())])
    settings.DAFTAR_EVIDENCE_MAX_BYTES = 10_000
    settings.DAFTAR_EVIDENCE_MAX_TOTAL_BYTES = 1000
    with pytest.raises(ValidationError, match="Together the files are"):
        file(ladder, uploads=[SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps()) for i in range(2)])
    assert not Complaint.objects.exists() and not AuditEvent.objects.exists()
    assert stored_objects(media_root) == []


def test_a_failure_after_storing_removes_the_objects(ladder, media_root, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        file(ladder, uploads=[SimpleUploadedFile("a.jpg", jpeg_with_gps())])
    assert stored_objects(media_root) == []
    assert not Complaint.objects.exists()


def _ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=60)  # noqa: S603, S607


@pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg (dev.sh installs it)"
)
@pytest.mark.parametrize(
    ("name", "source", "codec", "mime"),
    [
        (
            "clip.mp4",
            ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=1"],
            ["-c:v", "mpeg4"],
            "video/mp4",
        ),
        (
            "voice.mp3",
            ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"],
            ["-c:a", "libmp3lame"],
            "audio/mpeg",
        ),
        (
            "voice.ogg",
            ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"],
            ["-c:a", "libvorbis"],
            "audio/ogg",
        ),
    ],
)
def test_video_and_audio_stored_without_container_metadata(
    ladder, tmp_path, name, source, codec, mime
):
    path = tmp_path / name
    tags = ["-metadata", "title=SECRET-TITLE", "-metadata", "location=+34.0151+071.5249/"]
    tags += ["-metadata", "comment=phone of Mr SECRET"]
    _ffmpeg(*source, *codec, *tags, str(path))
    assert b"SECRET" in path.read_bytes()
    complaint = file(ladder, uploads=[SimpleUploadedFile(name, path.read_bytes())])
    item = complaint.evidence.get()
    assert item.mime_type == mime
    with storage.open_object(item.storage_name) as f:
        kept = f.read()
    assert b"SECRET" not in kept and b"+34.0151" not in kept
    out = tmp_path / ("kept" + path.suffix)
    out.write_bytes(kept)
    probe = subprocess.run(  # noqa: S603
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(out)],  # noqa: S607
        capture_output=True,
        check=True,
        timeout=60,
    )
    described = json.loads(probe.stdout)
    format_tags = described["format"].get("tags", {})
    assert not {k.lower() for k in format_tags} & {"title", "location", "comment"}
    assert float(described["format"]["duration"]) > 0.5  # still a recording


def test_same_mobile_category_and_district_soon_after_is_linked_as_a_duplicate(ladder):
    with clock(at(2026, 3, 2)):
        first = file(ladder)
    with clock(at(2026, 3, 3)):
        second = file(ladder, client="5.6.7.8")
    with clock(at(2026, 3, 3)):
        other_person = file(ladder, mobile="03111111111", client="5.6.7.9")
    with clock(at(2026, 3, 9)):
        later = file(ladder, client="5.6.7.10")
    assert second.duplicate_of == first
    assert other_person.duplicate_of is None
    assert later.duplicate_of is None  # more than 72 hours on


def test_rate_limits_per_client_and_per_mobile(
    ladder, settings, django_capture_on_commit_callbacks
):
    settings.DAFTAR_COMPLAINT_CLIENT_LIMIT = (2, 3600)
    settings.DAFTAR_COMPLAINT_MOBILE_LIMIT = (2, 86400)

    def filed(**kw):
        with django_capture_on_commit_callbacks(execute=True):
            return file(ladder, **kw)

    filed(mobile="03000000001")
    filed(mobile="03000000002")
    with pytest.raises(ActionRefused, match="Too many complaints"):
        filed(mobile="03000000003")
    filed(mobile="03000000001", client="9.9.9.9")
    with pytest.raises(ActionRefused, match="Too many complaints"):
        filed(mobile="03000000001", client="9.9.9.8")
    assert Complaint.objects.count() == 3


class _GatewayDown:
    calls = 0

    def send(self, *, to, text):
        type(self).calls += 1
        raise OSError("the SMS gateway does not answer")


def test_the_citizens_message_waits_in_the_queue_not_in_the_request(
    ladder, media_root, settings, django_capture_on_commit_callbacks
):
    """Production queues tasks in the database: filing enqueues the citizen's SMS (and the
    receipt at the cell) and answers; a gateway that is down is met by the worker, later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.DAFTAR_SMS_BACKEND = f"{__name__}._GatewayDown"
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file(ladder)
    assert _GatewayDown.calls == 0 and Complaint.objects.filter(pk=complaint.pk).exists()
    queued = {(r.task_path, json.dumps(r.args_kwargs["args"])) for r in DBTaskResult.objects.all()}
    assert queued == {
        ("complaints.tasks.tell_citizens", json.dumps([[complaint.pk], "filed"])),
        ("complaints.tasks.land_complaint", json.dumps([complaint.pk])),
    }
    # The worker's turn: the send fails, is logged, and nothing the citizen did is undone.
    assert notify.tell([complaint.pk], "filed") == 1
    assert _GatewayDown.calls == 1 and Complaint.objects.filter(pk=complaint.pk).exists()


def test_with_the_database_queue_the_jobs_are_written_with_the_complaint(ladder, settings):
    """The jobs ride the filing's own transaction (kernel.tasks.enqueue_on_commit): rolled
    back with it, nothing is queued; committed, both are there without commits of their own."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        complaint = file(ladder)
        assert DBTaskResult.objects.count() == 2  # queued inside the transaction
        raise Undone
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert not DBTaskResult.objects.exists()
    refused = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        file(ladder, latitude=Decimal("34.0"))  # half a location: refused before anything
    assert not DBTaskResult.objects.exists() and AuditEvent.objects.count() == refused


def test_other_backends_get_the_jobs_only_after_the_commit(
    ladder, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = tasks.land_complaint.get_backend()
    backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint = file(ladder)
    assert backend.results == []  # nothing runs inside, or for, an uncommitted change
    for callback in callbacks:
        callback()
    queued = {(r.task.module_path, json.dumps(r.args)) for r in backend.results}
    assert queued == {
        ("complaints.tasks.tell_citizens", json.dumps([[complaint.pk], "filed"])),
        ("complaints.tasks.land_complaint", json.dumps([complaint.pk])),
    }
