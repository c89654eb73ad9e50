"""Funded projects feeding the plan (issue 12, item 3): contributions, reported measurements,
``grants feed`` through the plan's review, and the money per theme and fiscal year beside progress."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from ruamel.yaml import YAML

import actionplan
from actionplan import open_store
from actionplan.documents import from_data, to_data
from actionplan.grants.chain import replay
from actionplan.grants.results import check_results, money_by_theme, plan_feed, reported_measurements
from actionplan.progress import plan_progress
from actionplan.reports import render_report

from test_storage_cli import run  # noqa: F401 - the store commands' runner (a fresh folder, no store set)

PROGRAM = "alliance-maskoutains-2019-2023.yaml"
APPLICATIONS = "alliance-maskoutains-demandes.yaml"
RESULTS = "alliance-maskoutains-resultats.yaml"
PLAN = "alliance-maskoutains-resultats"
AS_OF = dt.date(2023, 3, 31)


@pytest.fixture
def copies(tmp_path, examples):
    for name in (PROGRAM, APPLICATIONS, RESULTS):
        shutil.copy(examples / name, tmp_path / name)
    return tmp_path


def plain(text: str) -> str:
    """French output with its no-break spaces read as spaces (the typography has its own tests)."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def ap(run):
    """The command line in a fresh folder, its French read with plain spaces."""
    def call(*args: str) -> tuple[int, str, str]:
        code, out, err = run(*args)
        return code, plain(out), plain(err)
    return call


def _load(path: Path):
    return actionplan.load(path)


def _edit(path: Path, change) -> None:
    """Change the YAML file at ``path`` in place (``change(data)``)."""
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def _issues(document, plan):
    return {(i.path, i.render("en")) for i in check_results(document, {plan.id: plan})}


# -- model and checks ---------------------------------------------------------------------------


def test_the_example_links_check_clean(examples):
    document, plan = _load(examples / APPLICATIONS), _load(examples / RESULTS)
    assert check_results(document, {PLAN: plan}) == []
    d02 = document.application("d-02")
    assert d02.contributes.plan == PLAN and d02.contributes.indicators == ("r2-participants",)
    assert [m.value for m in document.reports[0].measurements] == [Decimal(14), Decimal(6)]
    assert document.reports[0].measurements[0].territory == "mun:saint-hyacinthe"


def test_every_bad_link_is_an_issue_with_its_path(examples):
    document, plan = _load(examples / APPLICATIONS), _load(examples / RESULTS)
    apps = list(document.applications)
    d02 = next(i for i, a in enumerate(apps) if a.id == "d-02")
    apps[d02] = attrs.evolve(apps[d02], contributes=attrs.evolve(
        apps[d02].contributes, indicators=("r2-participant",), territories=("mun:saint-pie", "mun:candiac")))
    reports = list(document.reports)
    reports[0] = attrs.evolve(reports[0], measurements=(
        attrs.evolve(reports[0].measurements[0], territory="mun:saint-jude"),  # not where d-02 works
        attrs.evolve(reports[0].measurements[1], indicator="r1-menages"),  # an indicator d-02 does not name
    ))
    reports[1] = attrs.evolve(reports[1], measurements=(
        attrs.evolve(reports[1].measurements[0], indicator="r9-nothing"),  # not the plan's
        attrs.evolve(reports[1].measurements[1], value=None),  # a count without a value
    ))
    bad = attrs.evolve(document, applications=tuple(apps), reports=tuple(reports))
    issues = _issues(bad, plan)
    paths = {path for path, _ in issues}
    assert f"applications[{d02}].contributes.indicators[0]" in paths  # r2-participant: did you mean…
    assert f"applications[{d02}].contributes.territories[1]" in paths  # Candiac is outside d-02's territories
    assert "reports[0].measurements[1].indicator" in paths
    assert "reports[1].measurements[0].indicator" in paths
    texts = dict(issues)
    assert "did you mean 'r2-participants'" in texts[f"applications[{d02}].contributes.indicators[0]"]
    assert "outside the application's" in texts[f"applications[{d02}].contributes.territories[1]"]
    assert "d-02 does not contribute to this indicator" in texts["reports[0].measurements[1].indicator"]
    assert "not an indicator of the plan" in texts["reports[1].measurements[0].indicator"]
    assert any(path.startswith("reports[1].measurements[1]") for path in paths)  # the value does not fit a count
    # the territory: within d-02's application territories? Saint-Jude is not, so it is refused
    bad_territory = attrs.evolve(document, reports=(attrs.evolve(document.reports[0], measurements=(
        attrs.evolve(document.reports[0].measurements[0], territory="mun:saint-jude"),)),))
    assert ("reports[0].measurements[0].territory",
            "reports[0].measurements[0].territory: territory outside those where d-02 contributes; "
            "expected mun:saint-hyacinthe, mun:saint-pie, found 'mun:saint-jude'") in _issues(bad_territory, plan)


