"""The complaints API for the citizens' mobile app (no sign-in; the public projection only):

- ``POST /api/v1/complaints/`` (multipart or JSON): file a complaint → 201 with the tracking
  number; 400 with the errors by field; 429 when rate-limited.
- ``POST /api/v1/complaints/status/`` with ``reference`` and ``second_factor`` → where it
  stands (never who filed it); the same 404 for an unknown number and wrong digits.
- ``POST /api/v1/complaints/feedback/`` with ``reference``, ``second_factor``, ``satisfied``
  (true/false) and ``comment`` → the new state.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, services
from complaints.forms import ComplaintForm
from kernel.client_ip import client_ip
from kernel.errors import ActionRefused, ValidationError
from portal_pages import ratelimit as track_limits
from workspace import tracking

NO_STORE = {"Cache-Control": "no-store, private"}


class _Public(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]
    throttle_classes: list = []


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


class FileComplaintView(_Public):
    @extend_schema(
        summary="File a citizen's complaint",
        request=inline_serializer(
            "ComplaintRequest",
            {
                "category": serializers.IntegerField(),
                "district": serializers.IntegerField(),
                "tehsil": serializers.IntegerField(required=False),
                "description": serializers.CharField(),
                "mobile": serializers.CharField(help_text="03XXXXXXXXX"),
                "cnic_last4": serializers.CharField(),
                "email": serializers.EmailField(required=False),
                "latitude": serializers.DecimalField(9, 6, required=False),
                "longitude": serializers.DecimalField(9, 6, required=False),
                "evidence": serializers.ListField(child=serializers.FileField(), required=False),
            },
        ),
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
        auth=[],
    )
    def post(self, request):
        data = {k: request.data.get(k, "") for k in ComplaintForm.base_fields if k != "evidence"}
        files = {"evidence": request.FILES.getlist("evidence")} if request.FILES else {}
        form = ComplaintForm(data, files)
        if not form.is_valid():
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
            return Response({"errors": errors}, status=400, headers=NO_STORE)
        d = form.cleaned_data
        try:
            complaint = services.file_complaint(
                actor=services.portal_actor(),
                client=client_ip(request),
                category=d["category"],
                district=d["district"],
                tehsil=d["tehsil"],
                description=d["description"],
                mobile=d["mobile"],
                cnic_last4=d["cnic_last4"],
                email=d["email"],
                name=d["name"],
                latitude=d["latitude"],
                longitude=d["longitude"],
                uploads=d["evidence"],
                language=get_language() or "en",
            )
        except ValidationError as exc:
            return Response({"errors": _errors(exc)}, status=400, headers=NO_STORE)
        except ActionRefused as exc:
            return Response({"detail": str(exc.message)}, status=429, headers=NO_STORE)
        view = selectors.public_view(complaint)
        return Response(
            {**view.as_dict(), "duplicate": complaint.duplicate_of_id is not None},
            status=status.HTTP_201_CREATED,
            headers=NO_STORE,
        )


def _find(request):
    """(complaint, error response)."""
    ref = tracking.normalise(str(request.data.get("reference", "")))
    verdict = track_limits.check(client=track_limits.client_of(request), reference=ref)
    if not verdict.allowed:
        return None, Response(
            {"detail": _("Too many attempts. Please try again later.")},
            status=verdict.unavailable and 503 or 429,
            headers={**NO_STORE, "Retry-After": str(verdict.retry_after)},
        )
    complaint = services.find_for_citizen(ref, str(request.data.get("second_factor", "")))
    if complaint is None:
        track_limits.record_failure(reference=ref)
        return None, Response(
            {
                "detail": _(
                    "We could not find a complaint with this tracking number and these four "
                    "digits. Check both against your acknowledgement."
                )
            },
            status=404,
            headers=NO_STORE,
        )
    return complaint, None


_LOOKUP = inline_serializer(
    "ComplaintLookup",
    {"reference": serializers.CharField(), "second_factor": serializers.CharField()},
)


class StatusView(_Public):
    @extend_schema(
        summary="Where a complaint stands",
        request=_LOOKUP,
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
        auth=[],
    )
    def post(self, request):
        complaint, error = _find(request)
        if error:
            return error
        return Response(selectors.public_view(complaint).as_dict(), headers=NO_STORE)


class FeedbackView(_Public):
    @extend_schema(
        summary="Rate a resolved complaint",
        request=inline_serializer(
            "ComplaintFeedback",
            {
                "reference": serializers.CharField(),
                "second_factor": serializers.CharField(),
                "satisfied": serializers.BooleanField(),
                "comment": serializers.CharField(required=False),
            },
        ),
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
        auth=[],
    )
    def post(self, request):
        complaint, error = _find(request)
        if error:
            return error
        satisfied = request.data.get("satisfied")
        if isinstance(satisfied, str):
            satisfied = {"true": True, "yes": True, "false": False, "no": False}.get(
                satisfied.lower()
            )
        if not isinstance(satisfied, bool):
            return Response(
                {"errors": {"satisfied": [_("Say whether you are satisfied: true or false.")]}},
                status=400,
                headers=NO_STORE,
            )
        try:
            complaint = services.give_feedback(
                actor=services.portal_actor(),
                complaint=complaint,
                satisfied=satisfied,
                comment=str(request.data.get("comment", "")),
            )
        except ValidationError as exc:
            return Response({"errors": _errors(exc)}, status=400, headers=NO_STORE)
        except ActionRefused as exc:
            return Response({"detail": str(exc.message)}, status=409, headers=NO_STORE)
        return Response(selectors.public_view(complaint).as_dict(), headers=NO_STORE)
