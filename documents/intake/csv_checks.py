"""CSV tables (KPI returns, draft annexures): UTF-8 text that parses as a table, with no cell
that a spreadsheet would run as a formula ("CSV injection")."""

from __future__ import annotations

import codecs
import csv
import io
import re

from django.utils.translation import gettext as _

from documents.intake.base import Intake
from kernel.errors import ValidationError

# A cell a spreadsheet would treat as a formula. Plain signed numbers ("-12.5", "+3") are fine.
_FORMULA = re.compile(r"^[\s]*(?:[=@\t\r]|[+\-](?![\d.,\s]*$))")


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def check_csv(intake: Intake) -> None:
    raw = b"".join(intake.chunks())
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raw_text = None
    else:
        try:
            raw_text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raw_text = None
    if raw_text is None:
        raise ValidationError(
            _(
                "The table is not saved as UTF-8, so Urdu and other text would come out "
                "garbled. In Excel choose 'CSV UTF-8', in LibreOffice 'Unicode (UTF-8)', and "
                "upload again."
            ),
            code="csv_encoding",
        )
    try:
        dialect = csv.Sniffer().sniff(raw_text[: 64 * 1024], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = csv.reader(io.StringIO(raw_text, newline=""), dialect)
        for row_number, row in enumerate(rows, start=1):
            for col, cell in enumerate(row):
                if cell and _FORMULA.match(cell):
                    raise ValidationError(
                        _(
                            "Cell %(cell)s of the table starts like a spreadsheet formula "
                            "(%(start)s), which could run when someone opens the file. Remove "
                            "the formula (paste values only) and upload again."
                        )
                        % {"cell": f"{_column_name(col)}{row_number}", "start": cell.strip()[:1]},
                        code="csv_formula",
                    )
    except csv.Error:
        raise ValidationError(
            _("The table cannot be read as CSV. Export it again as CSV and upload the new file."),
            code="csv_unreadable",
        )
