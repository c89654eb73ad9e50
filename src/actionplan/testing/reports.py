"""The report format conformance kit: the tests every report format runs against itself.

Subclass :class:`ReportFormatConformance` in a test module and name your format::

    from actionplan.testing import ReportFormatConformance

    class TestOrgMode(ReportFormatConformance):
        format_name = "org"

The format must be installed (by entry point, or registered for the test). The kit
renders the sample plans of :func:`actionplan.testing.samples.report_samples` — the
project's example plans, a plan with no themes and a plan full of hostile text — in
French and English, and checks what every format promises: bytes, the same bytes for the
same input, declared options, and output that reads back in its own syntax (HTML, XML,
JSON, CSV, iCalendar, Markdown, zip packages such as XLSX and DOCX) with hostile text
kept inert. :func:`output_problems` and :func:`injection_problems` are the two checks,
usable on their own.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from xml.etree import ElementTree

import pytest

from ..errors import ActionplanError
from ..reports import ReportFormat, build_context, get_format
from .samples import INJECTED, INJECTED_LINE, REPORT_SAMPLE_NAMES, ReportSample, report_sample, report_samples

__all__ = ["ReportFormatConformance", "injection_problems", "media_kind", "output_problems"]

LANGUAGES = ("fr", "en")

_ZIP_TYPES = ("application/zip", "application/epub+zip", "application/vnd.openxmlformats-",
              "application/vnd.oasis.opendocument.", "application/vnd.ms-excel.sheet.macroenabled")
#: Characters no HTML, XML or iCalendar document may hold raw (C0 controls but tab and line ends, DEL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"^[-+]?\d[\d\s\u00a0\u202f]*([.,]\d+)?\s*%?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def media_kind(media_type: str) -> str:
    """What the kit can read back: ``html``, ``xml``, ``json``, ``csv``, ``calendar``, ``markdown``,
    ``zip``, ``pdf``, ``text`` (any other ``text/*``) or ``binary`` (nothing to parse)."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base in ("text/html", "application/xhtml+xml"):
        return "html"
    if base.startswith(_ZIP_TYPES):
        return "zip"
    if base == "application/pdf":
        return "pdf"
    if base in ("application/xml", "text/xml") or base.endswith("+xml"):
        return "xml"
    if base == "application/json" or base.endswith("+json"):
        return "json"
    kinds = {"text/csv": "csv", "text/tab-separated-values": "csv", "text/calendar": "calendar",
             "text/markdown": "markdown", "text/x-markdown": "markdown"}
    if base in kinds:
        return kinds[base]
    return "text" if base.startswith("text/") else "binary"


def _charset(media_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", media_type, flags=re.I)
    return match.group(1) if match else "utf-8"


def _decode(payload: bytes, media_type: str, problems: list[str]) -> str | None:
    charset = _charset(media_type)
    try:
        text = payload.decode(charset)
    except (UnicodeDecodeError, LookupError) as exc:
        problems.append(f"not valid {charset} text ({exc})")
        return None
    return text[1:] if text.startswith("\ufeff") else text


class _Html(HTMLParser):
    """Every element and attribute of a page, and end tags that close nothing (parse errors)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.script_texts: list[str] = []
        self.stray: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag not in _VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:  # elements whose end tag HTML lets one omit
                pass
        elif tag not in _VOID:
            self.stray.append(tag)

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] in ("script", "style"):
            self.script_texts.append(data)


def _html(text: str) -> _Html:
    page = _Html()
    page.feed(text)
    page.close()
    return page


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _csv_rows(text: str, problems: list[str]) -> list[list[str]]:
    """The rows of a CSV text, with the delimiter that gives every row the same number of cells."""
    best: list[list[str]] | None = None
    for delimiter in (",", ";", "\t", "|"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        rows = [row for row in rows if row]
        if rows and len({len(row) for row in rows}) == 1 and (best is None or len(rows[0]) > len(best[0])):
            best = rows
    if best is None:
        problems.append("no delimiter (, ; tab |) gives every row the same number of cells: a cell broke its row")
        return []
    return best


def _unfolded_lines(text: str, problems: list[str]) -> list[str]:
    if "\r\n" not in text:
        problems.append("iCalendar lines must end with CRLF")
    lines: list[str] = []
    for line in text.split("\r\n"):
        if "\r" in line or "\n" in line:
            problems.append(f"a bare line break inside a line: {line[:60]!r}")
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    return lines


def _xml_parts(payload: bytes, problems: list[str]) -> Iterator[tuple[str, ElementTree.Element]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        bad = archive.testzip()
    except zipfile.BadZipFile as exc:
        problems.append(f"not a valid zip file ({exc})")
        return
    if bad is not None:
        problems.append(f"zip member {bad} is corrupt")
        return
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")):
            try:
                yield name, ElementTree.fromstring(archive.read(name))
            except ElementTree.ParseError as exc:
                problems.append(f"{name}: not well-formed XML ({exc})")


def output_problems(payload: bytes, media_type: str) -> list[str]:
    """What keeps ``payload`` from reading back as its media type (empty when it does).

    HTML parses with no end tag closing nothing and no raw control character; XML and
    every XML part of a zip package (XLSX, DOCX, ODF…) is well-formed; JSON loads (no
    ``NaN``); CSV reads with one delimiter giving every row the same number of cells;
    iCalendar is CRLF content lines ``NAME[;PARAM…]:value`` with balanced BEGIN/END and
    no control character; a PDF starts with ``%PDF-`` and ends with ``%%EOF``; any
    ``text/*`` decodes in its charset (UTF-8 by default).
    """
    problems: list[str] = []
    if not isinstance(payload, bytes):
        return [f"expected bytes, got {type(payload).__name__}"]
    if not payload:
        return ["the output is empty"]
    kind = media_kind(media_type)
    if kind == "pdf":
        if not payload.startswith(b"%PDF-") or b"%%EOF" not in payload[-1024:]:
            problems.append("a PDF starts with %PDF- and ends with %%EOF")
        return problems
    if kind == "zip":
        archive_names = zipfile.ZipFile(io.BytesIO(payload)).namelist() if zipfile.is_zipfile(io.BytesIO(payload)) else []
        for _ in _xml_parts(payload, problems):
            pass
        if "openxmlformats" in media_type and archive_names and "[Content_Types].xml" not in archive_names:
            problems.append("an Office Open XML package needs [Content_Types].xml")
        return problems
    text = None if kind == "binary" else _decode(payload, media_type, problems)
    if text is None:  # nothing to read as text
        return problems
    if kind == "html":
        page = _html(text)
        if page.stray:
            problems.append(f"end tags that close no element: {sorted(set(page.stray))}")
        if match := _CONTROL.search(text):
            problems.append(f"a raw control character {match.group()!r} (a parse error in HTML)")
    elif kind == "xml":
        try:
            ElementTree.fromstring(payload)
        except ElementTree.ParseError as exc:
            problems.append(f"not well-formed XML ({exc})")
    elif kind == "json":
        def refuse(constant: str) -> None:
            raise ValueError(f"{constant} is not JSON")

        try:
            json.loads(text, parse_constant=refuse)
        except ValueError as exc:
            problems.append(f"not valid JSON ({exc})")
    elif kind == "csv":
        _csv_rows(text, problems)
    elif kind == "calendar":
        lines = _unfolded_lines(text, problems)
        stack: list[str] = []
        for line in lines:
            if not re.match(r"^[A-Za-z0-9-]+(;[^:]*)?:", line):
                problems.append(f"not an iCalendar content line: {line[:60]!r}")
            elif line.startswith(("BEGIN:", "END:")):
                name = line.split(":", 1)[1]
                if line.startswith("BEGIN:"):
                    stack.append(name)
                elif not stack or stack.pop() != name:
                    problems.append(f"END:{name} closes nothing open")
        if stack:
            problems.append(f"never closed: {stack}")
        if lines and (lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR"):
            problems.append("an iCalendar file is one VCALENDAR")
        if match := _CONTROL.search(text.replace("\r\n", "")):
            problems.append(f"a raw control character {match.group()!r} (RFC 5545 forbids them)")
    return problems


def _outside_code(markdown: str) -> str:
    without_fences = re.sub(r"^(```|~~~).*?^\1", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+).*?\1", "", without_fences, flags=re.S)


def injection_problems(payload: bytes, media_type: str) -> list[str]:
    """Where hostile text (:data:`~actionplan.testing.samples.HOSTILE_TEXTS`) became active content.

    Text may show anywhere, as text. It must never become a script, an element or an
    event-handler attribute (HTML, XML, Markdown), a formula or a hyperlink target
    (spreadsheets, word processors), a cell read as a formula (CSV) or a line of its own
    (iCalendar, Markdown): each hostile text carries a marker, and this looks for the
    marker in those places.
    """
    problems: list[str] = []
    kind = media_kind(media_type)
    if kind == "zip":
        for name, root in _xml_parts(payload, []):
            for element in root.iter():
                local = _local(element.tag)
                if local == INJECTED:
                    problems.append(f"{name}: hostile text became an element <{local}>")
                content = element.text or ""
                if local in ("f", "instrText") and INJECTED in content:
                    problems.append(f"{name}: hostile text became a formula or field: {content[:60]!r}")
                for attribute, value in element.attrib.items():
                    if _local(attribute) in ("instr", "Target", "formula") and INJECTED in value:
                        problems.append(f"{name}: hostile text became {_local(attribute)}={value[:60]!r}")
        return problems
    text = None if kind in ("binary", "pdf") else _decode(payload, media_type, problems)
    if text is None:  # nothing to read as text
        return problems
    if kind == "html":
        page = _html(text)
        for tag, attributes in page.elements:
            if tag == INJECTED:
                problems.append(f"hostile text became an element <{tag}>")
            for attribute, handler in attributes.items():
                if attribute.startswith("on") and INJECTED in (handler or ""):
                    problems.append(f"hostile text became an event handler {attribute}={handler!r} on <{tag}>")
        if any(INJECTED in script for script in page.script_texts):
            problems.append("hostile text runs inside a <script> or <style>")
    elif kind == "xml":
        try:
            root = ElementTree.fromstring(payload)
        except ElementTree.ParseError:
            return problems  # output_problems says so
        if any(_local(element.tag) == INJECTED for element in root.iter()):
            problems.append(f"hostile text became an element <{INJECTED}>")
    elif kind == "csv":
        for row in _csv_rows(text, []):
            for cell in row:
                if cell.startswith(_FORMULA_START) and not _NUMBER.match(cell):
                    problems.append(f"a cell a spreadsheet reads as a formula: {cell[:60]!r}")
    elif kind == "markdown":
        code_free = _outside_code(text)
        if re.search(rf"<\s*(script|{INJECTED})\b", code_free, flags=re.I):
            problems.append("hostile text became raw HTML in the Markdown")
        if re.search(rf"\bon\w+\s*=\s*[\"']?[^\"'>]*{INJECTED}", code_free) and "<" in code_free:
            problems.append("hostile text became an HTML event handler in the Markdown")
    if kind in ("markdown", "calendar", "text"):
        lines = _unfolded_lines(text, []) if kind == "calendar" else re.split(r"\r\n|\r|\n", text)
        for line in lines:
            if line.lstrip("#> ").startswith(INJECTED_LINE) or line.startswith(f"SUMMARY:{INJECTED_LINE}"):
                problems.append(f"hostile text started a line of its own: {line[:60]!r}")
    return problems


def _message(error: ActionplanError, lang: str) -> str:
    return error.message(lang)


class ReportFormatConformance:
    """Every behaviour a :class:`~actionplan.reports.ReportFormat` promises, as tests.

    Class attributes to set:

    * ``format_name`` — the registered name of the format under test (required);
    * ``option_sets`` — option values to render every sample with, besides the defaults
      (each a mapping, as ``-O name=value`` would give);
    * ``language_aware`` — ``True`` (the default) when the output has words of its own, so
      that French and English outputs of the same plan differ; set ``False`` for an
      export of data only;
    * ``needs_program`` — ``True`` when the format renders grant programs only: a plan
      without one must then be refused with a clear error in both languages.

    Override :meth:`options_for` when an option depends on the sample (a file to read).
    """

    format_name: ClassVar[str] = ""
    option_sets: ClassVar[tuple[Mapping[str, Any], ...]] = ({},)
    language_aware: ClassVar[bool] = True
    needs_program: ClassVar[bool] = False

    # -- fixtures and hooks to override --------------------------------------------------
    @pytest.fixture
    def report_format(self) -> ReportFormat:
        """The format under test: the installed format named ``format_name``."""
        if not self.format_name:
            pytest.fail("set format_name in your ReportFormatConformance subclass")
        return get_format(self.format_name)

    def options_for(self, sample: ReportSample, folder: Path) -> dict[str, Any]:
        """Options a sample needs (``folder`` is a fresh directory for files); none by default."""
        return {}

    # -- helpers ---------------------------------------------------------------------------
    def refuses(self, sample: ReportSample) -> bool:
        """Whether the format may refuse ``sample`` (with a clear error): plans without a program."""
        return self.needs_program and sample.plan.program is None

    def render(self, fmt: ReportFormat, sample: ReportSample, lang: str, folder: Path,
               options: Mapping[str, Any] | None = None) -> bytes:
        """The format's own ``render`` called as :func:`~actionplan.reports.render_report` would."""
        given = {**self.options_for(sample, folder), **(options or {})}
        ctx = build_context(sample.plan, as_of=sample.as_of, lang=lang, options=given, fmt=fmt)
        payload = fmt.render(sample.plan, ctx)
        assert isinstance(payload, bytes), f"{fmt.name} returned {type(payload).__name__}, not bytes"
        assert payload, f"{fmt.name} returned no bytes for the {sample.name} sample"
        return payload

    def rendered(self, fmt: ReportFormat, sample: ReportSample, lang: str, folder: Path,
                 options: Mapping[str, Any] | None = None) -> bytes | None:
        """The output, checked; ``None`` when the format refused a sample it may refuse, clearly."""
        if self.refuses(sample):
            with pytest.raises(ActionplanError) as caught:
                self.render(fmt, sample, lang, folder, options)
            self.assert_clear_error(caught.value)
            return None
        payload = self.render(fmt, sample, lang, folder, options)
        problems = output_problems(payload, fmt.media_type)
        assert not problems, f"{fmt.name} ({fmt.media_type}) on the {sample.name} sample in {lang}: {problems}"
        return payload

    @staticmethod
    def assert_clear_error(error: ActionplanError, *names: str) -> None:
        """An error a person can act on: worded in French and in English, naming ``names``."""
        fr, en = _message(error, "fr"), _message(error, "en")
        assert fr.strip() and en.strip(), "the error has no message"
        assert fr != en, f"the error is not worded in French: {en!r}"
        for name in names:
            assert name in fr and name in en, f"the error does not name {name!r}: {en!r}"

    def first_rendered(self, fmt: ReportFormat, folder: Path) -> ReportSample:
        return next(s for s in report_samples() if not self.refuses(s) and s.name != "empty")

    # -- the declaration -------------------------------------------------------------------
    def test_the_format_is_declared_fully(self, report_format):
        assert isinstance(report_format, ReportFormat)
        assert report_format.name == self.format_name
        assert report_format.description.strip(), "describe the format (actionplan formats shows it)"
        assert report_format.media_type.strip() and "/" in report_format.media_type
        assert "plan" in report_format.subjects

    def test_every_option_has_a_name_a_description_and_a_valid_default(self, report_format):
        for option in report_format.options:
            assert option.description.strip(), f"option {option.name!r} has no description"
            for lang in LANGUAGES:
                default = option.default_for(lang)
                if default is not None:
                    option.parse(default, report_format.name)  # an invalid default raises here
                if option.type == "choice" and default is not None:
                    assert str(default) in option.choices, f"default of {option.name!r} is not one of its choices"

    def test_an_unknown_option_is_refused_clearly(self, report_format, tmp_path):
        sample = self.first_rendered(report_format, tmp_path)
        with pytest.raises(ActionplanError) as caught:
            self.render(report_format, sample, "fr", tmp_path, {"no-such-option": "1"})
        self.assert_clear_error(caught.value, "no-such-option")

    def test_a_bad_option_value_is_refused_clearly(self, report_format, tmp_path):
        sample = self.first_rendered(report_format, tmp_path)
        bad = {"bool": "peut-être", "int": "douze", "choice": "no-such-choice"}
        for option in report_format.options:
            if option.type in bad:
                with pytest.raises(ActionplanError) as caught:
                    self.render(report_format, sample, "fr", tmp_path, {option.name: bad[option.type]})
                self.assert_clear_error(caught.value, option.name)

    def test_every_declared_option_value_renders(self, report_format, tmp_path):
        """Each value of a bool or choice option renders in one language at least; a value that
        conflicts with another option's default there (CSV: ``delimiter=,`` with French decimal
        commas) is refused clearly."""
        sample = self.first_rendered(report_format, tmp_path)
        for option in report_format.options:
            values = {"bool": (True, False), "choice": option.choices}.get(option.type, ())
            for value in values:
                rendered = []
                for lang in LANGUAGES:
                    try:
                        rendered.append(self.rendered(report_format, sample, lang, tmp_path, {option.name: value}))
                    except ActionplanError as error:
                        self.assert_clear_error(error)
                assert rendered, f"{option.name}={value} renders in no language"

    # -- the samples ------------------------------------------------------------------------
    @pytest.mark.parametrize("lang", LANGUAGES)
    @pytest.mark.parametrize("sample_name", REPORT_SAMPLE_NAMES)
    def test_every_sample_renders_in_both_languages(self, report_format, sample_name, lang, tmp_path):
        sample = report_sample(sample_name)
        for options in self.option_sets:
            self.rendered(report_format, sample, lang, tmp_path, options)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_hostile_text_stays_inert(self, report_format, lang, tmp_path):
        sample = report_sample("hostile")
        for options in self.option_sets:
            payload = self.rendered(report_format, sample, lang, tmp_path, options)
            if payload is not None:
                problems = injection_problems(payload, report_format.media_type)
                assert not problems, f"{report_format.name} in {lang}: {problems}"

    @pytest.mark.parametrize("sample_name", REPORT_SAMPLE_NAMES)
    def test_the_same_input_gives_the_same_bytes(self, report_format, sample_name, tmp_path):
        sample = report_sample(sample_name)
        first = self.rendered(report_format, sample, "fr", tmp_path)
        if first is not None:
            again = self.render(report_format, sample, "fr", tmp_path)
            assert again == first, f"{report_format.name} is not reproducible: two renders of {sample_name} differ"

    def test_the_language_changes_the_output(self, report_format, tmp_path):
        """French and English outputs differ; with ``language_aware = False`` they are the same."""
        sample = self.first_rendered(report_format, tmp_path)
        french = self.render(report_format, sample, "fr", tmp_path)
        english = self.render(report_format, sample, "en", tmp_path)
        if self.language_aware:
            assert french != english, f"{report_format.name}: the French and English outputs are the same"
        else:
            assert french == english, f"{report_format.name} says language_aware = False, yet the language changes it"
