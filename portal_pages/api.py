"""The public tracking API: ``POST /api/v1/track/`` with ``reference`` and ``second_factor``
(JSON or form), answered like the tracking page and under the same rate limits.

POST, not GET, so that the second factor never lands in an access log or a browser history.
No authentication, no session and no CSRF: the answer is the public projection only."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal_pages.track import TrackingForm, lookup

NO_STORE = {"Cache-Control": "no-store, private", "Vary": "Cookie, Accept-Language"}


class TrackView(APIView):
    """Where a citizen's matter stands (``found``), or the same 404 for an unknown
    reference and a wrong second factor; 429 with ``Retry-After`` when rate-limited."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]
    throttle_classes: list = []

    @extend_schema(
        summary="Track a citizen's matter",
        request=inline_serializer(
            "TrackRequest",
            {
                "reference": serializers.CharField(help_text="e.g. K7M2Q-X9PT4"),
                "second_factor": serializers.CharField(
                    help_text="last four digits of the CNIC or mobile number"
                ),
            },
        ),
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
            429: OpenApiTypes.OBJECT,
        },
        examples=[
            OpenApiExample("lookup", value={"reference": "K7M2Q-X9PT4", "second_factor": "1234"})
        ],
        auth=[],
    )
    def post(self, request):
        form = TrackingForm(
            {
                "reference": str(request.data.get("reference", "")),
                "second_factor": str(request.data.get("second_factor", "")),
            }
        )
        if not form.is_valid():
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
            return Response(
                {"found": False, "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
                headers=NO_STORE,
            )
        result = lookup(
            request,
            reference=form.cleaned_data["reference"],
            second_factor=form.cleaned_data["second_factor"],
        )
        if result.limited:
            return Response(
                {"found": False, "detail": result.message, "retry_after": result.retry_after},
                status=result.http_status,
                headers={**NO_STORE, "Retry-After": str(result.retry_after)},
            )
        if result.status is None:
            return Response(
                {"found": False, "detail": result.message},
                status=status.HTTP_404_NOT_FOUND,
                headers=NO_STORE,
            )
        return Response({"found": True, **result.status.as_dict()}, headers=NO_STORE)

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {
                "detail": _(
                    "Send the tracking number and the four digits by POST, not in the address."
                )
            },
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
            headers={**NO_STORE, "Allow": "POST, OPTIONS"},
        )
