"""actionplan-office: XLSX, DOCX and iCalendar report formats, registered as an actionplan plugin.

Installed, it adds three formats to ``actionplan report`` and ``actionplan formats``
through the ``actionplan`` entry-point group (``office = "actionplan_office"``):

* ``xlsx`` — :mod:`actionplan_office.spreadsheet` (openpyxl);
* ``docx`` — :mod:`actionplan_office.word` (python-docx);
* ``ics`` — :mod:`actionplan_office.calendar_ics` (icalendar);
* ``xlsx-plan`` and ``csv-plan`` — the plan itself as an editable workbook, or one CSV row per
  indicator (:mod:`actionplan_office.plan_workbook`), read back by ``actionplan import``
  through the importers of the same names;
* ``actionplan due PLAN --format ics`` — :mod:`actionplan_office.due_ics`: what each organisation
  owes, as to-dos (the ``actionplan_render_due`` hook).
<<<<<<< HEAD
* ``bilan-docx`` — the bilan between two periods (``actionplan bilan PLAN A B -f docx``),
  :mod:`actionplan_office.bilan_word`.
=======
* ``xlsx`` score sheets of a selection committee (``actionplan grants scores -f xlsx``),
  :mod:`actionplan_office.score_sheet`.
>>>>>>> 565a158 (grants allocate (fund in rank order within the fiscal year, partial funding, waiting list, remainder; --commit through the approval chain, all or none) and grants scores (score sheets: HTML in the core, XLSX in actionplan-office, new hook actionplan_register_score_sheet_formats); docs/grants.md walks through check → allocate → --commit → ledger)
"""

from __future__ import annotations

from pathlib import Path

import actionplan
from actionplan.api import Catalogue

__version__ = "0.1.0"

#: The plugin's own message catalogue (``locale/<lang>/LC_MESSAGES/actionplan_office.po``).
CATALOGUE = Catalogue("actionplan_office", Path(__file__).parent / "locale")


@actionplan.hookimpl
def actionplan_register_catalogues(register):
    register(CATALOGUE)


@actionplan.hookimpl
def actionplan_render_due(report, format, lang):
    from .due_ics import render

    return render(report, format, lang)


@actionplan.hookimpl
def actionplan_register_importers(register):
    from .plan_workbook import PLAN_CSV_IMPORTER, PLAN_WORKBOOK_IMPORTER

    register(PLAN_WORKBOOK_IMPORTER)
    register(PLAN_CSV_IMPORTER)


@actionplan.hookimpl
def actionplan_register_score_sheet_formats(register):
    from .score_sheet import XLSX_SCORE_SHEET

    register(XLSX_SCORE_SHEET)


@actionplan.hookimpl
def actionplan_register_report_formats(register):
    from .bilan_word import BILAN_DOCX_FORMAT
    from .calendar_ics import ICS_FORMAT
    from .plan_workbook import PLAN_CSV_FORMAT, PLAN_WORKBOOK_FORMAT
    from .spreadsheet import XLSX_FORMAT
    from .word import DOCX_FORMAT

    register(XLSX_FORMAT)
    register(DOCX_FORMAT)
    register(ICS_FORMAT)
    register(PLAN_WORKBOOK_FORMAT)
    register(PLAN_CSV_FORMAT)
    register(BILAN_DOCX_FORMAT)
