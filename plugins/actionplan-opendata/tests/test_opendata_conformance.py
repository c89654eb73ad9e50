"""The report format conformance kit on the open-data exports: IATI and 360Giving."""

from __future__ import annotations

import actionplan
from actionplan.testing import ReportFormatConformance


class TestIati(ReportFormatConformance):
    """An IATI activity speaks the plan's language (its ``xml:lang``), whatever the report's."""

    format_name = "iati"
    language_aware = False
    option_sets = ({}, {"org-ref": "CA-CRA_ACR-1"})


class TestThreeSixtyGiving(ReportFormatConformance):
    """360Giving publishes the grants of a program: plans without one are refused, clearly."""

    format_name = "threesixtygiving"
    needs_program = True

    def options_for(self, sample, folder):
        if sample.applications is None:
            return {}
        path = folder / f"{sample.name}-demandes.yaml"
        if not path.exists():
            actionplan.dump(sample.applications, path)
        return {"applications": str(path)}
