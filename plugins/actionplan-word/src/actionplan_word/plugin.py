"""The plugin module named by the ``actionplan`` entry point: registers the two importers and the catalogue."""

from __future__ import annotations

from pathlib import Path

import actionplan
from actionplan.api import Catalogue

#: The plugin's own message catalogue (``locale/<lang>/LC_MESSAGES/actionplan_word.po``).
CATALOGUE = Catalogue("actionplan_word", Path(__file__).parent / "locale")


@actionplan.hookimpl
def actionplan_register_catalogues(register):
    register(CATALOGUE)


@actionplan.hookimpl
def actionplan_register_importers(register):
    from .docx_importer import DOCX_IMPORTER  # imported when importers are asked for, not when plugins load
    from .measurements import XLSX_MEASUREMENTS_IMPORTER

    register(DOCX_IMPORTER)
    register(XLSX_MEASUREMENTS_IMPORTER)
