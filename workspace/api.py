"""REST API of the desk (/api/v1/). Every write calls the same service as the screens; its
domain errors answer 400 (invalid), 403, 404 (not yours or not there) and 409 (not now)
through ``kernel.api``."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound as InvalidCursor
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.reauth import OTP_PARAMETER, RecentlyConfirmed
from workspace import access
from workspace.models import (
    Draft,
    Enclosure,
    File,
    HoldReason,
    Movement,
    NoteParagraph,
    Post,
    Receipt,
    SubjectHead,
)
from workspace.selectors import desk as sel
from workspace.services import approvals, files, movement, notes, receipts

# Approving and issuing need a recent password or second-factor check (accounts.reauth).
CONFIRMED = [IsAuthenticated, RecentlyConfirmed]


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
            labels = self._choice_labels = {
                name: _Labels(File._meta.get_field(name).flatchoices)
                for name in ("priority", "grading")
            }
        return labels


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


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50


FILE_LIST_RELATED = ["holding_post__section__department"]
# What FileSerializer reads, and no more (the subject is the only long column it needs).
FILE_LIST_FIELDS = [
    *("id", "number", "subject", "priority", "grading", "status"),
    *("desk_since", "due_on", "opened_at", "holding_post"),
    *("holding_post__designation_en", "holding_post__designation_ur", "holding_post__level"),
    *("holding_post__section__code", "holding_post__section__department__code"),
]


class NewestVisibleFirst(NewestFirst):
    """DRF's cursor pagination over ``-id`` — the same cursors, links and schema — whose page
    is taken from the ids ``access.visible_file_ids`` finds for it (bounded by the page size
    and the cursor's offset, whatever the number of files), not from the visibility rules
    as one query, which PostgreSQL answered by walking the file table by id."""

    visible_ids = staticmethod(access.visible_file_ids)
    related = FILE_LIST_RELATED
    fields = FILE_LIST_FIELDS

    def paginate_queryset(self, queryset, request, view=None):
        cursor = self.decode_cursor(request)
        offset, reverse, position = cursor if cursor else (0, False, None)
        if position is not None:
            try:
                position = int(position)
            except ValueError:
                raise InvalidCursor(self.invalid_cursor_message) from None
        ids = self.visible_ids(
            request.user,
            limit=offset + self.get_page_size(request) + 1,
            beyond=position,
            newest_first=not reverse,
        )
        # The ids are visible by construction; the rules are not applied to them again
        # (their custody test would hash every movement to the user's posts).
        window = (
            queryset.model.objects.filter(pk__in=ids)
            .select_related(*self.related)
            .only(*self.fields)
        )
        return super().paginate_queryset(window, request, view)


class FileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Files the user may see. Writes are actions, each one service call."""

    serializer_class = FileSerializer
    pagination_class = NewestVisibleFirst
    lookup_value_regex = "[0-9]+"  # /files/abc/ is no file: 404, not a failed query

    def get_queryset(self):
        return access.visible_files(self.request.user).select_related(*FILE_LIST_RELATED)

    def get_object(self):
        file = sel.file_for(user=self.request.user, pk=self.kwargs["pk"])
        if file is None:
            raise Http404
        return file

    @extend_schema(
        responses=inline_serializer(
            "FilePage",
            {
                "file": FileSerializer(),
                "paragraphs": ParagraphSerializer(many=True),
                "enclosures": EnclosureSerializer(many=True),
                "drafts": DraftSerializer(many=True),
                "movements": MovementSerializer(many=True),
            },
        )
    )
    def retrieve(self, request, *args, **kwargs):
        file = self.get_object()
        page = sel.file_page(file=file)
        return Response(
            {
                "file": FileSerializer(file).data,
                "paragraphs": ParagraphSerializer(page["paragraphs"], many=True).data,
                "enclosures": EnclosureSerializer(page["enclosures"], many=True).data,
                "drafts": DraftSerializer(page["drafts"], many=True).data,
                "movements": MovementSerializer(page["movements"], many=True).data,
            }
        )

    @extend_schema(request=OpenFileInput, responses={201: FileSerializer})
    def create(self, request):
        data = _valid(OpenFileInput, request)
        receipt_id = data.pop("receipt", None)
        if receipt_id is not None:
            data["receipt"] = sel.receipt_for(user=request.user, pk=receipt_id)
            if data["receipt"] is None:
                raise Http404
        file = files.file_open(actor=request.user, **data)
        return Response(FileSerializer(file).data, status=status.HTTP_201_CREATED)

    def _act(self, service, input_class=None, **extra):
        file = self.get_object()
        data = _valid(input_class, self.request) if input_class else {}
        service(actor=self.request.user, file=file, **data, **extra)
        file.refresh_from_db()
        return Response(FileSerializer(file).data)

    @extend_schema(request=NoteInput, responses=FileSerializer)
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        return self._act(notes.note_add, NoteInput)

    @extend_schema(request=MarkInput, responses=FileSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        return self._act(movement.file_mark, MarkInput)

    @extend_schema(request=RemarksInput, responses=FileSerializer)
    @action(detail=True, methods=["post"], url_path="put-up")
    def put_up(self, request, pk=None):
        return self._act(movement.file_put_up, RemarksInput)

    @extend_schema(request=RemarksInput, responses=FileSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return self._act(movement.file_send_back, RemarksInput)

    @extend_schema(request=ReasonInput, responses=FileSerializer)
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        return self._act(movement.file_recall, ReasonInput)

    @extend_schema(request=ParkInput, responses=FileSerializer)
    @action(detail=True, methods=["post"])
    def park(self, request, pk=None):
        return self._act(movement.file_park, ParkInput)

    @extend_schema(request=RemarksInput, responses=FileSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(movement.file_resume, RemarksInput)

    @extend_schema(request=RemarksInput, responses=FileSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(movement.file_close, RemarksInput)

    @extend_schema(request=RemarksInput, responses=FileSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(movement.file_reopen, RemarksInput)

    @extend_schema(request=RemarksInput, responses=FileSerializer)
    @action(detail=True, methods=["post"], url_path="record-room")
    def record_room(self, request, pk=None):
        return self._act(movement.file_to_record_room, RemarksInput)

    @extend_schema(request=DecisionInput, responses=FileSerializer, parameters=[OTP_PARAMETER])
    @action(
        detail=True,
        methods=["post"],
        url_path=r"notes/(?P<number>\d+)/decide",
        permission_classes=CONFIRMED,
    )
    def decide_note(self, request, pk=None, number=None):
        file = self.get_object()
        paragraph = NoteParagraph.objects.filter(file=file, number=number).first()
        if paragraph is None:
            raise Http404
        return self._act(approvals.note_decide, DecisionInput, paragraph=paragraph)

    @extend_schema(request=DraftInput, responses=DraftSerializer)
    @action(detail=True, methods=["post"])
    def drafts(self, request, pk=None):
        file = self.get_object()
        draft = approvals.draft_create(actor=request.user, file=file, **_valid(DraftInput, request))
        return Response(DraftSerializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionInput, responses=FileSerializer, parameters=[OTP_PARAMETER])
    @action(
        detail=True,
        methods=["post"],
        url_path=r"drafts/(?P<number>\d+)/decide",
        permission_classes=CONFIRMED,
    )
    def decide_draft(self, request, pk=None, number=None):
        draft = self._draft(number)
        return self._act(approvals.draft_decide, DecisionInput, draft=draft)

    @extend_schema(request=None, responses=DraftSerializer, parameters=[OTP_PARAMETER])
    @action(
        detail=True,
        methods=["post"],
        url_path=r"drafts/(?P<number>\d+)/issue",
        permission_classes=CONFIRMED,
    )
    def issue_draft(self, request, pk=None, number=None):
        draft = self._draft(number)
        approvals.draft_issue(actor=request.user, file=draft.file, draft=draft)
        draft.refresh_from_db()
        return Response(DraftSerializer(draft).data)

    def _draft(self, number):
        file = self.get_object()
        draft = Draft.objects.filter(file=file, number=number).select_related("file").first()
        if draft is None:
            raise Http404
        return draft


class InboxViewSet(viewsets.ViewSet):
    """Files pending at the posts I hold, most urgent then oldest (keyset: ``?after=``)."""

    @extend_schema(
        responses=inline_serializer(
            "Inbox",
            {"results": FileSerializer(many=True), "next": serializers.CharField(allow_null=True)},
        )
    )
    def list(self, request):
        page = sel.inbox_files(user=request.user, cursor=request.query_params.get("after"))
        return Response(
            {"results": FileSerializer(page.rows, many=True).data, "next": page.next_cursor}
        )


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
# What ReceiptSerializer reads (the diary label reads the section and its department).
RECEIPT_LIST_FIELDS = [
    *("id", "diary_year", "diary_number", "sender", "subject", "letter_number"),
    *("letter_date", "received_on", "mode", "priority", "grading", "status"),
    *("holding_post", "tracking_ref", "outcome", "file", "section"),
    *("section__code", "section__department__code"),
    *("holding_post__designation_en", "holding_post__designation_ur", "holding_post__level"),
    *("holding_post__section__code", "holding_post__section__department__code"),
]


class NewestVisibleReceiptsFirst(NewestVisibleFirst):
    """The same paging over the ids ``access.visible_receipt_ids`` finds: the rules OR-ed in
    one query (receipts on visible files through an EXISTS over movements) made PostgreSQL
    walk the whole receipt table by id for an officer who sees few receipts."""

    visible_ids = staticmethod(access.visible_receipt_ids)
    related = RECEIPT_LIST_RELATED
    fields = RECEIPT_LIST_FIELDS


class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReceiptSerializer
    pagination_class = NewestVisibleReceiptsFirst
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        # The definition single-object lookups (retrieve, mark) check against; the list's
        # page is found by the paginator from access.visible_receipt_ids.
        return access.visible_receipts(self.request.user).select_related(*RECEIPT_LIST_RELATED)

    @extend_schema(request=ReceiptInput, responses={201: ReceiptSerializer})
    def create(self, request):
        receipt = receipts.receipt_diarise(actor=request.user, **_valid(ReceiptInput, request))
        return Response(ReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MarkInput, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        receipt = self.get_object()
        data = _valid(MarkInput, request)
        receipt = receipts.receipt_mark(
            actor=request.user,
            receipt=receipt,
            to_post=data["to_post"],
            remarks=data["remarks"],
        )
        return Response(ReceiptSerializer(receipt).data)

    @extend_schema(request=OutcomeInput, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Write the outcome the citizen reads on the public tracking page once the matter is
        decided; empty text takes it off."""
        receipt = receipts.receipt_record_outcome(
            actor=request.user,
            receipt=self.get_object(),
            outcome=_valid(OutcomeInput, request)["outcome"],
        )
        return Response(ReceiptSerializer(receipt).data)

    @extend_schema(request=DisposeInput, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        """Dispose of a pending receipt without a file, with the outcome the citizen reads on
        the tracking page (required for a citizen's matter)."""
        receipt = receipts.receipt_dispose(
            actor=request.user,
            receipt=self.get_object(),
            outcome=_valid(DisposeInput, request)["outcome"],
        )
        return Response(ReceiptSerializer(receipt).data)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
