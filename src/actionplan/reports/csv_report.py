"""CSV: one row per indicator, for spreadsheets and scripts.

UTF-8 with a byte-order mark so Excel shows « é » and « œ » (option ``bom``); a semicolon
between cells and a decimal comma in French (what Excel expects with fr-CA regional
settings), a comma and a decimal point in English (options ``delimiter`` and ``decimal``).
Text cells that a spreadsheet could take for a formula are neutralised with a leading
apostrophe; numbers and dates written by actionplan stay numbers and ISO dates.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from ..errors import ActionplanError
from . import ReportContext, ReportFormat, ReportOption
from .safety import neutralise_formula
from .view import PlanView, display_fraction
from ..i18n import Message

_HUNDRED = Decimal(100)

COLUMNS = (
    "col.theme", "col.objective", "col.action", "col.indicator_id", "col.indicator", "col.kind", "col.unit",
    "col.target_num", "col.target", "col.value_num", "col.value", "col.progress_pct", "col.expected_pct",
    "col.status", "col.schedule", "col.start", "col.end", "col.last_measured", "col.partners", "col.territories",
    "col.manual",
)


def render_csv(plan, ctx: ReportContext) -> bytes:
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    delimiter = "\t" if ctx.options["delimiter"] == "tab" else ctx.options["delimiter"]
    decimal_mark = ctx.options["decimal"]
    if decimal_mark == delimiter:
        raise ActionplanError(Message("reports.csv.csv_delimiter_decimal_mark_must"))

    def number(value: Decimal | None) -> str:
        if value is None:
            return ""
        text = format(value.quantize(Decimal("0.01")).normalize(), "f") if value != value.to_integral_value() \
            else format(value.quantize(Decimal(1)), "f")
        return text.replace(".", decimal_mark)

    def percent(fraction: Decimal | None) -> str:
        return number(fraction * _HUNDRED) if fraction is not None else ""

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([loc(key) for key in COLUMNS])
    for row in view.rows():
        ip, indicator, action = row.progress, row.indicator, row.action.action
        bounds = ip.bounds
        text = [
            row.theme.theme.title, row.objective.objective.title, action.title, indicator.id, indicator.label,
            loc.kind(indicator.kind), indicator.unit or "",
        ]
        writer.writerow([
            *map(neutralise_formula, text),
            number(ip.target if ip.target is not None else indicator.target),
            neutralise_formula(view.target_text(ip)),
            number(ip.value),
            neutralise_formula(view.value_text(ip)),
            percent(display_fraction(ip)),
            percent(ip.expected),
            neutralise_formula(loc.status(ip.status)),
            neutralise_formula(action.schedule.text if action.schedule else ""),
            bounds.start.isoformat() if bounds else "",
            bounds.end.isoformat() if bounds else "",
            ip.latest.date.isoformat() if ip.latest is not None else "",
            neutralise_formula(view.partners_text(action)),
            neutralise_formula(view.territories_text(action)),
            neutralise_formula(view.manual_text(ip.manual)),
        ])
    payload = buffer.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + payload) if ctx.options["bom"] else payload


CSV_FORMAT = ReportFormat(
    name="csv",
    extension=".csv",
    description="CSV: one row per indicator (UTF-8 with BOM, formula-safe)",
    render=render_csv,
    media_type="text/csv; charset=utf-8",
    options=(
        ReportOption("delimiter", "cell separator: ';' (default in French), ',' (default in English) or tab",
                     default={"fr": ";", "en": ","}, type="choice", choices=(";", ",", "tab")),
        ReportOption("decimal", "decimal mark of numbers: ',' (default in French) or '.' (default in English)",
                     default={"fr": ",", "en": "."}, type="choice", choices=(",", ".")),
        ReportOption("bom", "start with a UTF-8 byte-order mark so Excel reads the accents", default=True,
                     type="bool"),
    ),
)
