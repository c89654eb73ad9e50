"""Two ``actionplan serve`` processes on one throwaway PostgreSQL share everything.

A session opened through one is valid on the other; a partner writes through both; the
coordinator approves through both; a revocation through the command line shuts both.
"""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

import actionplan
from conftest import INDICATOR_A, PARTNER_A, PASSWORD, PLAN_ID, TRACKING, Server, csrf_of, invite, run_cli, seed

pytest.importorskip("actionplan_postgresql")


class Browser:
    """A client that keeps the session cookie itself (it is ``Secure``; the servers listen on plain loopback)."""

    def __init__(self):
        self.cookie = ""
        self.http = httpx.Client(follow_redirects=False, timeout=30)

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        headers = {"cookie": self.cookie} if self.cookie else {}
        response = self.http.request(method, url, headers=headers, **kwargs)
        found = re.match(r"(actionplan_session=[^;]*)", response.headers.get("set-cookie", ""))
        if found:
            self.cookie = found.group(1)
        return response

    def get(self, url: str) -> httpx.Response:
        return self.request("GET", url)

    def post(self, url: str, data: dict) -> httpx.Response:
        return self.request("POST", url, data=data)


@pytest.fixture(scope="module")
def pg_url(postgres_server) -> str:
    url = postgres_server.new_store_url()
    seed(url)
    return url


@pytest.fixture(scope="module")
def servers(pg_url):
    first = Server(pg_url)
    try:
        second = Server(pg_url)
    except Exception:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


def test_two_processes_share_sessions_writes_and_revocations(servers, pg_url):
    one, two = servers
    link = invite(pg_url, PARTNER_A, base=one.base)
    partner = Browser()
    assert partner.get(link).status_code == 303
    organisation_page = f"/plans/{PLAN_ID}/organisations/{PARTNER_A}"
    assert partner.get(two.base + organisation_page).status_code == 200  # the session opened by one, read by two
    form = f"/plans/{PLAN_ID}/indicators/{INDICATOR_A}/update"
    today = dt.date.today().isoformat()
    for server, value in ((one, "2"), (two, "3")):
        csrf = csrf_of(partner.get(server.base + form).text)
        response = partner.post(server.base + form, {"csrf": csrf, "value": value, "date": today,
                                                    "note": f"par {server.port}"})
        assert response.status_code == 303, response.text

    coordinator = Browser()
    csrf = csrf_of(coordinator.get(two.base + "/login").text)
    assert coordinator.post(two.base + "/login", {"csrf": csrf, "name": "coord", "password": PASSWORD}).status_code == 303
    queue = coordinator.get(one.base + f"/plans/{PLAN_ID}/review").text
    ids = re.findall(r'action="/plans/[^/]+/review/([^"]+)"', queue)
    ids = list(dict.fromkeys(ids))
    seeded = [m.id for m in actionplan.load(TRACKING).pending()]  # the seed log's updates still waiting
    assert len(seeded) == 3 and ids[:3] == seeded and len(ids) == 5
    ids = ids[3:]  # the two this partner just submitted
    for server, update_id in zip((one, two), ids, strict=True):
        page = coordinator.get(server.base + f"/plans/{PLAN_ID}/review")
        response = coordinator.post(server.base + f"/plans/{PLAN_ID}/review/{update_id}",
                                    {"csrf": csrf_of(page.text), "decision": "approve"})
        assert response.status_code == 303, response.text
    with actionplan.open_store(pg_url) as store:
        approved = [u for u in store.updates(PLAN_ID, status="approved") if u.id in ids]  # not the seed log's one
        assert len(approved) == 2
        assert sorted(u.measurement.note for u in approved) == sorted([f"par {one.port}", f"par {two.port}"])
        assert {u.reviewed_by for u in approved} == {"coord"}
        assert all(u.submitted_by.startswith(PARTNER_A) for u in approved)

    assert run_cli("web", "revoke", link, store=pg_url).returncode == 0
    for server in (one, two):
        assert partner.get(server.base + organisation_page).headers["location"] == "/login"
