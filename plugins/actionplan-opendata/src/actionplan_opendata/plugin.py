"""The plugin module named by the ``actionplan`` entry point: registers the two formats."""

from __future__ import annotations

import actionplan

from .iati import IATI_FORMAT
from .threesixty import THREESIXTY_FORMAT


@actionplan.hookimpl
def actionplan_register_report_formats(register):
    register(IATI_FORMAT)
    register(THREESIXTY_FORMAT)
