"""The dashboard opened as a board member would: in a real (headless) Chromium, from a file.

Playwright drives Debian's ``/usr/bin/chromium`` (its own browser download is not needed);
without Playwright the same checks run through Chromium's ``--dump-dom`` and
``--screenshot`` (the filters are then chosen through the address's ``#fragment``, which
the dashboard reads). Skipped, with the reason, only where no Chromium is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_reports import AS_OF, seed_plan

from actionplan.reports import render_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium installed (apt-get install chromium)"),
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - CI installs it; the CDP-free path below covers machines without it
    sync_playwright = None


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    path = folder / "rapport.html"
    path.write_bytes(render_report(seed_plan(), "html", as_of=AS_OF, lang="fr", illustrative=True))
    return path


def expected_counts():
    """How many actions each filter must leave, computed from the plan itself."""
    plan = seed_plan()
    from actionplan.progress import plan_progress

    progress = plan_progress(plan, AS_OF)
    actions = [a for t in progress.themes for o in t.objectives for a in o.actions]
    themes = {t.theme.id: sum(len(o.actions) for o in t.objectives) for t in progress.themes}
    partner = sum(1 for a in actions if any(p.organisation == "table-des-partenaires" for p in a.action.partners))
    late = sum(1 for a in actions if any(i.status == "late" for i in a.indicators))

    def touches(action, territory):
        ids = set(action.action.territories)
        for indicator in action.action.indicators:
            ids.update(indicator.target_territories)
            for m in indicator.measurements:
                ids.update(m.territories)
                ids.update([m.territory] if m.territory else [])
        return territory in ids

    roussillon = sum(1 for a in actions if touches(a, "mrc:roussillon"))
    return len(actions), themes, partner, late, roussillon


@pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed; the CDP-free test below runs instead")
def test_dashboard_in_chromium_with_playwright(dashboard):
    total, themes, partner, late, roussillon = expected_counts()
    problems, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS[1:])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(dashboard.as_uri())
            page.wait_for_load_state("load")

            def shown() -> int:
                return page.locator("article.action:visible").count()

            def count_text() -> str:
                return page.locator("#filter-count").inner_text()

            assert page.locator("#filters").is_visible()  # the script ran and revealed the filters
            assert shown() == total and count_text() == f"Actions affichées\u00a0: {total} sur {total}"
            page.screenshot(path=str(dashboard.parent / "dashboard.png"))

            page.select_option("#f-theme", "logement")
            assert shown() == themes["logement"]
            assert set(page.locator("article.action:visible").evaluate_all(
                "els => els.map(e => e.dataset.theme)")) == {"logement"}
            assert not page.locator("#theme-transport").is_visible()
            assert page.locator("#filtered-note").is_visible()
            assert "#theme=logement" in page.url  # the view can be shared as a link
            page.screenshot(path=str(dashboard.parent / "dashboard-logement.png"), full_page=False)

            page.select_option("#f-theme", "")
            page.select_option("#f-partner", "table-des-partenaires")
            assert shown() == partner
            page.select_option("#f-partner", "")
            page.select_option("#f-territory", "mrc:roussillon")
            assert shown() == roussillon
            page.select_option("#f-territory", "")
            page.select_option("#f-status", "late")
            assert shown() == late
            visible_rows = page.locator("article.action:visible tr[data-indicator-status]:visible")
            assert set(visible_rows.evaluate_all("els => els.map(e => e.dataset.indicatorStatus)")) == {"late"}
            assert page.locator("#attention tbody tr:visible").count() == 2  # only the late ones are left
            page.click("#f-reset")
            # poll from Python: wait_for_function evaluates a string, which the page's CSP forbids
            for _ in range(100):
                if shown() == total:
                    break
                page.wait_for_timeout(50)
            assert shown() == total
            assert not page.locator("#filtered-note").is_visible()

            page.goto(dashboard.as_uri() + "#theme=transport&status=at_risk")
            page.wait_for_load_state("load")
            assert page.locator("#f-theme").input_value() == "transport"
            assert 0 < shown() < themes["transport"]

            page.emulate_media(media="print")  # « print to PDF »: no filters, every section there
            assert not page.locator("#filters").is_visible()
            page.goto(dashboard.as_uri())
            pdf = page.pdf(format="Letter")
            assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
            (dashboard.parent / "dashboard.pdf").write_bytes(pdf)
            page.emulate_media(media="screen")
            page.screenshot(path=str(dashboard.parent / "dashboard-full.png"), full_page=True)
        finally:
            browser.close()
    assert not problems, problems
    assert requests and all(url.startswith("file://") and url.split("#")[0] == dashboard.as_uri() for url in requests)
    for name in ("dashboard.png", "dashboard-logement.png", "dashboard-full.png"):
        assert (dashboard.parent / name).stat().st_size > 20_000


class _Actions(HTMLParser):
    def __init__(self):
        super().__init__()
        self.shown, self.hidden = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article" and "data-filter-item" in attributes:
            (self.hidden if "hidden" in attributes else self.shown).append(attributes.get("data-theme"))


def _dump(dashboard: Path, fragment: str, profile: Path) -> tuple[_Actions, str]:
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=3000", "--dump-dom", dashboard.as_uri() + fragment],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    parser = _Actions()
    parser.feed(result.stdout)
    return parser, result.stderr


def test_dashboard_in_chromium_without_devtools(dashboard, tmp_path):
    """The CDP-free way: Chromium's own --dump-dom and --screenshot, filters given in the #fragment."""
    total, themes, _, late, _ = expected_counts()
    everything, log = _dump(dashboard, "", tmp_path / "p1")
    assert len(everything.shown) == total and not everything.hidden
    logement, log2 = _dump(dashboard, "#theme=logement", tmp_path / "p2")
    assert set(logement.shown) == {"logement"} and len(logement.shown) == themes["logement"]
    only_late, log3 = _dump(dashboard, "#status=late", tmp_path / "p3")
    assert len(only_late.shown) == late
    for text in (log, log2, log3):  # console errors and refused requests are logged by Chromium
        assert not re.search(r"Uncaught|Refused to|CONSOLE.*[Ee]rror|net::ERR_", text), text[-2000:]
    shot = tmp_path / "dashboard-cli.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'p4'}", "--window-size=1280,1600",
                    f"--screenshot={shot}", dashboard.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000