def test_a_plan_the_store_does_not_have_and_a_report_without_contribution(examples):
    document, plan = _load(examples / APPLICATIONS), _load(examples / RESULTS)
    issues = check_results(document, {})
    assert {i.path for i in issues} == {f"applications[{i}].contributes.plan" for i, a in
                                        enumerate(document.applications) if a.contributes}
    apps = tuple(attrs.evolve(a, contributes=None) if a.id == "d-08" else a for a in document.applications)
    lost = attrs.evolve(document, applications=apps)
    assert [(i.path, plain(i.render("fr"))) for i in check_results(lost, {PLAN: plan})] == [
        ("reports[2].measurements", "reports[2].measurements : d-08 ne nomme aucun indicateur de plan auquel il "
                                    "contribue (contributes) : ses mesures ne peuvent compter nulle part")]


def test_an_agreement_may_name_what_the_project_contributes_to(examples):
    from actionplan.grants.results import contribution_of
    from actionplan.model.grants import Contribution

    document = _load(examples / APPLICATIONS)
    agreements = tuple(attrs.evolve(a, contributes=Contribution(PLAN, ("r3-menages-loges",)))
                       if a.application == "d-06" else a for a in document.agreements)
    changed = attrs.evolve(document, agreements=agreements)
    assert contribution_of(changed, "d-06").indicators == ("r3-menages-loges",)
    assert contribution_of(changed, "d-01").indicators == ("r1-menages", "r2-participants")
    assert from_data(to_data(changed)) == changed  # written and read back whole
    assert to_data(changed)["agreements"][2]["contributes"] == {"plan": PLAN, "indicators": ["r3-menages-loges"]}


def test_a_report_of_an_application_not_funded_is_refused(ap, copies):
    def report_for_d03(data):
        data["reports"].append({"application": "d-03", "report": "reddition-finale", "received": dt.date(2021, 1, 5),
                                "measurements": [{"indicator": "r3-menages-loges", "date": dt.date(2020, 12, 31),
                                                  "value": 3}]})
    _edit(copies / APPLICATIONS, report_for_d03)
    assert ap("save", RESULTS)[0] == 0
    code, out, err = ap("grants", "feed", PROGRAM, APPLICATIONS)
    assert code == 2 and out == ""
    assert "reports[3]" in err and "d-03 : un rapport suit la signature de l'entente" in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.updates(PLAN) == []


# -- feeding the plan ---------------------------------------------------------------------------


def _value(store, indicator: str):
    return plan_progress(store.plan_with_measurements(PLAN), AS_OF).indicator(indicator).value


def test_feed_submits_once_and_only_approved_updates_move_progress(ap, copies):
    assert ap("save", PROGRAM, RESULTS)[0] == 0
    code, out, err = ap("grants", "feed", PROGRAM, APPLICATIONS, "--dry-run")
    assert code == 0, err
    assert "5 mesures seraient soumises à la révision (--dry-run : rien n'est écrit)" in out
    with open_store("sqlite:actionplan.db") as store:
        assert store.updates(PLAN) == []  # a dry run writes nothing

    code, out, err = ap("grants", "feed", PROGRAM, APPLICATIONS)
    assert code == 0, err
    assert "alliance-maskoutains-resultats : 5 mesures soumises à la révision" in out
    assert "d-02.reddition-finale.1 : Personnes accompagnées vers l'emploi = 14 personnes — Saint-Hyacinthe" in out
    with open_store("sqlite:actionplan.db") as store:
        waiting = store.updates(PLAN, status="submitted")
        assert [u.id for u in waiting] == ["d-02.reddition-finale.1", "d-02.reddition-finale.2",
                                           "d-01.reddition-finale.1", "d-01.reddition-finale.2",
                                           "d-08.reddition-finale.1"]
        assert waiting[0].submitted_by == "tremplin-emploi"  # the project's lead reported it
        assert _value(store, "r2-participants") is None  # submitted: nothing counts yet
        before = store.export()

    code, out, _ = ap("grants", "feed", PROGRAM, APPLICATIONS)  # idempotent
    assert code == 0
    assert "5 mesures déjà enregistrées, non reprises" in out and "soumise" not in out
    with open_store("sqlite:actionplan.db") as store:
        assert len(store.export().measurements) == len(before.measurements)

    code, out, err = ap("review", PLAN, "d-02.reddition-finale.1", "--approve", "--by", "coordination")
    assert code == 0, err
    with open_store("sqlite:actionplan.db") as store:
        assert _value(store, "r2-participants") == Decimal(14)
        assert _value(store, "r1-menages") is None  # still waiting
    code, out, _ = ap("history", PLAN)
    assert "d-02.reddition-finale.1" in out and "update-approved" in out


