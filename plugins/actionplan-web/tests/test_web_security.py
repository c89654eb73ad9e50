"""Nobody gets in where they don't belong, and a refused request stores nothing.

The site runs in process (Starlette's test client, over "https" so secure cookies travel);
every test that is refused checks the store is as it was.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from html import unescape

import attrs
import pytest

import actionplan
from conftest import (
    INDICATOR_A,
    INDICATOR_B,
    PARTNER_A,
    PARTNER_B,
    PASSWORD,
    PLAN_ID,
    csrf_of,
    invite,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's test client warns about its httpx dependency
    from starlette.testclient import TestClient

from actionplan_web import records
from actionplan_web.app import create_app
from actionplan_web.security import Signer


@pytest.fixture(scope="module")
def app(seeded_url):
    return create_app(seeded_url)


_ADDRESSES = itertools.count(1)


def client(app) -> TestClient:
    """A browser of its own: its own cookies and its own address (failed attempts are counted per address)."""
    address = f"192.0.2.{next(_ADDRESSES) % 250 + 1}"
    return TestClient(app, base_url="https://testserver", follow_redirects=False, raise_server_exceptions=False,
                      client=(address, 50000))


def snapshot(url: str) -> tuple:
    """What the store holds that a refused request must not change."""
    with actionplan.open_store(url) as store:
        documents = tuple((info.id, info.version) for info in store.list(include_deleted=True))
        return documents, len(store.measurement_records(PLAN_ID)), len(store.event_records(PLAN_ID))


def login(app, name: str = "coord", password: str = PASSWORD) -> TestClient:
    browser = client(app)
    form = browser.get("/login")
    response = browser.post("/login", data={"csrf": csrf_of(form.text), "name": name, "password": password})
    assert response.status_code == 303, response.text
    return browser


def partner(app, url: str, organisation: str) -> TestClient:
    link = invite(url, organisation)
    browser = client(app)
    response = browser.get(link.removeprefix("https://testserver"))
    assert response.status_code == 303
    assert response.headers["location"] == f"/plans/{PLAN_ID}/organisations/{organisation}"
    return browser


def make_invitation(url: str, organisation: str, **changes) -> str:
    """An invitation saved in the store (``changes`` make it expired or revoked); its link's path."""
    invitation = attrs.evolve(records.new_invitation(organisation, PLAN_ID, 30, None), **changes)
    with actionplan.open_store(url) as store:
        store.save(invitation)
        token = Signer(records.site_secret(store)).invitation_token(invitation.id)
    return f"/join/{token}"


# -- headers, errors ---------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(app):
    browser = client(app)
    for path in ("/login", "/no-such-page", "/static/web.css"):
        headers = browser.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy  # no script may run at all
        assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "server" not in headers


def test_the_session_cookie_is_secure_httponly_and_samesite(app):
    response = client(app).get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_pages_need_a_credential(app):
    browser = client(app)
    for path in ("/", f"/plans/{PLAN_ID}", f"/plans/{PLAN_ID}/review", f"/plans/{PLAN_ID}/download/csv",
                 f"/plans/{PLAN_ID}/organisations/{PARTNER_A}", f"/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update"):
        response = browser.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path


def test_a_server_error_shows_no_trace_and_no_path(app, monkeypatch):
    import actionplan_web.app as module

    def broken(*args, **kwargs):
        raise RuntimeError("/secret/path/in/the/server.py exploded")

    browser = login(app)
    monkeypatch.setattr(module, "dashboard_parts", broken)
    response = browser.get(f"/plans/{PLAN_ID}")
    assert response.status_code == 500
    assert "Une erreur est survenue de notre côté" in unescape(response.text)
    for leak in ("Traceback", "RuntimeError", "/secret/path", ".py", "site-packages"):
        assert leak not in response.text
    assert "content-security-policy" in response.headers


def test_not_found_is_a_page_of_the_site_in_french_then_english(app):
    browser = client(app)
    assert "Cette page n'existe pas" in unescape(browser.get("/nowhere").text)
    browser.get("/language/en?next=/login")
    assert "This page does not exist" in unescape(browser.get("/nowhere").text)


def test_the_language_switch_only_redirects_inside_the_site(app):
    browser = client(app)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = browser.get("/language/en", params={"next": target})
        assert response.headers["location"] == "/"
    assert browser.get("/language/en", params={"next": "/login"}).headers["location"] == "/login"


# -- logins -----------------------------------------------------------------------------------------


