"""Reading and checking a KPI return: rows from a form, a CSV or an XLSX file, every row
checked, every error collected (with its row and column) before anything is saved.

The template Daftar offers for download has one row per KPI the entity reports:

    entity_code, period, kpi_code, kpi_name, unit, value

Only ``kpi_code`` and ``value`` are required columns; ``entity_code`` and ``period``, when
present, must name the return's entity and period; ``kpi_name`` and ``unit`` are for the
person filling it in and are ignored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from cgu.models import KpiDefinition, PublicSectorEntity, ReportingPeriod
from documents.intake import from_bytes, types
from documents.intake.zip_checks import check_office
from kernel.errors import ValidationError

COLUMNS = ["entity_code", "period", "kpi_code", "kpi_name", "unit", "value"]
REQUIRED_COLUMNS = ["kpi_code", "value"]
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
# A return is a few dozen rows: its XLSX unpacked is far below these (the template Daftar
# gives out is under 20 KB). Checked before openpyxl opens the file (``_parse_xlsx``).
XLSX_MAX_UNPACKED_BYTES = 20 * 1024 * 1024
XLSX_MAX_WHOLE_PART_BYTES = 2 * 1024 * 1024
MAX_ABS_VALUE = Decimal("1e16")  # what DecimalField(max_digits=18, decimal_places=2) holds
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    """One problem in a return. ``row`` is the spreadsheet row (the header is row 1) or the
    form line; None when the problem is the return as a whole (a missing KPI)."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None and not self.column:
            return str(self.message)  # the file as a whole
        if self.row is None:
            return _("Column %(column)s: %(message)s") % {
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ReturnRejected(ValidationError):
    """The return has errors; nothing was saved. ``row_errors`` lists every one."""

    def __init__(self, row_errors: Sequence[RowError]):
        self.row_errors = list(row_errors)
        super().__init__([str(e) for e in self.row_errors])

    def api_detail(self) -> dict:
        """The API's 400 body (``kernel.api``): every error by row and column."""
        return {
            "errors": [
                {"row": e.row, "column": e.column, "message": str(e.message)}
                for e in self.row_errors
            ]
        }


@dataclass
class Row:
    number: int
    cells: dict[str, str]


@dataclass
class Parsed:
    """Rows read from a form, API call or upload, with where they came from."""

    rows: list[Row]
    source: str  # KpiReturn.Source value
    filename: str = ""
    sha256: str = ""
    content: bytes = b""
    mime_type: str = ""
    errors: list[RowError] = field(default_factory=list)


def _norm_header(name) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # openpyxl gives numbers as floats; repr is the shortest exact round trip.
        return repr(value)
    return str(value).strip()


def rows_from_mappings(items: Iterable[Mapping]) -> list[Row]:
    """Rows given directly (form lines, API JSON), numbered from 1."""
    return [
        Row(number=i, cells={_norm_header(k): _cell(v) for k, v in item.items()})
        for i, item in enumerate(items, start=1)
    ]


def _table_to_rows(header, body) -> tuple[list[Row], list[RowError]]:
    columns = [_norm_header(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return [], [
            RowError(1, c, _("The header row has no %(column)s column.") % {"column": c})
            for c in missing
        ]
    rows = []
    for offset, values in enumerate(body, start=2):
        values = list(values)
        cells = {
            col: _cell(values[i]) if i < len(values) else "" for i, col in enumerate(columns) if col
        }
        rows.append(Row(number=offset, cells=cells))
    return rows, []


def _parse_csv(content: bytes) -> tuple[list[Row], list[RowError]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(None, "", _("The file is not UTF-8 text. Save it as CSV UTF-8."))]
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return [], [RowError(None, "", _("The CSV file cannot be read: %(e)s") % {"e": exc})]
    if not table:
        return [], [RowError(None, "", _("The file is empty."))]
    return _table_to_rows(table[0], table[1:])


def _within_limits(content: bytes) -> list[RowError]:
    """The documents pipeline's ZIP checks, with a return's tighter limits: a zip bomb, an
    encrypted or macro-carrying workbook is refused before any parser opens it."""

    intake = from_bytes(content, kind="return", name="return.xlsx")
    intake.mime = types.XLSX
    try:
        check_office(
            intake,
            max_unpacked=XLSX_MAX_UNPACKED_BYTES,
            max_whole_part=XLSX_MAX_WHOLE_PART_BYTES,
        )
    except ValidationError as exc:
        return [RowError(None, "", message) for message in exc.messages]
    return []


def _parse_xlsx(content: bytes) -> tuple[list[Row], list[RowError]]:
    from openpyxl import load_workbook

    refused = _within_limits(content)
    if refused:
        return [], refused
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        return [], [RowError(None, "", _("The Excel file cannot be opened."))]
    try:
        sheet = workbook.worksheets[0]
        table = [list(r) for r in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    finally:
        workbook.close()
    if not table:
        return [], [RowError(None, "", _("The file is empty."))]
    return _table_to_rows(table[0], table[1:])


def sniff(content: bytes) -> str:
    """What the bytes are — "xlsx", "csv" or "" — whatever the file is called."""
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                if "xl/workbook.xml" in zf.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            return ""
        return ""
    head = content[:4096]
    if b"\x00" in head:
        return ""
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the 4 KiB boundary is still text.
        if exc.start < len(head) - 4:
            return ""
    return "csv"


def parse_upload(upload) -> Parsed:
    """Read an uploaded CSV or XLSX (a Django ``UploadedFile`` or any file-like object with a
    ``name``). The content decides the type, never the file name."""
    name = getattr(upload, "name", "") or "upload"
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return Parsed([], "", name, errors=[RowError(None, "", _("The file is larger than 2 MB."))])
    kind = sniff(content) if content else ""
    if not content:
        errors = [RowError(None, "", _("The file is empty."))]
        return Parsed([], "", name, errors=errors)
    if kind == "xlsx":
        rows, errors = _parse_xlsx(content)
        mime = XLSX_MIME
    elif kind == "csv":
        rows, errors = _parse_csv(content)
        mime = "text/csv"
    else:
        errors = [RowError(None, "", _("Upload the return as a CSV or Excel (.xlsx) file."))]
        return Parsed([], "", name, errors=errors)
    if len(rows) > MAX_ROWS:
        errors.append(RowError(None, "", _("The file has more than %(n)s rows.") % {"n": MAX_ROWS}))
    return Parsed(
        rows=rows,
        source=kind,
        filename=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        mime_type=mime,
        errors=errors,
    )


def parse_number(raw: str) -> Decimal | None:
    """A figure as people type it: spaces and thousands separators allowed."""
    cleaned = raw.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(raw)
    if not value.is_finite():
        raise ValueError(raw)
    return value


def kpis_for(entity_type: str) -> list[KpiDefinition]:
    """The active KPIs an entity of this type reports, in template order."""
    return [k for k in KpiDefinition.objects.filter(is_active=True) if k.applies_to(entity_type)]


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def validate(
    *, entity: PublicSectorEntity, period: ReportingPeriod, rows: Sequence[Row]
) -> dict[int, Decimal]:
    """Check every row and return ``{kpi_id: value}``; raise ``ReturnRejected`` with every
    problem found (unknown KPI, wrong entity or period, not a number, out of range,
    duplicate, missing required KPI) if there is any."""
    all_kpis = {k.code.upper(): k for k in KpiDefinition.objects.filter(is_active=True)}
    type_label = entity.get_type_display()
    errors: list[RowError] = []
    values: dict[int, Decimal] = {}
    first_row: dict[int, int] = {}

    for row in rows:
        cells = row.cells
        if not any(cells.values()):
            continue  # blank line
        n = row.number
        entity_code = cells.get("entity_code", "")
        if entity_code and entity_code.upper() != entity.code.upper():
            errors.append(
                RowError(
                    n,
                    "entity_code",
                    _("This row is for %(got)s; the return is for %(want)s.")
                    % {"got": entity_code, "want": entity.code},
                )
            )
        period_code = cells.get("period", "")
        if period_code and period_code.upper() != period.code.upper():
            errors.append(
                RowError(
                    n,
                    "period",
                    _("This row is for period %(got)s; the return is for %(want)s.")
                    % {"got": period_code, "want": period.code},
                )
            )
        code = cells.get("kpi_code", "").upper()
        kpi = all_kpis.get(code)
        if not code:
            errors.append(RowError(n, "kpi_code", _("No KPI code.")))
        elif kpi is None:
            errors.append(
                RowError(n, "kpi_code", _("Unknown KPI code “%(code)s”.") % {"code": code})
            )
        elif not kpi.applies_to(entity.type):
            errors.append(
                RowError(
                    n,
                    "kpi_code",
                    _("%(code)s is not reported by entities of type %(type)s.")
                    % {"code": kpi.code, "type": type_label},
                )
            )
            kpi = None
        elif kpi.pk in first_row:
            errors.append(
                RowError(
                    n,
                    "kpi_code",
                    _("%(code)s appears twice (first on row %(row)s).")
                    % {"code": kpi.code, "row": first_row[kpi.pk]},
                )
            )
            kpi = None
        if kpi is not None:
            first_row[kpi.pk] = n

        raw = cells.get("value", "")
        try:
            value = parse_number(raw)
        except ValueError:
            errors.append(RowError(n, "value", _("“%(raw)s” is not a number.") % {"raw": raw[:40]}))
            continue
        if value is None:
            # An optional KPI may be left blank (the template lists every KPI).
            if kpi is not None and kpi.is_required:
                errors.append(
                    RowError(n, "value", _("No value for %(code)s.") % {"code": kpi.code})
                )
            continue
        if abs(value) >= MAX_ABS_VALUE:
            errors.append(RowError(n, "value", _("The value is too large.")))
            continue
        if value != value.quantize(Decimal("0.01")):
            errors.append(RowError(n, "value", _("Use at most two decimal places.")))
            continue
        if kpi is None:
            continue
        if kpi.whole_numbers_only and value != value.to_integral_value():
            errors.append(
                RowError(n, "value", _("%(code)s must be a whole number.") % {"code": kpi.code})
            )
            continue
        too_low = kpi.min_value is not None and value < kpi.min_value
        too_high = kpi.max_value is not None and value > kpi.max_value
        if too_low or too_high:
            errors.append(
                RowError(
                    n,
                    "value",
                    _("%(value)s is outside the valid range of %(code)s (%(low)s to %(high)s).")
                    % {
                        "value": _fmt(value),
                        "code": kpi.code,
                        "low": _fmt(kpi.min_value) or "−∞",
                        "high": _fmt(kpi.max_value) or "∞",
                    },
                )
            )
            continue
        values[kpi.pk] = value

    for kpi in all_kpis.values():
        if kpi.is_required and kpi.applies_to(entity.type) and kpi.pk not in first_row:
            errors.append(
                RowError(
                    None,
                    "kpi_code",
                    _("The required KPI %(code)s (%(name)s) is missing.")
                    % {"code": kpi.code, "name": kpi.name},
                )
            )
    if not errors and not values:
        errors.append(RowError(None, "value", _("The return has no figures.")))
    if errors:
        raise ReturnRejected(errors)
    return values


# ---- the template offered for download ----


def template_rows(entity: PublicSectorEntity, period: ReportingPeriod) -> list[list[str]]:
    rows = [COLUMNS]
    for kpi in kpis_for(entity.type):
        rows.append([entity.code, period.code, kpi.code, kpi.name_en, kpi.get_unit_display(), ""])
    return rows


def template_csv(entity, period) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows(entity, period))
    # BOM so that Excel opens Urdu and symbols correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(entity, period) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Return"
    for row in template_rows(entity, period):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF4D6")
    last = sheet.max_row
    for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=6, max_col=6):
        cell.fill = fill
    if last >= 2:
        check = DataValidation(
            type="decimal", operator="between", formula1="-1E15", formula2="1E15"
        )
        check.error = "Enter a number"
        sheet.add_data_validation(check)
        check.add(f"F2:F{last}")
    for letter, width in zip("ABCDEF", [14, 10, 18, 42, 14, 16], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