def test_a_returned_update_is_fed_again_corrected_and_a_changed_one_is_refused(ap, copies):
    assert ap("save", RESULTS)[0] == 0
    assert ap("grants", "feed", PROGRAM, APPLICATIONS, "--into", PLAN)[0] == 0
    assert ap("review", PLAN, "d-08.reddition-finale.1", "--return", "45 jeunes inscrits ou 45 présents ?",
               "--by", "coordination")[0] == 0

    def correct(data):
        data["reports"][2]["measurements"][0]["value"] = 41
        data["reports"][0]["measurements"][0]["value"] = 15  # d-02's, still waiting: may not change
    _edit(copies / APPLICATIONS, correct)
    code, out, err = ap("grants", "feed", PROGRAM, APPLICATIONS)
    assert code == 2 and out == ""
    assert "reports[0].measurements[0]" in err and "d-02.reddition-finale.1" in err
    with open_store("sqlite:actionplan.db") as store:
        assert len(store.updates(PLAN)) == 5  # all or none: the correction of d-08 is not recorded either

    _edit(copies / APPLICATIONS, lambda data: data["reports"][0]["measurements"][0].__setitem__("value", 14))
    code, out, err = ap("grants", "feed", PROGRAM, APPLICATIONS)
    assert code == 0, err
    assert "1 mesure soumise à la révision" in out and "d-08.reddition-finale.1.v2" in out
    with open_store("sqlite:actionplan.db") as store:
        assert store.update(PLAN, "d-08.reddition-finale.1.v2").measurement.value == Decimal(41)
        assert store.update(PLAN, "d-08.reddition-finale.1").status == "returned"


def test_a_plan_without_review_counts_fed_measurements_at_once(ap, copies):
    _edit(copies / RESULTS, lambda data: data.pop("review"))
    assert ap("save", RESULTS)[0] == 0
    code, out, _ = ap("grants", "feed", PROGRAM, APPLICATIONS)
    assert code == 0 and "5 mesures enregistrées et comptées" in out
    with open_store("sqlite:actionplan.db") as store:
        assert _value(store, "r2-participants") == Decimal(28)  # 14 + 6 + 8, by territory
        assert [u.status for u in store.updates(PLAN)] == ["counted"] * 5
    assert "(d-01.reddition-finale.1)" in ap("history", PLAN)[1]
    assert "5 mesures déjà enregistrées" in ap("grants", "feed", PROGRAM, APPLICATIONS)[1]


def test_feed_errors_are_clear_and_write_nothing(ap, copies):
    code, _, err = ap("grants", "feed", PROGRAM, APPLICATIONS)
    assert code == 2 and "le plan alliance-maskoutains-resultats" in err and "actionplan save" in err
    assert "Traceback" not in err
    assert ap("save", RESULTS)[0] == 0
    code, _, err = ap("grants", "feed", PROGRAM, APPLICATIONS, "--into", "autre-plan")
    assert code == 2 and "aucune demande ne contribue au plan autre-plan" in err
    _edit(copies / APPLICATIONS, lambda data: data["reports"][1]["measurements"][0].__setitem__("indicator", "r1-menage"))
    code, _, err = ap("--lang", "en", "grants", "feed", PROGRAM, APPLICATIONS)
    assert code == 2 and "reports[1].measurements[0].indicator" in err and "did you mean 'r1-menages'" in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.updates(PLAN) == []


