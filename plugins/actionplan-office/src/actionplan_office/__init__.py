"""actionplan-office: XLSX, DOCX and iCalendar report formats, registered as an actionplan plugin.

Installed, it adds three formats to ``actionplan report`` and ``actionplan formats``
through the ``actionplan`` entry-point group (``office = "actionplan_office"``):

* ``xlsx`` — :mod:`actionplan_office.spreadsheet` (openpyxl);
* ``docx`` — :mod:`actionplan_office.word` (python-docx);
* ``ics`` — :mod:`actionplan_office.calendar_ics` (icalendar).
"""

from __future__ import annotations

import actionplan

__version__ = "0.1.0"


@actionplan.hookimpl
def actionplan_register_report_formats(register):
    from .calendar_ics import ICS_FORMAT
    from .spreadsheet import XLSX_FORMAT
    from .word import DOCX_FORMAT

    register(XLSX_FORMAT)
    register(DOCX_FORMAT)
    register(ICS_FORMAT)
