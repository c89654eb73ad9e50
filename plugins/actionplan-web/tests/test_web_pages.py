"""The pages do what they say: updates in each indicator's own form, review, hostile text kept inert,
the calendar feed, the grant program's pages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest

import actionplan
from conftest import INDICATOR_A, PARTNER_A, PLAN_ID, ROOT, csrf_of, run_cli
from test_web_security import client, login, partner, snapshot

from actionplan_web.app import create_app

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
TODAY = dt.date.today().isoformat()


@pytest.fixture(scope="module")
def app(seeded_url):
    return create_app(seeded_url)


def submit(browser, indicator: str, **fields) -> object:
    path = f"/plans/{PLAN_ID}/indicators/{indicator}/update"
    csrf = csrf_of(browser.get(path).text)
    return browser.post(path, data={"csrf": csrf, "date": TODAY, **fields})


def updates(url: str, **filters):
    with actionplan.open_store(url) as store:
        return store.updates(PLAN_ID, **filters)


def indicator_of_kind(url: str, kind: str) -> str:
    with actionplan.open_store(url) as store:
        plan = store.get(PLAN_ID).document
    return next(i.id for *_, i in plan.iter_indicators() if i.kind == kind)


@pytest.mark.parametrize(("kind", "fields", "expected"), [
    ("count", {"value": "1 234,5"}, {"value": Decimal("1234.5")}),
    ("rate", {"numerator": "18", "denominator": "24"}, {"numerator": Decimal(18), "denominator": Decimal(24)}),
    ("qualitative", {"level": "satisfaisant"}, {"level": "satisfaisant"}),
    ("deliverable", {"done": "yes"}, {"done": True}),
    ("milestone", {"done": "no"}, {"done": False}),
])
def test_an_update_in_each_indicators_own_form_is_recorded_as_submitted(app, seeded_url, kind, fields, expected):
    indicator = indicator_of_kind(seeded_url, kind)
    browser = login(app)
    page = browser.get(f"/plans/{PLAN_ID}/indicators/{indicator}/update")
    assert page.status_code == 200
    response = submit(browser, indicator, note=f"forme {kind}", evidence="https://example.org/preuve", **fields)
    assert response.status_code == 303, unescape(response.text)
    (update,) = [u for u in updates(seeded_url, status="submitted") if u.measurement.note == f"forme {kind}"]
    for name, value in expected.items():
        assert getattr(update.measurement, name) == value
    assert update.measurement.date == dt.date.today()
    assert update.measurement.evidence == "https://example.org/preuve"
    assert update.submitted_by == "coord"


def test_coverage_lists_the_indicators_territories(app, seeded_url):
    indicator = indicator_of_kind(seeded_url, "coverage")
    browser = login(app)
    page = browser.get(f"/plans/{PLAN_ID}/indicators/{indicator}/update")
    choices = re.findall(r'name="territories" value="([^"]+)"', page.text)
    assert choices
    assert submit(browser, indicator, territories=choices[:1], note="forme couverture").status_code == 303
    (update,) = [u for u in updates(seeded_url) if u.measurement.note == "forme couverture"]
    assert update.measurement.territories == tuple(choices[:1])


@pytest.mark.parametrize(("fields", "words"), [
    ({"value": "beaucoup"}, "n'est pas un nombre"),
    ({"value": ""}, "Inscrivez une valeur"),
    ({"value": "-3"}, "négati"),
    ({"value": "3", "date": "2026-02-30"}, "date complète"),
    ({"value": "3", "evidence": "javascript:alert(1)"}, "https://"),
])
def test_a_bad_update_is_refused_with_its_reason_and_nothing_is_stored(app, seeded_url, fields, words):
    browser = partner(app, seeded_url, PARTNER_A)
    before = snapshot(seeded_url)
    response = submit(browser, INDICATOR_A, **fields)
    assert response.status_code == 422
    assert words in unescape(response.text)
    assert snapshot(seeded_url) == before


def test_a_hostile_note_is_inert_text_on_every_page_that_shows_it(app, seeded_url):
    browser = partner(app, seeded_url, PARTNER_A)
    assert submit(browser, INDICATOR_A, value="1", note=HOSTILE).status_code == 303
    coordinator = login(app)
    queue = coordinator.get(f"/plans/{PLAN_ID}/review")
    (update_id,) = [u.id for u in updates(seeded_url, status="submitted") if u.measurement.note == HOSTILE]
    csrf = csrf_of(queue.text)
    assert coordinator.post(f"/plans/{PLAN_ID}/review/{update_id}",
                            data={"csrf": csrf, "decision": "return", "note": HOSTILE}).status_code == 303
    pages = [queue, browser.get(f"/plans/{PLAN_ID}/organisations/{PARTNER_A}"),
             coordinator.get(f"/plans/{PLAN_ID}/organisations/{PARTNER_A}")]
    assert all(page.status_code == 200 for page in pages)
    for page in pages:
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page.text
    assert "note de la coordination" in unescape(pages[1].text)


def test_review_approves_returns_and_refuses_what_cannot_be(app, seeded_url):
    browser = partner(app, seeded_url, PARTNER_A)
    for note in ("à approuver", "à renvoyer"):
        assert submit(browser, INDICATOR_A, value="2", note=note).status_code == 303
    by_note = {u.measurement.note: u.id for u in updates(seeded_url, status="submitted")}
    coordinator = login(app)
    queue = coordinator.get(f"/plans/{PLAN_ID}/review")
    assert "à approuver" in unescape(queue.text) and "à renvoyer" in unescape(queue.text)
    csrf = csrf_of(queue.text)
    path = f"/plans/{PLAN_ID}/review/"
    no_note = coordinator.post(path + by_note["à renvoyer"], data={"csrf": csrf, "decision": "return"})
    assert no_note.status_code == 422 and "écrivez une note" in unescape(no_note.text)
    approved = coordinator.post(path + by_note["à approuver"], data={"csrf": csrf, "decision": "approve"})
    assert approved.status_code == 303 and approved.headers["location"].endswith("?done=approve")
    assert "Mise à jour approuvée" in unescape(coordinator.get(approved.headers["location"]).text)
    returned = coordinator.post(path + by_note["à renvoyer"], data={"csrf": csrf, "decision": "return",
                                                                    "note": "le chiffre de septembre manque"})
    assert returned.status_code == 303
    before = snapshot(seeded_url)
    again = coordinator.post(path + by_note["à approuver"], data={"csrf": csrf, "decision": "approve"})
    assert again.status_code == 409
    assert snapshot(seeded_url) == before
    unknown = coordinator.post(path + "u-inconnue", data={"csrf": csrf, "decision": "approve"})
    assert unknown.status_code == 404
    states = {u.measurement.note: (u.status, u.reviewed_by, u.review_note) for u in updates(seeded_url)}
    assert states["à approuver"] == ("approved", "coord", None)
    assert states["à renvoyer"] == ("returned", "coord", "le chiffre de septembre manque")
    page = unescape(browser.get(f"/plans/{PLAN_ID}/organisations/{PARTNER_A}").text)
    assert "renvoyée" in page and "le chiffre de septembre manque" in page


def test_the_calendar_feed_opens_with_its_link_only(app, seeded_url):
    browser = partner(app, seeded_url, PARTNER_A)
    page = browser.get(f"/plans/{PLAN_ID}/organisations/{PARTNER_A}")
    (feed,) = re.findall(r'href="(/calendar/[^"]+\.ics)"', page.text)
    anonymous = client(app)  # a calendar application has no session
    response = anonymous.get(feed)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    body = response.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in body.split("\r\n"))
    assert anonymous.get(feed.replace(".ics", "x.ics")).status_code == 403


def test_an_organisations_page_and_feed_list_what_actionplan_due_lists(app, seeded_url):
    """The page's « À remettre » and the calendar feed follow the core's due rules (the same as
    ``actionplan due``): each late or due update by indicator and period, read with the store's
    review states."""
    import icalendar

    from actionplan.api import plan_due

    with actionplan.open_store(seeded_url) as store:
        plan = store.plan_with_measurements(PLAN_ID)
        owed = plan_due(plan, dt.date.today(), updates=store.updates(PLAN_ID),
                        organisation=PARTNER_A).organisation(PARTNER_A)
    assert owed is not None and (owed.late or owed.due), "the seed plan's cadence owes this partner updates"
    browser = partner(app, seeded_url, PARTNER_A)
    page = unescape(browser.get(f"/plans/{PLAN_ID}/organisations/{PARTNER_A}").text)
    section = page[page.index('id="due-h"'):page.index('id="ind-h"')]
    for item in (*owed.late, *owed.due):
        assert item.indicator.label in section and f"période {item.period}" in section
    (feed,) = re.findall(r'href="(/calendar/[^"]+\.ics)"', page)
    calendar = icalendar.Calendar.from_ical(client(app).get(feed).content)
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    for item in (*owed.late, *owed.due):
        assert f"Mise à jour due — {item.indicator.label} ({item.period})" in summaries
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize(("lang", "pattern", "singular"), [
    ("fr", r"(\d+) (actions?) sur (\d+) (affichées?)", ("action", "affichée")),
    ("en", r"(\d+) of (\d+) (actions) shown", None),
])
def test_the_dashboards_filter_count_agrees_with_its_number(app, seeded_url, lang, pattern, singular):
    from test_web_security import login

    with actionplan.open_store(seeded_url) as store:
        plan = store.get(PLAN_ID).document
    browser = login(app)
    if lang != "fr":
        assert browser.get(f"/language/{lang}?next=/").status_code == 303
    counts = set()
    for theme in plan.themes:
        page = unescape(browser.get(f"/plans/{PLAN_ID}?theme={theme.id}").text)
        found = re.search(pattern, page)
        assert found, page[page.rfind('filter-count') - 100:][:400]
        shown = int(found.group(1))
        assert shown == sum(len(o.actions) for o in theme.objectives)
        counts.add(shown)
        if singular is not None:
            words = (found.group(2), found.group(4))
            assert words == (singular if shown <= 1 else ("actions", "affichées"))
    assert len(counts) > 1


def test_the_grant_program_pages_show_verdicts_with_their_reasons_and_the_ledger(tmp_path):
    url = f"sqlite:{tmp_path / 'alliance.db'}"
    with actionplan.open_store(url) as store:
        store.save(actionplan.load(ROOT / "examples" / "alliance-maskoutains-2019-2023.yaml"))
        store.save(actionplan.load(ROOT / "examples" / "alliance-maskoutains-demandes.yaml"))
    from conftest import PASSWORD

    assert run_cli("web", "user", "add", "coord", "--password-stdin", store=url, stdin=PASSWORD + "\n").returncode == 0
    app = create_app(url)
    browser = login(app)
    home = unescape(browser.get("/").text)
    assert "/plans/alliance-maskoutains-2019-2023/program" in home
    page = browser.get("/plans/alliance-maskoutains-2019-2023/program")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Alliance pour la solidarité 2019-2023" in text
    assert "admissible" in text and "non admissible" in text
    assert "✓" in text and "✗" in text
    assert "Registre budgétaire" in text and "\u00a0$" in text
    assert browser.get(f"/plans/{PLAN_ID}/program").status_code == 404  # this store has no such plan


def test_an_update_dated_in_a_closed_period_is_refused_in_words(app, seeded_url):
    with actionplan.open_store(seeded_url) as store:
        store.close_period(PLAN_ID, "2025", author="coordination")
    try:
        browser = partner(app, seeded_url, PARTNER_A)
        before = snapshot(seeded_url)
        response = submit(browser, INDICATOR_A, value="2", date="2025-06-01")
        assert response.status_code == 422
        text = unescape(response.text)
        assert "la période 2025" in text and "est clôturée" in text and "actionplan reopen" in text
        assert snapshot(seeded_url) == before  # the store's one check: nothing written
    finally:
        with actionplan.open_store(seeded_url) as store:
            store.reopen_period(PLAN_ID, "2025", reason="fin du test", author="coordination")
