"""The report format conformance kit on the built-in formats, and the kit's own checks."""

from __future__ import annotations

import pytest

from actionplan.testing import ReportFormatConformance
from actionplan.testing.reports import injection_problems, output_problems


class TestHtml(ReportFormatConformance):
    format_name = "html"


class TestMarkdown(ReportFormatConformance):
    format_name = "markdown"


class TestCsv(ReportFormatConformance):
    format_name = "csv"
    option_sets = ({}, {"delimiter": "tab", "decimal": ".", "bom": False})


class TestJson(ReportFormatConformance):
    format_name = "json"


# -- the kit's checks catch what they are there to catch -------------------------------------------


@pytest.mark.parametrize(("media_type", "payload", "problem"), [
    ("text/html", b"<p>a</div>", "close no element"),
    ("text/html", "<p>a\x01b</p>".encode(), "control character"),
    ("application/xml", b"<a>Tom & Jerry</a>", "not well-formed"),
    ("application/json", b'{"a": NaN}', "not valid JSON"),
    ("application/json", b'{"a": 1', "not valid JSON"),
    ("text/csv", b'a;b\r\n"x;y";z;extra\r\n', "same number of cells"),
    ("text/calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:a\nb\r\nEND:VCALENDAR\r\n", "bare line break"),
    ("text/calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", "closes nothing"),
    ("text/markdown", b"\xff\xfe", "not valid utf-8"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK not a zip", "not a valid zip"),
    ("text/plain", b"", "empty"),
    ("application/pdf", b"<html>not a pdf</html>", "%PDF-"),
])
def test_output_problems_finds_broken_syntax(media_type, payload, problem):
    problems = output_problems(payload, media_type)
    assert any(problem in found for found in problems), problems


def test_output_problems_accepts_well_formed_output():
    assert output_problems(b"<!DOCTYPE html><ul><li>a<li>b</ul><br><p>c", "text/html") == []  # omitted end tags
    assert output_problems(b'\xef\xbb\xbf"a;b";c\r\n1;2\r\n', "text/csv; charset=utf-8") == []
    assert output_problems(b"BEGIN:VCALENDAR\r\nX-A;P=1:a\r\n b\r\nEND:VCALENDAR\r\n", "text/calendar") == []
    assert output_problems(b"\x00\x01", "application/octet-stream") == []  # nothing to read back
    assert output_problems(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", "application/pdf") == []


def _zip(name: str, xml: bytes) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(name, xml)
    return buffer.getvalue()


@pytest.mark.parametrize(("media_type", "payload"), [
    ("text/html", b"<p><script>alert('actionplan-injected')</script></p>"),
    ("text/html", b"<p title=\"\"><img src=x onerror=alert(\"actionplan-injected\")></p>"),
    ("text/html", b"<p><actionplan-injected>x</actionplan-injected></p>"),
    ("application/xml", b"<a><actionplan-injected/></a>"),
    ("text/csv", b"a;b\r\n=HYPERLINK(1);2\r\n"),
    ("text/markdown", b"# Plan <script>alert('actionplan-injected')</script>\n"),
    ("text/markdown", b"ligne 1\n# actionplan-injected-line\n"),
    ("text/calendar", b"BEGIN:VCALENDAR\r\nSUMMARY:actionplan-injected-line\r\nEND:VCALENDAR\r\n"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     _zip("xl/worksheets/sheet1.xml", b"<c><f>HYPERLINK(\"actionplan-injected\")</f></c>")),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     _zip("word/_rels/document.xml.rels", b'<R><Relationship Target="http://evil.example/?actionplan-injected"/></R>')),
])
def test_injection_problems_finds_hostile_text_turned_active(media_type, payload):
    assert injection_problems(payload, media_type)


def test_injection_problems_accepts_hostile_text_shown_as_text():
    shown = b"<p title=\"&lt;script&gt;actionplan-injected\">&lt;script&gt;alert('actionplan-injected')</p>"
    assert injection_problems(shown, "text/html") == []
    assert injection_problems(b"a;b\r\n'=HYPERLINK(1);-2,5\r\n", "text/csv") == []  # quoted formula, negative number
    assert injection_problems(b"`<script>actionplan-injected</script>` \\# actionplan-injected-line\n",
                              "text/markdown") == []


def test_the_kit_fails_a_format_that_lets_hostile_text_through(register_plugin, tmp_path):
    """A naive HTML format (no escaping, a clock in its output) fails the kit's tests."""
    import datetime as dt

    import actionplan
    from actionplan.reports import ReportFormat, ReportOption, get_format

    def naive(plan, ctx):
        titles = "".join(f"<h2>{t.title}</h2>" for t in plan.themes)
        clock = dt.datetime.now().isoformat() if ctx.options["clock"] else ""
        return f"<html><body><h1>{plan.title}</h1>{titles}<p>{clock}</p>".encode()

    class Naive:
        @actionplan.hookimpl
        def actionplan_register_report_formats(self, register):
            register(ReportFormat("naive-html", ".html", "unescaped", naive, media_type="text/html",
                                  options=[ReportOption("clock", "the time of writing", default=True, type="bool")]))

    register_plugin(Naive())
    kit = type("TestNaive", (ReportFormatConformance,), {"format_name": "naive-html"})()
    fmt = get_format("naive-html")
    with pytest.raises(AssertionError, match="hostile text"):
        kit.test_hostile_text_stays_inert(fmt, "fr", tmp_path)
    with pytest.raises(AssertionError, match="not reproducible"):
        kit.test_the_same_input_gives_the_same_bytes(fmt, "concertation-horizon-2026", tmp_path)
    kit.option_sets = ({"clock": False},)
    kit.options_for = lambda sample, folder: {"clock": False}
    with pytest.raises(AssertionError, match="French and English outputs are the same"):
        kit.test_the_language_changes_the_output(fmt, tmp_path)
