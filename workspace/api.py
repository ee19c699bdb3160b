"""REST API of the desk (/api/v1/): the views (``workspace.serializers`` has what they read and
write). Every write calls the same service as the screens; its domain errors answer 400
(invalid), 403, 404 (not yours or not there) and 409 (not now) through ``kernel.api``."""

from __future__ import annotations

import operator

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
from workspace.models import Draft, NoteParagraph
from workspace.selectors import desk as sel
from workspace.serializers import (
    FILE_LIST_RELATED,
    RECEIPT_LIST_RELATED,
    DecisionInput,
    DisposeInput,
    DraftInput,
    DraftSerializer,
    EnclosureSerializer,
    FileSerializer,
    MarkInput,
    MovementSerializer,
    NoteInput,
    OpenFileInput,
    OutcomeInput,
    ParagraphSerializer,
    ParkInput,
    ReasonInput,
    ReceiptInput,
    ReceiptSerializer,
    RemarksInput,
    file_rows_data,
    receipt_rows_data,
)
from workspace.services import approvals, files, movement, notes, receipts

# Approving and issuing need a recent password or second-factor check (accounts.reauth).
CONFIRMED = [IsAuthenticated, RecentlyConfirmed]


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50


class NewestVisibleFirst(NewestFirst):
    """DRF's cursor pagination over ``-id`` — the same cursors, links and schema — whose page
    is taken from the ids ``access.visible_file_ids`` finds for it (bounded by the page size
    and the cursor's offset, whatever the number of files), not from the visibility rules
    as one query, which PostgreSQL answered by walking the file table by id. The page's
    rows are values (``rows``), which the view writes as its serializer writes the models."""

    visible_ids = staticmethod(access.visible_file_ids)
    rows = staticmethod(sel.api_file_rows)

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
        window = _Rows(self.rows(ids=ids) if ids else ())
        return super().paginate_queryset(window, request, view)


class _Rows(list):
    """A page's value rows, paged by DRF's ``CursorPagination.paginate_queryset`` as it pages
    a queryset: it orders them by ``id`` (either way), keeps those past the cursor's position
    and slices them. Those two queryset methods, over the rows in memory. Written against
    djangorestframework 3.18.3 (``CursorPagination.paginate_queryset`` calls ``order_by`` and
    ``filter`` and slices, nothing else); ``tests/workspace/test_api_list_rows.py`` pages
    every list forward and back through it and fails if a later version asks for more."""

    def order_by(self, field):
        return _Rows(sorted(self, key=operator.itemgetter("id"), reverse=field.startswith("-")))

    def filter(self, **past):
        ((lookup, position),) = past.items()
        beyond = {"id__lt": operator.lt, "id__gt": operator.gt}[lookup]
        position = int(position)  # as the cursor carries it: a string (checked above)
        return _Rows(row for row in self if beyond(row["id"], position))


class FileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Files the user may see. Writes are actions, each one service call."""

    serializer_class = FileSerializer
    pagination_class = NewestVisibleFirst
    lookup_value_regex = "[0-9]+"  # /files/abc/ is no file: 404, not a failed query

    def get_queryset(self):
        return access.visible_files(self.request.user).select_related(*FILE_LIST_RELATED)

    def list(self, request, *args, **kwargs):
        # The paginator finds the page and reads its rows (values, not models).
        rows = self.paginate_queryset(None)
        return self.get_paginated_response(file_rows_data(rows))

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


class NewestVisibleReceiptsFirst(NewestVisibleFirst):
    """The same paging over the ids ``access.visible_receipt_ids`` finds: the rules OR-ed in
    one query (receipts on visible files through an EXISTS over movements) made PostgreSQL
    walk the whole receipt table by id for an officer who sees few receipts."""

    visible_ids = staticmethod(access.visible_receipt_ids)
    rows = staticmethod(sel.api_receipt_rows)


class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReceiptSerializer
    pagination_class = NewestVisibleReceiptsFirst
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        # The definition single-object lookups (retrieve, mark) check against; the list's
        # page is found by the paginator from access.visible_receipt_ids.
        return access.visible_receipts(self.request.user).select_related(*RECEIPT_LIST_RELATED)

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(None)  # as FileViewSet.list
        return self.get_paginated_response(receipt_rows_data(rows))

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