def test_a_coordinator_logs_in_and_out(app):
    browser = login(app)
    assert browser.get("/").status_code == 200
    page = browser.get(f"/plans/{PLAN_ID}")
    assert page.status_code == 200 and "Concertation Horizon" in page.text
    assert f'href="/plans/{PLAN_ID}/organisations/{PARTNER_A}"' in page.text  # a coordinator reaches every partner
    response = browser.post("/logout", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 303
    assert browser.get(f"/plans/{PLAN_ID}").headers["location"] == "/login"


def test_fifty_wrong_passwords_in_a_row_are_throttled(app, seeded_url):
    browser = client(app)
    csrf = csrf_of(browser.get("/login").text)
    statuses = [browser.post("/login", data={"csrf": csrf, "name": "victim", "password": f"guess-{n}"}).status_code
                for n in range(50)]
    assert statuses[:records.LOGIN_LIMIT_PER_ACCOUNT] == [401] * records.LOGIN_LIMIT_PER_ACCOUNT
    assert set(statuses[records.LOGIN_LIMIT_PER_ACCOUNT:]) == {429}
    throttled = browser.post("/login", data={"csrf": csrf, "name": "victim", "password": "guess"})
    assert "Trop de tentatives échouées" in unescape(throttled.text)
    with actionplan.open_store(seeded_url) as store:  # the attempts past the limit were not even checked
        key = records.attempt_key("name", "victim")
        assert records.recent_failures(store, "login-failed", key) == records.LOGIN_LIMIT_PER_ACCOUNT


def test_a_throttled_account_refuses_even_the_right_password(app, seeded_url):
    with actionplan.open_store(seeded_url) as store:
        for _ in range(records.LOGIN_LIMIT_PER_ACCOUNT):
            records.record_failure(store, "login-failed", records.attempt_key("name", "coord2"))
    from conftest import run_cli

    assert run_cli("web", "user", "add", "coord2", "--password-stdin", store=seeded_url,
                   stdin=PASSWORD + "\n").returncode == 0
    browser = client(app)
    response = browser.post("/login", data={"csrf": csrf_of(browser.get("/login").text), "name": "coord2",
                                            "password": PASSWORD})
    assert response.status_code == 429


def test_a_post_without_its_csrf_token_is_refused_and_stores_nothing(app, seeded_url):
    before = snapshot(seeded_url)
    browser = partner(app, seeded_url, PARTNER_A)
    before = snapshot(seeded_url)
    form = {"value": "3", "date": dt.date.today().isoformat(), "note": "sans jeton"}
    for token in (None, "", "forged-token"):
        data = form if token is None else {**form, "csrf": token}
        response = browser.post(f"/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update", data=data)
        assert response.status_code == 403
        assert "Le formulaire a expiré" in unescape(response.text)
    anonymous = client(app)
    assert anonymous.post("/login", data={"name": "coord", "password": PASSWORD}).status_code == 403
    assert snapshot(seeded_url) == before


# -- invitations ------------------------------------------------------------------------------------


def test_expired_and_revoked_invitations_open_nothing(app, seeded_url):
    past = (records.utcnow() - dt.timedelta(minutes=1)).isoformat()
    expired = make_invitation(seeded_url, PARTNER_A, expires=past)
    revoked = make_invitation(seeded_url, PARTNER_A, revoked=records.utcnow().isoformat(), revoked_by="tests")
    before = snapshot(seeded_url)
    for link, words in ((expired, "a expiré"), (revoked, "a été révoqué"), ("/join/forged.token", "n'est pas valide")):
        browser = client(app)
        response = browser.get(link)
        assert response.status_code == 403 and words in unescape(response.text)
        assert browser.get(f"/plans/{PLAN_ID}").headers["location"] == "/login"
    documents, measurements, events = snapshot(seeded_url)
    assert (documents, measurements, events) == before


def test_revoking_an_invitation_ends_the_sessions_it_opened(app, seeded_url):
    from conftest import run_cli

    link = invite(seeded_url, PARTNER_B)
    browser = client(app)
    browser.get(link.removeprefix("https://testserver"))
    assert browser.get(f"/plans/{PLAN_ID}").status_code == 200
    result = run_cli("web", "revoke", link, store=seeded_url)
    assert result.returncode == 0, result.stderr
    assert browser.get(f"/plans/{PLAN_ID}").headers["location"] == "/login"
    assert client(app).get(link.removeprefix("https://testserver")).status_code == 403


def test_failed_invitation_links_are_throttled(app, seeded_url):
    browser = client(app)
    statuses = [browser.get(f"/join/guess{n}", headers={"x-forwarded-for": "ignored"}).status_code for n in range(14)]
    assert 429 in statuses and statuses.index(429) <= records.TOKEN_LIMIT_PER_ADDRESS


# -- partners stay in their lane ------------------------------------------------------------------------


def test_partner_a_cannot_submit_for_partner_b(app, seeded_url):
    browser = partner(app, seeded_url, PARTNER_A)
    before = snapshot(seeded_url)
    path = f"/plans/{PLAN_ID}/indicators/{INDICATOR_B}/update"
    assert browser.get(path).status_code == 403
    page = browser.get(f"/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update")
    response = browser.post(path, data={"csrf": csrf_of(page.text), "value": "5",
                                        "date": dt.date.today().isoformat()})
    assert response.status_code == 403
    assert "un autre organisme" in unescape(response.text)
    assert snapshot(seeded_url) == before


def test_a_partner_cannot_open_the_review_queue_nor_another_organisation(app, seeded_url):
    browser = partner(app, seeded_url, PARTNER_A)
    before = snapshot(seeded_url)
    assert f"/organisations/{PARTNER_B}" not in browser.get(f"/plans/{PLAN_ID}").text
    assert browser.get(f"/plans/{PLAN_ID}/review").status_code == 403
    page = browser.get(f"/plans/{PLAN_ID}/organisations/{PARTNER_A}")
    assert page.status_code == 200
    response = browser.post(f"/plans/{PLAN_ID}/review/u-anything", data={"csrf": csrf_of(page.text),
                                                                         "decision": "approve"})
    assert response.status_code == 403
    assert browser.get(f"/plans/{PLAN_ID}/organisations/{PARTNER_B}").status_code == 404
    assert snapshot(seeded_url) == before


#: (A bare ``..`` segment is resolved by the client before it is sent, as a browser does: the encoded forms reach the site.)
HOSTILE_IDS = ["x'; DROP TABLE documents; --", "1 OR 1=1", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..%5C..%5Cwindows",
               "a%00b", "web-site", "web-account.coord"]


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_ids_shaped_like_injections_or_traversals_are_refused(app, seeded_url, hostile):
    browser = login(app)
    csrf = csrf_of(browser.get("/").text)
    before = snapshot(seeded_url)
    for path in (f"/plans/{hostile}", f"/plans/{hostile}/download/csv", f"/plans/{PLAN_ID}/download/{hostile}",
                 f"/plans/{PLAN_ID}/organisations/{hostile}", f"/plans/{PLAN_ID}/indicators/{hostile}/update",
                 f"/calendar/{hostile}.ics", f"/join/{hostile}"):
        status = browser.get(path).status_code
        assert status in (403, 404), (path, status)
    for path in (f"/plans/{hostile}/review/u1", f"/plans/{PLAN_ID}/review/{hostile}"):
        assert browser.post(path, data={"csrf": csrf, "decision": "approve"}).status_code == 404, path
    assert snapshot(seeded_url) == before
    with actionplan.open_store(seeded_url) as store:
        assert store.get(PLAN_ID).document.id == PLAN_ID  # the database is intact and readable


def test_a_replaced_password_ends_the_sessions_it_opened(app, seeded_url):
    from conftest import run_cli

    assert run_cli("web", "user", "add", "remi", "--password-stdin", store=seeded_url,
                   stdin=PASSWORD + "\n").returncode == 0
    browser = login(app, "remi")
    assert browser.get(f"/plans/{PLAN_ID}").status_code == 200
    assert run_cli("web", "user", "add", "remi", "--password-stdin", "--replace", store=seeded_url,
                   stdin="un-tout-autre-mot-de-passe\n").returncode == 0
    assert browser.get(f"/plans/{PLAN_ID}").headers["location"] == "/login"
    assert run_cli("web", "user", "remove", "remi", store=seeded_url).returncode == 0
    anonymous = client(app)
    refused = anonymous.post("/login", data={"csrf": csrf_of(anonymous.get("/login").text), "name": "remi",
                                             "password": "un-tout-autre-mot-de-passe"})
    assert refused.status_code == 401  # a removed account logs in no more


def test_an_oversized_form_is_refused_before_it_is_read(app, seeded_url):
    browser = partner(app, seeded_url, PARTNER_A)
    page = browser.get(f"/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update")
    before = snapshot(seeded_url)
    response = browser.post(f"/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update",
                            data={"csrf": csrf_of(page.text), "value": "1", "date": dt.date.today().isoformat(),
                                  "note": "x" * 100_000})
    assert response.status_code == 413
    assert snapshot(seeded_url) == before
    long_note = browser.post(f"/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update",
                             data={"csrf": csrf_of(page.text), "value": "1", "date": dt.date.today().isoformat(),
                                   "note": "x" * 5000})
    assert long_note.status_code == 400
    assert snapshot(seeded_url) == before
