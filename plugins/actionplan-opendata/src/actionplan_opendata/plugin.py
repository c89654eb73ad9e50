"""The plugin module named by the ``actionplan`` entry point: registers the two formats."""

from __future__ import annotations

from pathlib import Path

import actionplan
from actionplan.api import Catalogue


#: The plugin's own message catalogue (``locale/<lang>/LC_MESSAGES/actionplan_opendata.po``).
CATALOGUE = Catalogue("actionplan_opendata", Path(__file__).parent / "locale")


@actionplan.hookimpl
def actionplan_register_catalogues(register):
    register(CATALOGUE)


@actionplan.hookimpl
def actionplan_register_report_formats(register):
    from .iati import IATI_FORMAT  # imported when report formats are asked for, not when plugins load
    from .threesixty import THREESIXTY_FORMAT

    register(IATI_FORMAT)
    register(THREESIXTY_FORMAT)
