"""actionplan-word: plans from Word tables and measurements from Excel sheets.

The importers are registered through ``actionplan_register_importers`` by
:mod:`actionplan_word.plugin`; they share the layout reader of the built-in text importer
(:mod:`actionplan.importers.layout`), so a plan reads the same from a ``.docx`` and from
its text extraction.
"""

__version__ = "0.1.0"
