"""The Excel measurements importer: a sheet of (indicator, date, value, note) rows.

Round tables record progress in a spreadsheet; this reads it into a tracking log for the
plan given in the context. Each row is checked against its indicator's kind (a count
needs a number, a qualitative indicator a level of its scale, a deliverable « oui » or
« non », a rate a value or « 12/20 »…). Every bad row is reported with its row number
and column, and a file with any bad row yields nothing: all rows are recorded, or none.

Columns are found by their header (French or English, accents and case ignored):
``indicateur``, ``date``, ``valeur``, ``note``; optional ``territoire``, ``numérateur``,
``dénominateur``, ``niveau``, ``fait``, ``territoires``, ``preuve``, ``saisi par``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from actionplan.api import (
    DEFAULT_SCALE,
    N_,
    ImportContext,
    Importer,
    ImportResult,
    Issue,
    SourceError,
    ValidationError,
    Verbatim,
    fold,
    french_date,
    resolve_territory,
)

from .safety import check_package

MAX_XLSX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000

#: column name → header words that name it (folded)
COLUMNS = {
    "indicator": ("indicateur", "indicator", "id indicateur", "indicator id", "id"),
    "date": ("date",),
    "value": ("valeur", "value", "resultat", "result"),
    "note": ("note", "remarque", "commentaire", "comment"),
    "territory": ("territoire", "territory"),
    "territories": ("territoires", "territories", "territoires couverts"),
    "numerator": ("numerateur", "numerator"),
    "denominator": ("denominateur", "denominator"),
    "level": ("niveau", "level", "appreciation"),
    "done": ("fait", "realise", "done"),
    "evidence": ("preuve", "source", "evidence"),
    "recorded_by": ("saisi par", "auteur", "recorded by", "author"),
}
_TRUE = {"oui", "yes", "vrai", "true", "x", "fait", "realise", "realisee", "1", "done"}
_FALSE = {"non", "no", "faux", "false", "0", "pas fait", "non realise"}
_FRACTION = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)\s*$")


def read_xlsx_measurements(raw: bytes, ctx: ImportContext) -> ImportResult:
    if ctx.plan is None:
        raise SourceError(ctx.source, ctx.t("word.xlsx.plan_needed"))
    check_package(raw, ctx, required="xl/workbook.xml", kind="Excel")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input is a user error
        error = f"{type(exc).__name__}: {exc}"
        raise SourceError(ctx.source, ctx.t("word.xlsx.unreadable", error=error)) from None
    try:
        sheet = _sheet(workbook, ctx)
        rows = _limited_rows(sheet, ctx)
        return _SheetReader(ctx, sheet.title).read(rows)
    finally:
        workbook.close()


def _sheet(workbook, ctx: ImportContext):
    name = ctx.options.get("sheet")
    if not name:
        return workbook.worksheets[0]
    if name not in workbook.sheetnames:
        raise SourceError(ctx.source, ctx.t("word.xlsx.no_sheet", sheet=repr(name)),
                          expected=", ".join(workbook.sheetnames))
    return workbook[name]


def _limited_rows(sheet, ctx: ImportContext) -> list[tuple[int, tuple]]:
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            raise SourceError(ctx.source, ctx.t("word.xlsx.too_many_rows", limit=MAX_ROWS))
        rows.append((number, tuple(values)))
    return rows


class _SheetReader:
    def __init__(self, ctx: ImportContext, sheet: str):
        self.ctx = ctx
        self.t = ctx.t
        self.sheet = sheet
        self.plan = ctx.plan
        self.indicators = {i.id: i for *_, i in self.plan.iter_indicators()}
        self.issues: list[Issue] = []

    def where(self, row: int, column: int | None = None) -> str:
        if column is None:
            return self.t("word.xlsx.sheet_row", sheet=self.sheet, row=row)
        from openpyxl.utils import get_column_letter

        return self.t("word.xlsx.sheet_row_column", sheet=self.sheet, row=row, column=get_column_letter(column + 1))

    def error(self, row: int, column: int | None, code: str, *, expected: str | None = None, found: Any = None,
              **params: Any) -> None:
        """An issue of the cell at ``row``, ``column``: ``code`` (the plugin's catalogue) says what is wrong."""
        self.issues.append(Issue(self.where(row, column), self.t(code, **params),
                                 expected=None if expected is None else Verbatim(expected),
                                 found=None if found is None else Verbatim(repr(found))))

    def read(self, rows: list[tuple[int, tuple]]) -> ImportResult:
        filled = [(n, values) for n, values in rows if any(_present(v) for v in values)]
        if not filled:
            raise SourceError(self.ctx.source, self.t("word.xlsx.empty_sheet"),
                              location=self.t("word.xlsx.sheet", sheet=self.sheet))
        position = next((i for i, (_, values) in enumerate(filled[:10]) if self._looks_like_header(values)), 0)
        header_row, header = filled[position]
        columns = self._columns(header_row, header)
        measurements = []
        for number, values in filled[position + 1:]:
            measurement = self._row(number, values, columns)
            if measurement is not None:
                measurements.append(measurement)
        if self.issues:
            raise ValidationError(self.issues, self.ctx.source)
        if not measurements:
            raise SourceError(self.ctx.source, self.t("word.xlsx.no_measurement"),
                              location=self.where(header_row))
        return ImportResult({"plan": self.plan.id, "measurements": measurements})

    @staticmethod
    def _looks_like_header(values: tuple) -> bool:
        """A row naming the indicator column (titles above it are skipped)."""
        return any(fold(str(v or "")).strip(" :*") in COLUMNS["indicator"] for v in values)

    def _columns(self, number: int, header: tuple) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, value in enumerate(header):
            key = fold(str(value or "")).strip(" :*")
            for name, words in COLUMNS.items():
                if key in words and name not in found:
                    found[name] = index
                    break
        missing = [name for name in ("indicator", "date") if name not in found]
        if not any(name in found for name in ("value", "numerator", "level", "done", "territories")):
            missing.append("value")
        if missing:
            names = {"indicator": N_("word.xlsx.column.indicator"), "date": N_("word.xlsx.column.date"),
                     "value": N_("word.xlsx.column.value")}
            raise SourceError(self.ctx.source, self.t("word.xlsx.incomplete_header"),
                              location=self.where(number), expected=self.t("word.xlsx.columns_expected"),
                              found=self.t("word.xlsx.header_missing",
                                           header=" | ".join(str(v) for v in header if _present(v)),
                                           missing=", ".join(self.t(names[m]) for m in missing)))
        return found

    def _cell(self, values: tuple, columns: dict[str, int], name: str) -> Any:
        index = columns.get(name)
        if index is None or index >= len(values):
            return None
        value = values[index]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def _row(self, number: int, values: tuple, columns: dict[str, int]) -> dict | None:
        before = len(self.issues)
        indicator_id = self._cell(values, columns, "indicator")
        indicator = None
        if indicator_id is None:
            self.error(number, columns["indicator"], N_("word.xlsx.missing_indicator"),
                       expected=self.t("word.xlsx.indicator_expected"))
        else:
            indicator_id = str(indicator_id)
            indicator = self.indicators.get(indicator_id)
            if indicator is None:
                close = difflib.get_close_matches(indicator_id, list(self.indicators), n=1)
                self.issues.append(Issue(self.where(number, columns["indicator"]),
                                         self.t("word.xlsx.unknown_indicator"), found=Verbatim(repr(indicator_id)),
                                         hint=self.t("word.xlsx.did_you_mean", close=repr(close[0])) if close else None))
        day = self._date(number, columns, values)
        measurement: dict[str, Any] = {"date": day, "indicator": indicator_id}
        if indicator is not None:
            measurement.update(self._value(number, columns, values, indicator))
        for name in ("note", "evidence", "recorded_by", "territory"):
            value = self._cell(values, columns, name)
            if value is not None:
                measurement[name] = str(value)
        if "territory" in measurement:
            measurement["territory"] = self._territory(number, columns["territory"], measurement["territory"])
        return measurement if len(self.issues) == before else None

    def _date(self, number: int, columns: dict[str, int], values: tuple) -> dt.date | None:
        value = self._cell(values, columns, "date")
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
            match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
            if match:
                try:
                    return dt.date(int(match[3]), int(match[2]), int(match[1]))
                except ValueError:
                    pass
            written = french_date(value)
            if written:
                return written
        self.error(number, columns["date"],
                   N_("word.xlsx.unreadable_date") if value is not None else N_("word.xlsx.missing_date"),
                   expected=self.t("word.xlsx.date_expected"), found=value)
        return None

    def _value(self, number: int, columns: dict[str, int], values: tuple, indicator) -> dict:
        kind = indicator.kind
        value = self._cell(values, columns, "value")
        column = columns.get("value")
        if kind == "qualitative":
            level = self._cell(values, columns, "level") or value
            scale = indicator.scale or DEFAULT_SCALE
            if isinstance(level, str) and level in scale:
                return {"level": level}
            matched = next((s for s in scale if isinstance(level, str) and fold(s) == fold(level)), None)
            if matched:
                return {"level": matched}
            self.error(number, columns.get("level", column), N_("word.xlsx.level_expected"),
                       expected=" | ".join(scale), found=level, indicator=indicator.id)
            return {}
        if kind in ("deliverable", "milestone"):
            done = self._cell(values, columns, "done")
            done = value if done is None else done
            if isinstance(done, bool):
                return {"done": done}
            text = fold(str(done)) if done is not None else ""
            if text in _TRUE:
                return {"done": True}
            if text in _FALSE:
                return {"done": False}
            self.error(number, columns.get("done", column), N_("word.xlsx.yes_no_expected"), expected="oui | non",
                       found=done, indicator=indicator.id)
            return {}
        if kind == "coverage":
            listed = self._cell(values, columns, "territories") or value
            if not isinstance(listed, str):
                self.error(number, columns.get("territories", column), N_("word.xlsx.territories_expected"),
                           expected="mrc:roussillon, mrc:les-maskoutains…", found=listed)
                return {}
            territories = [self._territory(number, columns.get("territories", column), part.strip())
                           for part in re.split(r"[,;]", listed) if part.strip()]
            return {"territories": [t for t in territories if t]}
        if kind == "rate":
            numerator, denominator = self._cell(values, columns, "numerator"), self._cell(values, columns, "denominator")
            if numerator is not None or denominator is not None:
                return {"numerator": self._number(number, columns.get("numerator"), numerator),
                        "denominator": self._number(number, columns.get("denominator"), denominator)}
            match = _FRACTION.match(value) if isinstance(value, str) else None
            if match:
                return {"numerator": _decimal(match[1]), "denominator": _decimal(match[2])}
        return {"value": self._number(number, column, value, negative=kind not in ("count", "tracked", "minimum"))}

    def _number(self, number: int, column: int | None, value: Any, negative: bool = True) -> Decimal | None:
        result = None
        if isinstance(value, bool):
            result = None
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, float):
            result = Decimal(repr(value))
        elif isinstance(value, str):
            result = _decimal(value)
        if result is None or not result.is_finite():
            self.error(number, column, N_("word.xlsx.number_expected"), expected="12, 12,5", found=value)
            return None
        if result < 0 and not negative:
            self.error(number, column, N_("word.xlsx.negative_count"), found=value)
            return None
        return result

    def _territory(self, number: int, column: int | None, value: str) -> str | None:
        territory = resolve_territory(value)
        if territory is None:
            self.error(number, column, N_("word.xlsx.unknown_territory"), expected=self.t("word.xlsx.territory_expected"),
                       found=value)
        return territory


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _decimal(text: str) -> Decimal | None:
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").removesuffix("%").replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


XLSX_MEASUREMENTS_IMPORTER = Importer(
    name="xlsx",
    extensions=(".xlsx",),
    description="Mesures de suivi dans une feuille Excel : indicateur | date | valeur | note",
    read=read_xlsx_measurements,
    produces="tracking",
    max_bytes=MAX_XLSX_BYTES,
)