def test_plan_feed_knows_what_is_new(examples):
    document = _load(examples / APPLICATIONS)
    reported = reported_measurements(document, PLAN)
    assert [r.path for r in reported][:2] == ["reports[0].measurements[0]", "reports[0].measurements[1]"]
    first = plan_feed(PLAN, reported, [])
    assert len(first.new) == 5 and not first.already and not first.issues

    class Held:
        def __init__(self, measurement, status):
            self.id, self.measurement, self.status = measurement.id, measurement, status

    again = plan_feed(PLAN, reported, [Held(r.measurement, "approved") for r in reported])
    assert not again.new and len(again.already) == 5


# -- the money by theme, beside progress --------------------------------------------------------


def _money(examples, as_of=None):
    program_plan, document, plan = (_load(examples / PROGRAM), _load(examples / APPLICATIONS),
                                    _load(examples / RESULTS))
    state = replay(program_plan.program, document, as_of=as_of, organisations=program_plan.organisations)
    return money_by_theme(plan, program_plan.program, document, state.dossiers)


def test_the_money_table_adds_up_and_counts_each_project_once_in_the_total(examples):
    money = _money(examples)
    assert money.years == ("2020-2021", "2021-2022", "2022-2023")  # 2019-2020: no envelope, no money
    food = money.row("priorite-1-securite-alimentaire")
    assert food.applications == ("d-01", "d-08")
    assert food.granted == {"2020-2021": 60000, "2021-2022": 70000, "2022-2023": 70000}
    assert food.paid_total == Decimal(200000)
    assert money.row("priorite-2-insertion-socioprofessionnelle").applications == ("d-01", "d-02", "d-06")
    # the total: every funded project once, what the chain granted and what was paid
    assert money.total.applications == ("d-01", "d-02", "d-06", "d-08")
    assert money.total.granted_total == Decimal(120000 + 60000 + 100000 + 80000)
    assert money.total.paid_total == Decimal(335000)
    assert money.total.granted == {"2020-2021": 150000, "2021-2022": 115000, "2022-2023": 95000}
    assert money.shared == ("d-01", "d-06", "d-08")
    assert sum(r.granted_total for r in money.rows) > money.total.granted_total  # shared projects, said so
    # a project in no theme of the plan keeps the total honest
    assert money.unlinked is None
    assert all(isinstance(v, Decimal) for r in money.rows for v in (*r.granted.values(), *r.paid.values()))


def test_the_money_follows_the_date(examples):
    money = _money(examples, as_of=dt.date(2021, 3, 31))
    assert money.total.applications == ("d-01", "d-02", "d-06")  # d-08 approved in 2022
    assert money.total.paid == {"2020-2021": 150000, "2021-2022": 0, "2022-2023": 0}


def test_the_dashboard_shows_money_per_theme_next_to_progress(examples):
    program_plan, plan = _load(examples / PROGRAM), _load(examples / RESULTS)
    html = render_report(plan, "html", as_of=AS_OF, lang="fr", program=program_plan.program,
                         grants=_money(examples)).decode("utf-8")
    section = html[html.index('id="funding"'):]
    section = section[:section.index("</section>")]
    assert "Financement et progrès par thème" in section
    assert "360\u00a0000\u00a0$" in section and "versé 335\u00a0000\u00a0$" in section
    assert "195\u00a0007\u00a0$" in html  # the program's budget, in its own section
    assert "compté en entier sous chacun (d-01, d-06, d-08)" in section
    english = render_report(plan, "html", as_of=AS_OF, lang="en", program=program_plan.program,
                            grants=_money(examples)).decode("utf-8")
    assert "Funding and progress by theme" in english and "$360,000" in english
    assert 'id="funding"' not in render_report(plan, "html", as_of=AS_OF, lang="fr").decode("utf-8")


def test_report_grants_option(ap, copies):
    code, out, err = ap("report", RESULTS, "-f", "html", "--as-of", "2023-03-31", "--grants", APPLICATIONS,
                        "-o", "tableau.html")
    assert code == 2 and "ni de plan 'alliance-maskoutains-2019-2023' dans le dépôt" in err  # the program: not stored
    assert not (copies / "tableau.html").exists()
    code, out, err = ap("report", RESULTS, "-f", "html", "--as-of", "2023-03-31", "--grants", APPLICATIONS,
                        "--program", PROGRAM, "-o", "tableau.html")
    assert code == 0, err
    html = (copies / "tableau.html").read_text(encoding="utf-8")
    assert 'id="funding"' in html and "Alliance pour la solidarité 2019-2023 — MRC des Maskoutains" in html
    code, _, err = ap("report", RESULTS, "-f", "html", "--program", PROGRAM, "-o", "x.html")
    assert code == 2 and "--program va avec --grants" in err
    code, _, err = ap("report", RESULTS, "-f", "html", "--grants", RESULTS, "-o", "y.html")
    assert code == 2 and RESULTS in err and not (copies / "y.html").exists()


