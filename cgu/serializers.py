"""The CGU API's serializers (``cgu.api`` and ``cgu.entity_api`` have the views): returns and
their figures as staff and entities read and send them, and the published registry, KPIs,
periods and figures as anyone reads them.
"""

from __future__ import annotations

from rest_framework import serializers

from cgu.models import (
    EntityDraft,
    KpiDefinition,
    KpiReturn,
    KpiValue,
    PublicSectorEntity,
    ReportingPeriod,
)

# ---------------------------------------------------------------- staff: returns


class ValueSerializer(serializers.ModelSerializer):
    kpi = serializers.CharField(source="kpi.code")
    unit = serializers.CharField(source="kpi.unit")

    class Meta:
        model = KpiValue
        fields = ["kpi", "unit", "value"]


class ReturnSerializer(serializers.ModelSerializer):
    # Plain text, not an enum: keeps the OpenAPI enum names free of a "status" collision.
    status = serializers.CharField(
        read_only=True, help_text="submitted, under_review, accepted or returned"
    )
    entity = serializers.CharField(source="entity.code")
    department = serializers.CharField(source="entity.department.code")
    period = serializers.CharField(source="period.code")
    submitted_by = serializers.CharField(source="submitted_by.username")
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True)

    class Meta:
        model = KpiReturn
        fields = [
            "id",
            "entity",
            "department",
            "period",
            "version",
            "status",
            "is_published",
            "source",
            "received_on",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "decided_at",
            "reasons",
            "paper",
            "paper_status",
            "enclosure",
        ]


class ReturnDetailSerializer(ReturnSerializer):
    values = ValueSerializer(many=True)

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "values"]


class RowSerializer(serializers.Serializer):
    kpi_code = serializers.CharField(max_length=40, allow_blank=True)
    value = serializers.CharField(max_length=40, allow_blank=True)
    entity_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    period = serializers.CharField(max_length=40, required=False, allow_blank=True)


class FiguresInput(serializers.Serializer):
    """Either ``rows`` (JSON) or ``upload`` (multipart: the CSV/XLSX template filled in)."""

    received_on = serializers.DateField(required=False)
    rows = RowSerializer(many=True, required=False)
    upload = serializers.FileField(required=False)

    def validate(self, attrs):
        if ("rows" in attrs) == ("upload" in attrs):
            raise serializers.ValidationError("Send either rows or upload.")
        return attrs

    def figures(self) -> dict:
        data = self.validated_data
        if "upload" in data:
            return {"upload": data["upload"]}
        return {"rows": [dict(r) for r in data["rows"]], "source": KpiReturn.Source.API}


class SubmitInput(FiguresInput):
    entity = serializers.SlugRelatedField(
        slug_field="code", queryset=PublicSectorEntity.objects.all()
    )
    period = serializers.SlugRelatedField(slug_field="code", queryset=ReportingPeriod.objects.all())


class SendBackInput(serializers.Serializer):
    reasons = serializers.CharField(max_length=4000)


# ---------------------------------------------------------------- entities: their drafts


class EntityDraftSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.code")
    period = serializers.CharField(source="period.code")
    prepared_by = serializers.CharField(source="prepared_by.username")
    certified_by = serializers.CharField(source="certified_by.username", allow_null=True)
    state = serializers.CharField(help_text="draft, certified or submitted")
    kpi_return = serializers.IntegerField(source="kpi_return_id", allow_null=True)

    class Meta:
        model = EntityDraft
        fields = [
            "id",
            "entity",
            "period",
            "state",
            "rows",
            "source",
            "prepared_by",
            "prepared_at",
            "certified_by",
            "certified_at",
            "kpi_return",
        ]


class EntityDraftInput(serializers.Serializer):
    """Either ``rows`` (JSON) or ``upload`` (multipart: the CSV/XLSX template filled in)."""

    period = serializers.SlugRelatedField(slug_field="code", queryset=ReportingPeriod.objects.all())
    rows = RowSerializer(many=True, required=False)
    upload = serializers.FileField(required=False)

    def validate(self, attrs):
        if ("rows" in attrs) == ("upload" in attrs):
            raise serializers.ValidationError("Send either rows or upload.")
        return attrs


# ---------------------------------------------------------------- public: published only


class PublicEntitySerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name_en")

    class Meta:
        model = PublicSectorEntity
        fields = ["code", "name_en", "name_ur", "type", "department", "department_name"]


class KpiSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiDefinition
        fields = [
            "code",
            "name_en",
            "name_ur",
            "unit",
            "category",
            "entity_types",
            "aggregation",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["code", "kind", "starts_on", "ends_on", "deadline"]


class FigureSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="kpi_return.entity.code")
    department = serializers.CharField(source="kpi_return.entity.department.code")
    period = serializers.CharField(source="kpi_return.period.code")
    kpi = serializers.CharField(source="kpi.code")
    unit = serializers.CharField(source="kpi.unit")
    version = serializers.IntegerField(source="kpi_return.version")
    accepted_at = serializers.DateTimeField(source="kpi_return.decided_at")

    class Meta:
        model = KpiValue
        fields = [
            "entity",
            "department",
            "period",
            "kpi",
            "unit",
            "value",
            "version",
            "accepted_at",
        ]
