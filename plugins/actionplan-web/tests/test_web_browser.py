"""The site as people use it: a partner on a phone, then the coordinator, in a real Chromium.

One ``actionplan serve`` process and one browser serve the whole module; screenshots go to
the test's temporary folder.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

import actionplan
from actionplan.api import PlanView, ReportContext, plan_progress
from conftest import INDICATOR_A, PARTNER_A, PASSWORD, PLAN_ID, invite

PHONE = {"width": 390, "height": 844}


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def indicator_row(page, label: str) -> str:
    """The dashboard's row of the indicator labelled ``label`` (its text)."""
    row = page.locator("table.indicators tr", has=page.locator("th", has_text=label)).first
    return re.sub(r"\s+", " ", row.inner_text())


def expected_value(url: str, lang: str = "fr") -> str:
    """What the dashboard must show for the indicator, from the store's counted measurements."""
    with actionplan.open_store(url) as store:
        plan = store.plan_with_measurements(PLAN_ID)
    progress = plan_progress(plan, dt.date.today())
    loc = ReportContext(as_of=dt.date.today(), lang=lang).loc
    indicator_progress = next(ip for theme in progress.themes for objective in theme.objectives
                              for action in objective.actions for ip in action.indicators
                              if ip.indicator.id == INDICATOR_A)
    return PlanView(plan, progress, loc).value_text(indicator_progress)


@pytest.fixture(scope="module")
def label(seeded_url) -> str:
    with actionplan.open_store(seeded_url) as store:
        return store.get(PLAN_ID).document.find_indicator(INDICATOR_A).label


def test_a_partner_reports_from_a_phone_and_the_coordinator_approves(server, browser, seeded_url, label, tmp_path):
    link = invite(seeded_url, PARTNER_A, base=server.base)
    before = expected_value(seeded_url)

    # the partner opens the invitation link on a phone
    partner = browser.new_context(viewport=PHONE, locale="fr-CA")
    page = partner.new_page()
    page.goto(link)
    assert page.url == f"{server.base}/plans/{PLAN_ID}/organisations/{PARTNER_A}"
    assert page.locator("h1").inner_text() == "Communauté de pratique en sécurité alimentaire"
    assert page.locator(".who").inner_text() == "Organisme\u00a0: Communauté de pratique en sécurité alimentaire"
    no_sideways_scrolling(page)
    page.screenshot(path=str(tmp_path / "1-organisation.png"), full_page=True)

    page.locator(f'a[href="/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update"]').first.click()
    assert page.locator("h1").inner_text() == label
    no_sideways_scrolling(page)
    page.fill("#value", "7")
    page.fill("#note", "Sept rencontres tenues à l'automne")
    page.fill("#evidence", "https://example.org/compte-rendu.pdf")
    page.screenshot(path=str(tmp_path / "2-form.png"), full_page=True)
    page.get_by_role("button", name="Soumettre la mise à jour").click()
    assert "Mise à jour soumise" in page.locator("p.notice").inner_text()
    assert "en attente de revue" in page.locator(".pending").first.inner_text()
    no_sideways_scrolling(page)
    page.screenshot(path=str(tmp_path / "3-pending.png"), full_page=True)
    assert expected_value(seeded_url) == before  # a submitted update does not count yet

    # the coordinator logs in and approves it
    coordinator = browser.new_context(viewport=PHONE, locale="fr-CA")
    desk = coordinator.new_page()
    desk.goto(f"{server.base}/plans/{PLAN_ID}/review")
    assert desk.url == f"{server.base}/login"
    desk.fill("#name", "coord")
    desk.fill("#password", PASSWORD)
    desk.get_by_role("button", name="Se connecter").click()
    desk.goto(f"{server.base}/plans/{PLAN_ID}/review")
    item = desk.locator(".review-item", has_text="Sept rencontres tenues à l'automne")
    assert item.count() == 1
    assert PARTNER_A in item.inner_text()
    no_sideways_scrolling(desk)
    desk.screenshot(path=str(tmp_path / "4-review.png"), full_page=True)
    item.get_by_role("button", name="Approuver").click()
    assert "Mise à jour approuvée" in desk.locator("p.notice").inner_text()

    # the dashboard shows the new progress
    after = expected_value(seeded_url)
    assert after != before
    desk.goto(f"{server.base}/plans/{PLAN_ID}")
    no_sideways_scrolling(desk)
    assert re.sub(r"\s+", " ", after) in indicator_row(desk, label)
    desk.screenshot(path=str(tmp_path / "5-dashboard.png"))
    for screenshot in ("1-organisation", "2-form", "3-pending", "4-review", "5-dashboard"):
        assert (tmp_path / f"{screenshot}.png").stat().st_size > 1000
    partner.close()
    coordinator.close()


def test_the_dashboard_filters_without_javascript_and_switches_to_english(server, browser, tmp_path):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.base}/login")
    page.fill("#name", "coord")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{server.base}/plans/{PLAN_ID}")
    every = page.locator("article.action").count()
    page.select_option("select[name=status]", "late")
    page.get_by_role("button", name="Filtrer").click()
    assert "status=late" in page.url
    late = page.locator("article.action").count()
    assert 0 < late < every
    words = "action sur {} affichée" if late == 1 else "actions sur {} affichées"
    assert f"{late} " + words.format(every) in page.locator(".filter-count").inner_text()
    no_sideways_scrolling(page)
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en-CA"
    assert "status=late" in page.url and page.get_by_role("button", name="Filter").count() == 1
    page.screenshot(path=str(tmp_path / "filtered-en.png"), full_page=False)
    context.close()
