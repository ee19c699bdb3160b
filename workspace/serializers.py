"""The desk API's serializers (``workspace.api`` has the views): what a file, a receipt, a post,
a paragraph, an enclosure, a movement and a draft look like in JSON, and the inputs each
write action accepts. The list pages' rows are values, written by ``file_rows_data`` and
``receipt_rows_data`` as the serializers write the models.
"""

from __future__ import annotations

from rest_framework import serializers

from organisation.models import Post
from workspace.models import (
    Draft,
    Enclosure,
    File,
    HoldReason,
    Movement,
    NoteParagraph,
    Receipt,
    SubjectHead,
)


class PostSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="section.department.code")
    section = serializers.CharField(source="section.code")

    class Meta:
        model = Post
        fields = ["id", "designation_en", "designation_ur", "section", "department", "level"]

    def to_representation(self, post):
        # What the declared fields give (the schema reads them), built directly: the generic
        # path costs a dotted-source walk and a callable check per field per row.
        return _post_dict(post)


def _post_dict(post) -> dict:
    return {
        "id": post.pk,
        "designation_en": post.designation_en,
        "designation_ur": post.designation_ur,
        "section": post.section.code,
        "department": post.section.department.code,
        "level": post.level,
    }


_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


class FileSerializer(serializers.ModelSerializer):
    # Null while a file is being opened (File.holding_post): the schema says so.
    holding_post = PostSerializer(allow_null=True)
    priority = serializers.CharField(source="get_priority_display")
    grading = serializers.CharField(source="get_grading_display")

    class Meta:
        model = File
        fields = [
            "id",
            "number",
            "subject",
            "priority",
            "grading",
            "status",
            "holding_post",
            "desk_since",
            "due_on",
            "opened_at",
        ]

    def to_representation(self, file):
        """Exactly what the declared fields give (a test compares them), built directly
        from the row and its ``select_related`` post: for a list of 50 files the generic
        path spent most of the request in DRF's per-field machinery and in translating the
        same few priority and grading labels again for every row."""
        labels = self._labels()
        post = file.holding_post
        return {
            "id": file.pk,
            "number": file.number,
            "subject": file.subject,
            "priority": labels["priority"][file.priority],
            "grading": labels["grading"][file.grading],
            "status": file.status,
            "holding_post": None if post is None else _post_dict(post),
            "desk_since": _DATETIME.to_representation(file.desk_since),
            "due_on": None if file.due_on is None else _DATE.to_representation(file.due_on),
            "opened_at": _DATETIME.to_representation(file.opened_at),
        }

    def _labels(self) -> dict:
        # Per serializer, so per request and in its language; a list shares its one child.
        labels = getattr(self, "_choice_labels", None)
        if labels is None:
            labels = self._choice_labels = _file_labels()
        return labels


def _file_labels() -> dict:
    return {
        name: _Labels(File._meta.get_field(name).flatchoices) for name in ("priority", "grading")
    }


class _Labels(dict):
    """A choice field's labels, translated once; an unknown value shows as itself, as
    ``get_FOO_display`` shows it."""

    def __init__(self, choices):
        super().__init__((value, str(label)) for value, label in choices)

    def __missing__(self, value):
        return value


class ParagraphSerializer(serializers.ModelSerializer):
    post = serializers.CharField(source="post.designation_en")
    author = serializers.CharField(source="author.get_full_name")
    approvals = serializers.SerializerMethodField()

    class Meta:
        model = NoteParagraph
        fields = ["number", "text", "author", "post", "created_at", "is_final", "approvals"]

    def get_approvals(self, obj) -> list[dict]:
        return [
            {
                "decision": a.decision,
                "post": a.post.designation_en,
                "at": a.at,
                "content_hash": a.content_hash,
            }
            for a in obj.approvals.all()
        ]


class EnclosureSerializer(serializers.ModelSerializer):
    receipt = serializers.CharField(source="receipt.diary_label", default=None)
    paper_version = serializers.IntegerField(source="paper.current_version_id", default=None)

    class Meta:
        model = Enclosure
        fields = ["flag", "title", "is_puc", "receipt", "paper_version"]


class MovementSerializer(serializers.ModelSerializer):
    from_post = serializers.CharField(source="from_post.designation_en", default=None)
    to_post = serializers.CharField(source="to_post.designation_en", default=None)
    by = serializers.CharField(source="by.get_full_name")

    class Meta:
        model = Movement
        fields = ["kind", "from_post", "to_post", "by", "at", "remarks", "desk_seconds", "due_on"]


class DraftSerializer(serializers.ModelSerializer):
    outgoing_number = serializers.CharField(source="dispatch.outgoing_number", default=None)

    class Meta:
        model = Draft
        fields = ["number", "subject", "addressees", "body", "status", "outgoing_number"]


class ReceiptSerializer(serializers.ModelSerializer):
    diary = serializers.CharField(source="diary_label", read_only=True)
    holding_post = PostSerializer(read_only=True)

    class Meta:
        model = Receipt
        fields = [
            "id",
            "diary",
            "sender",
            "subject",
            "letter_number",
            "letter_date",
            "received_on",
            "mode",
            "priority",
            "grading",
            "status",
            "holding_post",
            "tracking_ref",
            "outcome",
            "file",
        ]
        read_only_fields = ["status", "tracking_ref", "outcome", "file"]

    def to_representation(self, receipt):
        """What the declared fields give (a test compares them through DRF's generic path),
        built directly from the row: for a page of 50 receipts the per-field machinery was a
        third of the request."""
        return {
            "id": receipt.pk,
            "diary": receipt.diary_label,
            "sender": receipt.sender,
            "subject": receipt.subject,
            "letter_number": receipt.letter_number,
            "letter_date": _date(receipt.letter_date),
            "received_on": _date(receipt.received_on),
            "mode": receipt.mode,
            "priority": receipt.priority,
            "grading": receipt.grading,
            "status": receipt.status,
            "holding_post": _post_dict(receipt.holding_post),
            "tracking_ref": receipt.tracking_ref,
            "outcome": receipt.outcome,
            "file": receipt.file_id,
        }


