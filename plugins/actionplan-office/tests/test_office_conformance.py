"""The report format conformance kit on the office formats: XLSX, DOCX and iCalendar."""

from __future__ import annotations

from actionplan.testing import ReportFormatConformance


class TestXlsx(ReportFormatConformance):
    format_name = "xlsx"


class TestDocx(ReportFormatConformance):
    format_name = "docx"
    option_sets = ({}, {"progress": False, "mission": False})


class TestIcs(ReportFormatConformance):
    format_name = "ics"
    option_sets = ({}, {"meetings": False})


class TestXlsxPlan(ReportFormatConformance):
    format_name = "xlsx-plan"


class TestCsvPlan(ReportFormatConformance):
    format_name = "csv-plan"
