"""The entities' own API (/api/v1/entity/...), for an entity whose finance system files its
returns from its export. Tokens are scoped to the entity (``accounts.scopes``: an entity
user's token reaches this part of the API only, and a staff token cannot be one of theirs).

- ``entity/returns/``: every version of our returns (list, read).
- ``entity/drafts/``: save a draft (JSON rows or the CSV/XLSX template uploaded; 400 with
  every error by row and column), read it, ``certify`` (the head), ``submit`` (once certified).

Another entity's ids are 404, as on the portal.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.scopes import scope_id
from cgu import access
from cgu.models import EntityDraft, KpiReturn
from cgu.serializers import (
    EntityDraftInput,
    EntityDraftSerializer,
    ReturnDetailSerializer,
    ReturnSerializer,
)
from cgu.services import entity as entity_services


class IsEntityUser(permissions.BasePermission):
    message = "These endpoints are for the people of a public sector entity."

    def has_permission(self, request, view):
        member = access.entity_membership(request.user)
        if member is None:
            return False
        token = request.auth
        scope = getattr(token, "scope", None)
        # A token must be scoped to the member's own entity (sessions have no token).
        return scope is None or scope_id(scope, "entity") == member.entity_id


class EntityPagination(CursorPagination):
    ordering = ("-submitted_at", "-id")


class EntityReturnViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Every version of our entity's returns, with the CGU's status and reasons."""

    permission_classes = [permissions.IsAuthenticated, IsEntityUser]
    pagination_class = EntityPagination
    queryset = KpiReturn.objects.none()  # for the schema

    def get_queryset(self):
        member = access.entity_membership(self.request.user)
        qs = KpiReturn.objects.filter(entity_id=member.entity_id).select_related(
            "entity__department", "period", "submitted_by", "reviewed_by"
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related("values__kpi")
        return qs

    def get_serializer_class(self):
        return ReturnDetailSerializer if self.action == "retrieve" else ReturnSerializer


class EntityDraftViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Our drafts: save (create or replace the period's draft), certify, submit."""

    permission_classes = [permissions.IsAuthenticated, IsEntityUser]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = EntityDraftSerializer
    queryset = EntityDraft.objects.none()  # for the schema

    def get_queryset(self):
        member = access.entity_membership(self.request.user)
        return (
            EntityDraft.objects.filter(entity_id=member.entity_id)
            .select_related("entity", "period", "prepared_by", "certified_by")
            .defer("upload_content")
        )

    def _get(self, pk) -> EntityDraft:
        if not str(pk).isdigit():
            raise Http404
        draft = self.get_queryset().filter(pk=pk).first()
        if draft is None:
            raise Http404
        return draft

    def _out(self, draft, code=status.HTTP_200_OK):
        return Response(EntityDraftSerializer(self._get(draft.pk)).data, status=code)

    @extend_schema(request=EntityDraftInput, responses={201: EntityDraftSerializer})
    def create(self, request):
        """Save the period's draft from JSON rows or the template uploaded; a certified
        draft saved again must be certified again."""
        data = EntityDraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        member = access.entity_membership(request.user)
        figures = (
            {"upload": v["upload"]}
            if "upload" in v
            else {"rows": [dict(r) for r in v["rows"]], "source": KpiReturn.Source.API}
        )
        draft = entity_services.draft_save(
            actor=request.user,
            entity=member.entity,
            period=v["period"],
            **figures,
        )
        return self._out(draft, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EntityDraftSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        """The head certifies the draft (not one they prepared alone, when others exist)."""
        draft = entity_services.draft_certify(actor=request.user, draft=self._get(pk))
        return self._out(draft)

    @extend_schema(request=None, responses={201: ReturnDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a certified draft to the CGU: the return's next version."""
        kpi_return = entity_services.draft_submit(actor=request.user, draft=self._get(pk))
        kpi_return = (
            KpiReturn.objects.select_related(
                "entity__department", "period", "submitted_by", "reviewed_by"
            )
            .prefetch_related("values__kpi")
            .get(pk=kpi_return.pk)
        )
        return Response(ReturnDetailSerializer(kpi_return).data, status=status.HTTP_201_CREATED)