def _date(value):
    return None if value is None else _DATE.to_representation(value)


# The API's list pages read their rows as values (``selectors.desk.api_file_rows``,
# ``api_receipt_rows``: a page's 200-300 model instances were half of the receipts list's
# Python); these write each row exactly as the serializer above writes the model (a test
# compares them, in English and Urdu). A page of 50, CPU: receipts 0.16 ms (declared fields
# over the models 3.8), files 0.9 ms (declared fields 12.3); session 15, 100k files.


def file_rows_data(rows) -> list[dict]:
    """``FileSerializer(files, many=True).data`` for the files as ``API_FILE_COLUMNS`` rows."""
    labels = _file_labels()  # in the request's language
    priority, grading = labels["priority"], labels["grading"]
    return [
        {
            "id": row["id"],
            "number": row["number"],
            "subject": row["subject"],
            "priority": priority[row["priority"]],
            "grading": grading[row["grading"]],
            "status": row["status"],
            "holding_post": None if row["holding_post"] is None else _post_of_row(row),
            "desk_since": _DATETIME.to_representation(row["desk_since"]),
            "due_on": _date(row["due_on"]),
            "opened_at": _DATETIME.to_representation(row["opened_at"]),
        }
        for row in rows
    ]


def receipt_rows_data(rows) -> list[dict]:
    """``ReceiptSerializer(receipts, many=True).data`` for ``API_RECEIPT_COLUMNS`` rows."""
    return [
        {
            "id": row["id"],
            "diary": (
                f"{row['section__department__code']}/{row['section__code']}"
                f"/D-{row['diary_number']}/{row['diary_year']}"
            ),  # as Receipt.diary_label
            "sender": row["sender"],
            "subject": row["subject"],
            "letter_number": row["letter_number"],
            "letter_date": _date(row["letter_date"]),
            "received_on": _date(row["received_on"]),
            "mode": row["mode"],
            "priority": row["priority"],
            "grading": row["grading"],
            "status": row["status"],
            "holding_post": _post_of_row(row),
            "tracking_ref": row["tracking_ref"],
            "outcome": row["outcome"],
            "file": row["file"],
        }
        for row in rows
    ]


def _post_of_row(row) -> dict:
    """``_post_dict`` of a row's ``holding_post__*`` values."""
    return {
        "id": row["holding_post"],
        "designation_en": row["holding_post__designation_en"],
        "designation_ur": row["holding_post__designation_ur"],
        "section": row["holding_post__section__code"],
        "department": row["holding_post__section__department__code"],
        "level": row["holding_post__level"],
    }


class OpenFileInput(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all())
    subject_head = serializers.PrimaryKeyRelatedField(queryset=SubjectHead.objects.all())
    subject = serializers.CharField(max_length=500)
    priority = serializers.IntegerField(default=0, min_value=0, max_value=3)
    grading = serializers.IntegerField(default=0, min_value=0, max_value=3)
    receipt = serializers.IntegerField(required=False)


class MarkInput(serializers.Serializer):
    to_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.select_related("section__department")
    )
    remarks = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class OutcomeInput(serializers.Serializer):
    # The length is the service's to check, with a message that says how long the text was.
    outcome = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ParkInput(serializers.Serializer):
    remarks = serializers.CharField(required=False, allow_blank=True, default="")
    hold_reason = serializers.ChoiceField(
        choices=HoldReason.choices,
        default=HoldReason.AWAITING_OFFICE,
        help_text="What the public tracking page tells a citizen whose matter is on the file.",
    )


class RemarksInput(serializers.Serializer):
    remarks = serializers.CharField(required=False, allow_blank=True, default="")


class NoteInput(serializers.Serializer):
    text = serializers.CharField()


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "returned"])
    remarks = serializers.CharField(required=False, allow_blank=True, default="")


class DraftInput(serializers.Serializer):
    subject = serializers.CharField(max_length=300)
    addressees = serializers.CharField()
    body = serializers.CharField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


FILE_LIST_RELATED = ["holding_post__section__department"]


class DisposeInput(serializers.Serializer):
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )


class ReceiptInput(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.select_related("section__department")
    )
    sender = serializers.CharField(max_length=300)
    subject = serializers.CharField(max_length=500)
    letter_number = serializers.CharField(required=False, allow_blank=True, default="")
    letter_date = serializers.DateField(required=False, allow_null=True, default=None)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    mode = serializers.ChoiceField(choices=Receipt.Mode.values, default=Receipt.Mode.PHYSICAL)
    priority = serializers.IntegerField(default=0, min_value=0, max_value=3)
    grading = serializers.IntegerField(default=0, min_value=0, max_value=3)
    citizen_name = serializers.CharField(required=False, allow_blank=True, default="")
    citizen_cnic_last4 = serializers.CharField(required=False, allow_blank=True, default="")
    citizen_mobile_last4 = serializers.CharField(required=False, allow_blank=True, default="")


RECEIPT_LIST_RELATED = ["holding_post__section__department", "section__department"]