# -- docs/grants.md walks through it ---------------------------------------------------------------

FEED_STEPS = ("feed-save", "feed-feed", "feed-again", "feed-approve", "feed-report")


def test_the_feed_walkthrough_of_docs_grants_runs_and_moves_the_indicator(ap, tmp_path, examples):
    import shlex

    from docblocks import worked_example

    text = (examples.parent / "docs" / "grants.md").read_text(encoding="utf-8")
    (tmp_path / "examples").mkdir()
    for path in examples.glob("alliance-maskoutains-*.yaml"):
        shutil.copy(path, tmp_path / "examples" / path.name)
    for step in FEED_STEPS:
        command, *expected = worked_example(text, step, "docs/grants.md").rstrip("\n").split("\n")
        assert command.startswith("$ actionplan "), step
        code, out, err = ap(*shlex.split(command)[2:])
        assert code == 0, (step, err)
        if expected != ["…"]:
            assert out.rstrip("\n").split("\n") == expected, (step, out)
    html = (tmp_path / "tableau.html").read_text(encoding="utf-8")
    # the approved final-report measurement moved the indicator; the others wait, shown apart
    with open_store("sqlite:actionplan.db") as store:
        progress = plan_progress(store.plan_with_measurements(PLAN), AS_OF)
        assert progress.indicator("r2-participants").value == Decimal(14)
        assert progress.indicator("r1-menages").value is None
    import re

    details = plain(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index('id="details"'):])))
    assert "Personnes accompagnées vers l&#39;emploi Nombre avec cible 40 personnes 14 personnes 31 mars 2022 35 %" \
        in details
    pending = html[html.index('id="pending"'):]
    pending = plain(pending[:pending.index("</section>")])
    assert "240 ménages" in pending and "45 jeunes" in pending
    funding = html[html.index('id="funding"'):]
    funding = plain(funding[:funding.index("</section>")])
    for figure in ("200 000 $", "280 000 $", "100 000 $", "80 000 $", "360 000 $", "versé 335 000 $", "35 %"):
        assert figure in funding, figure


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium installed (apt-get install chromium)")
def test_the_funding_table_in_chromium_as_a_board_member_reads_it(examples, tmp_path):
    """Opened in a real headless Chromium: the table is there, beside each theme's progress, readable on a phone."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    program_plan, plan = _load(examples / PROGRAM), _load(examples / RESULTS)
    from actionplan.model import Measurement, with_measurements

    counted = with_measurements(plan, [Measurement(date=dt.date(2022, 3, 31), value=Decimal(14),
                                                   territory="mun:saint-hyacinthe", indicator="r2-participants")])
    page_file = tmp_path / "tableau.html"
    page_file.write_bytes(render_report(counted, "html", as_of=AS_OF, lang="fr", program=program_plan.program,
                                        grants=_money(examples)))
    problems: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(page_file.as_uri())
        table = page.locator("#funding table")
        assert table.is_visible()
        rows = table.locator("tbody tr")
        assert rows.count() == 4
        first = plain(rows.nth(1).inner_text())
        assert "Insertion socioprofessionnelle" in first and "35 %" in first and "280 000 $" in first
        assert plain(table.locator("tfoot").inner_text()).count("360 000 $") == 1
        assert page.locator("#funding-shared").is_visible()
        page.locator("#funding").screenshot(path=str(tmp_path / "funding.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        right = page.evaluate("document.querySelector('#funding .table-scroll').getBoundingClientRect().right")
        assert right <= 390, right  # the wide table scrolls in its own box, inside the phone's width
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], width  # nor does anything in a scrolling box widen the page
        page.locator("#funding").screenshot(path=str(tmp_path / "funding-390.png"))
        browser.close()
    assert not problems, problems
    assert (tmp_path / "funding.png").stat().st_size > 10_000
