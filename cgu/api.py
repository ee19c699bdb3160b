"""REST API of the CGU (/api/v1/cgu/...).

- ``cgu/returns/``: returns for CGU staff (token or session): list, enter (JSON rows or a
  CSV/XLSX upload), read, take up, accept, send back, resubmit. Every write calls the same
  service as the screens. Errors: 400 with ``errors`` (row, column, message) for a return
  that does not validate, 403 outside the CGU, 404, 409 when refused now.
- ``cgu/published/...``: anyone, no sign-in: the registry, KPIs, periods and **accepted
  figures only** (``cgu.selectors.published``).

The views are here; what they read and write is in ``cgu.serializers``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cgu import access, services
from cgu.models import KpiDefinition, KpiReturn, PublicSectorEntity, ReportingPeriod
from cgu.selectors import published, returns
from cgu.serializers import (
    FigureSerializer,
    FiguresInput,
    KpiSerializer,
    PeriodSerializer,
    PublicEntitySerializer,
    ReturnDetailSerializer,
    ReturnSerializer,
    SendBackInput,
    SubmitInput,
)
from organisation.models import Department


class IsCguStaff(permissions.BasePermission):
    message = "These endpoints are for the Corporate Governance Unit."

    def has_permission(self, request, view):
        return access.is_cgu_staff(request.user)


class NoSuchReturn(DRFNotFound):
    default_detail = gettext_lazy(
        "There is no such return. A return is named by its number, as in "
        "/api/v1/cgu/returns/12/accept/."
    )


class ReturnPagination(CursorPagination):
    ordering = ("-submitted_at", "-id")


# ---------------------------------------------------------------- staff: returns


class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """KPI returns, every version, for CGU staff."""

    permission_classes = [permissions.IsAuthenticated, IsCguStaff]
    queryset = KpiReturn.objects.none()  # for the schema; get_queryset() answers requests
    pagination_class = ReturnPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ReturnSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return KpiReturn.objects.select_related(
                "entity__department", "period", "submitted_by", "reviewed_by"
            ).prefetch_related("values__kpi")
        params = self.request.query_params
        return returns.returns_list(
            status=params.get("status") or None,
            period=ReportingPeriod.objects.filter(code=params.get("period", "")).first(),
            entity=PublicSectorEntity.objects.filter(code=params.get("entity", "")).first(),
        )

    def get_serializer_class(self):
        return ReturnDetailSerializer if self.action == "retrieve" else ReturnSerializer

    def _detail(self, kpi_return, code=status.HTTP_200_OK):
        kpi_return = (
            KpiReturn.objects.select_related(
                "entity__department", "period", "submitted_by", "reviewed_by"
            )
            .prefetch_related("values__kpi")
            .get(pk=kpi_return.pk)
        )
        return Response(ReturnDetailSerializer(kpi_return).data, status=code)

    @extend_schema(request=SubmitInput, responses={201: ReturnDetailSerializer})
    def create(self, request):
        """Enter a PSE's first return for a period (rows as JSON, or the template uploaded)."""
        data = SubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        kpi_return = services.return_submit(
            actor=request.user,
            entity=v["entity"],
            period=v["period"],
            received_on=v.get("received_on"),
            **data.figures(),
        )
        return self._detail(kpi_return, status.HTTP_201_CREATED)

    def _get(self, pk) -> KpiReturn:
        if not str(pk).isdigit():
            raise NoSuchReturn()
        kpi_return = KpiReturn.objects.select_related("entity", "period").filter(pk=pk).first()
        if kpi_return is None:
            raise NoSuchReturn()
        return kpi_return

    @extend_schema(request=None, responses=ReturnDetailSerializer)
    @action(detail=True, methods=["post"], url_path="take-up")
    def take_up(self, request, pk=None):
        r = services.return_take_up(actor=request.user, kpi_return=self._get(pk))
        return self._detail(r)

    @extend_schema(request=None, responses=ReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        r = services.return_accept(actor=request.user, kpi_return=self._get(pk))
        return self._detail(r)

    @extend_schema(request=SendBackInput, responses=ReturnDetailSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        data = SendBackInput(data=request.data)
        data.is_valid(raise_exception=True)
        r = services.return_send_back(
            actor=request.user,
            kpi_return=self._get(pk),
            reasons=data.validated_data["reasons"],
        )
        return self._detail(r)

    @extend_schema(request=FiguresInput, responses={201: ReturnDetailSerializer})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        data = FiguresInput(data=request.data)
        data.is_valid(raise_exception=True)
        r = services.return_resubmit(
            actor=request.user,
            kpi_return=self._get(pk),
            received_on=data.validated_data.get("received_on"),
            **data.figures(),
        )
        return self._detail(r, status.HTTP_201_CREATED)


# ---------------------------------------------------------------- public: published only


class PublicPagination(CursorPagination):
    page_size = 500
    ordering = ("id",)


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []  # public data: no session, no CSRF
    lookup_field = "code"


class PublishedEntityViewSet(PublicReadOnly):
    """The registry of public sector entities (no contact details)."""

    serializer_class = PublicEntitySerializer
    pagination_class = None
    queryset = PublicSectorEntity.objects.none()  # for the schema

    def get_queryset(self):
        department = Department.objects.filter(
            code=self.request.query_params.get("department", "")
        ).first()
        return published.public_entities(
            department=department, entity_type=self.request.query_params.get("type") or None
        )


class PublishedKpiViewSet(PublicReadOnly):
    serializer_class = KpiSerializer
    pagination_class = None
    queryset = KpiDefinition.objects.filter(is_active=True)


class PublishedPeriodViewSet(PublicReadOnly):
    """Periods with published figures."""

    serializer_class = PeriodSerializer
    pagination_class = None
    queryset = ReportingPeriod.objects.none()  # for the schema

    def get_queryset(self):
        return published.published_periods(kind=self.request.query_params.get("kind") or None)


@extend_schema(
    parameters=[
        OpenApiParameter(name, str, description=desc)
        for name, desc in [
            ("entity", "entity code, e.g. LRH-MTI"),
            ("department", "department code, e.g. HED"),
            ("kpi", "KPI code, e.g. UTIL_PCT"),
            ("period", "period code, e.g. 2025-Q3"),
            ("type", "entity type"),
        ]
    ]
)
class PublishedFigureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Accepted figures only: the latest accepted version of each entity's return for each
    period. Returned, unreviewed and superseded figures are never here."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    serializer_class = FigureSerializer
    pagination_class = PublicPagination

    def get_queryset(self):
        p = self.request.query_params

        def find(model, key):
            code = p.get(key)
            if not code:
                return None
            obj = model.objects.filter(code=code).first()
            if obj is None:
                raise Http404
            return obj

        return published.published_figures(
            entity=find(PublicSectorEntity, "entity"),
            department=find(Department, "department"),
            kpi=find(KpiDefinition, "kpi"),
            period=find(ReportingPeriod, "period"),
            entity_type=p.get("type") or None,
        )
