"""Keeping hostile text inert in spreadsheets and Markdown.

A plan's text comes from many hands. In a spreadsheet a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return may be read as a formula (``=HYPERLINK(…)``,
``+cmd|' /C calc'!A0``, ``@SUM(…)``); prefixing it with an apostrophe makes it text, the
way spreadsheet users do by hand (OWASP "CSV injection"). In Markdown, ``<`` and ``&``
are escaped so no viewer turns text into HTML, and ``|`` so it cannot break a table.
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or CR).

    Write such text as a string cell, or through :func:`neutralise_formula` in CSV.
    """
    return text.startswith(FORMULA_PREFIXES)


def neutralise_formula(text: str) -> str:
    """``"=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``; other text is returned unchanged."""
    return "'" + text if is_formula_like(text) else text


def markdown_text(text: str | None) -> str:
    """Text for a Markdown paragraph or table cell: inline HTML and table breaks escaped."""
    if text is None:
        return ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace("\\", "\\\\").replace("|", "\\|")
    escaped = escaped.replace("*", "\\*").replace("_", "\\_").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")
    return re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", escaped).strip()  # one line: a newline would end a table row


_XML_ILLEGAL = dict.fromkeys([*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])
_CONTROLS = dict.fromkeys([*_XML_ILLEGAL, 0x7F])


def xml_text(text: str | None) -> str:
    """Text an XML document (XLSX, DOCX) can hold: control characters other than tab and newlines removed."""
    return "" if text is None else text.translate(_XML_ILLEGAL)


def printable(text: str) -> str:
    """Text without the control characters HTML and iCalendar forbid (all but tab and line ends, and DEL)."""
    return text.translate(_CONTROLS)
