"""actionplan-opendata: plans and grants as IATI 2.03 XML and 360Giving JSON.

Both are report formats (:class:`actionplan.reports.ReportFormat`) registered by
:mod:`actionplan_opendata.plugin`; see ``docs/opendata.md``.
"""

__version__ = "0.1.0"
