"""One table, three ways out: the HTML table beside a chart, the CSV download and the JSON
download are all rendered from the same ``DataTable``, so the downloads hold exactly the
numbers the page shows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True
    unit: str = ""
    #: shown for an empty cell instead of "not reported" (e.g. "none disposed of")
    none_label: str = ""
    #: a code or period like 2025-Q3: kept left to right inside Urdu text
    ltr: bool = False


@dataclass
class DataTable:
    """Rows of values keyed by column; ``None`` in a numeric cell means "not reported"."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    caption: str = ""
    source: str = ""

    @property
    def cells(self) -> list[list[tuple[Column, object]]]:
        """For templates: each row as (column, value) pairs in column order."""
        return [[(col, row.get(col.key)) for col in self.columns] for row in self.rows]

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.label + (f" ({c.unit})" if c.unit else "") for c in self.columns])
        for row in self.rows:
            writer.writerow(
                ["" if row.get(c.key) is None else row.get(c.key) for c in self.columns]
            )
        return out.getvalue()

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "source": self.source,
            "columns": [
                {"key": c.key, "label": c.label, "numeric": c.numeric, "unit": c.unit}
                for c in self.columns
            ],
            "rows": [{c.key: row.get(c.key) for c in self.columns} for row in self.rows],
            "note": _("null means not reported"),
        }


def csv_text(tables: list[DataTable]) -> str:
    """Several tables in one CSV: each under a line with its title, a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, table in enumerate(tables):
        if i:
            out.write("\n")
        writer.writerow([table.title])
        out.write(table.as_csv())
    return out.getvalue()


def csv_response(
    table: DataTable | None, filename: str, *, text: str | None = None
) -> HttpResponse:
    """``table`` (or ``text`` already written, e.g. by ``csv_text``) as a CSV download."""
    body = table.as_csv() if text is None else text
    # UTF-8 with a byte-order mark so spreadsheet programs read Urdu names correctly.
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def json_response(tables: list[DataTable], filename: str, **extra) -> JsonResponse:
    payload = {**extra, "tables": {t.slug: t.as_json() for t in tables}}
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{filename}.json"'
    return response


def bidi_isolate(text) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a chart's label
    takes its direction from its own first letter, as ``dir="auto"`` does in HTML. Canvas
    text has no markup, so "8 سے 30 دن" in an Urdu legend, or "2025-Q3" beside Urdu, kept
    the surrounding direction and read in the wrong order."""
    text = str(text)
    return text if text.startswith("\u2068") else f"\u2068{text}\u2069"


def chart_data(labels: list[str], datasets: list[dict], **options) -> dict:
    """The data of a Chart.js chart, for ``json_script``; ``static/js/portal-charts.js``
    draws it. Every label (categories and legend) is isolated (``bidi_isolate``)."""
    return {
        "labels": [bidi_isolate(label) for label in labels],
        "datasets": [{**d, "label": bidi_isolate(d.get("label", ""))} for d in datasets],
        **options,
    }