def _figures(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(
        ['kpi-total', 'kpi-actions', 'kpi-achieved', 'kpi-attention', 'kpi-targets']
        .map(id => [id, document.getElementById(id).textContent]))""")


def _expected_figures(items, actions: int) -> dict[str, str]:
    """What the overview must say of these indicators, worded by the report's own Localizer."""
    from actionplan.progress import rollup
    from actionplan.reports.labels import Localizer

    loc, summary = Localizer("fr"), rollup(items)
    achieved, total = summary.counts["achieved"], summary.total
    return {"kpi-total": loc.number(total), "kpi-actions": loc.number(actions),
            "kpi-achieved": loc.percent(Decimal(achieved) / total), "kpi-attention":
            loc.number(summary.counts["late"] + summary.counts["at_risk"]), "kpi-targets": loc.percent(summary.fraction)}


@pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed")
def test_dashboard_figures_follow_the_filters_and_the_page_reads_on_a_phone(dashboard):
    from actionplan.progress import plan_progress

    progress = plan_progress(seed_plan(), AS_OF)
    themes = {t.theme.id: t for t in progress.themes}
    logement = themes["logement"]
    every = [a for t in progress.themes for o in t.objectives for a in o.actions]
    with_tp = [a for a in every if any(p.organisation == "table-des-partenaires" for p in a.action.partners)]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser, page = _browser_page(playwright, problems)
        try:
            page.goto(dashboard.as_uri())
            everything = _figures(page)
            assert everything == _expected_figures([i for a in every for i in a.indicators], len(every))

            page.select_option("#f-theme", "logement")  # a board member looks at « Logement » only
            figures = _figures(page)
            assert figures == _expected_figures([i for o in logement.objectives for a in o.actions for i in a.indicators],
                                                sum(len(o.actions) for o in logement.objectives))
            assert figures["kpi-total"] == str(logement.rollup.total) != everything["kpi-total"]
            rows = page.locator("[data-theme-row]:visible")
            assert rows.count() == 1 and rows.first.get_attribute("data-theme-row") == "logement"
            cells = rows.first.locator("[data-count]").evaluate_all(
                "els => Object.fromEntries(els.map(e => [e.dataset.count, e.textContent]))")
            assert cells == {"total": str(logement.rollup.total),
                             **{status: str(n) for status, n in logement.rollup.counts.items()}}

            page.select_option("#f-theme", "")
            page.select_option("#f-partner", "table-des-partenaires")
            assert _figures(page) == _expected_figures([i for a in with_tp for i in a.indicators], len(with_tp))
            page.click("#f-reset")
            for _ in range(100):
                if _figures(page) == everything:
                    break
                page.wait_for_timeout(50)
            assert _figures(page) == everything  # the figures as written come back

            # « 2 fois par année et en continu pour ajouts »: two occurrences, not one bar over the year
            row = page.locator("#timeline tr:has(a[href='#action-log-o1-a1'])")
            boxes = [row.locator(".seg-occurrence").nth(n).bounding_box() for n in range(2)]
            lane = row.locator(".lane").bounding_box()
            assert row.locator(".seg-occurrence").count() == 2 and row.locator(".seg-span").count() == 0
            assert all(box["width"] < lane["width"] * 0.55 for box in boxes)  # half a year each
            assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] + 1
            schedule = page.locator("#timeline tr:has(a[href='#action-com-o3-a4']) .g-sched-text")
            text = schedule.get_attribute("title")
            assert text.startswith("→ Une rencontre") and schedule.evaluate("e => e.scrollWidth <= e.clientWidth")

            page.set_viewport_size({"width": 390, "height": 844})  # a phone
            page.goto(dashboard.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=str(dashboard.parent / "dashboard-390.png"))
            assert page.locator(".themes-table").bounding_box()["width"] <= 390
            assert not page.locator("#timeline thead").is_visible()  # the timeline is a list of dates in words
            occurrence = page.locator("#timeline tr:has(a[href='#action-log-o1-a1']) .seg-occurrence").first
            assert occurrence.is_visible() and "occurrence du" in occurrence.inner_text()
            page.select_option("#f-theme", "logement")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=str(dashboard.parent / "dashboard-390-logement.png"), full_page=True)
            page.set_viewport_size({"width": 360, "height": 780})  # the narrower phones too
            page.goto(dashboard.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        finally:
            browser.close()
    assert not problems, problems
    assert (dashboard.parent / "dashboard-390.png").stat().st_size > 20_000


def _browser_page(playwright, problems: list[str]):
    """Chromium and a desktop-sized page whose script errors land in ``problems``."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS[1:])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return browser, page


@pytest.fixture(scope="module")
def packed_dashboard(tmp_path_factory) -> Path:
    """The seed dashboard written as a large plan's is (option pack=yes): long sections compressed, unpacked on demand."""
    path = tmp_path_factory.mktemp("packed") / "rapport.html"
    path.write_bytes(render_report(seed_plan(), "html", as_of=AS_OF, lang="fr", options={"pack": "yes"}))
    return path


def _poll(page, predicate) -> None:
    """Wait (from Python: the page's CSP forbids evaluated strings) until ``predicate()`` holds, 5 s at most."""
    for _ in range(100):
        if predicate():
            return
        page.wait_for_timeout(50)


@pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed")
def test_a_packed_dashboard_unpacks_when_filtered_opened_or_jumped_to(dashboard, packed_dashboard):
    from actionplan.progress import plan_progress

    assert packed_dashboard.stat().st_size < dashboard.stat().st_size / 3
    progress = plan_progress(seed_plan(), AS_OF)
    logement = next(t for t in progress.themes if t.theme.id == "logement")
    every = [a for t in progress.themes for o in t.objectives for a in o.actions]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser, page = _browser_page(playwright, problems)
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        try:
            def shown() -> int:
                return page.locator("article.action:visible").count()

            page.goto(packed_dashboard.as_uri())
            page.wait_for_load_state("load")
            assert page.locator("#filters").is_visible() and shown() == 0  # the overview only, at first
            assert page.locator("#details [data-unpack]").inner_text() == "Afficher la section"
            from actionplan.reports.labels import localizer

            every_shown = localizer("fr")("filter.shown", shown=len(every), total=len(every))
            assert page.locator("#filter-count").inner_text() == every_shown  # counted before anything is unpacked
            everything = _figures(page)
            assert everything == _expected_figures([i for a in every for i in a.indicators], len(every))

            page.select_option("#f-theme", "logement")  # filtering unpacks, then filters
            expected = sum(len(o.actions) for o in logement.objectives)
            _poll(page, lambda: shown() == expected)
            assert shown() == expected and not page.locator("[data-unpack]").count()
            assert page.locator("#filter-count").inner_text() == localizer("fr")("filter.shown", shown=expected,
                                                                                  total=len(every))
            assert _figures(page) == _expected_figures(
                [i for o in logement.objectives for a in o.actions for i in a.indicators], expected)

            page.goto(packed_dashboard.as_uri())  # a fresh page: the button unpacks every section
            page.wait_for_load_state("load")
            page.click("#timeline [data-unpack]")
            _poll(page, lambda: shown() == len(every))
            assert shown() == len(every) and page.locator("#timeline tbody tr").count() > 0

            target = every[-1].action.id  # a link to an action still packed: unpacked, then shown
            page.goto(packed_dashboard.as_uri() + "#action-" + target)
            page.wait_for_load_state("load")
            _poll(page, lambda: page.locator(f"#action-{target}").count() == 1)
            assert page.locator(f"#action-{target}").is_visible()
        finally:
            browser.close()
    assert problems == []
