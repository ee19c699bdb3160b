"""The desk's search API: ``GET /api/v1/search/`` and ``GET /api/v1/search/go/``, with the same
visibility rule as the staff screens (session or token authentication)."""

from __future__ import annotations

from django.utils.html import escape
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

import search
from search.types import SORTS, Filters
from workspace.models import File
from workspace.search.views import file_urls


class HitSerializer(serializers.Serializer):
    file_id = serializers.IntegerField()
    number = serializers.CharField()
    subject = serializers.CharField()
    subject_html = serializers.CharField(help_text="The subject, HTML-escaped, matches in <mark>.")
    snippet_html = serializers.CharField(
        help_text="A passage of the notes, receipts or papers, HTML-escaped, matches in <mark>."
    )
    department_id = serializers.IntegerField()
    department = serializers.CharField()
    section = serializers.CharField()
    holding_post = serializers.CharField(help_text="The post holding the file now ('' if none).")
    status = serializers.CharField()
    priority = serializers.IntegerField()
    grading = serializers.IntegerField()
    opened_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    desk_since = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    url = serializers.CharField(help_text="The file's page on the staff desk.")


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    department = FacetValueSerializer(many=True)
    status = FacetValueSerializer(many=True)
    priority = FacetValueSerializer(many=True)
    year = FacetValueSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Matches counted, at most total_cap.")
    total_is_capped = serializers.BooleanField(help_text="There are more than total matches.")
    total_cap = serializers.IntegerField()
    facets_capped = serializers.BooleanField(
        help_text="Facet counts are over the newest total_cap matches, not all of them."
    )
    timed_out = serializers.BooleanField()
    sort = serializers.ChoiceField(choices=SORTS)
    next_cursor = serializers.CharField(allow_null=True, help_text="Pass as cursor for more.")
    results = HitSerializer(many=True)
    facets = FacetsSerializer()


class GoResponseSerializer(serializers.Serializer):
    exact = serializers.BooleanField(help_text="True when exactly one file matched.")
    results = HitSerializer(many=True)


_FILTER_PARAMS = [
    OpenApiParameter("department", OpenApiTypes.INT, many=True, description="Department id(s)."),
    OpenApiParameter(
        "status", OpenApiTypes.STR, many=True, enum=[s for s, _ in File.Status.choices]
    ),
    OpenApiParameter(
        "priority", OpenApiTypes.INT, many=True, description="0 routine … 3 most immediate."
    ),
    OpenApiParameter("year", OpenApiTypes.INT, many=True, description="Year the file was opened."),
]


class FileSearchView(APIView):
    """Search the files the caller may see."""

    @extend_schema(
        operation_id="search_files",
        summary="Search files",
        description=(
            "Words in the subject, notes, receipts and papers (English and Urdu), "
            '"phrases", -excluded words, or a file number or whole parts of one '
            "(12-3/2025). Only files the caller may see are counted or returned."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What to look for."),
            *_FILTER_PARAMS,
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS)),
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description="next_cursor of the last page."
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description="1–100, default 20."),
        ],
        responses=SearchResponseSerializer,
        tags=["search"],
    )
    def get(self, request):
        try:
            limit = int(request.query_params.get("limit") or search.DEFAULT_LIMIT)
        except ValueError:
            limit = search.DEFAULT_LIMIT
        results = search.search_files(
            user=request.user,
            query=request.query_params.get("q", ""),
            filters=Filters.from_mapping(dict(request.query_params.lists())),
            sort=request.query_params.get("sort", "relevance"),
            cursor=request.query_params.get("cursor"),
            limit=limit,
        )
        url_of = file_urls()
        for hit in results.hits:
            hit.url = url_of(hit.file_id)
        data = {
            "total": results.total,
            "total_is_capped": results.total_is_capped,
            "total_cap": results.total_cap,
            "facets_capped": results.facets_capped,
            "timed_out": results.timed_out,
            "sort": results.sort,
            "next_cursor": results.next_cursor,
            "results": results.hits,
            "facets": results.facets,
        }
        return Response(SearchResponseSerializer(data).data)


class GoToNumberView(APIView):
    """Find a file by its number."""

    @extend_schema(
        operation_id="search_go_to_number",
        summary="Go to a file by number",
        description=(
            "The exact number first (any case), then files whose number ends with, starts "
            "with, or contains what was given in whole parts. At most 20, newest first."
        ),
        parameters=[OpenApiParameter("number", OpenApiTypes.STR, required=True)],
        responses=GoResponseSerializer,
        tags=["search"],
    )
    def get(self, request):
        found = search.go_to_number(
            user=request.user, number=request.query_params.get("number", "")
        )
        files = [found] if isinstance(found, File) else found
        url_of = file_urls()
        hits = [
            {
                "file_id": f.pk,
                "number": f.number,
                "subject": f.subject,
                "subject_html": escape(f.subject),
                "snippet_html": "",
                "department_id": f.department_id,
                "department": f.department.name,
                "section": f.section.name,
                "holding_post": f.holding_post.designation if f.holding_post else "",
                "status": f.status,
                "priority": f.priority,
                "grading": f.grading,
                "opened_at": f.opened_at,
                "updated_at": f.updated_at,
                "desk_since": f.desk_since,
                "score": None,
                "url": url_of(f.pk),
            }
            for f in files
        ]
        return Response(
            GoResponseSerializer({"exact": isinstance(found, File), "results": hits}).data
        )
