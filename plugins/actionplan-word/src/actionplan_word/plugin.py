"""The plugin module named by the ``actionplan`` entry point: registers the two importers."""

from __future__ import annotations

import actionplan

from .docx_importer import DOCX_IMPORTER
from .measurements import XLSX_MEASUREMENTS_IMPORTER


@actionplan.hookimpl
def actionplan_register_importers(register):
    register(DOCX_IMPORTER)
    register(XLSX_MEASUREMENTS_IMPORTER)
