"""The built-in report formats, registered through the same hook as any plugin's."""

from __future__ import annotations

from ..hookspecs import hookimpl


@hookimpl
def actionplan_register_report_formats(register):
    # imported when formats are gathered, not when plugins load: the HTML format brings in Jinja2
    from .csv_report import CSV_FORMAT
    from .html import HTML_FORMAT
    from .json_report import JSON_FORMAT
    from .bilan import BILAN_HTML_FORMAT, BILAN_MARKDOWN_FORMAT
    from .markdown import MARKDOWN_FORMAT

    for fmt in (HTML_FORMAT, MARKDOWN_FORMAT, CSV_FORMAT, JSON_FORMAT, BILAN_HTML_FORMAT, BILAN_MARKDOWN_FORMAT):
        register(fmt)
