"""REST API of papers (/api/v1/papers/): adding a version, through the same service as the
screen. Domain errors answer as everywhere in the API (``kernel.api``): 400 invalid, 403 not
your desk, 404 not yours to see, 409 final."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import selectors, services
from kernel.errors import ValidationError


class VersionInput(serializers.Serializer):
    upload = serializers.FileField()


class PaperVersions(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=VersionInput,
        responses={
            201: inline_serializer(
                "NewVersion",
                {
                    "paper": serializers.IntegerField(),
                    "version": serializers.IntegerField(),
                    "id": serializers.IntegerField(),
                    "sha256": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request, paper_id: int):
        """Add a new version of a paper (multipart, field ``upload``)."""
        paper = selectors.paper_for(user=request.user, paper_id=paper_id)
        data = VersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            version = services.paper_add_version(
                actor=request.user, paper=paper, upload=data.validated_data["upload"]
            )
        except ValidationError as exc:
            # The upload is what was invalid: its messages go under the field's name (other
            # domain errors answer as everywhere, kernel.api).
            raise serializers.ValidationError({"upload": exc.messages}) from None
        return Response(
            {
                "paper": paper.pk,
                "version": version.number,
                "id": version.pk,
                "sha256": version.sha256,
            },
            status=status.HTTP_201_CREATED,
        )
